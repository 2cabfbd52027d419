//! Releases named by git revision: trees and blobs are read with gix, never through
//! a shell, so no revision or path can be taken for an option or a command.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gix::bstr::ByteSlice;
use gix::traverse::tree::recorder::Entry;
use miette::Diagnostic;
use rayon::prelude::*;
use thiserror::Error;

use super::release::{MANIFEST, left_out_folder_named};
use super::seen::{ShownFrom, working_directory};
use super::{MigrationsFolder, Release, ReleaseFile, SkipKind, Skipped, search, worth_reading};

/// Trouble reading releases from git (exit status 2).
#[derive(Debug, Error, Diagnostic)]
pub enum GitError {
    #[error("`{path}` is not inside a git repository")]
    #[diagnostic(
        code(rollsafe::not_a_repository),
        help("pass migration folders to --from and --to, or run rollsafe inside the repository")
    )]
    NotARepository { path: String },
    #[error("`{revision}` is neither a folder nor a revision of this repository")]
    #[diagnostic(code(rollsafe::unknown_revision), help("{help}"))]
    UnknownRevision { revision: String, help: String },
    #[error("the migrations folder `{folder}` does not exist at {revision}")]
    #[diagnostic(code(rollsafe::folder_missing), help("name the folder as it is at both revisions"))]
    FolderMissing { folder: String, revision: String },
    #[error("no migrations folder found at {revision}")]
    #[diagnostic(
        code(rollsafe::no_migrations_folder),
        help(
            "name the migrations folder after the command (`rollsafe audit --from v1 --to v2 db/migrations`, `rollsafe check --base main db/migrations`); searched the tree for folders named {searched} holding SQL files a migration layout can order"
        )
    )]
    NoFolder { revision: String, searched: String },
    #[error("git: {message}")]
    #[diagnostic(code(rollsafe::git))]
    Git { message: String },
}

pub(crate) fn git_error(error: impl std::fmt::Display) -> GitError {
    GitError::Git { message: error.to_string() }
}

/// The blobs read so far, by id: equal ids, equal bytes.
#[derive(Default)]
pub struct Blobs(HashMap<gix::ObjectId, Arc<[u8]>>);

/// Blobs read by one thread, with their ids.
type BlobsRead = Vec<(gix::ObjectId, Arc<[u8]>)>;

/// A git repository to read releases from.
pub struct Repository {
    repo: gix::Repository,
    /// The working tree's root, canonical.
    workdir: Option<PathBuf>,
    /// How its paths are shown: from the working directory.
    shown: ShownFrom,
}

impl Repository {
    /// The repository that holds `start`.
    pub fn discover(start: &Path) -> Result<Repository, GitError> {
        let repo = gix::discover(start)
            .map_err(|_| GitError::NotARepository { path: start.display().to_string() })?;
        let workdir = repo.workdir().and_then(|dir| dir.canonicalize().ok());
        let shown = ShownFrom::new(workdir.as_deref(), &working_directory());
        Ok(Repository { repo, workdir, shown })
    }

    /// The commit `revision` names, as a full hex id.
    pub fn resolve(&self, revision: &str) -> Result<String, GitError> {
        let id = self
            .repo
            .rev_parse_single(revision.as_bytes().as_bstr())
            .map_err(|_| self.unknown_revision(revision))?;
        let commit =
            id.object().map_err(git_error)?.peel_to_commit().map_err(|_| self.unknown_revision(revision))?;
        Ok(commit.id.to_string())
    }

    /// The id of the tree `revision` names, as full hex: equal ids, equal files.
    pub fn tree_id(&self, revision: &str) -> Result<String, GitError> {
        Ok(self.tree(revision)?.id.to_string())
    }

