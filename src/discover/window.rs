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
    /// A path in the working tree of the repository the revisions are read from
    /// (the folder named, else the working directory); `None` with two folders.
    pub repository: Option<PathBuf>,
    /// The migrations folders judged, as found in the repository; empty with two folders.
    pub migrations: Vec<MigrationsFolder>,
}

/// One migrations folder at release A and at release B.
#[derive(Debug)]
pub struct FolderWindow {
    pub older: Release,
    pub newer: Release,
}

impl Window {
    /// How reports name the releases: `A -> B`, for each folder; one folder at
    /// two revisions, `db/migrations at v1 -> v2`.
    pub fn label(&self) -> String {
        let pairs: Vec<String> = self
            .folders
            .iter()
            .map(|FolderWindow { older, newer }| match (&older.revision, &newer.revision) {
                (Some(_), Some(to)) if older.folder == newer.folder => format!("{} -> {to}", older.label()),
                _ => format!("{} -> {}", older.label(), newer.label()),
            })
            .collect();
        pairs.join(", ")
    }

    /// How reports name release B: its folders.
    pub fn newer_label(&self) -> String {
        let folders: Vec<String> = self.folders.iter().map(|pair| pair.newer.label()).collect();
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
            repository: None,
            migrations: Vec::new(),
        });
    }
    let (repo, repository) = repository_of(folder)?;
    let mut notes = Vec::new();
    // An unnamed folder is looked for at B's revision if B is one, else at A's.
    let revision_side = to.filter(|t| !is_folder(t)).or((!is_folder(from)).then_some(from));
    let folder = named_folder(&repo, folder);
    if let Some(file) = folder.filter(|folder| {
        let in_repo = repo.repo_relative(folder);
        folder.is_file() || [Some(from), to].into_iter().flatten().any(|side| repo.is_file_at(side, &in_repo))
    }) {
        let parent = file.parent().filter(|parent| !parent.as_os_str().is_empty());
        return Err(DiscoverError::FileGivenToAudit {
            path: file.display().to_string(),
            folder: parent.unwrap_or(Path::new(".")).display().to_string(),
        });
    }
    let folders = resolve_folders(&repo, folder, revision_side, dialect, &mut notes)?;
    let mut pairs = Vec::with_capacity(folders.len());
    for found in &folders {
        // What A and B share is read once: a long history unchanged but for the window.
        let mut blobs = Blobs::default();
        let mut release = |side: &str| -> Result<Release, DiscoverError> {
            if is_folder(side) {
                Release::read_folder(Path::new(side))
            } else {
                Ok(repo.release_sharing(side, found, &mut blobs)?)
            }
        };
        let older = match release(from) {
            // A folder found at B that A did not have yet (atuin's new
            // `meta-migrations`): every migration in it is new in the window. A
            // folder the user named must exist at both.
            Err(DiscoverError::Git(super::GitError::FolderMissing { .. })) if !found.named => {
                notes.push(format!(
                    "`{}` is not at {from}: each of its migrations is judged as new in the window (if it moved from another folder, name the folder at each release with two folders instead)",
                    found.on_disk.display()
                ));
                Release { absent: true, ..Release::at_revision(found.on_disk.display().to_string(), from) }
            }
            other => other?,
        };
        let newer = match to {
            Some(to) => release(to)?,
            None => Release::read_folder(&found.on_disk)?,
        };
        pairs.push(FolderWindow { older, newer });
    }
    Ok(Window { folders: pairs, notes, repository: Some(repository), migrations: folders })
}

/// The repository the revisions are read from: the one holding the folder named
/// (run from anywhere: `audit --from A --to B /path/to/repo/db`; a folder only
/// the revisions hold, by the nearest folder above it that is on disk), else the
/// one holding the working directory; and a path in its working tree.
fn repository_of(folder: Option<&Path>) -> Result<(Repository, PathBuf), DiscoverError> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let named = folder.map(|folder| cwd.join(folder));
    let start = named.as_deref().and_then(|named| named.ancestors().find(|above| above.is_dir()));
    let start = start.map_or(cwd.clone(), Path::to_path_buf);
    Ok((Repository::discover(&start)?, start))
}

