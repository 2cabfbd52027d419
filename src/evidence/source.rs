//! Where A's code comes from: the tree of a git revision (read through gix, no
//! checkout, no shell), or a folder on disk (walked with the `ignore` crate, so
//! `.gitignore` is honoured). Both list the files first, judged by path, then
//! read each one once, in parallel.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use gix::bstr::ByteSlice;
use rayon::prelude::*;

use super::EvidenceError;
use super::code::{SkipReason, skip_by_content, skip_by_path};
use crate::discover::is_vendored_folder;
use crate::discover::{Repository, git_error};

/// Where release A's code is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeSource {
    /// The tree of `revision` in the repository holding `repository`.
    Git {
        repository: PathBuf,
        revision: String,
        /// How reports name it: the revision as the user wrote it, or the merge base's story.
        label: String,
        /// The window's migrations folders, repository-relative.
        migrations: Vec<String>,
    },
    /// A folder on disk (`--code DIR`).
    Folder {
        root: PathBuf,
        /// The window's migrations folders, relative to `root`.
        migrations: Vec<String>,
    },
}

impl CodeSource {
    /// The folder `root` (`--code DIR`); `migrations`, the window's migrations
    /// folders on disk, are never code when they lie inside.
    pub fn folder(root: &Path, migrations: &[PathBuf]) -> CodeSource {
        let inside = |folder: &Path| {
            let relative =
                folder.canonicalize().ok()?.strip_prefix(root.canonicalize().ok()?).ok()?.to_path_buf();
            Some(slashed(&relative))
        };
        CodeSource::Folder {
            root: root.to_path_buf(),
            migrations: migrations.iter().filter_map(|folder| inside(folder)).collect(),
        }
    }

    /// The tree at `revision` of the repository holding `repository` (a path in
    /// its working tree); `migrations` as in [`CodeSource::folder`].
    pub fn revision(
        revision: &str,
        repository: &Path,
        migrations: &[PathBuf],
    ) -> Result<CodeSource, EvidenceError> {
        CodeSource::in_repository(repository, |_| Ok((revision.to_owned(), revision.to_owned())), migrations)
    }

    /// The tree of the merge base of `base` and HEAD (`check --base`) in the
    /// repository holding `repository`.
    pub fn merge_base(
        base: &str,
        repository: &Path,
        migrations: &[PathBuf],
    ) -> Result<CodeSource, EvidenceError> {
        CodeSource::in_repository(
            repository,
            |repo| {
                let merge_base = repo.merge_base_with_head(base)?;
                let short = merge_base.get(..10).unwrap_or(&merge_base);
                let label = format!("{short}, the merge base of `{base}` and HEAD");
                Ok((merge_base, label))
            },
            migrations,
        )
    }

    /// A revision `pick` chooses (with its label) in the repository holding `repository`.
    fn in_repository(
        repository: &Path,
        pick: impl FnOnce(&Repository) -> Result<(String, String), crate::discover::GitError>,
        migrations: &[PathBuf],
    ) -> Result<CodeSource, EvidenceError> {
        let repo = Repository::discover(repository)?;
        let (revision, label) = pick(&repo)?;
        let migrations = migrations.iter().map(|folder| repo.repo_relative(folder)).collect();
        Ok(CodeSource::Git { repository: repository.to_path_buf(), revision, label, migrations })
    }

    /// How reports name the code read.
    pub fn label(&self) -> String {
        match self {
            CodeSource::Git { label, .. } => format!("git {label}"),
            CodeSource::Folder { root, .. } => format!("folder {}", root.display()),
        }
    }
}

/// One file of A's code, not yet read.
struct Listed {
    /// Its path as reports show it.
    display: String,
    /// Its path relative to the code's root, `/`-separated.
    relative: String,
    locator: Locator,
}

enum Locator {
    Blob(gix::ObjectId),
    File(PathBuf),
}

