//! Migration layouts: how a tool names its files, and so their version, direction
//! and order. What is special about each layout lives in its own file; this one
//! says which layout a folder follows and hands each file to it.

mod dbmate;
mod diesel;
mod flyway;
mod goose;
mod liquibase;
mod plain;
mod prisma;
mod release_folders;
pub(super) mod sqitch;
pub(super) mod synapse;
pub(super) mod temporal;
mod up_down;

use serde::Serialize;

use super::version::Version;
use super::{Migration, ReleaseFile};

/// Which way a migration goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Applied on deploy.
    Forward,
    /// The way back: a down, undo or revert migration.
    Back,
}

/// What a file name says about a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognised {
    pub version: Version,
    pub name: String,
    pub direction: Direction,
    /// Flyway `R__` migrations run after all versioned ones, whenever they change.
    pub repeatable: bool,
}

impl Recognised {
    /// A versioned forward migration, the kind most layouts name.
    fn forward(version: Version, name: String) -> Recognised {
        Recognised { version, name, direction: Direction::Forward, repeatable: false }
    }
}

/// The migration layouts rollsafe reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// `NNN_name.sql` or `<timestamp>_name.sql`; no way back.
    Plain,
    /// golang-migrate and sqlx: `N_name.up.sql` with `N_name.down.sql`.
    UpDown,
    /// Flyway: `V<ver>__name.sql`, `U<ver>__name.sql` (undo), `R__name.sql`, and a
    /// `B<ver>__name.sql` baseline (run in version order like a versioned one).
    Flyway,
    /// Diesel: `<version>_name/up.sql` with `down.sql`.
    Diesel,
    /// Prisma: `<timestamp>_name/migration.sql`; no way back.
    Prisma,
    /// dbmate: `<timestamp>_name.sql` with `-- migrate:up` and `-- migrate:down` sections.
    Dbmate,
    /// goose: `<version>_name.sql` with `-- +goose Up` and `-- +goose Down` sections.
    Goose,
    /// Liquibase formatted SQL: `--changeset` blocks, `--rollback` lines as the way back.
    Liquibase,
    /// sqitch: `sqitch.plan` orders `deploy/<change>.sql`; `revert/` is the way back.
    Sqitch,
    /// Versioned folders (synapse `delta/<NN>/<name>.sql[.postgres|.sqlite]`, temporal
    /// `versioned/vX.Y/` with `manifest.json`): folder version first, then the
    /// manifest's order or the file name; no way back.
    VersionedFolders,
    /// Release folders (memos): `<release>/<NN>__name.sql`, release by release,
    /// then by number; `LATEST.sql`, the fresh-install schema, is not a migration.
    ReleaseFolders,
}

