//! The dialect a release is written in, from its layout's hints (Prisma's
//! `migration_lock.toml`, folder and file names such as `postgres/` or
//! `__MYSQL.sql`) and, failing those, from its text.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use rayon::prelude::*;

use crate::sql::Dialect;

use super::Release;

/// Names in paths that say which database a folder is for.
const PATH_HINTS: [(&str, Dialect); 10] = [
    ("postgresql", Dialect::Postgres),
    ("postgres", Dialect::Postgres),
    ("mysql", Dialect::Mysql),
    ("mariadb", Dialect::Mysql),
    ("sqlite", Dialect::Sqlite),
    ("sql_server", Dialect::Mssql),
    ("sqlserver", Dialect::Mssql),
    ("mssql", Dialect::Mssql),
    ("tsql", Dialect::Mssql),
    ("pg", Dialect::Postgres),
];

/// Words whose presence in the text points at a dialect.
const TEXT_HINTS: [(&str, Dialect); 15] = [
    ("$$", Dialect::Postgres),
    ("::", Dialect::Postgres),
    ("serial", Dialect::Postgres),
    ("plpgsql", Dialect::Postgres),
    ("timestamptz", Dialect::Postgres),
    ("jsonb", Dialect::Postgres),
    ("auto_increment", Dialect::Mysql),
    ("engine=innodb", Dialect::Mysql),
    ("engine = innodb", Dialect::Mysql),
    ("autoincrement", Dialect::Sqlite),
    ("pragma ", Dialect::Sqlite),
    // SQLite's date function; PostgreSQL, MySQL and SQL Server have none of that name.
    ("strftime", Dialect::Sqlite),
    ("nvarchar", Dialect::Mssql),
    ("\ngo\n", Dialect::Mssql),
    ("[dbo]", Dialect::Mssql),
];

/// The dialect `release` is written in, and why, when anything says so.
pub(super) fn detect(release: &Release) -> Option<(Dialect, String)> {
    prisma_provider(release)
        .or_else(|| path_hint(release))
        .or_else(|| driver_hint(release))
        .or_else(|| text_hint(release))
}

/// Rust crates whose features name the database they are built for.
const DRIVER_CRATES: [&str; 2] = ["sqlx", "diesel"];

/// The database the code beside the folder is built for: the one database its
/// package manifest's own dependencies name (`sqlx = { features = ["sqlite"] }`).
/// A dependency taken from the workspace with no features of its own says
/// nothing: features are unified across a workspace, so the workspace's list is
/// not this crate's (atuin's SQLite-only crates inherit a list naming `postgres`).
fn driver_hint(release: &Release) -> Option<(Dialect, String)> {
    let manifest = release.manifest.as_ref()?;
    let table: toml::Table = toml::from_str(std::str::from_utf8(&manifest.bytes).ok()?).ok()?;
    let dependencies = table.get("dependencies")?.as_table()?;
    let mut named: Vec<(Dialect, String)> = Vec::new();
    for driver in DRIVER_CRATES {
        let features = dependencies.get(driver).and_then(|d| d.get("features")).and_then(|f| f.as_array());
        for feature in features.into_iter().flatten().filter_map(|feature| feature.as_str()) {
            let dialect = match feature {
                "postgres" => Dialect::Postgres,
                "mysql" => Dialect::Mysql,
                "sqlite" => Dialect::Sqlite,
                "mssql" => Dialect::Mssql,
                _ => continue,
            };
            named.push((dialect, format!("the `{feature}` feature of {driver} in {}", manifest.display)));
        }
    }
    named.dedup_by_key(|(dialect, _)| *dialect);
    match named.as_slice() {
        [(dialect, why)] => Some((*dialect, why.clone())),
        // Several databases, or none: the code does not say which this folder is for.
        _ => None,
    }
}

fn prisma_provider(release: &Release) -> Option<(Dialect, String)> {
    let lock = release.metadata.iter().find(|f| f.relative.ends_with("migration_lock.toml"))?;
    let text = String::from_utf8_lossy(&lock.bytes);
    let provider = text.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "provider").then(|| value.trim().trim_matches('"').to_ascii_lowercase())
    })?;
    let dialect = match provider.as_str() {
        "postgresql" | "postgres" | "cockroachdb" => Dialect::Postgres,
        "mysql" => Dialect::Mysql,
        "sqlite" => Dialect::Sqlite,
        "sqlserver" => Dialect::Mssql,
        _ => return None,
    };
    Some((dialect, format!("provider \"{provider}\" in migration_lock.toml")))
}

