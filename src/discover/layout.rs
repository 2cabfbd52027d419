//! Migration layouts: how a tool names its files, and so their version, direction
//! and order. Each layout is one small recogniser of file names.

use serde::Serialize;

use super::version::Version;

/// Which way a migration goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
    /// Flyway: `V<ver>__name.sql`, `U<ver>__name.sql` (undo), `R__name.sql`.
    Flyway,
}

impl Layout {
    pub fn label(self) -> &'static str {
        match self {
            Layout::Plain => "plain numbered files",
            Layout::UpDown => "up/down files (golang-migrate, sqlx)",
            Layout::Flyway => "Flyway",
        }
    }

    /// Whether the layout has down/undo migrations at all.
    pub fn has_way_back(self) -> bool {
        self != Layout::Plain
    }

    /// The layout that `file_names` follow: the most specific one any of them uses.
    pub fn detect<'a>(file_names: impl Iterator<Item = &'a str> + Clone) -> Layout {
        if file_names.clone().any(|name| Layout::Flyway.recognise(name).is_some()) {
            Layout::Flyway
        } else if file_names.into_iter().any(|name| name.ends_with(".up.sql") || name.ends_with(".down.sql"))
        {
            Layout::UpDown
        } else {
            Layout::Plain
        }
    }

    /// Reads a migration's version, name and direction from its file name.
    pub fn recognise(self, file_name: &str) -> Option<Recognised> {
        let stem = file_name.strip_suffix(".sql")?;
        match self {
            Layout::Plain => {
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
                    "V" | "v" | "U" | "u" if version.starts_with(|c: char| c.is_ascii_digit()) => {
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
        let flyway = ["V1__init.sql", "V1_1__users.sql", "R__views.sql"];
        assert_eq!(Layout::detect(flyway.iter().copied()), Layout::Flyway);
        let updown = ["0001_init.up.sql", "0001_init.down.sql"];
        assert_eq!(Layout::detect(updown.iter().copied()), Layout::UpDown);
        let plain = ["0001_init.sql", "0002_users.sql"];
        assert_eq!(Layout::detect(plain.iter().copied()), Layout::Plain);
    }

    #[test]
    fn recognises_directions() {
        let down = Layout::UpDown.recognise("0003_x.down.sql").expect("down");
        assert_eq!(down.direction, Direction::Back);
        let undo = Layout::Flyway.recognise("U1_2__x.sql").expect("undo");
        assert_eq!(undo.direction, Direction::Back);
        assert_eq!(Layout::Plain.recognise("seed.sql"), None);
    }
}
