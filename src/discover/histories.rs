//! One folder, several histories: a project that supports several databases
//! keeps one history per database, in a folder per dialect (`mysql/`,
//! `postgres/`, `sqlite/`) or in file names (`V0001.Name.mysql.up.sql`). Each
//! is its own sequence of migrations, run against its own database, so each is
//! read on its own and in its own dialect.
//!
//! Files that name no dialect belong to every history. Where a folder mixes them
//! with dialect-named files of the same migration (`1_a.up.sql` beside
//! `1_a.postgres.up.sql`, as Ory's migration runner reads them), the dialect's
//! file replaces the neutral one in that dialect's history.

use std::collections::BTreeMap;

use super::{Release, ReleaseFile, SkipKind, Skipped};
use crate::sql::Dialect;

/// Words that name a database, as folder names and file-name parts write them,
/// and the dialect rollsafe reads that database's SQL in (`None`: one it cannot
/// read).
const DATABASES: [(&str, Option<Dialect>); 24] = [
    ("postgres", Some(Dialect::Postgres)),
    ("postgresql", Some(Dialect::Postgres)),
    ("pg", Some(Dialect::Postgres)),
    ("pgsql", Some(Dialect::Postgres)),
    ("cockroach", Some(Dialect::Postgres)),
    ("cockroachdb", Some(Dialect::Postgres)),
    ("mysql", Some(Dialect::Mysql)),
    ("mariadb", Some(Dialect::Mysql)),
    ("sqlite", Some(Dialect::Sqlite)),
    ("sqlite3", Some(Dialect::Sqlite)),
    ("mssql", Some(Dialect::Mssql)),
    ("sqlserver", Some(Dialect::Mssql)),
    ("sql_server", Some(Dialect::Mssql)),
    ("tsql", Some(Dialect::Mssql)),
    ("oracle", None),
    ("h2", None),
    ("hsqldb", None),
    ("derby", None),
    ("db2", None),
    ("clickhouse", None),
    ("snowflake", None),
    ("spanner", None),
    ("cassandra", None),
    ("cql", None),
];

/// One history of a folder: the database it is for, as the folder names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryName {
    /// The word that names it, lower case (`mysql`, `sqlite3`, `cockroach`).
    pub word: String,
    /// The dialect its SQL is read in; `None` for a database rollsafe cannot read.
    pub dialect: Option<Dialect>,
}

// The word decides the dialect: histories sort by their word alone.
impl Ord for HistoryName {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.word.cmp(&other.word)
    }
}

impl PartialOrd for HistoryName {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Where a file names its database, and the path it has apart from that name:
/// `mysql/V1.up.sql` and `1_a.mysql.up.sql` are `V1.up.sql` and `1_a.up.sql` for
/// MySQL.
pub(super) fn database_of(relative: &str) -> Option<(HistoryName, String)> {
    let named = |word: &str| {
        DATABASES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(word))
            .map(|(name, dialect)| HistoryName { word: (*name).to_owned(), dialect: *dialect })
    };
    let (folders, file_name) = relative.rsplit_once('/').map_or(("", relative), |(f, n)| (f, n));
    let folders: Vec<&str> = if folders.is_empty() { Vec::new() } else { folders.split('/').collect() };
    if let Some(position) = folders.iter().position(|folder| named(folder).is_some()) {
        let history = named(folders[position])?;
        let mut rest: Vec<&str> = folders.clone();
        rest.remove(position);
        rest.push(file_name);
        return Some((history, rest.join("/")));
    }
    // In a file name, only the parts before `.sql` may name it: synapse's
    // `x.sql.postgres` variants are read apart (see synapse.rs).
    let parts: Vec<&str> = file_name.split('.').collect();
    let sql_at = parts.iter().rposition(|part| part.eq_ignore_ascii_case("sql"))?;
    let position = (1..sql_at).find(|&i| named(parts[i]).is_some())?;
    let history = named(parts[position])?;
    let mut rest = parts;
    rest.remove(position);
    let file_name = rest.join(".");
    let path = if folders.is_empty() { file_name } else { format!("{}/{file_name}", folders.join("/")) };
    Some((history, path))
}

/// A folder read as its histories.
#[derive(Debug)]
pub(super) struct Split {
    /// Each history the run reads, with its files; one nameless history when no
    /// file names a database.
    pub histories: Vec<(Option<HistoryName>, Release)>,
    /// The files of histories not read: a database rollsafe cannot read, or not
    /// the one `--dialect` picks.
    pub not_read: Vec<Skipped>,
    /// Every history the folder holds, read or not.
    pub found: Vec<HistoryName>,
}

