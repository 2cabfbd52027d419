//! Stage 1: find the migrations in a folder, in the order their tool runs them.

mod dialect;
mod exclude;
mod git;
mod histories;
mod history;
mod layout;
mod release;
mod search;
mod seen;
mod version;
mod window;

use std::path::Path;
use std::sync::Arc;

use miette::Diagnostic;
use thiserror::Error;

pub use exclude::Exclude;
pub(crate) use git::git_error;
pub use git::{Blobs, GitError, Repository};
pub use histories::HistoryName;
pub use history::{History, Rewrite};
pub use layout::{Direction, Layout, Recognised};
use layout::{sqitch, synapse, temporal};
pub(crate) use release::not_openable;
pub use release::{Release, ReleaseFile, SkipKind, Skipped};
use release::{as_sql_name, foreign_extension, is_sql_file, worth_reading};
pub use search::{Reach, candidate_folders, is_vendored_folder, reach};
pub use seen::{as_seen_from, opened};
pub use version::Version;
pub use window::{
    FolderWindow, MigrationsFolder, Window, audit_window, branch_window, named_paths, working_tree_folders,
};

/// `path` with `.` left out and each `..` taking the folder before it away, as
/// written, without asking the file system (a link's `..` is the folder it is
/// written in, as a shell's `cd` and `.gitignore` patterns read it): a folder
/// named `../proj/db` from inside `proj` is `proj/db`. A `..` with no folder
/// before it is kept (`../db` stays).
pub fn lexically_normal(path: &Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut normal = std::path::PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match normal.components().next_back() {
                Some(Component::Normal(_)) => {
                    normal.pop();
                }
                // Above the root is the root.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                Some(Component::ParentDir | Component::CurDir) | None => normal.push(".."),
            },
            other => normal.push(other),
        }
    }
    normal
}

/// One migration file.
#[derive(Debug, Clone)]
pub struct Migration {
    /// The path reports show.
    pub display: String,
    pub bytes: Arc<[u8]>,
    /// Its path inside the migrations folder, `/`-separated: its identity across
    /// releases.
    pub relative: String,
    pub version: Version,
    pub name: String,
    pub direction: Direction,
    pub repeatable: bool,
    /// Why rollsafe cannot read this migration; `None` for SQL it reads.
    pub unread: Option<Unread>,
}

/// Why a migration rollsafe cannot read is so.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Unread {
    /// Written in another language or format: its extension (`go`, `psql`).
    Language(String),
    /// Not a file that could be opened (a dangling link, a link loop, a FIFO): why.
    NotAFile(String),
}

impl Unread {
    /// Why, for people: `a migration in `.go`, which rollsafe cannot read`.
    pub fn reason(&self) -> String {
        match self {
            Unread::Language(extension) => {
                format!("a migration in `.{extension}`, which rollsafe cannot read")
            }
            Unread::NotAFile(why) => format!("a migration rollsafe could not open ({why})"),
        }
    }
}

impl Migration {
    /// The migration `file` is, as its layout recognised it.
    pub fn new(file: ReleaseFile, recognised: Recognised) -> Migration {
        let Recognised { version, name, direction, repeatable } = recognised;
        Migration {
            display: file.display,
            bytes: file.bytes,
            relative: file.relative,
            version,
            name,
            direction,
            repeatable,
            unread: None,
        }
    }

    /// The SQL to replay and judge: none for a migration rollsafe cannot read.
    pub fn sql(&self) -> &[u8] {
        if self.unread.is_some() { &[] } else { &self.bytes }
    }

    /// A file judged on its own although its folder's layout cannot place it (no
    /// version, or a way-back file): a forward migration with no version or name.
    pub fn lone(file: ReleaseFile) -> Migration {
        let unplaced = Recognised {
            version: Version::parse(""),
            name: String::new(),
            direction: Direction::Forward,
            repeatable: false,
        };
        Migration::new(file, unplaced)
    }
}