fn path_hint(release: &Release) -> Option<(Dialect, String)> {
    let paths =
        std::iter::once(release.folder.as_str()).chain(release.files.iter().map(|f| f.relative.as_str()));
    paths.into_iter().find_map(|path| {
        let (dialect, hint) = named_in_path(path)?;
        Some((dialect, format!("`{hint}` in the path {path}")))
    })
}

/// The database a path's words name (`postgres/`, `atuin-server-postgres`,
/// `V1__init__MYSQL.sql`), and the word.
pub(super) fn named_in_path(path: &str) -> Option<(Dialect, &'static str)> {
    let lower = path.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').collect();
    PATH_HINTS.into_iter().find_map(|(hint, dialect)| {
        let found = words.iter().any(|w| {
            *w == hint
                || w.trim_matches('_') == hint
                || w.strip_suffix(hint).is_some_and(|before| before.ends_with("__"))
        });
        found.then_some((dialect, hint))
    })
}

fn text_hint(release: &Release) -> Option<(Dialect, String)> {
    // Files searched on every core: a folder's whole text, before anything else is read.
    let counts = release.files.par_iter().map(|file| hint_counts(&file.bytes)).reduce(
        || [0; TEXT_HINTS.len()],
        |mut total, counts| {
            total.iter_mut().zip(counts).for_each(|(total, count)| *total += count);
            total
        },
    );
    let mut scores = [0usize; 4];
    for (hint, count) in TEXT_HINTS.iter().zip(counts) {
        scores[index(hint.1)] += count;
    }
    // On a tie the earlier dialect wins: PostgreSQL first.
    let (best, score) = scores.iter().enumerate().rev().max_by_key(|(_, score)| **score)?;
    let dialect = [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite, Dialect::Mssql][best];
    (*score > 0).then(|| (dialect, "the SQL it contains".to_owned()))
}

/// How often each of [`TEXT_HINTS`] occurs in `bytes`, in any case, a line break
/// `\r\n` or `\n`, counted as `str::matches` counts (no two matches of one hint
/// overlap), in one pass and without copying the file (a 20 MB file was copied
/// twice, lower-cased and with its line breaks rewritten, and searched 14 times).
fn hint_counts(bytes: &[u8]) -> [usize; TEXT_HINTS.len()] {
    // `\r\n` ends in `\n`: only a hint's last line break needs its `\r\n` spelling.
    static FINDER: LazyLock<Option<(AhoCorasick, Vec<usize>)>> = LazyLock::new(|| {
        let mut patterns = Vec::new();
        let mut hint_of = Vec::new();
        for (index, (hint, _)) in TEXT_HINTS.iter().enumerate() {
            patterns.push(hint.to_string());
            hint_of.push(index);
            if let Some(head) = hint.strip_suffix('\n') {
                patterns.push(format!("{head}\r\n"));
                hint_of.push(index);
            }
        }
        let finder = AhoCorasick::builder().ascii_case_insensitive(true).build(&patterns).ok()?;
        Some((finder, hint_of))
    });
    let mut counts = [0; TEXT_HINTS.len()];
    let Some((finder, hint_of)) = FINDER.as_ref() else {
        return counts;
    };
    // Matches come by where they end; one hint's matches, of one length or of two
    // that cannot start at one place, so also by where they start.
    let mut free_from = [0; TEXT_HINTS.len()];
    for found in finder.find_overlapping_iter(bytes) {
        let hint = hint_of[found.pattern().as_usize()];
        if found.start() >= free_from[hint] {
            counts[hint] += 1;
            free_from[hint] = found.end();
        }
    }
    counts
}