/// `check --base REV [FOLDER]`: what the branch adds relative to the merge base of
/// REV and HEAD, uncommitted changes in the working tree included.
pub fn branch_window(
    base: &str,
    folder: Option<&Path>,
    dialect: Option<Dialect>,
) -> Result<Window, DiscoverError> {
    let (repo, repository) = repository_of(folder).map_err(|error| match error {
        DiscoverError::Git(super::GitError::NotARepository { path }) => {
            DiscoverError::BaseOutsideRepository { base: base.to_owned(), path }
        }
        other => other,
    })?;
    let mut notes = Vec::new();
    let folder = named_folder(&repo, folder);
    let folders = resolve_folders(&repo, folder, None, dialect, &mut notes)?;
    let merge_base = repo.merge_base_with_head(base)?;
    let short = merge_base.get(..10).unwrap_or(&merge_base);
    notes.push(format!(
        "the window is what this branch adds since {short}, the merge base of `{base}` and HEAD"
    ));
    let mut pairs = Vec::with_capacity(folders.len());
    for folder in &folders {
        let older = match repo.release_at(&merge_base, folder) {
            // Named as the notes name the merge base.
            Ok(release) => Release { revision: Some(short.to_owned()), ..release },
            // The branch created the folder: everything in it is new.
            Err(super::GitError::FolderMissing { .. }) => {
                Release { absent: true, ..Release::at_revision(folder.on_disk.display().to_string(), short) }
            }
            Err(error) => return Err(error.into()),
        };
        let newer = Release::read_folder(&folder.on_disk)?;
        pairs.push(FolderWindow { older, newer });
    }
    Ok(Window { folders: pairs, notes, repository: Some(repository), migrations: folders })
}

/// A migrations folder of a repository: repository-relative, and where it is in
/// the working tree.
#[derive(Debug, Clone)]
pub struct MigrationsFolder {
    pub in_repo: String,
    /// As the user would open it from the working directory.
    pub on_disk: PathBuf,
    /// The user named this very folder: it must exist at both releases.
    named: bool,
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
            let place = "under the working directory";
            let kept = keep_own_databases(
                found,
                (place, place),
                &as_found,
                (dialect, None),
                &mut notes,
                String::new,
            )?;
            kept.into_iter()
                .map(|in_repo| MigrationsFolder { on_disk: PathBuf::from(&in_repo), in_repo, named: false })
                .collect()
        }
    };
    Ok((folders.into_iter().map(|folder| folder.on_disk).collect(), notes))
}

/// The paths named to `check` or `list`, as they are read, with the notes that
/// say how: a folder that is no migrations folder itself but holds some (a
/// project's root, `.` typed there, `crates/`, `db/`) stands for the migrations
/// folders under it, found as with no path named; a path that names a database
/// rollsafe does not read (`db/clickhouse/migrations`) is left out and said,
/// unless `--dialect` names the dialect to read it in.
pub fn named_paths(given: Vec<PathBuf>, dialect: Option<Dialect>) -> Result<FoldersFound, DiscoverError> {
    let (mut paths, mut notes, mut left_out) = (Vec::new(), Vec::new(), Vec::new());
    for path in given {
        if let Some(named) = unreadable_named(&path, dialect) {
            left_out.push(named);
            continue;
        }
        let under = match path.is_dir() {
            true => migrations_folders_under(&path, dialect)?,
            false => None,
        };
        match under {
            Some((found, said)) => {
                paths.extend(found);
                notes.extend(said);
            }
            None => paths.push(path),
        }
    }
    if left_out.is_empty() {
        return Ok((paths, notes));
    }
    if paths.is_empty() {
        return Err(DiscoverError::UnreadableDatabase { named: left_out.join(", ") });
    }
    notes.push(format!(
        "not read: {}: rollsafe does not read that database's SQL (pass --dialect to read it in a dialect it reads)",
        left_out.join(", ")
    ));
    Ok((paths, notes))
}

/// `path`, said with the database rollsafe does not read that it names, unless
/// `dialect` names one to read it in.
fn unreadable_named(path: &Path, dialect: Option<Dialect>) -> Option<String> {
    let word = unreadable_database(path).filter(|_| dialect.is_none())?;
    Some(format!("`{}` ({word}, as its path says)", path.display()))
}

/// The database rollsafe does not read that `path` names (`clickhouse` in
/// `db/clickhouse/migrations`), its words read from the repository's root when
/// it lies in one (`.` typed in that folder), else as given.
fn unreadable_database(path: &Path) -> Option<String> {
    let absolute = std::env::current_dir().unwrap_or_default().join(path);
    let canonical = absolute.canonicalize().unwrap_or(absolute);
    let root = canonical.ancestors().find(|folder| folder.join(".git").exists());
    let relative = root.and_then(|root| canonical.strip_prefix(root).ok()).unwrap_or(path);
    let words: Vec<String> =
        relative.components().map(|part| part.as_os_str().to_string_lossy().into_owned()).collect();
    match database_named(&words.join("/")) {
        Some((None, word)) => Some(word),
        _ => None,
    }
}

/// The database a folder's path names, by a folder of its own
/// (`db/clickhouse/migrations`) or a word of one
/// (`crates/atuin-server-postgres/migrations`), and its word; the dialect is
/// `None` for a database rollsafe does not read.
fn database_named(folder: &str) -> Option<(Option<Dialect>, String)> {
    match database_of(&format!("{folder}/")) {
        Some((database, _)) => Some((database.dialect, database.word)),
        None => named_in_path(folder).map(|(own, word)| (Some(own), word.to_owned())),
    }
}