/// The migrations of one folder.
#[derive(Debug, Clone)]
pub struct MigrationSet {
    /// The migrations folder, as the user would open it (see [`Release::folder`]).
    pub folder: String,
    /// The git revision it was read at; `None` on disk.
    pub revision: Option<String>,
    pub layout: Layout,
    /// Forward migrations, in run order.
    pub forward: Vec<Migration>,
    /// Down/undo migrations, in version order.
    pub back: Vec<Migration>,
    /// Every file under the folder that is not read, with why.
    pub skipped: Vec<Skipped>,
    /// The dialect the release's hints point at, and why.
    pub detected_dialect: Option<(crate::sql::Dialect, String)>,
    /// Which of its folder's histories this is, when the folder holds one per
    /// database (see histories.rs).
    pub history: Option<HistoryName>,
}

impl MigrationSet {
    /// A folder with no migrations (`folder` at `revision`), for judging a lone file.
    pub fn empty(folder: &str, revision: Option<&str>) -> MigrationSet {
        MigrationSet {
            folder: folder.to_owned(),
            revision: revision.map(str::to_owned),
            layout: Layout::Plain,
            forward: Vec::new(),
            back: Vec::new(),
            skipped: Vec::new(),
            detected_dialect: None,
            history: None,
        }
    }

    /// How reports name the release: its folder, and the revision it was read at.
    pub fn label(&self) -> String {
        release::label(&self.folder, self.revision.as_deref())
    }

    /// The set, unless it has no forward migration to order.
    fn unless_empty(self) -> Result<MigrationSet, DiscoverError> {
        if self.forward.is_empty() {
            Err(DiscoverError::NoMigrations { path: self.label() })
        } else {
            Ok(self)
        }
    }

    /// The dialect its SQL is read in and where that comes from: the one the user
    /// `named`, else the one its hints point at, else PostgreSQL.
    pub fn dialect(&self, named: Option<crate::sql::Dialect>) -> (crate::sql::Dialect, DialectSource<'_>) {
        match (named, &self.detected_dialect) {
            (Some(dialect), _) => (dialect, DialectSource::Named),
            (None, Some((dialect, why))) => (*dialect, DialectSource::Detected(why)),
            (None, None) => (crate::sql::Dialect::Postgres, DialectSource::Default),
        }
    }

    /// The way back for a forward migration, if the layout has one.
    pub fn way_back_for(&self, forward: &Migration) -> Option<&Migration> {
        self.back.iter().find(|back| back.version == forward.version)
    }
}

/// Where the dialect a history is read in comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialectSource<'a> {
    /// `--dialect` or rollsafe.toml.
    Named,
    /// Its hints, and why.
    Detected(&'a str),
    /// Nothing said: PostgreSQL.
    Default,
}

