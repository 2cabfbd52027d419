//! The two releases of a window, named on the command line by folder or by git
//! revision.

use std::path::{Path, PathBuf};

use super::dialect::named_in_path;
use super::git::{Blobs, Repository};
use super::histories::database_of;
use super::{DiscoverError, Release};
use crate::sql::Dialect;

/// Release A (to roll back to) and release B (running now) of each migrations
/// folder, and what the user should know about how they were found.
#[derive(Debug)]
pub struct Window {
    /// One pair per migrations folder: one when a folder is named, else each
    /// folder found in the repository.
    pub folders: Vec<FolderWindow>,
    pub notes: Vec<String>,
}

/// One migrations folder at release A and at release B.
#[derive(Debug)]
pub struct FolderWindow {
    pub older: Release,
    pub newer: Release,
}

impl Window {
    /// How reports name the releases: `A -> B`, for each folder.
    pub fn label(&self) -> String {
        let pairs: Vec<String> =
            self.folders.iter().map(|pair| format!("{} -> {}", pair.older.label, pair.newer.label)).collect();
        pairs.join(", ")
    }

    /// How reports name release B: its folders.
    pub fn newer_label(&self) -> String {
        let folders: Vec<&str> = self.folders.iter().map(|pair| pair.newer.label.as_str()).collect();
        folders.join(", ")
    }
}

/// `audit --from A [--to B] [FOLDER]`: each side is a folder when one exists at that
/// path, else a git revision; B defaults to the working tree.
/// With no folder named, every migrations folder found is read, but those of
/// another database than `dialect` names.
pub fn audit_window(
    from: &str,
    to: Option<&str>,
    folder: Option<&Path>,
    dialect: Option<Dialect>,
) -> Result<Window, DiscoverError> {
    let is_folder = |side: &str| Path::new(side).is_dir();
    if let (true, Some(to)) = (is_folder(from), to.filter(|t| is_folder(t))) {
        if let Some(folder) = folder {
            return Err(DiscoverError::FolderBesideFolders { folder: folder.display().to_string() });
        }
        let (older, newer) =
            rayon::join(|| Release::read_folder(Path::new(from)), || Release::read_folder(Path::new(to)));
        return Ok(Window {
            folders: vec![FolderWindow { older: older?, newer: newer? }],
            notes: Vec::new(),
        });
    }
    let repo = Repository::discover(&std::env::current_dir().unwrap_or_default())?;
    let mut notes = Vec::new();
    // An unnamed folder is looked for at B's revision if B is one, else at A's.
    let revision_side = to.filter(|t| !is_folder(t)).or((!is_folder(from)).then_some(from));
    let folder = named_folder(&repo, folder);
    let folders = resolve_folders(&repo, folder, revision_side, dialect, &mut notes)?;
    let mut pairs = Vec::with_capacity(folders.len());
    for found in folders {
        // What A and B share is read once: a long history unchanged but for the window.
        let mut blobs = Blobs::default();
        let mut release = |side: &str| -> Result<Release, DiscoverError> {
            if is_folder(side) {
                Release::read_folder(Path::new(side))
            } else {
                Ok(repo.release_sharing(side, &found.in_repo, &mut blobs)?)
            }
        };
        let older = match release(from) {
            // A folder found at B that A did not have yet (atuin's new
            // `meta-migrations`): every migration in it is new in the window. A
            // folder the user named must exist at both.
            Err(DiscoverError::Git(super::GitError::FolderMissing { .. })) if folder.is_none() => {
                notes.push(format!(
                    "`{}` is not at {from}: each of its migrations is judged as new in the window (if it moved from another folder, name the folder at each release with two folders instead)",
                    found.in_repo
                ));
                Release { label: format!("{from}:{}", found.in_repo), absent: true, ..Release::default() }
            }
            other => other?,
        };
        let newer = match to {
            Some(to) => release(to)?,
            None => Release::read_folder(&found.on_disk)?,
        };
        pairs.push(FolderWindow { older, newer });
    }
    Ok(Window { folders: pairs, notes })
}