/// Splits `release` into its histories; with `dialect`, only those read in it.
pub(super) fn split(release: Release, dialect: Option<Dialect>) -> Split {
    let named: Vec<Option<(HistoryName, String)>> = release
        .files
        .iter()
        .chain(&release.metadata)
        .chain(&release.others)
        .map(|file| database_of(&file.relative))
        .collect();
    let mut found: Vec<HistoryName> = named.iter().flatten().map(|(name, _)| name.clone()).collect();
    found.sort();
    found.dedup();
    if found.is_empty() {
        return Split { histories: vec![(None, release)], not_read: Vec::new(), found };
    }
    let mut not_read = Vec::new();
    let mut histories: BTreeMap<HistoryName, Release> = BTreeMap::new();
    for name in &found {
        let why_not = match (name.dialect, dialect) {
            (None, _) => Some(format!("the `{}` history: rollsafe does not read its SQL", name.word)),
            (Some(own), Some(picked)) if own != picked => {
                Some(format!("the `{}` history, in {own}: `--dialect {picked}` picks another", name.word))
            }
            _ => None,
        };
        match why_not {
            Some(reason) => {
                let files = release.files.iter().chain(&release.metadata).chain(&release.others);
                not_read.extend(
                    files
                        .filter(|file| is_of(&file.relative, name))
                        .map(|file| Skipped::file(file, SkipKind::OtherDialect, reason.clone())),
                );
                // What could not be opened keeps its own reason.
                not_read.extend(release.skipped.iter().filter(|s| is_of(&s.relative, name)).cloned());
            }
            None => {
                histories.insert(name.clone(), history_of(&release, name));
            }
        }
    }
    // A dialect picked that no history is in: the neutral files are what is left.
    let histories: Vec<(Option<HistoryName>, Release)> = if histories.is_empty() {
        let neutral = |files: &[ReleaseFile]| -> Vec<ReleaseFile> {
            files.iter().filter(|file| database_of(&file.relative).is_none()).cloned().collect()
        };
        let release = Release {
            files: neutral(&release.files),
            metadata: neutral(&release.metadata),
            others: neutral(&release.others),
            skipped: release.skipped.iter().filter(|s| database_of(&s.relative).is_none()).cloned().collect(),
            ..release
        };
        vec![(None, release)]
    } else {
        // A neutral file every history replaces with its own is read for no database here.
        let read: std::collections::HashSet<&str> = histories
            .values()
            .flat_map(|release| &release.files)
            .map(|file| file.relative.as_str())
            .collect();
        let words: Vec<String> = histories.keys().map(|name| format!("`{}`", name.word)).collect();
        let reason = format!(
            "each history here ({}) has its own file for this migration; this one is for any other database",
            words.join(", ")
        );
        not_read.extend(
            release
                .files
                .iter()
                .filter(|file| {
                    !read.contains(file.relative.as_str()) && database_of(&file.relative).is_none()
                })
                .map(|file| Skipped::file(file, SkipKind::OtherDialect, reason.clone())),
        );
        histories.into_iter().map(|(name, release)| (Some(name), release)).collect()
    };
    Split { histories, not_read, found }
}

/// Whether the file at `relative` is of history `name`.
fn is_of(relative: &str, name: &HistoryName) -> bool {
    database_of(relative).is_some_and(|(own, _)| own == *name)
}