/// Trouble that stops discovery.
#[derive(Debug, Error, Diagnostic)]
pub enum DiscoverError {
    #[error("`{path}` does not exist")]
    #[diagnostic(
        code(rollsafe::path_not_found),
        help("pass the folder (or file) that holds your migrations")
    )]
    NotFound { path: String },
    #[error("`{path}` cannot be opened: {why}")]
    #[diagnostic(
        code(rollsafe::not_a_file),
        help(
            "a migration tool cannot run it either: put the migration's file in its place, or name the folder that holds your migrations"
        )
    )]
    NotAFile { path: String, why: String },
    #[error("`{path}` is a file: `audit` with git revisions reads a migrations folder")]
    #[diagnostic(
        code(rollsafe::file_given_to_audit),
        help(
            "name its folder, `{folder}`, to judge the window between the revisions; to judge this one file, `rollsafe check --base REV {path}`"
        )
    )]
    FileGivenToAudit { path: String, folder: String },
    #[error("`--base {base}` compares with a git revision, but `{path}` is not inside a git repository")]
    #[diagnostic(
        code(rollsafe::base_outside_repository),
        help("run it inside the repository, or drop --base to judge every migration of the folder")
    )]
    BaseOutsideRepository { base: String, path: String },
    #[error("cannot read `{path}`")]
    #[diagnostic(code(rollsafe::unreadable_path))]
    Unreadable {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Git(#[from] GitError),
    #[error("`{path}` is a binary file, not SQL")]
    #[diagnostic(
        code(rollsafe::binary_file),
        help("remove it from the migrations folder, or leave it out with `exclude` in rollsafe.toml")
    )]
    Binary { path: String },
    #[error("a migrations folder `{folder}` was given, but --from and --to are folders already")]
    #[diagnostic(
        code(rollsafe::folder_beside_folders),
        help(
            "with two folders, drop FOLDER; to read FOLDER at two git revisions, give --from and --to as revisions"
        )
    )]
    FolderBesideFolders { folder: String },
    #[error("`{path}` holds no .sql migrations rollsafe can order")]
    #[diagnostic(
        code(rollsafe::no_migrations),
        help(
            "rollsafe reads NNN_name.sql, N_name.up.sql/.down.sql and Flyway V<ver>__name.sql files; check --dialect and the folder"
        )
    )]
    NoMigrations { path: String },
    #[error("`{path}` holds no {dialect} history")]
    #[diagnostic(
        code(rollsafe::no_history_in_dialect),
        help("it holds one history per database: {histories}; pick one of those with --dialect, or none")
    )]
    NoHistoryInDialect { path: String, dialect: crate::sql::Dialect, histories: String },
    #[error("the migrations folders found {found_in} are all for other databases: {left_out}")]
    #[diagnostic(
        code(rollsafe::only_other_databases),
        help(
            "rollsafe reads postgres, mysql, sqlite and mssql: pick one with --dialect, or name a folder with --dialect to read it in that dialect anyway{more}"
        )
    )]
    OnlyOtherDatabases { found_in: String, left_out: String, more: String },
    #[error("rollsafe does not read this database's SQL: {named}")]
    #[diagnostic(
        code(rollsafe::unreadable_database),
        help(
            "rollsafe reads postgres, mysql, sqlite and mssql; to read it as one of those anyway, pass --dialect"
        )
    )]
    UnreadableDatabase { named: String },
    #[error("no migrations folder named, and none found under the working directory")]
    #[diagnostic(
        code(rollsafe::no_path),
        help(
            "pass a folder or file, or list folders under `migrations` in rollsafe.toml; searched for folders named {searched} holding SQL files a migration layout can order"
        )
    )]
    NoFolderHere { searched: String },
}

/// What a user (or `rollsafe.toml`) tells discovery.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Use this layout instead of detecting one.
    pub layout: Option<Layout>,
    /// Paths to leave out.
    pub exclude: Exclude,
    /// The dialect, when the user named it: picks engine-specific variants of a
    /// migration (synapse's `.sql.sqlite`); PostgreSQL otherwise.
    pub dialect: Option<crate::sql::Dialect>,
}

/// Discovers the migrations under the folder `root`.
pub fn discover(root: &Path, options: &Options) -> Result<MigrationSet, DiscoverError> {
    discover_release(Release::read_folder(root)?, options)
}

/// Discovers the histories under the folder `root` (see [`discover_histories`]).
pub fn discover_folder(root: &Path, options: &Options) -> Result<Vec<MigrationSet>, DiscoverError> {
    discover_histories(Release::read_folder(root)?, options)
}

/// Discovers the histories of a release: one, or one per database when its folder
/// holds one per database (`mysql/`, `postgres/`; `1_a.mysql.up.sql`), each in its
/// own dialect unless `options.dialect` picks one. The files of histories not read
/// are in the first one's `skipped`.
pub fn discover_histories(release: Release, options: &Options) -> Result<Vec<MigrationSet>, DiscoverError> {
    let histories::Split { histories, mut not_read, found } = histories::split(release, options.dialect);
    let mut sets = Vec::with_capacity(histories.len());
    let mut label = String::new();
    for (name, release) in histories {
        label = release.label();
        let mut set = discover_set(release, options)?;
        if set.forward.is_empty() {
            // A history with nothing to run (umami's `postgresql/data-migrations`): its files are said, not judged.
            not_read.append(&mut set.skipped);
            let reason = "a way-back migration of a history with no forward migration";
            not_read.extend(
                set.back.iter().map(|m| {
                    Skipped::new(m.relative.clone(), m.display.clone(), SkipKind::NoVersion, reason)
                }),
            );
            continue;
        }
        if let (Some(name), None) = (&name, options.dialect) {
            set.detected_dialect =
                name.dialect.map(|dialect| (dialect, format!("its history `{}`", name.word)));
        }
        set.history = name;
        sets.push(set);
    }
    let Some(first) = sets.first_mut() else {
        if let (Some(dialect), false) = (options.dialect, found.is_empty()) {
            let histories: Vec<String> = found
                .iter()
                .map(|name| match name.dialect {
                    Some(_) => format!("`{}`", name.word),
                    None => format!("`{}` (not read)", name.word),
                })
                .collect();
            return Err(DiscoverError::NoHistoryInDialect {
                path: label,
                dialect,
                histories: histories.join(", "),
            });
        }
        return Err(DiscoverError::NoMigrations { path: label });
    };
    if !not_read.is_empty() {
        first.skipped.extend(not_read);
        first.skipped.sort_by(|a, b| a.relative.cmp(&b.relative));
        first.skipped.dedup_by(|a, b| a.display == b.display);
    }
    Ok(sets)
}

