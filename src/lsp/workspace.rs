//! Which migrations folder an open file belongs to, and judging it there: the
//! folder's migrations on disk, with the editor's unsaved buffers in place of
//! their files, discovered as the command line discovers them (`rollsafe.toml`
//! honoured), the buffer judged against the schema the migrations before it leave.
//!
//! A file belongs to a folder when `rollsafe.toml` lists the folder under
//! `migrations` and the file is under it; without such a list, when its own
//! folder's layout (or, for layouts that keep a migration in a folder of its own
//! such as Diesel, Prisma, sqitch and versioned folders, its parent folder's)
//! places it among the migrations. Any other file is outside every migrations
//! folder and gets no findings. Only a folder named like a migrations folder is
//! read whole, as the command line reads one; any other is read down to the
//! file's depth, and not at all when no layout orders the file's name, so a stray
//! `/tmp/nowhere.sql` never walks the trees below `/tmp`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::{self, check_migration, dialect_of};
use crate::classify::Change;
use crate::config::{Config, ConfigError};
use crate::discover::{
    Migration, MigrationSet, Reach, Release, ReleaseFile, candidate_folders, discover_release,
    lexically_normal, reach,
};
use crate::sql::Dialect;

use super::code::Code;
use super::documents::{Document, Documents};
use super::schemas::{SchemaCache, epoch};

/// Where an open file belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// In the migrations folder at this path.
    In(PathBuf),
    /// Outside every migrations folder: no findings.
    Outside,
    /// The file's `rollsafe.toml` cannot be read: said at the file.
    Trouble(String),
}

/// The result of judging one open file.
#[derive(Debug)]
pub struct Checked {
    /// The file's changes (all at file 0).
    pub changes: Vec<Change>,
    /// What the user should know that is not a change of the file.
    pub notes: Vec<String>,
    /// Whether A's code was read: the places findings reference in it are
    /// paths from the working directory.
    pub code_read: bool,
}

/// The migrations folders the open files belong to.
#[derive(Debug, Default)]
pub struct Workspace {
    folders: BTreeMap<PathBuf, Folder>,
    placements: BTreeMap<PathBuf, Placement>,
}

/// A migrations folder, its settings, its files as last read and its schemas.
#[derive(Debug)]
struct Folder {
    options: analysis::Options,
    /// How many levels of it are read: all of a folder named like a migrations
    /// folder, else down to the deepest file placed in it (see [`reach`]).
    depth: usize,
    /// Its files on disk; `None` when they must be read again.
    disk: Option<Release>,
    /// The folders at `depth`, not read when its files were last read.
    not_read: Vec<String>,
    /// The dialect to read it in and the note that says where it came from, found
    /// when its files were last read from disk. Detecting it reads the text of
    /// every file, too slow to repeat on every keystroke; later discoveries are
    /// given it as `--dialect` would give it.
    dialect: Option<(Dialect, Option<String>)>,
    schemas: SchemaCache,
    code: Code,
}

impl Workspace {
    /// Forgets every placement and folder: `rollsafe.toml` or the settings changed.
    pub fn reset(&mut self) {
        self.folders.clear();
        self.placements.clear();
    }

    /// Reads the folder holding `path` from disk again at its next check (a file
    /// saved, created or deleted); a file not placed yet is placed afresh.
    pub fn refresh(&mut self, path: &Path) {
        for (root, folder) in &mut self.folders {
            if path.starts_with(root) {
                folder.disk = None;
            }
        }
        self.placements.retain(|placed, placement| placed != path || matches!(placement, Placement::In(_)));
    }

    /// The migrations folder holding `path`, if a file of it was placed.
    pub fn folder_holding(&self, path: &Path) -> Option<&Path> {
        self.folders
            .keys()
            .filter(|root| path.starts_with(root))
            .max_by_key(|root| root.as_os_str().len())
            .map(PathBuf::as_path)
    }

    /// The folder `document` belongs to, placing it the first time.
    pub fn place(&mut self, document: &Document, documents: &Documents) -> Placement {
        if let Some(placement) = self.placements.get(&document.path) {
            return placement.clone();
        }
        let placement = self.find_folder(document, documents);
        self.placements.insert(document.path.clone(), placement.clone());
        placement
    }