    /// The best common ancestor of `revision` and `HEAD`.
    pub fn merge_base_with_head(&self, revision: &str) -> Result<String, GitError> {
        let base = self.resolve(revision)?;
        let head = self.resolve("HEAD")?;
        let to_id = |hex: &str| gix::ObjectId::from_hex(hex.as_bytes()).map_err(git_error);
        let merge_base =
            self.repo.merge_base(to_id(&base)?, to_id(&head)?).map_err(|error| GitError::Git {
                message: format!("no merge base of `{revision}` and HEAD: {error}{}", self.shallow_hint()),
            })?;
        Ok(merge_base.to_string())
    }

    /// Whether commit `older` is an ancestor of commit `newer` (or the same).
    pub fn is_ancestor(&self, older: &str, newer: &str) -> Result<bool, GitError> {
        let to_id = |revision: &str| {
            let hex = self.resolve(revision)?;
            gix::ObjectId::from_hex(hex.as_bytes()).map_err(git_error)
        };
        let older = to_id(older)?;
        let base = self.repo.merge_base(older, to_id(newer)?).map_err(git_error)?;
        Ok(base == older)
    }

    /// The repository-relative form of a folder given relative to the working
    /// directory, if it lies in the working tree; else the folder as given.
    pub fn repo_relative(&self, folder: &Path) -> String {
        let absolute = std::env::current_dir().unwrap_or_default().join(folder);
        let canonical = absolute.canonicalize().unwrap_or(absolute);
        match self.workdir.as_deref().and_then(|root| canonical.strip_prefix(root).ok()) {
            Some(relative) => {
                relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
            }
            None => folder.to_string_lossy().replace('\\', "/"),
        }
    }

    /// The repository-relative `path` as the user would open it from the working
    /// directory, at its place in the working tree: how reports show a file read at
    /// a revision (the revision is said apart).
    pub fn shown(&self, path: &str) -> String {
        self.shown.show(path)
    }

    /// The folder in the working tree holding the repository-relative `folder`.
    pub fn workdir_path(&self, folder: &str) -> Option<PathBuf> {
        self.workdir.as_ref().map(|root| root.join(folder))
    }

    /// The migrations folders at `revision` (or in the working tree when `None`),
    /// repository-relative: see search.rs.
    pub fn find_migrations_folders(&self, revision: Option<&str>) -> Result<Vec<String>, GitError> {
        let found = match (revision, &self.workdir) {
            (None, Some(root)) => search::working_tree_folders(root),
            (None, None) => Vec::new(),
            (Some(revision), _) => {
                let mut recorder = gix::traverse::tree::Recorder::default();
                self.tree(revision)?.traverse().breadthfirst(&mut recorder).map_err(git_error)?;
                let paths: Vec<String> = recorder
                    .records
                    .iter()
                    .filter(|entry| entry.mode.is_blob())
                    .map(|entry| entry.filepath.to_str_lossy().into_owned())
                    .collect();
                search::migrations_folders(paths.iter().map(String::as_str))
            }
        };
        if found.is_empty() {
            return Err(GitError::NoFolder {
                revision: revision.unwrap_or("the working tree").to_owned(),
                searched: search::FOLDER_NAMES.map(|name| format!("`{name}`")).join(", "),
            });
        }
        Ok(found)
    }

    /// The `.sql` files under `folder` at `revision`, shown at the folder's place
    /// in the working tree.
    pub fn release_at(&self, revision: &str, folder: &MigrationsFolder) -> Result<Release, GitError> {
        self.release_sharing(revision, folder, &mut Blobs::default())
    }

