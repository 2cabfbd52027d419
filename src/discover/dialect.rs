//! The dialect a release is written in, from its layout's hints (Prisma's
//! `migration_lock.toml`, folder and file names such as `postgres/` or
//! `__MYSQL.sql`) and, failing those, from its text.

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
const TEXT_HINTS: [(&str, Dialect); 14] = [
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
    ("nvarchar", Dialect::Mssql),
    ("\ngo\n", Dialect::Mssql),
    ("[dbo]", Dialect::Mssql),
];

/// The dialect `release` is written in, and why, when anything says so.
pub(super) fn detect(release: &Release) -> Option<(Dialect, String)> {
    prisma_provider(release).or_else(|| path_hint(release)).or_else(|| text_hint(release))
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
        std::iter::once(release.label.as_str()).chain(release.files.iter().map(|f| f.relative.as_str()));
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
        let found = words
            .iter()
            .any(|w| *w == hint || w.trim_matches('_') == hint || w.ends_with(&format!("__{hint}")));
        found.then_some((dialect, hint))
    })
}

fn text_hint(release: &Release) -> Option<(Dialect, String)> {
    let mut scores = [0usize; 4];
    for file in &release.files {
        let text = String::from_utf8_lossy(&file.bytes).to_ascii_lowercase().replace("\r\n", "\n");
        for (hint, dialect) in TEXT_HINTS {
            scores[index(dialect)] += text.matches(hint).count();
        }
    }
    // On a tie the earlier dialect wins: PostgreSQL first.
    let (best, score) = scores.iter().enumerate().rev().max_by_key(|(_, score)| **score)?;
    let dialect = [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite, Dialect::Mssql][best];
    (*score > 0).then(|| (dialect, "the SQL it contains".to_owned()))
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

    fn release(label: &str, files: &[(&str, &str)], metadata: &[(&str, &str)]) -> Release {
        let file = |(relative, text): &(&str, &str)| ReleaseFile {
            relative: (*relative).to_owned(),
            display: (*relative).to_owned(),
            bytes: Arc::from(text.as_bytes()),
        };
        Release {
            label: label.to_owned(),
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
    }
}