/// `check --base REV [FOLDER]`: what the branch adds relative to the merge base of
/// REV and HEAD, uncommitted changes in the working tree included.
pub fn branch_window(
    base: &str,
    folder: Option<&Path>,
    dialect: Option<Dialect>,
) -> Result<Window, DiscoverError> {
    let repo = Repository::discover(&std::env::current_dir().unwrap_or_default())?;
    let mut notes = Vec::new();
    let folder = named_folder(&repo, folder);
    let folders = resolve_folders(&repo, folder, None, dialect, &mut notes)?;
    let merge_base = repo.merge_base_with_head(base)?;
    let short = merge_base.get(..10).unwrap_or(&merge_base);
    notes.push(format!(
        "the window is what this branch adds since {short}, the merge base of `{base}` and HEAD"
    ));
    let mut pairs = Vec::with_capacity(folders.len());
    for folder in folders {
        let older = match repo.release_at(&merge_base, &folder.in_repo) {
            Ok(mut release) => {
                for file in &mut release.files {
                    file.display = file.display.replacen(&merge_base, short, 1);
                }
                release
            }
            // The branch created the folder: everything in it is new.
            Err(super::GitError::FolderMissing { .. }) => {
                Release { label: format!("{short}:{}", folder.in_repo), absent: true, ..Release::default() }
            }
            Err(error) => return Err(error.into()),
        };
        let newer = Release::read_folder(&folder.on_disk)?;
        pairs.push(FolderWindow { older, newer });
    }
    Ok(Window { folders: pairs, notes })
}

/// A migrations folder: repository-relative, and where it is in the working tree.
struct Folder {
    in_repo: String,
    on_disk: PathBuf,
}

/// Migrations folders found for `check` and `list`, as paths from the working
/// directory, with the notes that say which and how.
pub type FoldersFound = (Vec<PathBuf>, Vec<String>);

/// `check` and `list` with no folder named, here or in rollsafe.toml: the
/// migrations folders of the working tree, found as `audit` finds them (the whole
/// repository when the working directory is in one, else the working directory),
/// as paths from the working directory, with the notes that say which.
pub fn working_tree_folders(dialect: Option<Dialect>) -> Result<FoldersFound, DiscoverError> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut notes = Vec::new();
    let folders = match Repository::discover(&cwd) {
        Ok(repo) => resolve_folders(&repo, None, None, dialect, &mut notes)?,
        Err(_) => {
            let found = super::search::working_tree_folders(&cwd);
            if found.is_empty() {
                return Err(DiscoverError::NoFolderHere {
                    searched: super::search::FOLDER_NAMES.map(|name| format!("`{name}`")).join(", "),
                });
            }
            let kept = keep_own_databases(
                found,
                ("the working directory", "under the working directory"),
                dialect,
                &mut notes,
            )?;
            kept.into_iter().map(|in_repo| Folder { on_disk: PathBuf::from(&in_repo), in_repo }).collect()
        }
    };
    Ok((folders.into_iter().map(|folder| folder.on_disk).collect(), notes))
}

/// A folder named to `check` or `list` that is no migrations folder itself but holds
/// some (a project's root, `.` typed there, `crates/`): the migrations folders under
/// it, found as with no folder named, as paths from the working directory, with
/// the notes that say which. `None` when `folder` is to be read as it is: it is
/// named like a migrations folder, holds none below, or holds other SQL files
/// (of its own, or beside them) and is no repository's root.
///
/// Reading a project's root as one migrations folder would judge every database's
/// migrations as one history in one dialect and list each other file as not read.
pub fn migrations_folders_under(
    folder: &Path,
    dialect: Option<Dialect>,
) -> Result<Option<FoldersFound>, DiscoverError> {
    let named_like_one = folder
        .canonicalize()
        .ok()
        .and_then(|resolved| {
            resolved.file_name().map(|name| super::search::is_migrations_folder_name(&name.to_string_lossy()))
        })
        .unwrap_or(false);
    // SQL files beside the migrations folders (supabase's `db/init-scripts` next to
    // `db/migrations`, a file of its own) make a folder read whole, as named, unless
    // it is a repository's root, where they are seeds and scripts (and said).
    let repository_root = folder.join(".git").exists();
    if named_like_one || (holds_sql_files(folder) && !repository_root) {
        return Ok(None);
    }
    let (found, outside) = super::search::folders_and_sql_outside(folder);
    if found.is_empty() || (!outside.is_empty() && !repository_root) {
        return Ok(None);
    }
    // Paths as the user would open them from here; `.` typed at the project's
    // root: `db/migrations`, not `./db/migrations`.
    let at = |in_folder: &str| match folder == Path::new(".") {
        true => PathBuf::from(in_folder),
        false => folder.join(in_folder),
    };
    let found = found.iter().map(|in_folder| at(in_folder).display().to_string()).collect();
    let shown = folder.display().to_string();
    let mut notes = Vec::new();
    let kept = keep_own_databases(found, (&shown, &format!("under `{shown}`")), dialect, &mut notes)?;
    if !outside.is_empty() {
        let outside: Vec<String> = outside.iter().map(|file| at(file).display().to_string()).collect();
        notes.push(sql_files_left_out(&shown, &outside));
    }
    Ok(Some((kept.into_iter().map(PathBuf::from).collect(), notes)))
}