/// Discovers the migrations of a release, in the order their tool runs them.
pub fn discover_release(release: Release, options: &Options) -> Result<MigrationSet, DiscoverError> {
    discover_set(release, options)?.unless_empty()
}

/// The migrations of a release, in the order their tool runs them, perhaps none.
fn discover_set(release: Release, options: &Options) -> Result<MigrationSet, DiscoverError> {
    // Detection reads every file; a dialect the user named makes it unnecessary.
    let detected_dialect = if options.dialect.is_some() { None } else { dialect::detect(&release) };
    let Release { folder, revision, mut files, metadata, mut others, mut skipped, absent: _, manifest: _ } =
        release;
    // Excluded files are left out before anything reads them, whatever the layout.
    for group in [&mut files, &mut others] {
        group.retain(|file| {
            let keep = !options.exclude.excludes(&file.relative, &file.display);
            if !keep {
                skipped.push(Skipped::file(file, SkipKind::Excluded, "left out by an `exclude` pattern"));
            }
            keep
        });
    }
    if let Some(binary) = files.iter().find(|file| file.bytes.contains(&0)) {
        return Err(DiscoverError::Binary { path: binary.display.clone() });
    }
    if let (Some(plan), None | Some(Layout::Sqitch)) = (sqitch::plan(&metadata), options.layout) {
        let (migrations, unplanned) = sqitch::migrations(plan, files);
        let (forward, back) = migrations.into_iter().partition(|m| m.direction == Direction::Forward);
        skipped.extend(unplanned.iter().map(|file| {
            Skipped::file(file, SkipKind::NoVersion, "sqitch.plan names no change with this script")
        }));
        skipped.extend(others.iter().map(|file| Skipped::file(file, SkipKind::NotSql, "not SQL")));
        let set = MigrationSet {
            folder,
            revision,
            layout: Layout::Sqitch,
            forward,
            back,
            skipped,
            detected_dialect,
            history: None,
        };
        return Ok(set);
    }
    synapse::keep_engine_variants(&mut files, options.dialect);
    let layout = options.layout.unwrap_or_else(|| Layout::detect_files(&files));
    let mut set = MigrationSet {
        folder,
        revision,
        layout,
        forward: Vec::new(),
        back: Vec::new(),
        skipped,
        detected_dialect,
        history: None,
    };
    for file in files {
        let Some(recognised) = layout.recognise(&as_sql_name(&file.relative)) else {
            let reason = layout.not_a_migration(&file.relative).map_or_else(
                || format!("its name has no version {} can order", layout.label()),
                str::to_owned,
            );
            set.skipped.push(Skipped::file(&file, SkipKind::NoVersion, reason));
            continue;
        };
        for migration in layout.directions(Migration::new(file, recognised)) {
            match migration.direction {
                Direction::Forward => set.forward.push(migration),
                Direction::Back => set.back.push(migration),
            }
        }
    }
    for file in others {
        set.add_foreign(file);
    }
    set.add_not_files();
    if layout == Layout::VersionedFolders {
        temporal::order_by_manifests(&mut set.forward, &metadata);
    }
    fn run_order(layout: Layout, m: &Migration) -> (bool, &str, &Version, &str) {
        (m.repeatable, layout.run_folder(&m.relative), &m.version, &m.relative)
    }
    set.forward.sort_by(|a, b| run_order(layout, a).cmp(&run_order(layout, b)));
    set.back.sort_by(|a, b| run_order(layout, a).cmp(&run_order(layout, b)));
    set.skipped.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok(set)
}