    /// Judges `document` in the folder `root` it was placed in. An error is what
    /// stopped the folder's discovery (unreadable, a binary file), for the user.
    pub fn check(
        &mut self,
        root: &Path,
        document: &Document,
        documents: &Documents,
    ) -> Result<Checked, String> {
        let Some(folder) = self.folders.get_mut(root) else {
            return Err(format!("`{}` is no longer a migrations folder", root.display()));
        };
        let (set, (dialect, dialect_note)) = folder.discover(root, documents, &document.path)?;
        let mut notes: Vec<String> = dialect_note.into_iter().collect();
        notes.extend(folder.not_read_note(root));
        let relative = relative(root, &document.path);
        let mut changes = match set.forward.iter().position(|m| m.relative == relative) {
            Some(index) => {
                let before = folder.schemas.before(&set.forward, index, dialect);
                check_migration(&set.forward[index], before, epoch(index), dialect, &folder.options)
            }
            None => {
                // A way back, or a file the layout cannot place: judged after every
                // forward migration, as `rollsafe check FILE` judges it.
                let migration = set
                    .back
                    .iter()
                    .find(|m| m.relative == relative)
                    .cloned()
                    .unwrap_or_else(|| Migration::lone(buffer_file(root, document)));
                notes.push(format!(
                    "`{relative}` is not a forward migration of its folder's layout ({}): judged after all of them",
                    set.layout.label()
                ));
                let end = set.forward.len();
                let before = folder.schemas.before(&set.forward, end, dialect);
                check_migration(&migration, before, epoch(end), dialect, &folder.options)
            }
        };
        let code_read = folder.code.weigh(&mut changes, &mut notes);
        Ok(Checked { changes, notes, code_read })
    }

    fn find_folder(&mut self, document: &Document, documents: &Documents) -> Placement {
        let Some(own_folder) = document.path.parent() else {
            return Placement::Outside;
        };
        let (config, config_folder) = match Config::load(None, own_folder) {
            Ok(Some((config, folder))) => (config, Some(folder)),
            Ok(None) => (Config::default(), None),
            Err(error) => return Placement::Trouble(config_trouble(&error)),
        };
        let options = config.analysis_options(None, None);
        if let (false, Some(config_folder)) = (config.migrations.is_empty(), config_folder) {
            let listed = config.migrations.iter().map(|folder| lexically_normal(&config_folder.join(folder)));
            let deepest = listed
                .filter(|root| document.path.starts_with(root))
                .max_by_key(|root| root.as_os_str().len());
            return match deepest {
                Some(root) => {
                    self.folders.entry(root.clone()).or_insert_with(|| {
                        Folder::new(options, usize::MAX, Code::for_folder(&root, config.code))
                    });
                    Placement::In(root)
                }
                None => Placement::Outside,
            };
        }
        for root in candidate_folders(&document.path) {
            let depth = match reach(&root, &relative(&root, &document.path), document.text.as_bytes()) {
                Reach::Whole => usize::MAX,
                Reach::ToDepth(depth) => depth,
                Reach::Nothing => continue,
            };
            if let Some(folder) = self.folders.get_mut(&root) {
                folder.reach_down_to(depth);
                if folder.places(&root, document, documents) {
                    return Placement::In(root);
                }
                continue;
            }
            let mut folder = Folder::new(options.clone(), depth, Code::for_folder(&root, config.code));
            if folder.places(&root, document, documents) {
                self.folders.insert(root.clone(), folder);
                return Placement::In(root);
            }
        }
        Placement::Outside
    }
}

impl Folder {
    fn new(options: analysis::Options, depth: usize, code: Code) -> Folder {
        let schemas = SchemaCache::default();
        Folder { options, depth, disk: None, not_read: Vec::new(), dialect: None, schemas, code }
    }

    /// Reads the folder down to `depth` from now on, if it was read less deep.
    fn reach_down_to(&mut self, depth: usize) {
        if depth > self.depth {
            self.depth = depth;
            self.disk = None;
        }
    }

    /// What of the folder was not read, when it was not read whole.
    fn not_read_note(&self, root: &Path) -> Option<String> {
        let (first, rest) = self.not_read.split_first()?;
        let more = if rest.is_empty() { String::new() } else { format!(" and {} more", rest.len()) };
        Some(format!(
            "`{}` is not named like a migrations folder: read {} level(s) deep, as deep as the files judged in it; not read: `{first}/`{more}",
            root.display(),
            self.depth
        ))
    }

