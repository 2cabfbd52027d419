//! A release as read from a folder or a git tree: its `.sql` files, and every
//! file it holds that rollsafe does not read, with the reason.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use walkdir::WalkDir;

use super::{DiscoverError, lexically_normal};

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
    /// The package manifest beside the folder (`../Cargo.toml`), when there is
    /// one: the database driver of the code that runs the migrations says their
    /// dialect (atuin's client crate runs SQLite migrations with sqlx's `sqlite`).
    pub manifest: Option<ReleaseFile>,
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
    /// A folder not walked: hidden (`.git`), or of dependencies or build output
    /// (`node_modules`, `target`).
    LeftOut,
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
    /// buffer), adding it when the folder does not have it yet; filed by its name
    /// as a file on disk is (`x.go` is no SQL file, whatever it holds).
    pub fn overlay(&mut self, relative: &str, display: &str, bytes: &[u8]) {
        for group in [&mut self.files, &mut self.metadata, &mut self.others] {
            group.retain(|file| file.relative != relative);
        }
        self.skipped.retain(|skipped| skipped.relative != relative);
        self.add(ReleaseFile {
            relative: relative.to_owned(),
            display: display.to_owned(),
            bytes: bytes.into(),
        });
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
        if let Some(why) = not_openable(root) {
            return Err(DiscoverError::NotAFile { path: shown, why });
        }
        if !root.exists() {
            return Err(DiscoverError::NotFound { path: shown });
        }
        let manifest = manifest_beside(root);
        let mut release = Release { folder: shown, manifest, ..Release::default() };
        let mut not_read = Vec::new();
        // The walk names the files in order; they are then read on every core (a
        // long history is tens of thousands of small files) and taken in that order.
        let mut found = Vec::new();
        // Folders no one keeps migrations in (a repository's `.git`, `node_modules`,
        // `target`, any hidden one) are not walked: read whole, a project's root
        // judged its dependencies' SQL as migrations. Each is said, once.
        let mut left_out = Vec::new();
        let walk = WalkDir::new(root).follow_links(true).max_depth(depth).sort_by_file_name();
        let walked = walk.into_iter().filter_entry(|entry| match left_out_folder(entry) {
            Some(reason) => {
                let path = entry.path();
                let skipped = Skipped::new(
                    relative_path(root, path),
                    path.display().to_string(),
                    SkipKind::LeftOut,
                    reason,
                );
                left_out.push(skipped);
                false
            }
            None => true,
        });
        for entry in walked {
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
        release.skipped.append(&mut left_out);
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
            Some(_) if error.loop_ancestor().is_some() => (
                SkipKind::LinkLoop,
                "a symbolic link to a folder above it: followed once, not again".to_owned(),
            ),
            Some(path) if is_link(path) && !path.exists() => match broken_link(path) {
                BrokenLink::To(nothing) => (SkipKind::DanglingLink, nothing),
                BrokenLink::Loop(round) => (SkipKind::LinkLoop, round),
            },
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

/// The name of the package manifest whose dependencies say which database the
/// migrations in a folder beside it are run on.
pub(super) const MANIFEST: &str = "Cargo.toml";

/// The package manifest in the folder above `root`, read, when there is one.
fn manifest_beside(root: &Path) -> Option<ReleaseFile> {
    let above = lexically_normal(&std::path::absolute(root).ok()?).parent()?.join(MANIFEST);
    let bytes = std::fs::read(&above).ok()?;
    // As the user named the folder: `crates/x/migrations` has `crates/x/Cargo.toml`.
    let shown = match root.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        Some(parent) if root.file_name().is_some() => parent.join(MANIFEST),
        _ => above,
    };
    Some(ReleaseFile {
        relative: format!("../{MANIFEST}"),
        display: shown.display().to_string(),
        bytes: bytes.into(),
    })
}

/// Why the path named, `path`, is neither a file nor a folder that can be read:
/// a symbolic link to nothing or round in a loop, a FIFO, a socket, a device.
/// `None` for a file, a folder, or nothing at all.
pub(crate) fn not_openable(path: &Path) -> Option<String> {
    let own = path.symlink_metadata().ok()?;
    match path.metadata() {
        Ok(meta) if meta.is_file() || meta.is_dir() => None,
        // Opening a FIFO would wait for a writer forever.
        Ok(_) => Some(SPECIAL_FILE.to_owned()),
        Err(_) if own.file_type().is_symlink() => match broken_link(path) {
            BrokenLink::To(nothing) | BrokenLink::Loop(nothing) => Some(nothing),
        },
        Err(_) => None,
    }
}

const SPECIAL_FILE: &str = "not a regular file (a FIFO, socket or device): never opened";

/// Why a symbolic link leads nowhere.
enum BrokenLink {
    /// To a path that does not exist: said with it.
    To(String),
    /// Round in a loop of links: said with the link it comes back to.
    Loop(String),
}

/// Follows the symbolic link at `path`, which leads to no file or folder, link by
/// link (as many as Linux follows before it says ELOOP) to say where it breaks.
fn broken_link(path: &Path) -> BrokenLink {
    let mut at = path.to_path_buf();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..40 {
        let Ok(target) = std::fs::read_link(&at) else {
            break;
        };
        if !seen.insert(at.clone()) {
            break;
        }
        at = at.parent().unwrap_or(Path::new("")).join(target);
    }
    match std::fs::read_link(&at) {
        // Still a link after all that: a loop.
        Ok(_) => {
            BrokenLink::Loop(format!("a symbolic link in a loop of links, round through `{}`", at.display()))
        }
        Err(_) => BrokenLink::To(format!("a symbolic link to `{}`, which does not exist", at.display())),
    }
}

/// Why a folder under the one read is left out, unless it is not.
fn left_out_folder(entry: &walkdir::DirEntry) -> Option<String> {
    if entry.depth() == 0 || !entry.file_type().is_dir() {
        return None;
    }
    left_out_folder_named(&entry.file_name().to_string_lossy())
}

/// Why a folder named `name`, under the one read, is left out, unless it is not:
/// on disk and at a git revision alike.
pub(super) fn left_out_folder_named(name: &str) -> Option<String> {
    if name.starts_with('.') {
        Some("a hidden folder, where no one keeps migrations".to_owned())
    } else if super::is_vendored_folder(name) {
        Some(format!("a folder of dependencies or build output (`{name}`), where no one keeps migrations"))
    } else {
        None
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
        return Walked::Special(Skipped::new(relative, display, SkipKind::SpecialFile, SPECIAL_FILE));
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
    fn an_overlay_is_filed_by_its_name_as_a_file_on_disk_is() {
        let mut release = release(&[("1_a.sql", "SELECT 1;"), ("2_b.go", "package m")]);
        release.overlay("2_b.go", "m/2_b.go", b"ALTER TABLE a DROP COLUMN b;");
        release.overlay("3_c.go", "m/3_c.go", b"DROP TABLE a;");
        release.overlay("1_a.sql", "m/1_a.sql", b"SELECT 2;");
        let names = |files: &[ReleaseFile]| files.iter().map(|f| f.relative.clone()).collect::<Vec<_>>();
        assert_eq!(names(&release.files), ["1_a.sql"]);
        assert_eq!(names(&release.others), ["2_b.go", "3_c.go"]);
        assert_eq!(&*release.others[0].bytes, b"ALTER TABLE a DROP COLUMN b;");
    }

    #[cfg(unix)]
    #[test]
    fn what_cannot_be_opened_is_said_with_why() {
        let dir = tempfile::tempdir().expect("tempdir");
        let at = |name: &str| dir.path().join(name);
        std::os::unix::fs::symlink("b.sql", at("a.sql")).expect("link");
        std::os::unix::fs::symlink("a.sql", at("b.sql")).expect("link");
        std::os::unix::fs::symlink("gone/x.sql", at("c.sql")).expect("link");
        std::fs::write(at("d.sql"), "SELECT 1;").expect("write");
        let said = |name: &str| not_openable(&at(name)).unwrap_or_default();
        assert!(said("a.sql").starts_with("a symbolic link in a loop of links"), "{}", said("a.sql"));
        assert_eq!(
            said("c.sql"),
            format!("a symbolic link to `{}`, which does not exist", at("gone/x.sql").display())
        );
        assert_eq!(not_openable(&at("d.sql")), None);
        assert_eq!(not_openable(dir.path()), None);
        assert_eq!(not_openable(&at("absent.sql")), None);
    }

    #[test]
    fn hidden_and_dependency_folders_are_left_out_and_said() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["1_a.sql", "node_modules/p/2_b.sql", ".git/x.sql", "vendor/3_c.sql", "sub/4_d.sql"] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
            std::fs::write(path, "SELECT 1;").expect("write");
        }
        let release = Release::read_folder(dir.path()).expect("read");
        let read: Vec<&str> = release.files.iter().map(|f| f.relative.as_str()).collect();
        assert_eq!(read, ["1_a.sql", "sub/4_d.sql"]);
        let left_out: Vec<(&str, SkipKind)> =
            release.skipped.iter().map(|s| (s.relative.as_str(), s.kind)).collect();
        assert_eq!(
            left_out,
            [(".git", SkipKind::LeftOut), ("node_modules", SkipKind::LeftOut), ("vendor", SkipKind::LeftOut)]
        );
    }

    #[test]
    fn the_manifest_beside_a_folder_is_read_with_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("migrations")).expect("mkdir");
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[dependencies]
",
        )
        .expect("write");
        let release = Release::read_folder(&dir.path().join("migrations")).expect("read");
        let manifest = release.manifest.expect("a manifest");
        assert_eq!(manifest.display, dir.path().join("Cargo.toml").display().to_string());
        assert_eq!(&*manifest.bytes, b"[dependencies]\n");
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