/// The files of history `name`: its own, and the neutral ones it has no file of
/// its own for.
fn history_of(release: &Release, name: &HistoryName) -> Release {
    let pick = |files: &[ReleaseFile]| -> Vec<ReleaseFile> {
        let replaced: std::collections::HashSet<String> = files
            .iter()
            .filter_map(|file| database_of(&file.relative))
            .filter(|(own, _)| own == name)
            .map(|(_, neutral)| neutral)
            .collect();
        files
            .iter()
            .filter(|file| match database_of(&file.relative) {
                Some((own, _)) => own == *name,
                None => !replaced.contains(&file.relative),
            })
            .cloned()
            .collect()
    };
    Release {
        folder: release.folder.clone(),
        revision: release.revision.clone(),
        files: pick(&release.files),
        metadata: pick(&release.metadata),
        others: pick(&release.others),
        // What could not be opened goes with its own history, as files do (a
        // dangling `mysql/2_b.sql` is a migration of MySQL's alone).
        skipped: release
            .skipped
            .iter()
            .filter(|skipped| database_of(&skipped.relative).is_none_or(|(own, _)| own == *name))
            .cloned()
            .collect(),
        absent: release.absent,
        manifest: release.manifest.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn release(paths: &[&str]) -> Release {
        let mut release = Release { folder: "db".to_owned(), ..Release::default() };
        for path in paths {
            release.add(ReleaseFile {
                relative: (*path).to_owned(),
                display: format!("db/{path}"),
                bytes: Arc::from(b"SELECT 1;".as_slice()),
            });
        }
        release
    }

    fn histories(split: &Split) -> Vec<(String, Vec<&str>)> {
        split
            .histories
            .iter()
            .map(|(name, release)| {
                let word = name.as_ref().map_or_else(String::new, |n| n.word.clone());
                (word, release.files.iter().map(|f| f.relative.as_str()).collect())
            })
            .collect()
    }

    #[test]
    fn a_database_named_by_a_folder_or_in_a_file_name() {
        let name = |relative: &str| database_of(relative).map(|(n, rest)| (n.word, rest));
        assert_eq!(
            name("mysql/V0001.Init.up.sql"),
            Some(("mysql".to_owned(), "V0001.Init.up.sql".to_owned()))
        );
        assert_eq!(
            name("v12/postgresql/v1.0/a.sql"),
            Some(("postgresql".to_owned(), "v12/v1.0/a.sql".to_owned()))
        );
        assert_eq!(name("1_a.sqlite3.up.sql"), Some(("sqlite3".to_owned(), "1_a.up.sql".to_owned())));
        assert_eq!(
            name("x/1_a.Cockroach.down.sql"),
            Some(("cockroach".to_owned(), "x/1_a.down.sql".to_owned()))
        );
        // Not a database: a migration about one, synapse's engine variants, a name's first part.
        assert_eq!(name("3_add_mysql_support.sql"), None);
        assert_eq!(name("delta/50/a.sql.postgres"), None);
        assert_eq!(name("mysql.sql"), None);
    }

    #[test]
    fn one_history_per_folder_each_with_the_shared_files() {
        let split = split(
            release(&["mysql/1_a.up.sql", "postgres/1_a.up.sql", "oracle/1_a.sql", "shared/2_b.sql"]),
            None,
        );
        assert_eq!(
            histories(&split),
            [
                ("mysql".to_owned(), vec!["mysql/1_a.up.sql", "shared/2_b.sql"]),
                ("postgres".to_owned(), vec!["postgres/1_a.up.sql", "shared/2_b.sql"]),
            ]
        );
        let not_read: Vec<(&str, SkipKind)> =
            split.not_read.iter().map(|s| (s.relative.as_str(), s.kind)).collect();
        assert_eq!(not_read, [("oracle/1_a.sql", SkipKind::OtherDialect)]);
        assert_eq!(split.found.len(), 3);
    }

    #[test]
    fn a_dialects_file_replaces_the_neutral_one_for_that_dialect() {
        let files =
            ["1_a.up.sql", "1_a.postgres.up.sql", "1_a.mysql.up.sql", "2_b.up.sql", "2_b.sqlite3.up.sql"];
        let split = split(release(&files), None);
        assert_eq!(
            histories(&split),
            [
                ("mysql".to_owned(), vec!["1_a.mysql.up.sql", "2_b.up.sql"]),
                ("postgres".to_owned(), vec!["1_a.postgres.up.sql", "2_b.up.sql"]),
                ("sqlite3".to_owned(), vec!["1_a.up.sql", "2_b.sqlite3.up.sql"]),
            ]
        );
        assert!(split.not_read.is_empty(), "{:?}", split.not_read);
        // Replaced in every history: said, for it is read for none.
        let split = super::split(release(&["1_a.up.sql", "1_a.mysql.up.sql"]), None);
        assert_eq!(split.not_read.len(), 1);
        assert_eq!(split.not_read[0].relative, "1_a.up.sql");
    }

    #[test]
    fn dialect_picks_its_history_and_says_what_it_leaves() {
        let split = split(release(&["mysql/1_a.sql", "sqlite/1_a.sql"]), Some(Dialect::Sqlite));
        assert_eq!(histories(&split), [("sqlite".to_owned(), vec!["sqlite/1_a.sql"])]);
        assert_eq!(split.not_read.len(), 1);
        assert!(
            split.not_read[0].reason.contains("`--dialect sqlite` picks another"),
            "{}",
            split.not_read[0].reason
        );
        // No history in the dialect picked: the neutral files are read.
        let split = super::split(release(&["mysql/1_a.sql", "2_b.sql"]), Some(Dialect::Postgres));
        assert_eq!(histories(&split), [(String::new(), vec!["2_b.sql"])]);
    }

    #[test]
    fn what_could_not_be_opened_goes_with_its_own_history() {
        let mut release = release(&["mysql/1_a.sql", "sqlite/1_a.sql", "oracle/1_a.sql"]);
        for path in ["mysql/2_b.sql", "oracle/2_b.sql", "3_c.sql"] {
            let why = "a symbolic link to nothing";
            release.skipped.push(Skipped::new(
                path.to_owned(),
                format!("db/{path}"),
                SkipKind::DanglingLink,
                why,
            ));
        }
        let split = split(release, None);
        let skipped: Vec<(String, Vec<&str>)> = split
            .histories
            .iter()
            .map(|(name, release)| {
                let word = name.as_ref().map_or_else(String::new, |n| n.word.clone());
                (word, release.skipped.iter().map(|s| s.relative.as_str()).collect())
            })
            .collect();
        assert_eq!(
            skipped,
            [("mysql".to_owned(), vec!["mysql/2_b.sql", "3_c.sql"]), ("sqlite".to_owned(), vec!["3_c.sql"])]
        );
        let not_read: Vec<(&str, SkipKind)> =
            split.not_read.iter().map(|s| (s.relative.as_str(), s.kind)).collect();
        assert_eq!(
            not_read,
            [("oracle/1_a.sql", SkipKind::OtherDialect), ("oracle/2_b.sql", SkipKind::DanglingLink)]
        );
    }

    #[test]
    fn no_database_named_is_one_history() {
        let split = split(release(&["1_a.sql", "2_b.sql"]), None);
        assert_eq!(histories(&split), [(String::new(), vec!["1_a.sql", "2_b.sql"])]);
        assert!(split.not_read.is_empty() && split.found.is_empty());
    }
}