    /// [`Repository::release_at`], reading only the blobs `known` does not hold
    /// yet and adding those it reads: release B's migrations that A shipped
    /// unchanged are the same blobs, read once and shared (a one-file window over a
    /// long history reads one blob more than A's).
    pub fn release_sharing(
        &self,
        revision: &str,
        folder: &MigrationsFolder,
        known: &mut Blobs,
    ) -> Result<Release, GitError> {
        let shown = &folder.on_disk;
        let folder = folder.in_repo.trim_matches('/');
        let mut records = self.entries_under(revision, folder)?;
        records.sort_by(|a, b| a.filepath.cmp(&b.filepath));
        let manifest = self.manifest_beside(revision, folder);
        let mut release = Release::at_revision(shown.display().to_string(), revision);
        release.manifest = manifest;
        // Folders no one keeps migrations in, left out and said as on disk (see
        // `Release::read_folder_to_depth`), with all they hold.
        let mut left_out: Vec<String> = Vec::new();
        records.retain(|entry| {
            let relative = entry.filepath.to_str_lossy();
            let under_left_out = left_out.iter().any(|folder| {
                relative.strip_prefix(folder.as_str()).is_some_and(|rest| rest.starts_with('/'))
            });
            if under_left_out {
                return false;
            }
            let name = relative.rsplit('/').next().unwrap_or(&relative);
            match left_out_folder_named(name).filter(|_| entry.mode.is_tree()) {
                Some(reason) => {
                    let display = shown.join(relative.as_ref()).display().to_string();
                    release.skipped.push(Skipped::new(
                        relative.to_string(),
                        display,
                        SkipKind::LeftOut,
                        reason,
                    ));
                    left_out.push(relative.into_owned());
                    false
                }
                None => true,
            }
        });
        self.read_blobs(&records, known)?;
        for entry in records {
            let relative = entry.filepath.to_str_lossy().into_owned();
            let path = if folder.is_empty() { relative.clone() } else { format!("{folder}/{relative}") };
            // Where it is, or would be, in the working tree: as the folder read on disk shows it.
            let display = shown.join(&relative).display().to_string();
            if entry.mode.is_tree() {
                continue;
            }
            if entry.mode.is_link() {
                // Followed within the revision's tree, as on disk.
                match self.link_target(revision, &path) {
                    Ok(bytes) => release.add(ReleaseFile { display, bytes, relative }),
                    Err(reason) => {
                        release.skipped.push(Skipped::new(relative, display, SkipKind::DanglingLink, reason));
                    }
                }
                continue;
            }
            if !entry.mode.is_blob() {
                // A submodule is another repository.
                let reason = "a submodule in git: another repository, not read";
                release.skipped.push(Skipped::new(relative, display, SkipKind::SpecialFile, reason));
                continue;
            }
            let bytes = if worth_reading(&relative) {
                match known.0.get(&entry.oid) {
                    Some(bytes) => bytes.clone(),
                    None => Arc::from(self.repo.find_object(entry.oid).map_err(git_error)?.data.as_slice()),
                }
            } else {
                Arc::from([])
            };
            release.add(ReleaseFile { display, bytes, relative });
        }
        Ok(release)
    }

    /// The bytes of the file the symbolic link at `path` (repository-relative) leads
    /// to at `revision`, through links to links; why not, when it leads out of the
    /// repository, to nothing, to a folder, or round in a loop.
    fn link_target(&self, revision: &str, path: &str) -> Result<Arc<[u8]>, String> {
        let tree = self.tree(revision).map_err(|error| error.to_string())?;
        let mut at = path.to_owned();
        // As many links as Linux follows before it says ELOOP.
        for _ in 0..40 {
            let entry = tree.lookup_entry_by_path(&at).ok().flatten();
            let Some(entry) = entry else {
                return Err(format!(
                    "a symbolic link in git to `{}`, which is not in the repository at {revision}",
                    self.shown(&at)
                ));
            };
            let object = entry.object().map_err(|error| error.to_string())?;
            if entry.mode().is_blob() {
                return Ok(Arc::from(object.data.as_slice()));
            }
            if !entry.mode().is_link() {
                return Err(format!("a symbolic link in git to `{}`, which is no file", self.shown(&at)));
            }
            let target = String::from_utf8_lossy(&object.data).into_owned();
            let folder = at.rsplit_once('/').map_or("", |(folder, _)| folder);
            at = joined_in_repository(folder, &target)
                .ok_or_else(|| format!("a symbolic link in git to `{target}`, outside the repository"))?;
        }
        Err("a symbolic link in git that leads round in a loop".to_owned())
    }