/// A Liquibase changelog (XML or YAML) that lists other files with `include` and
/// changes nothing itself: no `changeSet` of its own.
fn is_changelog_of_includes(file: &ReleaseFile) -> bool {
    let extension = file.relative.rsplit_once('.').map(|(_, extension)| extension.to_ascii_lowercase());
    if !matches!(extension.as_deref(), Some("xml" | "yaml" | "yml")) {
        return false;
    }
    let text = String::from_utf8_lossy(&file.bytes);
    text.contains("databaseChangeLog") && text.contains("include") && !text.contains("changeSet")
}

impl MigrationSet {
    /// Takes out of `skipped` what is named like a forward migration of the layout
    /// but could not be opened as a file (a dangling link, a link loop, a FIFO): the
    /// migration tool would run it, or fail on it, so it is a migration rollsafe
    /// cannot read, not a file it may pass over.
    fn add_not_files(&mut self) {
        for skipped in std::mem::take(&mut self.skipped) {
            let not_a_file =
                matches!(skipped.kind, SkipKind::DanglingLink | SkipKind::LinkLoop | SkipKind::SpecialFile);
            let named_like_one =
                is_sql_file(&skipped.relative) || foreign_extension(&skipped.relative).is_some();
            let recognised = (not_a_file && named_like_one)
                .then(|| self.layout.recognise(&as_sql_name(&skipped.relative)))
                .flatten()
                .filter(|recognised| recognised.direction == Direction::Forward);
            let Some(recognised) = recognised else {
                self.skipped.push(skipped);
                continue;
            };
            let Skipped { relative, display, reason, .. } = skipped;
            let file = ReleaseFile { relative, display, bytes: Arc::from([]) };
            let unread = Some(Unread::NotAFile(reason));
            self.forward.push(Migration { unread, ..Migration::new(file, recognised) });
        }
    }

    /// A file that is not SQL: a forward migration rollsafe cannot read when the
    /// layout recognises its name as one (goose's `0003_x.go` beside `0002_y.sql`),
    /// else a file it skips.
    fn add_foreign(&mut self, file: ReleaseFile) {
        if is_changelog_of_includes(&file) {
            let reason = "a Liquibase changelog that only includes SQL files: not a migration itself (rollsafe orders the SQL files by their names, not by this changelog)";
            self.skipped.push(Skipped::file(&file, SkipKind::NotSql, reason));
            return;
        }
        let recognised = foreign_extension(&file.relative).and_then(|extension| {
            Some((extension.to_owned(), self.layout.recognise(&as_sql_name(&file.relative))?))
        });
        match recognised {
            Some((extension, recognised)) if recognised.direction == Direction::Forward => {
                let unread = Some(Unread::Language(extension));
                let migration = Migration { unread, ..Migration::new(file, recognised) };
                self.forward.push(migration);
            }
            Some((extension, _)) => {
                // A way back that cannot be read is no way back: its forward migration is missing one.
                let reason = format!("a way-back migration in `.{extension}`, which rollsafe cannot read");
                self.skipped.push(Skipped::file(&file, SkipKind::NotSql, reason));
            }
            None => {
                let reason = "not SQL, and not named like a migration";
                self.skipped.push(Skipped::file(&file, SkipKind::NotSql, reason));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_version_and_pairs_downs() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["10_c.up.sql", "9_b.up.sql", "9_b.down.sql", "1_a.up.sql", "notes.sql"] {
            std::fs::write(dir.path().join(name), "SELECT 1;").expect("write");
        }
        let set = discover(dir.path(), &Options::default()).expect("discover");
        assert_eq!(set.layout, Layout::UpDown);
        let order: Vec<&str> = set.forward.iter().map(|m| m.relative.as_str()).collect();
        assert_eq!(order, ["1_a.up.sql", "9_b.up.sql", "10_c.up.sql"]);
        assert!(set.way_back_for(&set.forward[1]).is_some());
        assert!(set.way_back_for(&set.forward[0]).is_none());
        let skipped: Vec<(&str, SkipKind)> =
            set.skipped.iter().map(|s| (s.relative.as_str(), s.kind)).collect();
        assert_eq!(skipped, [("notes.sql", SkipKind::NoVersion)]);
    }

    #[test]
    fn exclusions_and_layout_override() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("legacy")).expect("mkdir");
        for name in ["1_a.sql", "2_b.sql", "legacy/3_c.sql"] {
            std::fs::write(dir.path().join(name), "SELECT 1;").expect("write");
        }
        let exclude = Exclude::new(["legacy/**", "2_*.sql"]).expect("valid patterns");
        let options = Options { exclude, ..Options::default() };
        let set = discover(dir.path(), &options).expect("discover");
        let order: Vec<&str> = set.forward.iter().map(|m| m.relative.as_str()).collect();
        assert_eq!(order, ["1_a.sql"]);
        let excluded: Vec<&str> = set.skipped.iter().map(|s| s.relative.as_str()).collect();
        assert_eq!(excluded, ["2_b.sql", "legacy/3_c.sql"]);
    }