/// The migrations folders under a folder, relative to it, and the SQL files
/// under it outside them.
type FoldersAndSqlOutside = (Vec<String>, Vec<String>);

/// The migrations folders under a folder named whose name is `name`, relative
/// to it, and the SQL files among its `files` that lie outside them, when it
/// stands for those folders: it is not named like a migrations folder itself
/// and holds some. `None`: it is read as it is, as one migrations folder.
///
/// Whatever else it holds. SQL files beside the migrations folders (supabase's
/// `db/init-scripts` next to `db/migrations`, umami's `db/clickhouse/schema.sql`,
/// a `schema.sql` of its own) are no version of those histories: read whole, the
/// folder would merge them into one history, ordered among its migrations and
/// replayed as if the migration tool ran them. They are said as not read instead,
/// as at a repository's root, and a folder of them can be named to judge it.
fn standing_for(
    name: &str,
    files: impl FnOnce() -> Result<Vec<String>, DiscoverError>,
) -> Result<Option<FoldersAndSqlOutside>, DiscoverError> {
    if super::search::is_migrations_folder_name(name) {
        return Ok(None);
    }
    let (found, outside) = super::search::folders_and_sql_outside(files()?);
    Ok((!found.is_empty()).then_some((found, outside)))
}

/// A folder named to `check` or `list` that stands for the migrations folders
/// under it (see [`standing_for`]): those folders, as paths from the working
/// directory, with the notes that say which and what is left out. `None` when
/// `folder` is read as it is.
///
/// Reading a project's root as one migrations folder would judge every database's
/// migrations as one history in one dialect and list each other file as not read.
fn migrations_folders_under(
    folder: &Path,
    dialect: Option<Dialect>,
) -> Result<Option<FoldersFound>, DiscoverError> {
    let name = folder
        .canonicalize()
        .ok()
        .and_then(|resolved| resolved.file_name().map(|name| name.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let Some((found, outside)) = standing_for(&name, || Ok(super::search::working_tree_files(folder)))?
    else {
        return Ok(None);
    };
    // Paths as the user would open them from here; `.` typed at the project's
    // root: `db/migrations`, not `./db/migrations`.
    let at = |in_folder: &str| match folder == Path::new(".") {
        true => PathBuf::from(in_folder),
        false => folder.join(in_folder),
    };
    let found: Vec<String> = found.iter().map(|in_folder| at(in_folder).display().to_string()).collect();
    let outside: Vec<String> = outside.iter().map(|file| at(file).display().to_string()).collect();
    let shown = folder.display().to_string();
    let under = format!("under `{shown}`");
    let mut notes = Vec::new();
    let kept =
        keep_own_databases(found, (&under, &under), &as_found, (dialect, Some(&shown)), &mut notes, || {
            nothing_read_under(folder, &outside)
        })?;
    if !outside.is_empty() {
        notes.push(sql_files_left_out(&shown, &outside));
    }
    Ok(Some((kept.into_iter().map(PathBuf::from).collect(), notes)))
}

/// What to say when every migrations folder under `folder` is another
/// database's: the SQL beside them, and the repository's migrations folders
/// elsewhere (umami keeps ClickHouse's under `db/`, its own in `prisma/migrations`).
fn nothing_read_under(folder: &Path, outside: &[String]) -> String {
    let mut said = String::new();
    if !outside.is_empty() {
        said += &format!("; {}", sql_files_left_out(&folder.display().to_string(), outside));
    }
    let elsewhere = Repository::discover(folder).ok().and_then(|repo| {
        let in_folder = repo.repo_relative(folder);
        let elsewhere: Vec<String> = repo
            .find_migrations_folders(None)
            .ok()?
            .into_iter()
            .filter(|other| {
                !(in_folder.is_empty()
                    || other.strip_prefix(&in_folder).is_some_and(|rest| rest.starts_with('/')))
            })
            .filter(|other| !matches!(database_named(other), Some((None, _))))
            .map(|other| format!("`{other}`"))
            .collect();
        (!elsewhere.is_empty()).then(|| elsewhere.join(", "))
    });
    if let Some(elsewhere) = elsewhere {
        said += &format!("; the repository's other migrations folders (from its root): {elsewhere}");
    }
    said
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

/// The folder the user named, but the repository's root (`.` typed there), which
/// stands for none named: every migrations folder in it is found.
fn named_folder<'a>(repo: &Repository, folder: Option<&'a Path>) -> Option<&'a Path> {
    folder.filter(|folder| !repo.repo_relative(folder).is_empty())
}

/// The migrations folders a window judges, said in notes: every one found in the
/// repository (at `revision`, or in the working tree) when no folder is `given`;
/// those under the folder `given` when it stands for them (see [`standing_for`],
/// searched at `revision` as at the root), else the folder given.
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
) -> Result<Vec<MigrationsFolder>, DiscoverError> {
    let show = |folder: &str| repo.shown(folder);
    let Some(given) = given else {
        let found = repo.find_migrations_folders(revision)?;
        let error_in =
            revision.map_or_else(|| "in the working tree".to_owned(), |revision| format!("at {revision}"));
        let found = keep_own_databases(
            found,
            (&error_in, "in the repository"),
            &show,
            (dialect, None),
            notes,
            String::new,
        )?;
        return Ok(found.into_iter().map(|in_repo| working_tree_folder(repo, in_repo)).collect());
    };
    if let Some(named) = unreadable_named(given, dialect) {
        return Err(DiscoverError::UnreadableDatabase { named });
    }
    let in_repo = repo.repo_relative(given);
    let name = in_repo.rsplit('/').next().unwrap_or_default().to_owned();
    let files = || match revision {
        Some(revision) => match repo.files_under(revision, &in_repo) {
            // Read as named, and then said missing.
            Err(super::GitError::FolderMissing { .. }) => Ok(Vec::new()),
            other => Ok(other?),
        },
        None => Ok(super::search::working_tree_files(given)),
    };
    let Some((found, outside)) = standing_for(&name, files)? else {
        return Ok(vec![MigrationsFolder { in_repo, on_disk: given.to_path_buf(), named: true }]);
    };
    let under = |relative: &String| format!("{in_repo}/{relative}");
    let shown = given.display().to_string();
    let place = match revision {
        Some(revision) => format!("under `{shown}` at {revision}"),
        None => format!("under `{shown}`"),
    };
    let found = keep_own_databases(
        found.iter().map(under).collect(),
        (&place, &place),
        &show,
        (dialect, Some(&in_repo)),
        notes,
        String::new,
    )?;
    if !outside.is_empty() {
        let outside: Vec<String> = outside.iter().map(|file| show(&under(file))).collect();
        notes.push(sql_files_left_out(&shown, &outside));
    }
    Ok(found.into_iter().map(|in_repo| working_tree_folder(repo, in_repo)).collect())
}

