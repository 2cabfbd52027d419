//! A release as read from a folder or a git tree: its `.sql` files, and every
//! file it holds that rollsafe does not read, with the reason.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use walkdir::WalkDir;

use super::DiscoverError;

/// One `.sql` file of a release, read into memory.
#[derive(Debug, Clone)]
pub struct ReleaseFile {
    /// Its path inside the migrations folder, `/`-separated.
    pub relative: String,
    /// The path reports show.
    pub display: String,
    /// Empty for a file that can never be a migration (see [`worth_reading`]):
    /// it is never opened.
    pub bytes: Arc<[u8]>,
}

/// The files of a migrations folder at one release: a folder on disk or a tree at
/// a git revision.
#[derive(Debug, Clone, Default)]
pub struct Release {
    /// The migrations folder, as the user would open it from the working
    /// directory (or as given); at a revision, its place in the working tree.
    pub folder: String,
    /// The git revision it was read at, as the user named it; `None` on disk.
    pub revision: Option<String>,
    /// The SQL files.
    pub files: Vec<ReleaseFile>,
    /// Files that describe the migrations rather than being one (`migration_lock.toml`).
    pub metadata: Vec<ReleaseFile>,
    /// Every other regular file: a migration in another language (`0003_x.go`),
    /// or no migration at all (`README.md`), as the layout will tell.
    pub others: Vec<ReleaseFile>,
    /// What could not even be opened as a file: dangling links, link loops, FIFOs.
    pub skipped: Vec<Skipped>,
    /// The folder is not there at all at this release (a folder the window
    /// creates), as opposed to a folder that is there and holds no migrations:
    /// whoever found it missing says so.
    pub absent: bool,
}

/// The extensions of SQL files, in any case: `.sql`, and synapse's engine-specific
/// `.sql.postgres` / `.sql.sqlite`.
const SQL_EXTENSIONS: [&str; 3] = [".sql", ".sql.postgres", ".sql.sqlite"];

/// The length of `name`'s SQL extension, if it has one (`2_b.SQL` has).
fn sql_extension_len(name: &str) -> Option<usize> {
    SQL_EXTENSIONS
        .iter()
        .find(|extension| {
            let start = name.len().saturating_sub(extension.len());
            start > 0 && name.get(start..).is_some_and(|end| end.eq_ignore_ascii_case(extension))
        })
        .map(|extension| extension.len())
}

/// SQL files, whatever the case of their extension.
pub(super) fn is_sql_file(name: &str) -> bool {
    sql_extension_len(name).is_some()
}

/// Non-SQL files discovery reads for their hints.
fn is_metadata(file_name: &str) -> bool {
    matches!(file_name, "migration_lock.toml" | "sqitch.plan" | "manifest.json")
}

/// Extensions of files that document a migration folder, hold data beside it
/// (Drizzle's `meta/0001_snapshot.json`) or back a file up: never a migration,
/// even when named like one.
const NEVER_MIGRATIONS: [&str; 22] = [
    "md", "markdown", "txt", "rst", "adoc", "json", "csv", "tsv", "toml", "lock", "sum", "log", "bak",
    "orig", "swp", "tmp", "png", "jpg", "jpeg", "gif", "svg", "pdf",
];

/// The extension of a file that may be a migration rollsafe cannot read (`go` for
/// goose's `0003_x.go`, `psql`): not SQL, not hidden, not a document or a backup.
pub(super) fn foreign_extension(relative: &str) -> Option<&str> {
    let file_name = relative.rsplit('/').next().unwrap_or(relative);
    let (stem, extension) = file_name.rsplit_once('.')?;
    let never = NEVER_MIGRATIONS.iter().any(|never| never.eq_ignore_ascii_case(extension));
    let hidden_or_backup = stem.is_empty() || file_name.starts_with('.') || extension.ends_with('~');
    (!never && !hidden_or_backup && !is_sql_file(file_name)).then_some(extension)
}

/// Whether discovery reads what a file holds: SQL, metadata, or a file that may be
/// a migration in another language (whose edits are flagged). A document, data
/// file or backup beside the migrations is only named, never opened.
pub(super) fn worth_reading(relative: &str) -> bool {
    let file_name = relative.rsplit('/').next().unwrap_or(relative);
    is_sql_file(file_name) || is_metadata(file_name) || foreign_extension(relative).is_some()
}

/// The name a layout recognises a file by: its SQL extension in lower case
/// (`2_b.SQL` is `2_b.sql`), or for a file in another language the `.sql` file it
/// stands for (`3_c.go` is `3_c.sql`).
pub(crate) fn as_sql_name(relative: &str) -> Cow<'_, str> {
    if let Some(len) = sql_extension_len(relative) {
        let (stem, extension) = relative.split_at(relative.len() - len);
        return if extension.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(format!("{stem}{}", extension.to_ascii_lowercase()))
        } else {
            Cow::Borrowed(relative)
        };
    }
    match foreign_extension(relative) {
        Some(extension) => Cow::Owned(format!("{}sql", &relative[..relative.len() - extension.len()])),
        None => Cow::Borrowed(relative),
    }
}

