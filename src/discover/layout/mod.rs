//! Migration layouts: how a tool names its files, and so their version, direction
//! and order. Each layout is one small recogniser of file names.

use serde::Serialize;

use super::version::Version;

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
    /// Liquibase formatted SQL: `--changeset` blocks, `--rollback` lines as the way back.
    Liquibase,
    /// sqitch: `sqitch.plan` orders `deploy/<change>.sql`; `revert/` is the way back.
    Sqitch,
    /// Versioned folders (synapse `delta/<NN>/<name>.sql[.postgres|.sqlite]`, temporal
    /// `versioned/vX.Y/` with `manifest.json`): folder version first, then the
    /// manifest's order or the file name; no way back.
    VersionedFolders,
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
            Layout::Liquibase => "Liquibase formatted SQL",
            Layout::Sqitch => "sqitch",
            Layout::VersionedFolders => "versioned folders (delta/<NN>/, vX.Y/)",
        }
    }

    /// The folder a migration runs with, for layouts that run folder by folder
    /// (Liquibase's `includeAll`: a folder's files before its subfolders', paths in
    /// alphabetical order); empty for the others, which order by version alone.
    pub fn run_folder(self, relative: &str) -> &str {
        match self {
            Layout::Liquibase => relative.rsplit_once('/').map_or("", |(folder, _)| folder),
            _ => "",
        }
    }

    /// Whether the layout has down/undo migrations at all.
    pub fn has_way_back(self) -> bool {
        !matches!(self, Layout::Plain | Layout::Prisma | Layout::VersionedFolders)
    }

    /// The layout that `paths` (relative to the migrations folder) follow: the most
    /// specific one any of them uses. `has_dbmate_sections` says whether a file holds
    /// `-- migrate:up`.
    pub fn detect<'a>(paths: impl Iterator<Item = &'a str> + Clone, has_dbmate_sections: bool) -> Layout {
        let any = |layout: Layout| paths.clone().any(|path| layout.recognise(path).is_some());
        if any(Layout::VersionedFolders) {
            Layout::VersionedFolders
        } else if any(Layout::Flyway) {
            Layout::Flyway
        } else if paths.clone().any(|p| p.ends_with("/up.sql")) && any(Layout::Diesel) {
            Layout::Diesel
        } else if paths.clone().any(|p| p.ends_with("/migration.sql")) && any(Layout::Prisma) {
            Layout::Prisma
        } else if has_dbmate_sections {
            Layout::Dbmate
        } else if paths.into_iter().any(|name| name.ends_with(".up.sql") || name.ends_with(".down.sql")) {
            Layout::UpDown
        } else {
            Layout::Plain
        }
    }

    /// Reads a migration's version, name and direction from its path inside the
    /// migrations folder.
    pub fn recognise(self, path: &str) -> Option<Recognised> {
        let (folder, file_name) = path.rsplit_once('/').map_or(("", path), |(folder, file)| (folder, file));
        let parent = folder.rsplit_once('/').map_or("", |(parent, _)| parent);
        let folder = folder.rsplit('/').next().unwrap_or(folder);
        if self == Layout::VersionedFolders {
            let is_version = |v: &str| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.');
            let in_delta = (parent == "delta" || parent.ends_with("/delta")) && is_version(folder);
            // temporal: `versioned/v1.14/*.sql`, ordered by the folder's manifest.json.
            let versioned = folder.strip_prefix('v').filter(|v| is_version(v) && v.contains('.'));
            let version = if in_delta { Some(folder) } else { versioned };
            return version.map(|version| Recognised {
                version: Version::parse(version),
                name: file_name.to_owned(),
                direction: Direction::Forward,
                repeatable: false,
            });
        }
        let stem = file_name.strip_suffix(".sql")?;
        match self {
            Layout::Diesel => {
                let direction = match file_name {
                    "up.sql" => Direction::Forward,
                    "down.sql" => Direction::Back,
                    _ => return None,
                };
                let (version, name) = diesel_version(folder)?;
                Some(Recognised { version, name, direction, repeatable: false })
            }
            Layout::Prisma => {
                if file_name != "migration.sql" {
                    return None;
                }
                let (_, name) = split_version(folder)?;
                Some(Recognised {
                    version: Version::lexical(folder),
                    name,
                    direction: Direction::Forward,
                    repeatable: false,
                })
            }
            // Only its plan orders a sqitch project (see sqitch.rs).
            Layout::Sqitch | Layout::VersionedFolders => None,
            Layout::Liquibase => Some(Recognised {
                version: Version::parse(stem),
                name: stem.to_owned(),
                direction: Direction::Forward,
                repeatable: false,
            }),
            Layout::Plain | Layout::Dbmate => {
                let (version, name) = split_version(stem)?;
                Some(Recognised { version, name, direction: Direction::Forward, repeatable: false })
            }
            Layout::UpDown => {
                let (stem, direction) = if let Some(stem) = stem.strip_suffix(".up") {
                    (stem, Direction::Forward)
                } else if let Some(stem) = stem.strip_suffix(".down") {
                    (stem, Direction::Back)
                } else {
                    (stem, Direction::Forward)
                };
                // Authelia-style `V0001.Name.up.sql` puts a `V` before the version.
                let stem = match stem.strip_prefix(['V', 'v']) {
                    Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
                    _ => stem,
                };
                let (version, name) = split_version(stem)?;
                Some(Recognised { version, name, direction, repeatable: false })
            }
            Layout::Flyway => {
                let (prefix, rest) = stem.split_at_checked(1)?;
                let (version, name) = rest.split_once("__")?;
                match prefix {
                    "R" | "r" if version.is_empty() => Some(Recognised {
                        version: Version::parse(""),
                        name: name.to_owned(),
                        direction: Direction::Forward,
                        repeatable: true,
                    }),
                    "V" | "v" | "U" | "u" | "B" | "b"
                        if version.starts_with(|c: char| c.is_ascii_digit()) =>
                    {
                        Some(Recognised {
                            version: Version::parse(version),
                            name: name.to_owned(),
                            direction: if prefix.eq_ignore_ascii_case("u") {
                                Direction::Back
                            } else {
                                Direction::Forward
                            },
                            repeatable: false,
                        })
                    }
                    _ => None,
                }
            }
        }
    }
}