fn index(dialect: Dialect) -> usize {
    match dialect {
        Dialect::Postgres => 0,
        Dialect::Mysql => 1,
        Dialect::Sqlite => 2,
        Dialect::Mssql => 3,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::discover::ReleaseFile;

    /// The counts the hints had when each file was lower-cased, its `\r\n` made
    /// `\n`, and searched once per hint.
    fn counted_by_copying(text: &str) -> Vec<usize> {
        let text = text.to_ascii_lowercase().replace("\r\n", "\n");
        TEXT_HINTS.iter().map(|(hint, _)| text.matches(hint).count()).collect()
    }

    #[test]
    fn hints_are_counted_as_matches_counts_them_on_a_lowered_copy() {
        for text in [
            "SELECT 1::int, '$$$$$', a::::b, x$$y$$",
            "CREATE TABLE t (id SERIAL) ENGINE=InnoDB;\r\nGO\r\nGO\r\ngo\n\nGo\r\n",
            "\ngo\ngo\ngo\n [DBO].[t] NVARCHAR(5) PRAGMA foo; AUTOINCREMENT auto_increment",
            "engine  = innodb; Engine = InnoDB; timestamptz jsonb plpgsql\r\r\ngo\r\r\n",
            "",
        ] {
            assert_eq!(hint_counts(text.as_bytes()).to_vec(), counted_by_copying(text), "{text:?}");
        }
    }

    fn release(label: &str, files: &[(&str, &str)], metadata: &[(&str, &str)]) -> Release {
        let file = |(relative, text): &(&str, &str)| ReleaseFile {
            relative: (*relative).to_owned(),
            display: (*relative).to_owned(),
            bytes: Arc::from(text.as_bytes()),
        };
        Release {
            folder: label.to_owned(),
            files: files.iter().map(file).collect(),
            metadata: metadata.iter().map(file).collect(),
            ..Release::default()
        }
    }

    #[test]
    fn hints_in_order_of_trust() {
        let prisma = release(
            "prisma/migrations",
            &[("1_a/migration.sql", "SELECT 1;")],
            &[("migration_lock.toml", "provider = \"mysql\"\n")],
        );
        assert_eq!(detect(&prisma).map(|d| d.0), Some(Dialect::Mysql));
        let folder = release("db/migration/sqlserver", &[("V1__a.sql", "SELECT 1;")], &[]);
        assert_eq!(detect(&folder).map(|d| d.0), Some(Dialect::Mssql));
        let suffix = release("db", &[("V1_0__init__MYSQL.sql", "SELECT 1;")], &[]);
        assert_eq!(detect(&suffix).map(|d| d.0), Some(Dialect::Mysql));
        let text =
            release("db", &[("1_a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT);")], &[]);
        assert_eq!(detect(&text).map(|d| d.0), Some(Dialect::Sqlite));
        assert_eq!(detect(&release("db", &[("1_a.sql", "SELECT 1;")], &[])), None);
        let strftime =
            release("db", &[("1_a.sql", "CREATE TABLE k (at int DEFAULT (strftime('%s', 'now')));")], &[]);
        assert_eq!(detect(&strftime).map(|d| d.0), Some(Dialect::Sqlite));
    }

    #[test]
    fn the_driver_features_of_the_crate_beside_the_folder() {
        let beside = |manifest: &str| {
            let mut release =
                release("crates/c/migrations", &[("1_a.sql", "CREATE TABLE a (id text);")], &[]);
            release.manifest = Some(ReleaseFile {
                relative: "../Cargo.toml".to_owned(),
                display: "crates/c/Cargo.toml".to_owned(),
                bytes: Arc::from(manifest.as_bytes()),
            });
            detect(&release)
        };
        assert_eq!(
            beside("[dependencies]\nsqlx = { version = \"0.8\", features = [\"sqlite\", \"regexp\"] }\n"),
            Some((Dialect::Sqlite, "the `sqlite` feature of sqlx in crates/c/Cargo.toml".to_owned()))
        );
        assert_eq!(
            beside("[dependencies.diesel]\nversion = \"2\"\nfeatures = [\"mysql\"]\n").map(|d| d.0),
            Some(Dialect::Mysql)
        );
        // From the workspace, several databases, none, or no manifest that parses: nothing said.
        assert_eq!(beside("[dependencies]\nsqlx = { workspace = true }\n"), None);
        assert_eq!(beside("[dependencies]\nsqlx = { features = [\"sqlite\", \"postgres\"] }\n"), None);
        assert_eq!(beside("[dependencies]\nserde = \"1\"\n"), None);
        assert_eq!(beside("not toml ["), None);
    }
}