/// The repository's migrations folder `in_repo`, found (not named), with its
/// place in the working tree as the user would open it from the working
/// directory (`.` inside it, `../db/migrations` beside it).
fn working_tree_folder(repo: &Repository, in_repo: String) -> MigrationsFolder {
    let on_disk = PathBuf::from(repo.shown(&in_repo));
    MigrationsFolder { in_repo, on_disk, named: false }
}

/// A folder found under the working directory, shown as found: a path from it.
fn as_found(folder: &str) -> String {
    folder.to_owned()
}

/// The folders `found` but those whose path names another database than
/// `dialect` (umami's `db/clickhouse/migrations`), with notes saying which were
/// read and which left out. `found_in` says where they were searched, as the
/// error and as a note say it (`at v2`, `in the repository`); `show`, how a
/// folder found is shown (repository-relative folders, from the working
/// directory); `more_help`, what else the error should say when all are left out.
fn keep_own_databases(
    mut found: Vec<String>,
    (error_in, found_in): (&str, &str),
    show: &dyn Fn(&str) -> String,
    (dialect, named): (Option<Dialect>, Option<&str>),
    notes: &mut Vec<String>,
    more_help: impl FnOnce() -> String,
) -> Result<Vec<String>, DiscoverError> {
    // A folder named after a database rollsafe does not read (`db/clickhouse`),
    // with `--dialect`: its migrations folders are read in that dialect.
    let unlocked =
        dialect.and(named).and_then(database_named).filter(|(own, _)| own.is_none()).map(|(_, word)| word);
    let why_not = |folder: &str| match (database_named(folder)?, dialect) {
        ((None, word), _) if unlocked.as_ref() == Some(&word) => None,
        ((None, word), _) => Some(format!("`{}` (rollsafe does not read {word}'s SQL)", show(folder))),
        ((Some(own), _), Some(picked)) if own != picked => {
            Some(format!("`{}` (`--dialect {picked}` picks another database)", show(folder)))
        }
        _ => None,
    };
    let left_out: Vec<String> = found.iter().filter_map(|folder| why_not(folder)).collect();
    found.retain(|folder| why_not(folder).is_none());
    if found.is_empty() {
        return Err(DiscoverError::OnlyOtherDatabases {
            found_in: error_in.to_owned(),
            left_out: left_out.join(", "),
            more: more_help(),
        });
    }
    let named: Vec<String> = found.iter().map(|folder| format!("`{}`", show(folder))).collect();
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