    /// The package manifest in the folder above `folder` (repository-relative) at
    /// `revision`, as on disk (see [`Release::manifest`]).
    fn manifest_beside(&self, revision: &str, folder: &str) -> Option<ReleaseFile> {
        let above = folder.rsplit_once('/').map_or("", |(above, _)| above);
        let path = if above.is_empty() { MANIFEST.to_owned() } else { format!("{above}/{MANIFEST}") };
        let entry = self.tree(revision).ok()?.lookup_entry_by_path(&path).ok().flatten()?;
        let object = entry.mode().is_blob().then(|| entry.object().ok()).flatten()?;
        let bytes = Arc::from(object.data.as_slice());
        Some(ReleaseFile { relative: format!("../{MANIFEST}"), display: format!("{revision}:{path}"), bytes })
    }

    /// Whether `path` (repository-relative) is a file (or a link) at `revision`;
    /// no when `revision` is none of the repository's.
    pub fn is_file_at(&self, revision: &str, path: &str) -> bool {
        let Ok(tree) = self.tree(revision) else {
            return false;
        };
        let entry = tree.lookup_entry_by_path(path.trim_matches('/')).ok().flatten();
        entry.is_some_and(|entry| entry.mode().is_blob() || entry.mode().is_link())
    }

    /// Every entry of the tree under `folder` (repository-relative) at `revision`,
    /// its path relative to `folder`.
    fn entries_under(&self, revision: &str, folder: &str) -> Result<Vec<Entry>, GitError> {
        let tree = self.tree(revision)?;
        let subtree = if folder.is_empty() || folder == "." {
            tree
        } else {
            let entry = tree
                .lookup_entry_by_path(folder)
                .map_err(git_error)?
                .filter(|entry| entry.mode().is_tree())
                .ok_or_else(|| GitError::FolderMissing {
                    folder: folder.to_owned(),
                    revision: revision.to_owned(),
                })?;
            entry.object().map_err(git_error)?.peel_to_tree().map_err(git_error)?
        };
        let mut recorder = gix::traverse::tree::Recorder::default();
        subtree.traverse().breadthfirst(&mut recorder).map_err(git_error)?;
        Ok(recorder.records)
    }

    /// The files under `folder` (repository-relative) at `revision`, relative to
    /// it, as [`search::working_tree_files`] lists a folder on disk.
    pub(super) fn files_under(&self, revision: &str, folder: &str) -> Result<Vec<String>, GitError> {
        let entries = self.entries_under(revision, folder.trim_matches('/'))?;
        let files =
            entries.iter().filter(|entry| entry.mode.is_blob()).map(|entry| entry.filepath.to_str_lossy());
        let mut files: Vec<String> =
            files.filter(|path| !search::in_skipped_folder(path)).map(|path| path.into_owned()).collect();
        files.sort();
        Ok(files)
    }

    /// Reads into `known` the blobs of `records` worth reading that it does not
    /// hold yet, on every core (a long history is tens of thousands of blobs to
    /// inflate), each thread with its own handle on the repository. The first
    /// error, in the order of `records`, stops the reading.
    fn read_blobs(&self, records: &[Entry], known: &mut Blobs) -> Result<(), GitError> {
        let mut wanted: Vec<gix::ObjectId> = records
            .iter()
            .filter(|entry| entry.mode.is_blob() && !known.0.contains_key(&entry.oid))
            .filter(|entry| worth_reading(&entry.filepath.to_str_lossy()))
            .map(|entry| entry.oid)
            .collect();
        let mut seen = HashSet::new();
        wanted.retain(|oid| seen.insert(*oid));
        // Without gix's `parallel` feature a repository handle stays on its
        // thread: each share of the blobs is read through one opened for it.
        let share = wanted.len().div_ceil(rayon::current_num_threads()).max(1);
        let git_dir = self.repo.path();
        let read: Vec<Result<BlobsRead, GitError>> = wanted
            .par_chunks(share)
            .map(|oids| {
                let repo = gix::open(git_dir).map_err(git_error)?;
                oids.iter()
                    .map(|oid| {
                        let object = repo.find_object(*oid).map_err(git_error)?;
                        Ok((*oid, Arc::from(object.data.as_slice())))
                    })
                    .collect()
            })
            .collect();
        for share in read {
            known.0.extend(share?);
        }
        Ok(())
    }