impl Layout {
    pub fn label(self) -> &'static str {
        match self {
            Layout::Plain => "plain numbered files",
            Layout::UpDown => "up/down files (golang-migrate, sqlx)",
            Layout::Flyway => "Flyway",
            Layout::Diesel => "Diesel",
            Layout::Prisma => "Prisma",
            Layout::Dbmate => "dbmate",
            Layout::Goose => "goose",
            Layout::Liquibase => "Liquibase formatted SQL",
            Layout::Sqitch => "sqitch",
            Layout::VersionedFolders => "versioned folders (delta/<NN>/, vX.Y/)",
            Layout::ReleaseFolders => "release folders (<release>/<NN>__name.sql)",
        }
    }

    /// The folder a migration runs with, for layouts that run folder by folder;
    /// empty for the others, which order by version alone.
    pub fn run_folder(self, relative: &str) -> &str {
        match self {
            Layout::Liquibase => liquibase::run_folder(relative),
            _ => "",
        }
    }

    /// Whether the layout has down/undo migrations at all.
    pub fn has_way_back(self) -> bool {
        !matches!(self, Layout::Plain | Layout::Prisma | Layout::VersionedFolders | Layout::ReleaseFolders)
    }

    /// The layout that `paths` (relative to the migrations folder) follow: the most
    /// specific one any of them uses. `has_dbmate_sections` says whether a file holds
    /// `-- migrate:up`.
    pub fn detect<'a>(paths: impl Iterator<Item = &'a str> + Clone, has_dbmate_sections: bool) -> Layout {
        let any = |layout: Layout| paths.clone().any(|path| layout.recognise(path).is_some());
        if any(Layout::VersionedFolders) {
            Layout::VersionedFolders
        } else if any(Layout::ReleaseFolders) {
            Layout::ReleaseFolders
        } else if any(Layout::Flyway) {
            Layout::Flyway
        } else if paths.clone().any(|p| p.ends_with("/up.sql")) && any(Layout::Diesel) {
            Layout::Diesel
        } else if paths.clone().any(|p| p.ends_with("/migration.sql")) && any(Layout::Prisma) {
            Layout::Prisma
        } else if has_dbmate_sections {
            Layout::Dbmate
        } else if paths.into_iter().any(|name| {
            let name = name.to_ascii_lowercase();
            name.ends_with(".up.sql") || name.ends_with(".down.sql")
        }) {
            Layout::UpDown
        } else {
            Layout::Plain
        }
    }

    /// The layout `files` follow, from their content first (a Liquibase header, dbmate
    /// sections), then from their names.
    pub(super) fn detect_files(files: &[ReleaseFile]) -> Layout {
        if files.iter().any(|file| liquibase::is_formatted(&file.bytes)) {
            return Layout::Liquibase;
        }
        if files.iter().any(|file| goose::is_sectioned(&file.bytes)) {
            return Layout::Goose;
        }
        let has_dbmate_sections = files.iter().any(|file| dbmate::is_sectioned(&file.bytes));
        let names: Vec<_> = files.iter().map(|file| super::as_sql_name(&file.relative)).collect();
        Layout::detect(names.iter().map(AsRef::as_ref), has_dbmate_sections)
    }

    /// Reads a migration's version, name and direction from its path inside the
    /// migrations folder.
    pub fn recognise(self, path: &str) -> Option<Recognised> {
        let path = FilePath::new(path);
        match self {
            // dbmate and goose name their files like plain numbered ones.
            Layout::Plain | Layout::Dbmate | Layout::Goose => plain::recognise(&path),
            Layout::UpDown => up_down::recognise(&path),
            Layout::Flyway => flyway::recognise(&path),
            Layout::Diesel => diesel::recognise(&path),
            Layout::Prisma => prisma::recognise(&path),
            Layout::Liquibase => liquibase::recognise(&path),
            // Only its plan orders a sqitch project (see sqitch.rs).
            Layout::Sqitch => None,
            Layout::VersionedFolders => synapse::recognise(&path).or_else(|| temporal::recognise(&path)),
            Layout::ReleaseFolders => release_folders::recognise(&path),
        }
    }

    /// Whether some layout orders the SQL file at `path` (relative to its folder)
    /// by its name alone, or its text `bytes` says it is Liquibase formatted SQL
    /// (which orders any name). sqitch's plan, not a name, orders its scripts.
    pub fn may_order(path: &str, bytes: &[u8]) -> bool {
        let by_name = [
            Layout::Plain,
            Layout::UpDown,
            Layout::Flyway,
            Layout::Diesel,
            Layout::Prisma,
            Layout::VersionedFolders,
            Layout::ReleaseFolders,
        ];
        by_name.iter().any(|layout| layout.recognise(path).is_some()) || liquibase::is_formatted(bytes)
    }

    /// Why a SQL file the layout places nowhere is no migration at all, when the
    /// layout says (memos' `LATEST.sql`).
    pub fn not_a_migration(self, path: &str) -> Option<&'static str> {
        match self {
            Layout::ReleaseFolders => release_folders::not_a_migration(&FilePath::new(path)),
            _ => None,
        }
    }

    /// The migrations one file holds: dbmate and Liquibase keep both directions in
    /// the same file (each direction is the file with the other blanked, positions
    /// kept).
    pub(super) fn directions(self, migration: Migration) -> Vec<Migration> {
        let (forward, back) = match self {
            Layout::Dbmate => dbmate::sections(&migration.bytes),
            Layout::Goose => goose::sections(&migration.bytes),
            Layout::Liquibase => (migration.bytes.clone(), liquibase::rollback(&migration.bytes)),
            _ => return vec![migration],
        };
        let back = Migration { direction: Direction::Back, bytes: back, ..migration.clone() };
        vec![Migration { bytes: forward, ..migration }, back]
    }
}