/// A file under a migrations folder that rollsafe does not read, and why. Every
/// report says each one: a migration skipped in silence would pass for a safe one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// Its path inside the migrations folder, `/`-separated.
    #[serde(skip)]
    pub relative: String,
    /// The path reports show.
    #[serde(rename = "file")]
    pub display: String,
    pub kind: SkipKind,
    /// Why, for people.
    pub reason: String,
}

/// Why a file is not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipKind {
    /// A SQL file whose name the layout cannot place in the order.
    NoVersion,
    /// Left out by an `exclude` pattern.
    Excluded,
    /// Another database's history in a folder that holds one per database: one
    /// rollsafe cannot read, or not the one `--dialect` picks.
    OtherDialect,
    /// Not SQL, and not named like a migration (or a way back rollsafe cannot read).
    NotSql,
    /// A symbolic link to nothing.
    DanglingLink,
    /// A symbolic link to a folder above it.
    LinkLoop,
    /// Not a regular file: a FIFO, socket or device, or a link or submodule in git.
    SpecialFile,
}

impl Skipped {
    pub(crate) fn new(
        relative: String,
        display: String,
        kind: SkipKind,
        reason: impl Into<String>,
    ) -> Skipped {
        Skipped { relative, display, kind, reason: reason.into() }
    }

    pub(super) fn file(file: &ReleaseFile, kind: SkipKind, reason: impl Into<String>) -> Skipped {
        Skipped::new(file.relative.clone(), file.display.clone(), kind, reason)
    }
}

impl Release {
    /// The folder `folder` (as shown) read at `revision`, its files still to add.
    pub(crate) fn at_revision(folder: String, revision: &str) -> Release {
        Release { folder, revision: Some(revision.to_owned()), ..Release::default() }
    }

    /// How reports name the release: its folder, and the revision it was read at.
    pub fn label(&self) -> String {
        label(&self.folder, self.revision.as_deref())
    }

    /// Puts `bytes` in place of the file at `relative` (standard input, an unsaved
    /// buffer), adding it when the folder does not have it yet.
    pub fn overlay(&mut self, relative: &str, display: &str, bytes: &[u8]) {
        let file =
            ReleaseFile { relative: relative.to_owned(), display: display.to_owned(), bytes: bytes.into() };
        match self.files.iter_mut().find(|f| f.relative == relative) {
            Some(existing) => *existing = file,
            None => self.files.push(file),
        }
    }

    /// Makes each of its files that holds what `older`'s file at the same path
    /// holds share `older`'s bytes: an unchanged history is held once, not once
    /// per release, and comparing the two is comparing pointers.
    pub fn share_unchanged(&mut self, older: &Release) {
        let older_at: HashMap<&str, &Arc<[u8]>> =
            older.files.iter().map(|file| (file.relative.as_str(), &file.bytes)).collect();
        for file in &mut self.files {
            // Blobs read from git for both releases are shared already: no compare.
            let same = |bytes: &&&Arc<[u8]>| Arc::ptr_eq(bytes, &file.bytes) || bytes[..] == file.bytes[..];
            if let Some(bytes) = older_at.get(file.relative.as_str()).filter(same) {
                file.bytes = Arc::clone(bytes);
            }
        }
    }

    /// Reads the files under `root`, following links to files and folders alike: a
    /// migration linked in from elsewhere runs like any other.
    pub fn read_folder(root: &Path) -> Result<Release, DiscoverError> {
        Release::read_folder_to_depth(root, usize::MAX).map(|(release, _)| release)
    }

    /// Reads the files under `root` down to `depth` levels (1: its own files
    /// only), as [`Release::read_folder`] does; returns with it the folders at
    /// that depth, whose contents were not read (relative, `/`-separated).
    pub fn read_folder_to_depth(root: &Path, depth: usize) -> Result<(Release, Vec<String>), DiscoverError> {
        let shown = root.display().to_string();
        if !root.exists() {
            return Err(DiscoverError::NotFound { path: shown });
        }
        let mut release = Release { folder: shown, ..Release::default() };
        let mut not_read = Vec::new();
        // The walk names the files in order; they are then read on every core (a
        // long history is tens of thousands of small files) and taken in that order.
        let mut found = Vec::new();
        // A repository's own `.git` holds no migrations: read whole, a project's root
        // listed every object in it as a file not read.
        let walk = WalkDir::new(root).follow_links(true).max_depth(depth).sort_by_file_name();
        let not_git = |entry: &walkdir::DirEntry| entry.depth() == 0 || entry.file_name() != ".git";
        for entry in walk.into_iter().filter_entry(not_git) {
            match entry {
                Ok(entry) if entry.file_type().is_dir() => {
                    if entry.depth() == depth {
                        not_read.push(relative_path(root, entry.path()));
                    }
                }
                Ok(entry) => found.push(Ok(entry)),
                Err(error) => found.push(Err(error)),
            }
        }
        let read: Vec<_> =
            found.into_par_iter().map(|entry| entry.map(|entry| read_entry(root, entry))).collect();
        for entry in read {
            match entry {
                Ok(Walked::File(file)) => release.add(file?),
                Ok(Walked::Special(skipped)) => release.skipped.push(skipped),
                Err(error) => release.skip_unwalkable(root, error)?,
            }
        }
        Ok((release, not_read))
    }