    #[test]
    fn exclusions_apply_to_sqitch_plans_too() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("deploy")).expect("mkdir");
        let plan = "%project=p\nusers 2020-01-01T00:00:00Z A <a@b> # users\nlegacy 2020-01-02T00:00:00Z A <a@b> # old\n";
        std::fs::write(dir.path().join("sqitch.plan"), plan).expect("write");
        for name in ["deploy/users.sql", "deploy/legacy.sql"] {
            std::fs::write(dir.path().join(name), "SELECT 1;").expect("write");
        }
        let exclude = Exclude::new(["deploy/legacy.sql"]).expect("valid pattern");
        let options = Options { exclude, ..Options::default() };
        let set = discover(dir.path(), &options).expect("discover");
        assert_eq!(set.layout, Layout::Sqitch);
        let order: Vec<&str> = set.forward.iter().map(|m| m.relative.as_str()).collect();
        assert_eq!(order, ["deploy/users.sql"]);
        let excluded: Vec<&str> = set.skipped.iter().map(|s| s.relative.as_str()).collect();
        assert_eq!(excluded, ["deploy/legacy.sql"]);
    }

    #[test]
    fn dot_dot_is_resolved_as_written() {
        for (written, normal) in [
            ("/tmp/proj/../proj/db/./migrations", "/tmp/proj/db/migrations"),
            ("/../db", "/db"),
            ("../db/../x", "../x"),
            ("a/../../b", "../b"),
            ("./a/.", "a"),
        ] {
            assert_eq!(lexically_normal(Path::new(written)), Path::new(normal), "{written}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_versioned_file_that_cannot_be_opened_is_a_migration_not_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("1_a.sql"), "SELECT 1;").expect("write");
        std::os::unix::fs::symlink("nowhere.sql", dir.path().join("2_b.sql")).expect("link");
        std::os::unix::fs::symlink("nowhere.sql", dir.path().join("notes.sql")).expect("link");
        let set = discover(dir.path(), &Options::default()).expect("discover");
        let forward: Vec<(&str, Option<&Unread>)> =
            set.forward.iter().map(|m| (m.relative.as_str(), m.unread.as_ref())).collect();
        let why = format!(
            "a symbolic link to `{}`, which does not exist",
            dir.path().join("nowhere.sql").display()
        );
        assert_eq!(forward, [("1_a.sql", None), ("2_b.sql", Some(&Unread::NotAFile(why)))]);
        // Named like no migration: said, as before.
        let skipped: Vec<(&str, SkipKind)> =
            set.skipped.iter().map(|s| (s.relative.as_str(), s.kind)).collect();
        assert_eq!(skipped, [("notes.sql", SkipKind::DanglingLink)]);
        assert!(set.forward[1].sql().is_empty());
    }

    #[test]
    fn missing_and_empty_folders_are_errors() {
        assert!(matches!(
            discover(Path::new("/no/such/dir"), &Options::default()),
            Err(DiscoverError::NotFound { .. })
        ));
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(discover(dir.path(), &Options::default()), Err(DiscoverError::NoMigrations { .. })));
    }
}