/// The file with every byte outside `keep` blanked (line breaks kept), so one
/// direction of a two-section file keeps the file's lines and columns.
fn blank_outside(bytes: &[u8], keep: &std::ops::Range<usize>) -> std::sync::Arc<[u8]> {
    bytes
        .iter()
        .enumerate()
        .map(|(i, &b)| if keep.contains(&i) || b == b'\n' || b == b'\r' { b } else { b' ' })
        .collect()
}

/// A migration's path inside the migrations folder, in the pieces layouts read.
struct FilePath<'a> {
    /// The path of the folder above the file's folder (`""` when there is none).
    parent: &'a str,
    /// The name of the folder the file is in (`""` at the top).
    folder: &'a str,
    file_name: &'a str,
}

impl<'a> FilePath<'a> {
    fn new(path: &'a str) -> FilePath<'a> {
        let (folder, file_name) = path.rsplit_once('/').unwrap_or(("", path));
        let parent = folder.rsplit_once('/').map_or("", |(parent, _)| parent);
        let folder = folder.rsplit('/').next().unwrap_or(folder);
        FilePath { parent, folder, file_name }
    }

    /// The file name without `.sql`, if it has that extension.
    fn stem(&self) -> Option<&'a str> {
        self.file_name.strip_suffix(".sql")
    }
}

/// Splits `0042_add_users` into version `0042` and name `add_users`, and
/// `2024-01-31_01_orders` into version `2024-01-31_01` and name `orders`.
fn split_version(stem: &str) -> Option<(Version, String)> {
    Version::leading(stem).map(|(version, name)| (version, name.to_owned()))
}

/// A version folder's name: digits and dots (`73`, `1.14`).
fn is_dotted_number(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_layout() {
        let detect = |paths: &[&str]| Layout::detect(paths.iter().copied(), false);
        assert_eq!(detect(&["V1__init.sql", "V1_1__users.sql", "R__views.sql"]), Layout::Flyway);
        assert_eq!(detect(&["0001_init.up.sql", "0001_init.down.sql"]), Layout::UpDown);
        assert_eq!(detect(&["0001_init.UP.SQL", "0001_init.DOWN.SQL"]), Layout::UpDown);
        assert_eq!(detect(&["V0001.Initial.up.sql", "V0001.Initial.down.sql"]), Layout::UpDown);
        assert_eq!(detect(&["0001_init.sql", "0002_users.sql"]), Layout::Plain);
        assert_eq!(detect(&["2019-11-03-003946_x/up.sql", "2019-11-03-003946_x/down.sql"]), Layout::Diesel);
        assert_eq!(detect(&["20240101000000_init/migration.sql"]), Layout::Prisma);
        assert_eq!(detect(&["synapse/storage/schema/main/delta/73/01_users.sql"]), Layout::VersionedFolders);
        assert_eq!(detect(&["versioned/v1.14/manifest_users.sql"]), Layout::VersionedFolders);
        assert_eq!(Layout::detect(["20240101000000_init.sql"].into_iter(), true), Layout::Dbmate);
        assert_eq!(detect(&["0.24/00__add_memo.sql", "LATEST.sql"]), Layout::ReleaseFolders);
    }

    #[test]
    fn splits_a_path_into_what_layouts_read() {
        let path = FilePath::new("db/delta/73/01_users.sql");
        assert_eq!((path.parent, path.folder, path.file_name), ("db/delta", "73", "01_users.sql"));
        assert_eq!(path.stem(), Some("01_users"));
        let top = FilePath::new("1_a.sql.postgres");
        assert_eq!((top.parent, top.folder, top.stem()), ("", "", None));
    }

    #[test]
    fn plain_names_have_a_leading_number() {
        assert_eq!(Layout::Plain.recognise("seed.sql"), None);
        let plain = Layout::Plain.recognise("0042_add_users.sql").expect("numbered");
        assert_eq!((plain.version.to_string(), plain.name.as_str()), ("0042".to_owned(), "add_users"));
    }
}