    /// Files a file to its kind: SQL, metadata, or other.
    pub(crate) fn add(&mut self, file: ReleaseFile) {
        let file_name = file.relative.rsplit('/').next().unwrap_or(&file.relative);
        if is_sql_file(file_name) {
            self.files.push(file);
        } else if is_metadata(file_name) {
            self.metadata.push(file);
        } else {
            self.others.push(file);
        }
    }

    /// Notes a link walkdir could not follow (to nothing, or into a loop); any
    /// other trouble stops discovery.
    fn skip_unwalkable(&mut self, root: &Path, error: walkdir::Error) -> Result<(), DiscoverError> {
        let at = error.path().map(Path::to_path_buf);
        let is_link = |path: &Path| path.symlink_metadata().is_ok_and(|meta| meta.file_type().is_symlink());
        let (kind, reason) = match &at {
            Some(_) if error.loop_ancestor().is_some() => {
                (SkipKind::LinkLoop, "a symbolic link to a folder above it: followed once, not again")
            }
            Some(path) if is_link(path) && !path.exists() => {
                (SkipKind::DanglingLink, "a symbolic link to a file that does not exist")
            }
            _ => {
                let path = at.as_deref().unwrap_or(root).display().to_string();
                return Err(DiscoverError::Unreadable { path, source: error.into() });
            }
        };
        let path = at.unwrap_or_default();
        self.skipped.push(Skipped::new(relative_path(root, &path), path.display().to_string(), kind, reason));
        Ok(())
    }
}

/// How reports name a migrations folder read at `revision` (`db/migrations at
/// v1.2`), or on disk (the folder alone).
pub(crate) fn label(folder: &str, revision: Option<&str>) -> String {
    match revision {
        Some(revision) => format!("{folder} at {revision}"),
        None => folder.to_owned(),
    }
}

/// What the walk found that is not a folder, read.
enum Walked {
    File(Result<ReleaseFile, DiscoverError>),
    /// Not a regular file: never opened.
    Special(Skipped),
}

/// Reads a file the walk found under `root`, unless it is not worth reading (its
/// bytes are left empty) or not a regular file.
fn read_entry(root: &Path, entry: walkdir::DirEntry) -> Walked {
    let (relative, display) = (relative_path(root, entry.path()), entry.path().display().to_string());
    if !entry.file_type().is_file() {
        // Opening a FIFO would wait for a writer forever.
        let reason = "not a regular file (a FIFO, socket or device): never opened";
        return Walked::Special(Skipped::new(relative, display, SkipKind::SpecialFile, reason));
    }
    let bytes = if worth_reading(&relative) {
        match std::fs::read(entry.path()) {
            Ok(bytes) => bytes.into(),
            Err(source) => return Walked::File(Err(DiscoverError::Unreadable { path: display, source })),
        }
    } else {
        Arc::from([])
    };
    Walked::File(Ok(ReleaseFile { relative, display, bytes }))
}

/// `path`'s path inside `root`, `/`-separated.
fn relative_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(files: &[(&str, &str)]) -> Release {
        let mut release = Release::default();
        for (relative, text) in files {
            release.add(ReleaseFile {
                relative: (*relative).to_owned(),
                display: (*relative).to_owned(),
                bytes: Arc::from(text.as_bytes()),
            });
        }
        release
    }

    #[test]
    fn files_unchanged_since_the_older_release_share_its_bytes() {
        let older =
            release(&[("1_a.sql", "CREATE TABLE a (x int);"), ("2_b.sql", "CREATE TABLE b (x int);")]);
        let mut newer = release(&[
            ("1_a.sql", "CREATE TABLE a (x int);"),
            ("2_b.sql", "CREATE TABLE b (x bigint);"),
            ("3_c.sql", "CREATE TABLE a (x int);"),
        ]);
        newer.share_unchanged(&older);
        let shared: Vec<bool> = newer
            .files
            .iter()
            .map(|file| older.files.iter().any(|old| Arc::ptr_eq(&old.bytes, &file.bytes)))
            .collect();
        // Same path and bytes only: an edit, or the same text at a new path, keeps its own.
        assert_eq!(shared, [true, false, false]);
        assert_eq!(&*newer.files[1].bytes, b"CREATE TABLE b (x bigint);");
    }
}
