//! What counts as A's code: every text file of A's tree except migrations (they are
//! the change, not its user), vendored and generated folders, lock files, binary
//! files and very large files. Each file left out is counted under its reason.

use crate::discover::is_vendored_folder;
use serde::Serialize;

/// Files larger than this are data or generated bundles, not code a person wrote.
pub const MAX_CODE_BYTES: usize = 2 * 1024 * 1024;

/// How far into a file a NUL byte marks it binary (git's own heuristic).
const BINARY_SNIFF_BYTES: usize = 8000;

/// How the names of folders holding migrations end, whatever the tool:
/// `migrations` (most tools, and `record-migrations`), `migration` (Flyway),
/// `migrate` (Rails).
const MIGRATION_FOLDERS: [&str; 3] = ["migrations", "migration", "migrate"];

/// How the names of prose files end.
const DOCS_ENDINGS: [&str; 6] = [".md", ".markdown", ".rst", ".adoc", ".asciidoc", ".txt"];

/// Schema dumps tools write from a database (Rails' `db/structure.sql`, sqlc's and
/// others' `schema.sql`).
const SCHEMA_DUMPS: [&str; 2] = ["structure.sql", "schema.sql"];

/// Lock files and other dependency manifests written by tools.
const LOCK_FILES: [&str; 11] = [
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "Cargo.lock",
    "Gemfile.lock",
    "poetry.lock",
    "composer.lock",
    "go.sum",
    "packages.lock.json",
];

/// Why a file of A's tree is not read as code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// Under a migrations folder: the SQL being judged, not code using it.
    Migrations,
    /// Under `node_modules`, `vendor`, `target`, `dist`, `build` or `.git`.
    Vendored,
    /// A lock file.
    LockFile,
    /// Has a NUL byte near its start.
    Binary,
    /// Larger than 2 MB.
    TooLarge,
    /// Prose for people (Markdown, reStructuredText, AsciiDoc, plain text, a
    /// changelog): it tells of a column, it does not use one.
    Docs,
    /// A dump of a database's schema (`structure.sql`, `schema.sql`): it describes
    /// the database, it is not code that uses it.
    SchemaDump,
    /// A symbolic link (at a revision or in a folder), a submodule, a FIFO or
    /// socket, or a file that could not be read.
    Unreadable,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Migrations => "migrations",
            SkipReason::Vendored => "vendored",
            SkipReason::LockFile => "lock-file",
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too-large",
            SkipReason::Docs => "docs",
            SkipReason::SchemaDump => "schema-dump",
            SkipReason::Unreadable => "unreadable",
        }
    }
}

/// Why the file at `path` (`/`-separated, relative to the code's root) is not
/// code, judged by its path alone; `None` when it is read. `migrations` are the
/// window's own migrations folders, relative to the same root.
pub fn skip_by_path(path: &str, migrations: &[String]) -> Option<SkipReason> {
    let (folders, name) = match path.rsplit_once('/') {
        Some((folders, name)) => (folders, name),
        None => ("", path),
    };
    let mut folders = folders.split('/').filter(|f| !f.is_empty());
    if folders.clone().any(is_vendored_folder) {
        return Some(SkipReason::Vendored);
    }
    let in_window_folder = migrations.iter().map(|folder| folder.trim_matches('/')).any(|folder| {
        !folder.is_empty() && path.starts_with(folder) && path[folder.len()..].starts_with('/')
    });
    let in_migrations = in_window_folder
        || folders.any(|folder| {
            let folder = folder.to_ascii_lowercase();
            MIGRATION_FOLDERS.iter().any(|m| folder.ends_with(m))
        });
    // EF Core keeps its model snapshot, the model A's code maps, among its migrations.
    if in_migrations && !name.ends_with("ModelSnapshot.cs") {
        return Some(SkipReason::Migrations);
    }
    if LOCK_FILES.contains(&name) || name.ends_with(".lock") {
        return Some(SkipReason::LockFile);
    }
    let lower = name.to_ascii_lowercase();
    if DOCS_ENDINGS.iter().any(|ending| lower.ends_with(ending)) || lower.starts_with("changelog") {
        return Some(SkipReason::Docs);
    }
    if SCHEMA_DUMPS.contains(&lower.as_str()) {
        return Some(SkipReason::SchemaDump);
    }
    None
}