    /// Whether the folder's layout places `document` among its migrations.
    fn places(&mut self, root: &Path, document: &Document, documents: &Documents) -> bool {
        let relative = relative(root, &document.path);
        self.discover(root, documents, &document.path)
            .is_ok_and(|(set, _)| set.forward.iter().chain(&set.back).any(|m| m.relative == relative))
    }

    /// The folder's migrations: the files on disk (read again when stale), each open
    /// buffer under the folder in place of its file, or added when not saved yet;
    /// with the dialect to read them in and the note that says why.
    fn discover(
        &mut self,
        root: &Path,
        documents: &Documents,
        judged: &Path,
    ) -> Result<(MigrationSet, Dialected), String> {
        let disk = match self.disk.take() {
            Some(disk) => disk,
            None => {
                self.dialect = None;
                let (disk, not_read) =
                    Release::read_folder_to_depth(root, self.depth).map_err(|error| error.to_string())?;
                self.not_read = not_read;
                disk
            }
        };
        let mut release = disk.clone();
        self.disk = Some(disk);
        for document in documents.under(root) {
            let buffer = buffer_file(root, document);
            // A buffer deeper than the folder is read is none of its files.
            if buffer.relative.split('/').count() > self.depth {
                continue;
            }
            // Another buffer holding no SQL (a binary paste, not saved) is said at
            // itself when it is judged; it does not stop this one being judged.
            if document.path != judged && buffer.bytes.contains(&0) {
                continue;
            }
            match release.files.iter_mut().find(|file| file.relative == buffer.relative) {
                Some(file) => file.bytes = buffer.bytes,
                None if is_sql(&buffer.relative) => release.files.push(buffer),
                None => {}
            }
        }
        let mut options = self.options.discover.clone();
        if let (None, Some((dialect, _))) = (options.dialect, &self.dialect) {
            options.dialect = Some(*dialect);
        }
        let set = discover_release(release, &options).map_err(|error| {
            let help = miette::Diagnostic::help(&error).map(|help| format!(" ({help})")).unwrap_or_default();
            format!("{error}{help}")
        })?;
        // The editor has no --dialect: rollsafe.toml's `dialect` is what overrides it.
        let overridden = "`dialect` in rollsafe.toml overrides";
        let dialect = self.dialect.get_or_insert_with(|| dialect_of(&self.options, &set, overridden)).clone();
        Ok((set, dialect))
    }
}

/// A dialect, and the note that says where it came from.
type Dialected = (Dialect, Option<String>);

/// An open buffer as a file of the folder at `root`.
fn buffer_file(root: &Path, document: &Document) -> ReleaseFile {
    ReleaseFile {
        relative: relative(root, &document.path),
        display: document.path.display().to_string(),
        bytes: Arc::from(document.text.as_bytes()),
    }
}

