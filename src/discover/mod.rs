//! Stage 1: find the migrations in a folder, in the order their tool runs them.

mod dialect;
mod exclude;
mod git;
mod history;
mod layout;
mod version;
mod window;

use std::path::Path;
use std::sync::Arc;

use miette::Diagnostic;
use thiserror::Error;
use walkdir::WalkDir;

pub use exclude::Exclude;
pub use git::{GitError, Repository};
pub use history::{History, Rewrite};
pub use layout::{Direction, Layout, Recognised};
use layout::{sqitch, synapse, temporal};
pub use version::Version;
pub use window::{Window, audit_window, branch_window};

/// One `.sql` file of a release, read into memory.
#[derive(Debug, Clone)]
pub struct ReleaseFile {
    /// Its path inside the migrations folder, `/`-separated.
    pub relative: String,
    /// The path reports show.
    pub display: String,
    pub bytes: Arc<[u8]>,
}

/// The `.sql` files of a migrations folder at one release: a folder on disk or a
/// tree at a git revision.
#[derive(Debug, Clone)]
pub struct Release {
    /// How reports name the release: the folder, or `rev:folder`.
    pub label: String,
    pub files: Vec<ReleaseFile>,
    /// Files that describe the migrations rather than being one (`migration_lock.toml`).
    pub metadata: Vec<ReleaseFile>,
}

/// SQL files: `.sql`, and synapse's engine-specific `.sql.postgres` / `.sql.sqlite`.
pub(crate) fn is_sql_file(name: &str) -> bool {
    name.ends_with(".sql") || name.ends_with(".sql.postgres") || name.ends_with(".sql.sqlite")
}

/// Non-SQL files discovery reads for their hints.
pub(crate) fn is_metadata(file_name: &str) -> bool {
    matches!(file_name, "migration_lock.toml" | "sqitch.plan" | "manifest.json")
}

impl Release {
    /// Reads the `.sql` files under `root`.
    pub fn read_folder(root: &Path) -> Result<Release, DiscoverError> {
        let shown = root.display().to_string();
        if !root.exists() {
            return Err(DiscoverError::NotFound { path: shown });
        }
        let (mut files, mut metadata) = (Vec::new(), Vec::new());
        for entry in WalkDir::new(root).sort_by_file_name() {
            let entry = entry.map_err(|error| DiscoverError::Unreadable {
                path: error.path().unwrap_or(root).display().to_string(),
                source: error.into(),
            })?;
            let file_name = entry.file_name().to_string_lossy();
            let is_sql = entry.file_type().is_file() && is_sql_file(&file_name);
            let is_hint = entry.file_type().is_file() && is_metadata(&file_name);
            if !is_sql && !is_hint {
                continue;
            }
            let relative = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let bytes = std::fs::read(entry.path()).map_err(|source| DiscoverError::Unreadable {
                path: entry.path().display().to_string(),
                source,
            })?;
            let file =
                ReleaseFile { relative, display: entry.path().display().to_string(), bytes: bytes.into() };
            if is_sql { files.push(file) } else { metadata.push(file) }
        }
        Ok(Release { label: shown, files, metadata })
    }
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
        }
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
    /// How reports name the release.
    pub label: String,
    pub layout: Layout,
    /// Forward migrations, in run order.
    pub forward: Vec<Migration>,
    /// Down/undo migrations, in version order.
    pub back: Vec<Migration>,
    /// `.sql` files the layout cannot place in the order (no version).
    pub ignored: Vec<String>,
    /// `.sql` files left out by an exclude pattern.
    pub excluded: Vec<String>,
    /// The dialect the release's hints point at, and why.
    pub detected_dialect: Option<(crate::sql::Dialect, String)>,
}

impl MigrationSet {
    /// A folder with no migrations, for judging a lone file.
    pub fn empty(label: &str) -> MigrationSet {
        MigrationSet {
            label: label.to_owned(),
            layout: Layout::Plain,
            forward: Vec::new(),
            back: Vec::new(),
            ignored: Vec::new(),
            excluded: Vec::new(),
            detected_dialect: None,
        }
    }

    /// The set, unless it has no forward migration to order.
    fn unless_empty(self) -> Result<MigrationSet, DiscoverError> {
        if self.forward.is_empty() { Err(DiscoverError::NoMigrations { path: self.label }) } else { Ok(self) }
    }

    /// The way back for a forward migration, if the layout has one.
    pub fn way_back_for(&self, forward: &Migration) -> Option<&Migration> {
        self.back.iter().find(|back| back.version == forward.version)
    }
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
    #[error("`{path}` holds no .sql migrations rollsafe can order")]
    #[diagnostic(
        code(rollsafe::no_migrations),
        help(
            "rollsafe reads NNN_name.sql, N_name.up.sql/.down.sql and Flyway V<ver>__name.sql files; check --dialect and the folder"
        )
    )]
    NoMigrations { path: String },
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

/// Discovers the migrations of a release, in the order their tool runs them.
pub fn discover_release(release: Release, options: &Options) -> Result<MigrationSet, DiscoverError> {
    // Detection reads every file; a dialect the user named makes it unnecessary.
    let detected_dialect = if options.dialect.is_some() { None } else { dialect::detect(&release) };
    let Release { label, mut files, metadata } = release;
    // Excluded files are left out before anything reads them, whatever the layout.
    let mut excluded = Vec::new();
    files.retain(|file| {
        let keep = !options.exclude.excludes(&file.relative, &file.display);
        if !keep {
            excluded.push(file.relative.clone());
        }
        keep
    });
    if let Some(binary) = files.iter().find(|file| file.bytes.contains(&0)) {
        return Err(DiscoverError::Binary { path: binary.display.clone() });
    }
    if let (Some(plan), None | Some(Layout::Sqitch)) = (sqitch::plan(&metadata), options.layout) {
        let (migrations, ignored) = sqitch::migrations(plan, files);
        let (forward, back) = migrations.into_iter().partition(|m| m.direction == Direction::Forward);
        let set = MigrationSet {
            label,
            layout: Layout::Sqitch,
            forward,
            back,
            ignored,
            excluded,
            detected_dialect,
        };
        return set.unless_empty();
    }
    synapse::keep_engine_variants(&mut files, options.dialect);
    let layout = options.layout.unwrap_or_else(|| Layout::detect_files(&files));
    let mut set = MigrationSet {
        label,
        layout,
        forward: Vec::new(),
        back: Vec::new(),
        ignored: Vec::new(),
        excluded,
        detected_dialect,
    };
    for file in files {
        let Some(recognised) = layout.recognise(&file.relative) else {
            set.ignored.push(file.relative);
            continue;
        };
        for migration in layout.directions(Migration::new(file, recognised)) {
            match migration.direction {
                Direction::Forward => set.forward.push(migration),
                Direction::Back => set.back.push(migration),
            }
        }
    }
    if layout == Layout::VersionedFolders {
        temporal::order_by_manifests(&mut set.forward, &metadata);
    }
    fn run_order(layout: Layout, m: &Migration) -> (bool, &str, &Version, &str) {
        (m.repeatable, layout.run_folder(&m.relative), &m.version, &m.relative)
    }
    set.forward.sort_by(|a, b| run_order(layout, a).cmp(&run_order(layout, b)));
    set.back.sort_by(|a, b| run_order(layout, a).cmp(&run_order(layout, b)));
    set.unless_empty()
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
        assert_eq!(set.ignored, ["notes.sql"]);
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
        assert_eq!(set.excluded, ["2_b.sql", "legacy/3_c.sql"]);
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
        assert_eq!(set.excluded, ["deploy/legacy.sql"]);
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