/// Diesel versions come in three spellings (`20140926174020`, `2019-11-03-003946`,
/// `2026-06-07-120000-0000`); without dashes they are timestamps, so the first 14
/// digits order them and any further digits break ties.
fn diesel_version(folder: &str) -> Option<(Version, String)> {
    let (version, name) = folder.split_once('_').unwrap_or((folder, ""));
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    let digits: String = version.chars().filter(char::is_ascii_digit).collect();
    let (timestamp, rest) = digits.split_at(digits.len().min(14));
    let normalized = if rest.is_empty() { timestamp.to_owned() } else { format!("{timestamp}.{rest}") };
    let mut parsed = Version::parse(&normalized);
    parsed.written = version.to_owned();
    Some((parsed, name.to_owned()))
}

/// Splits `0042_add_users` into version `0042` and name `add_users`.
fn split_version(stem: &str) -> Option<(Version, String)> {
    let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let (version, rest) = stem.split_at(digits);
    let name = rest.trim_start_matches(['_', '-', '.']).to_owned();
    Some((Version::parse(version), name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_layout() {
        let detect = |paths: &[&str]| Layout::detect(paths.iter().copied(), false);
        assert_eq!(detect(&["V1__init.sql", "V1_1__users.sql", "R__views.sql"]), Layout::Flyway);
        assert_eq!(detect(&["0001_init.up.sql", "0001_init.down.sql"]), Layout::UpDown);
        assert_eq!(detect(&["V0001.Initial.up.sql", "V0001.Initial.down.sql"]), Layout::UpDown);
        assert_eq!(detect(&["0001_init.sql", "0002_users.sql"]), Layout::Plain);
        assert_eq!(detect(&["2019-11-03-003946_x/up.sql", "2019-11-03-003946_x/down.sql"]), Layout::Diesel);
        assert_eq!(detect(&["20240101000000_init/migration.sql"]), Layout::Prisma);
        assert_eq!(Layout::detect(["20240101000000_init.sql"].into_iter(), true), Layout::Dbmate);
    }

    #[test]
    fn diesel_version_spellings_order_by_time() {
        let version = |folder: &str| diesel_version(folder).map(|(v, _)| v);
        assert!(version("20140926174020_a") < version("2019-11-03-003946_b"));
        assert!(version("2019-11-03-003946_b") < version("2026-06-07-120000-0000_c"));
        assert!(version("2026-06-07-120000-0000_c") < version("2026-06-08-000000_d"));
        assert!(version("00000000000000_diesel_initial_setup") < version("20140926174020_a"));
    }

    #[test]
    fn recognises_directions() {
        let down = Layout::UpDown.recognise("0003_x.down.sql").expect("down");
        assert_eq!(down.direction, Direction::Back);
        let undo = Layout::Flyway.recognise("U1_2__x.sql").expect("undo");
        assert_eq!(undo.direction, Direction::Back);
        let baseline = Layout::Flyway.recognise("B1_20_0__baseline.sql").expect("baseline");
        assert_eq!(baseline.direction, Direction::Forward);
        assert_eq!(Layout::Plain.recognise("seed.sql"), None);
    }
}