/// `path` relative to `root`, `/`-separated, as discovery names files.
fn relative(root: &Path, path: &Path) -> String {
    let inside = path.strip_prefix(root).unwrap_or(path);
    inside.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn is_sql(relative: &str) -> bool {
    relative.to_ascii_lowercase().ends_with(".sql")
}

/// What is wrong with a `rollsafe.toml`, in one line.
fn config_trouble(error: &ConfigError) -> String {
    let help = miette::Diagnostic::help(error).map(|help| format!(" ({help})")).unwrap_or_default();
    match error {
        ConfigError::Read { source, .. } => format!("{error}: {source}"),
        ConfigError::Invalid { source_code, .. } => {
            format!("{}: {error}{help}", miette::NamedSource::name(source_code))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, relative: &str, text: &str) -> PathBuf {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
        path
    }

    /// Opens `path` with `text` in `documents`, as the editor would.
    fn open(documents: &mut Documents, path: &Path, text: &str) -> Document {
        let uri = super::super::documents::uri_of(path).expect("a file URI");
        assert!(documents.open(&uri, text.to_owned(), 1));
        documents.get(&uri).cloned().expect("open")
    }

    fn rules(checked: &Checked) -> Vec<&'static str> {
        checked.changes.iter().flat_map(|c| c.findings()).map(|f| f.rule.id).collect()
    }

    #[test]
    fn each_file_is_judged_in_its_own_folder_and_others_get_nothing() {
        let project = tempfile::tempdir().expect("tempdir");
        let root = project.path();
        write(root, "shop/migrations/1_orders.sql", "CREATE TABLE orders (id int, note text);");
        write(root, "auth/migrations/1_users.sql", "CREATE TABLE users (id int, note text);");
        let (mut documents, mut workspace) = (Documents::default(), Workspace::default());
        let drop = "ALTER TABLE orders DROP COLUMN note;";
        let orders = open(&mut documents, &root.join("shop/migrations/2_drop.sql"), drop);
        let users = open(&mut documents, &root.join("auth/migrations/2_drop.sql"), drop);
        let notes = open(
            &mut documents,
            &write(root, "docs/example.sql", "DROP TABLE orders;"),
            "DROP TABLE orders;",
        );

        let shop = root.join("shop/migrations");
        assert_eq!(workspace.place(&orders, &documents), Placement::In(shop.clone()));
        let checked = workspace.check(&shop, &orders, &documents).expect("judged");
        assert_eq!(rules(&checked), ["drop-column"]);
        assert_eq!(checked.changes[0].findings()[0].class, crate::classify::Class::Destructive);

        // Judged against its own folder, where no migration made `orders`.
        let auth = root.join("auth/migrations");
        assert_eq!(workspace.place(&users, &documents), Placement::In(auth.clone()));
        let checked = workspace.check(&auth, &users, &documents).expect("judged");
        assert!(checked.changes[0].findings()[0].message.contains("orders"), "{:?}", checked.changes);

        assert_eq!(workspace.place(&notes, &documents), Placement::Outside);
    }

    #[test]
    fn the_dialect_note_names_what_overrides_it_in_the_editor() {
        let project = tempfile::tempdir().expect("tempdir");
        let root = project.path();
        write(root, "postgres/1_users.sql", "CREATE TABLE users (id int, note text);");
        let (mut documents, mut workspace) = (Documents::default(), Workspace::default());
        let drop =
            open(&mut documents, &root.join("postgres/2_drop.sql"), "ALTER TABLE users DROP COLUMN note;");
        let folder = root.join("postgres");
        assert_eq!(workspace.place(&drop, &documents), Placement::In(folder.clone()));
        let checked = workspace.check(&folder, &drop, &documents).expect("judged");
        let note =
            checked.notes.iter().find(|note| note.starts_with("dialect postgres")).expect("a dialect note");
        assert!(note.ends_with("(`dialect` in rollsafe.toml overrides)"), "{note}");
    }

    #[test]
    fn a_binary_buffer_is_said_at_itself_and_its_siblings_are_still_judged() {
        let project = tempfile::tempdir().expect("tempdir");
        let root = project.path();
        write(root, "m/1_users.sql", "CREATE TABLE users (id int, note text);");
        let (mut documents, mut workspace) = (Documents::default(), Workspace::default());
        let drop =
            open(&mut documents, &write(root, "m/2_drop.sql", ""), "ALTER TABLE users DROP COLUMN note;");
        let folder = root.join("m");
        assert_eq!(workspace.place(&drop, &documents), Placement::In(folder.clone()));
        let pasted = open(&mut documents, &root.join("m/3_paste.sql"), "\u{0}\u{1} DROP TABLE users;");
        let checked = workspace.check(&folder, &drop, &documents).expect("still judged");
        assert_eq!(rules(&checked), ["drop-column"]);
        let trouble = workspace.check(&folder, &pasted, &documents).expect_err("not SQL");
        assert!(trouble.contains("3_paste.sql` is a binary file"), "{trouble}");
    }

    #[test]
    fn rollsafe_toml_lists_the_folders_and_per_migration_folders_find_their_parent() {
        let project = tempfile::tempdir().expect("tempdir");
        let root = project.path();
        write(root, "rollsafe.toml", "migrations = [\"./db/../db\"]\n");
        write(root, "db/1_users.sql", "CREATE TABLE users (id int);");
        let unlisted = write(root, "scratch/1_x.sql", "SELECT 1;");
        let (mut documents, mut workspace) = (Documents::default(), Workspace::default());
        let listed = open(&mut documents, &root.join("db/2_y.sql"), "SELECT 1;");
        assert_eq!(workspace.place(&listed, &documents), Placement::In(root.join("db")));
        let unlisted = open(&mut documents, &unlisted, "SELECT 1;");
        assert_eq!(workspace.place(&unlisted, &documents), Placement::Outside);

        let diesel = tempfile::tempdir().expect("tempdir");
        write(
            diesel.path(),
            "migrations/2020-01-01-000000_users/up.sql",
            "CREATE TABLE users (id int, a text);",
        );
        write(diesel.path(), "migrations/2020-01-01-000000_users/down.sql", "DROP TABLE users;");
        let up = open(
            &mut documents,
            &diesel.path().join("migrations/2021-01-01-000000_drop/up.sql"),
            "ALTER TABLE users DROP COLUMN a;",
        );
        let migrations = diesel.path().join("migrations");
        assert_eq!(workspace.place(&up, &documents), Placement::In(migrations.clone()));
        assert_eq!(rules(&workspace.check(&migrations, &up, &documents).expect("judged")), ["drop-column"]);
    }

    /// Files read from disk for the folder at `root`, by relative path.
    fn read_from_disk(workspace: &Workspace, root: &Path) -> Vec<String> {
        let disk = workspace.folders[root].disk.as_ref().expect("read");
        disk.files.iter().chain(&disk.others).map(|file| file.relative.clone()).collect()
    }

    #[test]
    fn a_folder_not_named_like_migrations_is_read_no_deeper_than_its_file() {
        let project = tempfile::tempdir().expect("tempdir");
        let root = project.path();
        // An unrelated tree of numbered SQL files below the folders, as /tmp or a
        // home folder holds: it would be a history of its own if walked.
        for n in 1..=200 {
            write(root, &format!("scratch/unrelated/deep/{n}_t{n}.sql"), "DROP TABLE users;");
            write(root, &format!("unrelated/{n}_t{n}.sql"), "DROP TABLE users;");
        }
        write(root, "scratch/1_users.sql", "CREATE TABLE users (id int, note text);");
        let (mut documents, mut workspace) = (Documents::default(), Workspace::default());
        let drop =
            open(&mut documents, &root.join("scratch/2_drop.sql"), "ALTER TABLE users DROP COLUMN note;");
        let scratch = root.join("scratch");
        assert_eq!(workspace.place(&drop, &documents), Placement::In(scratch.clone()));
        let checked = workspace.check(&scratch, &drop, &documents).expect("judged");
        assert_eq!(rules(&checked), ["drop-column"], "the unrelated DROP TABLEs are no history of it");
        assert_eq!(read_from_disk(&workspace, &scratch), ["1_users.sql"]);
        assert!(
            checked.notes.iter().any(|note| note.ends_with(
                "read 1 level(s) deep, as deep as the files judged in it; not read: `unrelated/`"
            )),
            "{:?}",
            checked.notes
        );

        // A file no layout orders is placed nowhere, its folder not read at all.
        let stray = open(&mut documents, &root.join("nowhere.sql"), "DROP TABLE users;");
        assert_eq!(workspace.place(&stray, &documents), Placement::Outside);
        assert!(!workspace.folders.contains_key(root), "{:?}", workspace.folders.keys());
    }

    #[test]
    fn open_buffers_stand_for_their_files_and_a_bad_config_is_said() {
        let project = tempfile::tempdir().expect("tempdir");
        let root = project.path();
        let first = write(root, "m/1_users.sql", "CREATE TABLE users (id int);");
        let mut documents = Documents::default();
        let first_uri = super::super::documents::uri_of(&first).expect("a uri");
        // Unsaved: the column exists only in the buffer.
        assert!(documents.open(&first_uri, "CREATE TABLE users (id int, a text);".to_owned(), 2));
        let drop = open(&mut documents, &root.join("m/2_drop.sql"), "ALTER TABLE users DROP COLUMN a;");
        let mut workspace = Workspace::default();
        let folder = root.join("m");
        assert_eq!(workspace.place(&drop, &documents), Placement::In(folder.clone()));
        let checked = workspace.check(&folder, &drop, &documents).expect("judged");
        assert!(
            !checked.changes[0].findings()[0].message.contains("new in this window"),
            "{:?}",
            checked.changes
        );

        write(root, "rollsafe.toml", "colour = true\n");
        workspace.reset();
        let Placement::Trouble(message) = workspace.place(&drop, &documents) else {
            panic!("a bad config is said")
        };
        assert!(message.contains("rollsafe.toml") && message.contains("colour"), "{message}");
    }
}