/// A file of A's code, read.
pub struct CodeFile<'b> {
    pub display: &'b str,
    pub relative: &'b str,
    pub text: &'b str,
}

/// What reading A's code saw: the files read and those skipped, by reason.
#[derive(Debug, Default)]
pub struct Reading<R> {
    pub results: Vec<R>,
    pub files_read: usize,
    pub skipped: BTreeMap<SkipReason, usize>,
}

/// Into how many runs of files each thread's share of a git tree is cut: a run
/// opens the repository once (a gix repository is not shared between threads in
/// this build), and several runs a thread even out uneven files.
const RUNS_PER_THREAD: usize = 4;

/// Lists the files of `source`, reads each text file once and hands it to
/// `each`, in parallel; the results come back in path order.
pub fn read_code<R: Send>(
    source: &CodeSource,
    each: impl Fn(CodeFile<'_>) -> R + Sync,
) -> Result<Reading<R>, EvidenceError> {
    let (outcomes, skipped) = match source {
        CodeSource::Git { repository, revision, migrations, .. } => {
            let repo = Repository::discover(repository)?;
            let (listed, skipped) = list_tree(&repo, revision, migrations)?;
            let git_dir = repo.gix().git_dir().to_path_buf();
            let open = || {
                let mut repo = gix::open(&git_dir).ok()?;
                repo.object_cache_size_if_unset(4 * 1024 * 1024);
                Some(repo)
            };
            // A few runs of files per thread, each opening the repository once.
            let run = listed.len().div_ceil(rayon::current_num_threads() * RUNS_PER_THREAD).max(1);
            let outcomes: Vec<Result<R, SkipReason>> = listed
                .par_chunks(run)
                .flat_map_iter(|files| {
                    let repo = open();
                    let read = move |file: &Listed| match (&file.locator, repo.as_ref()) {
                        (Locator::Blob(id), Some(repo)) => {
                            repo.find_object(*id).map(|object| object.detach().data).ok()
                        }
                        _ => None,
                    };
                    files.iter().map(|file| judge(file, read(file), &each)).collect::<Vec<_>>()
                })
                .collect();
            (outcomes, skipped)
        }
        CodeSource::Folder { root, migrations } => {
            if !root.is_dir() {
                let path = root.display().to_string();
                return Err(if root.exists() {
                    EvidenceError::NotAFolder { path }
                } else {
                    EvidenceError::NoFolder { path }
                });
            }
            let (listed, skipped) = list_folder(root, migrations);
            let outcomes = listed
                .par_iter()
                .map(|file| {
                    let bytes = match &file.locator {
                        Locator::File(path) => std::fs::read(path).ok(),
                        Locator::Blob(_) => None,
                    };
                    judge(file, bytes, &each)
                })
                .collect();
            (outcomes, skipped)
        }
    };
    let mut reading = Reading { results: Vec::new(), files_read: 0, skipped };
    for outcome in outcomes {
        match outcome {
            Ok(result) => {
                reading.files_read += 1;
                reading.results.push(result);
            }
            Err(reason) => *reading.skipped.entry(reason).or_default() += 1,
        }
    }
    Ok(reading)
}

/// Judges a file by its content (`None`: it could not be read) and hands its code to `each`.
fn judge<R>(
    file: &Listed,
    bytes: Option<Vec<u8>>,
    each: &impl Fn(CodeFile<'_>) -> R,
) -> Result<R, SkipReason> {
    let bytes = bytes.ok_or(SkipReason::Unreadable)?;
    if let Some(reason) = skip_by_content(&bytes) {
        return Err(reason);
    }
    // Code in another encoding is read as far as it is UTF-8: names are ASCII.
    let text = String::from_utf8_lossy(&bytes);
    Ok(each(CodeFile { display: &file.display, relative: &file.relative, text: &text }))
}

/// Every blob of the tree at `revision`, judged by path.
fn list_tree(
    repo: &Repository,
    revision: &str,
    migrations: &[String],
) -> Result<(Vec<Listed>, BTreeMap<SkipReason, usize>), EvidenceError> {
    let tree = repo.tree(revision)?;
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree.traverse().breadthfirst(&mut recorder).map_err(git_error)?;
    let mut records = recorder.records;
    records.sort_by(|a, b| a.filepath.cmp(&b.filepath));
    let mut listed = Vec::new();
    let mut skipped = BTreeMap::new();
    for entry in records.into_iter().filter(|entry| !entry.mode.is_tree()) {
        let relative = entry.filepath.to_str_lossy().into_owned();
        let reason = if entry.mode.is_blob() {
            skip_by_path(&relative, migrations)
        } else {
            Some(SkipReason::Unreadable)
        };
        match reason {
            Some(reason) => *skipped.entry(reason).or_default() += 1,
            // Shown at its place in the working tree, as the migrations are; its
            // lines are the revision's.
            None => listed.push(Listed {
                display: repo.shown(&relative),
                relative,
                locator: Locator::Blob(entry.oid),
            }),
        }
    }
    Ok((listed, skipped))
}

/// Every file under `root` that `.gitignore` does not leave out, judged by path;
/// vendored folders are not walked and count once each.
fn list_folder(root: &Path, migrations: &[String]) -> (Vec<Listed>, BTreeMap<SkipReason, usize>) {
    let vendored = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&vendored);
    let walk = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .git_global(false)
        .parents(false)
        .sort_by_file_path(Path::cmp)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            let vendored =
                is_dir && entry.depth() > 0 && is_vendored_folder(&entry.file_name().to_string_lossy());
            if vendored {
                counted.fetch_add(1, Ordering::Relaxed);
            }
            !vendored
        })
        .build();
    let mut listed = Vec::new();
    let mut skipped = BTreeMap::new();
    for entry in walk {
        let Ok(entry) = entry else {
            *skipped.entry(SkipReason::Unreadable).or_default() += 1;
            continue;
        };
        match entry.file_type() {
            Some(kind) if kind.is_file() => {}
            Some(kind) if kind.is_dir() => continue,
            // A symbolic link (dangling or not, as at a revision), a FIFO, a socket:
            // not read, and counted, never left out in silence.
            _ => {
                *skipped.entry(SkipReason::Unreadable).or_default() += 1;
                continue;
            }
        }
        let path = entry.path();
        let relative = slashed(path.strip_prefix(root).unwrap_or(path));
        match skip_by_path(&relative, migrations) {
            Some(reason) => *skipped.entry(reason).or_default() += 1,
            None => listed.push(Listed {
                display: path.display().to_string(),
                relative,
                locator: Locator::File(path.to_path_buf()),
            }),
        }
    }
    let vendored = vendored.load(Ordering::Relaxed);
    if vendored > 0 {
        *skipped.entry(SkipReason::Vendored).or_default() += vendored;
    }
    (listed, skipped)
}

/// A relative path, `/`-separated.
fn slashed(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_and_fifos_in_a_code_folder_are_counted_not_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.ts"), "db.query('SELECT 1');\n").expect("write");
        std::os::unix::fs::symlink("missing.ts", dir.path().join("dangling.ts")).expect("symlink");
        std::os::unix::fs::symlink("a.ts", dir.path().join("link.ts")).expect("symlink");
        // A FIFO read would block forever: it must be counted, never opened.
        let fifo = std::process::Command::new("mkfifo").arg(dir.path().join("fifo.ts")).status();
        let not_files = if fifo.is_ok_and(|status| status.success()) { 3 } else { 2 };
        let (listed, skipped) = list_folder(dir.path(), &[]);
        let read: Vec<&str> = listed.iter().map(|file| file.relative.as_str()).collect();
        assert_eq!(read, ["a.ts"]);
        assert_eq!(skipped.get(&SkipReason::Unreadable), Some(&not_files), "{skipped:?}");
    }
}