/// The note naming the SQL files under a named folder that lie outside the
/// migrations folders found in it (seeds, scripts, unversioned data migrations).
fn sql_files_left_out(folder: &str, outside: &[String]) -> String {
    const NAMED: usize = 5;
    let mut named: Vec<String> = outside.iter().take(NAMED).map(|file| format!("`{file}`")).collect();
    if outside.len() > NAMED {
        named.push(format!("and {} more", outside.len() - NAMED));
    }
    format!(
        "not read: {} SQL file(s) under `{folder}` outside its migrations folders: {} (name a folder to read it as migrations)",
        outside.len(),
        named.join(", ")
    )
}

/// Whether `folder` holds a `.sql` file (any case) directly, not in a subfolder.
fn holds_sql_files(folder: &Path) -> bool {
    std::fs::read_dir(folder).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|entry| {
            super::release::is_sql_file(&entry.file_name().to_string_lossy()) && entry.path().is_file()
        })
    })
}

/// The folder the user named, but the repository's root (`.` typed there), which
/// stands for none named: every migrations folder in it is found.
fn named_folder<'a>(repo: &Repository, folder: Option<&'a Path>) -> Option<&'a Path> {
    folder.filter(|folder| !repo.repo_relative(folder).is_empty())
}

/// The folder the user named, or every migrations folder found (at `revision`,
/// or in the working tree), said in a note.
///
/// Several found are all judged, one after the other, with one verdict over all:
/// a release rolls back as a whole (atuin's client and server databases go back
/// together), so a folder left out would be a risk left unsaid, and asking which
/// one would stop every CI run that names none. A folder can still be named to
/// judge it alone.
fn resolve_folders(
    repo: &Repository,
    given: Option<&Path>,
    revision: Option<&str>,
    dialect: Option<Dialect>,
    notes: &mut Vec<String>,
) -> Result<Vec<Folder>, DiscoverError> {
    if let Some(given) = given {
        return Ok(vec![Folder { in_repo: repo.repo_relative(given), on_disk: given.to_path_buf() }]);
    }
    let found = repo.find_migrations_folders(revision)?;
    let place = (revision.unwrap_or("the working tree"), "in the repository");
    let found = keep_own_databases(found, place, dialect, notes)?;
    let cwd = std::env::current_dir().unwrap_or_default().canonicalize().unwrap_or_default();
    Ok(found
        .into_iter()
        .map(|in_repo| {
            let absolute = repo.workdir_path(&in_repo).unwrap_or_else(|| PathBuf::from(&in_repo));
            let on_disk = match absolute.strip_prefix(&cwd) {
                // Run inside the migrations folder itself.
                Ok(relative) if relative.as_os_str().is_empty() => PathBuf::from("."),
                Ok(relative) => relative.to_path_buf(),
                Err(_) => absolute,
            };
            Folder { in_repo, on_disk }
        })
        .collect())
}

/// The folders `found` but those whose path names another database than
/// `dialect` (umami's `db/clickhouse/migrations`), with notes saying which were
/// read and which left out. `place` says where they were searched, as an error
/// and as a note says it (`the working tree`, `in the repository`).
fn keep_own_databases(
    mut found: Vec<String>,
    (place, found_in): (&str, &str),
    dialect: Option<Dialect>,
    notes: &mut Vec<String>,
) -> Result<Vec<String>, DiscoverError> {
    let why_not = |folder: &str| {
        // A folder of its own (`db/clickhouse/migrations`), or a word of one
        // (`crates/atuin-server-postgres/migrations`).
        let database = match database_of(&format!("{folder}/")) {
            Some((database, _)) => (database.dialect, database.word),
            None => named_in_path(folder).map(|(own, word)| (Some(own), word.to_owned()))?,
        };
        match (database, dialect) {
            ((None, word), _) => Some(format!("`{folder}` (rollsafe does not read {word}'s SQL)")),
            ((Some(own), _), Some(picked)) if own != picked => {
                Some(format!("`{folder}` (`--dialect {picked}` picks another database)"))
            }
            _ => None,
        }
    };
    let left_out: Vec<String> = found.iter().filter_map(|folder| why_not(folder)).collect();
    found.retain(|folder| why_not(folder).is_none());
    if found.is_empty() {
        return Err(DiscoverError::OnlyOtherDatabases {
            revision: place.to_owned(),
            left_out: left_out.join(", "),
        });
    }
    let named: Vec<String> = found.iter().map(|folder| format!("`{folder}`")).collect();
    notes.push(match named.as_slice() {
        [one] => {
            format!("using the migrations folder {one}, found {found_in} (pass a folder to choose another)")
        }
        several => format!(
            "found {} migrations folders, each judged, one verdict over all: {} (pass a folder to judge one)",
            several.len(),
            several.join(", ")
        ),
    });
    if !left_out.is_empty() {
        notes.push(format!("migrations folders left out: {}", left_out.join(", ")));
    }
    Ok(found)
}