    /// The gix repository, for stages that read more of a revision than its migrations.
    pub(crate) fn gix(&self) -> &gix::Repository {
        &self.repo
    }

    /// The root tree of the commit `revision` names.
    pub(crate) fn tree(&self, revision: &str) -> Result<gix::Tree<'_>, GitError> {
        let id = self
            .repo
            .rev_parse_single(revision.as_bytes().as_bstr())
            .map_err(|_| self.unknown_revision(revision))?;
        id.object().map_err(git_error)?.peel_to_tree().map_err(|_| self.unknown_revision(revision))
    }

    /// The error for a revision that does not resolve, with the nearest names.
    fn unknown_revision(&self, revision: &str) -> GitError {
        let names = self.reference_names();
        let mut scored: Vec<(usize, &String)> =
            names.iter().map(|name| (edit_distance(revision, name), name)).collect();
        scored.sort();
        let limit = (revision.chars().count() / 3).max(2);
        let near: Vec<&str> =
            scored.iter().filter(|(d, _)| *d <= limit).take(3).map(|(_, n)| n.as_str()).collect();
        let mut help = if near.is_empty() {
            let known: Vec<&str> = names.iter().take(8).map(String::as_str).collect();
            if known.is_empty() {
                "the repository has no tags or branches".to_owned()
            } else {
                format!("known tags and branches: {}", known.join(", "))
            }
        } else {
            format!("did you mean {}?", near.join(", "))
        };
        help.push_str(&self.shallow_hint());
        GitError::UnknownRevision { revision: revision.to_owned(), help }
    }

    fn shallow_hint(&self) -> String {
        if self.repo.is_shallow() {
            "; this is a shallow clone, so older revisions may be missing: fetch them (`git fetch --unshallow`, or `fetch-depth: 0` in CI)".to_owned()
        } else {
            String::new()
        }
    }

    /// Short names of tags and local and remote branches.
    fn reference_names(&self) -> Vec<String> {
        let Ok(references) = self.repo.references() else { return Vec::new() };
        let Ok(all) = references.all() else { return Vec::new() };
        let mut names: Vec<String> = all
            .filter_map(Result::ok)
            .map(|reference| reference.name().shorten().to_str_lossy().into_owned())
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

/// Levenshtein distance, for suggesting revision names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// `target`, a link's target, read from the repository folder `folder`: the
/// repository-relative path it names, `None` when it leaves the repository.
fn joined_in_repository(folder: &str, target: &str) -> Option<String> {
    if target.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = folder.split('/').filter(|part| !part.is_empty()).collect();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::{edit_distance, joined_in_repository};

    #[test]
    fn a_link_target_is_read_from_the_link_s_folder_and_kept_in_the_repository() {
        assert_eq!(
            joined_in_repository("db/migrations", "../../real/2_a.sql").as_deref(),
            Some("real/2_a.sql")
        );
        assert_eq!(joined_in_repository("db", "./x/../y.sql").as_deref(), Some("db/y.sql"));
        assert_eq!(joined_in_repository("db", "../../outside.sql"), None);
        assert_eq!(joined_in_repository("db", "/etc/passwd"), None);
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("v1.1.2O", "v1.1.20"), 1);
        assert_eq!(edit_distance("main", "origin/main"), 7);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