/// Why a file with these bytes is not code; `None` when it is.
pub fn skip_by_content(bytes: &[u8]) -> Option<SkipReason> {
    if bytes.len() > MAX_CODE_BYTES {
        return Some(SkipReason::TooLarge);
    }
    let head = &bytes[..bytes.len().min(BINARY_SNIFF_BYTES)];
    head.contains(&0).then_some(SkipReason::Binary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_vendored_and_lock_files_are_not_code() {
        let none: &[String] = &[];
        assert_eq!(skip_by_path("db/migrations/1_a.sql", none), Some(SkipReason::Migrations));
        assert_eq!(skip_by_path("db/migrate/20240101_add.rb", none), Some(SkipReason::Migrations));
        assert_eq!(skip_by_path("crates/c/record-migrations/1.sql", none), Some(SkipReason::Migrations));
        assert_eq!(
            skip_by_path("src/main/resources/db/migration/V1__a.sql", none),
            Some(SkipReason::Migrations)
        );
        assert_eq!(skip_by_path("web/node_modules/x/index.js", none), Some(SkipReason::Vendored));
        assert_eq!(skip_by_path("target/debug/build.rs", none), Some(SkipReason::Vendored));
        assert_eq!(skip_by_path("package-lock.json", none), Some(SkipReason::LockFile));
        assert_eq!(skip_by_path("api/Cargo.lock", none), Some(SkipReason::LockFile));
        assert_eq!(skip_by_path("src/app/route.ts", none), None);
        assert_eq!(skip_by_path("src/migrations.ts", none), None, "a file named like the folder is code");
    }

    #[test]
    fn the_window_folder_is_skipped_whatever_its_name_and_ef_snapshots_are_kept() {
        let window = ["db/sql".to_owned()];
        assert_eq!(skip_by_path("db/sql/001.sql", &window), Some(SkipReason::Migrations));
        assert_eq!(skip_by_path("db/sqlite/q.sql", &window), None);
        assert_eq!(skip_by_path("Data/Migrations/AppDbContextModelSnapshot.cs", &[]), None);
        assert_eq!(skip_by_path("Data/Migrations/20240101_Init.cs", &[]), Some(SkipReason::Migrations));
    }

    #[test]
    fn docs_and_schema_dumps_are_not_code() {
        for prose in ["README.md", "docs/guide.rst", "docs/a.adoc", "notes.txt", "CHANGELOG", "Changelog.md"]
        {
            assert_eq!(skip_by_path(prose, &[]), Some(SkipReason::Docs), "{prose}");
        }
        for dump in ["db/structure.sql", "db/clickhouse/schema.sql", "Schema.sql"] {
            assert_eq!(skip_by_path(dump, &[]), Some(SkipReason::SchemaDump), "{dump}");
        }
        assert_eq!(skip_by_path("queries/users.sql", &[]), None, "queries outside migrations are code");
        assert_eq!(skip_by_path("prisma/schema.prisma", &[]), None, "a Prisma schema is A's model");
        assert_eq!(skip_by_path("src/changes.ts", &[]), None);
    }

    #[test]
    fn binary_and_huge_files_are_not_code() {
        assert_eq!(skip_by_content(b"\x89PNG\r\n\x1a\n\0\0"), Some(SkipReason::Binary));
        assert_eq!(skip_by_content(&vec![b'a'; MAX_CODE_BYTES + 1]), Some(SkipReason::TooLarge));
        assert_eq!(skip_by_content(b"SELECT 1"), None);
    }
}
