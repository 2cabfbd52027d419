//! Finding the migrations folders of a repository when none is named: monorepos
//! keep them anywhere (`backend/prisma/migrations`, `crates/*/migrations`,
//! `internal/storage/migrations/<dialect>`), so the whole tree is searched, at a
//! revision or in the working tree, for folders named like a migrations folder
//! that hold SQL files a layout can order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::Layout;
use super::release::{as_sql_name, is_sql_file};

/// The names migration tools give their folder (`db/migrate` for Rails and
/// goose, `db/migration` for Flyway).
pub(super) const FOLDER_NAMES: [&str; 3] = ["migrations", "migration", "migrate"];

/// Folders that hold no migrations of the project itself: vendored, built and
/// test code (a test's fixture folder is not the project's history).
const NOT_THE_PROJECTS: [&str; 15] = [
    "node_modules",
    "vendor",
    "third_party",
    "target",
    "dist",
    "build",
    "test",
    "tests",
    "testdata",
    "__tests__",
    "fixtures",
    "e2e",
    "examples",
    "example",
    "spec",
];

/// Folders holding other people's code or build output.
const VENDORED_FOLDERS: [&str; 8] =
    ["node_modules", "vendor", "target", "dist", "build", ".git", "bower_components", ".next"];

/// Whether a folder name is a vendored or generated folder, never walked.
pub fn is_vendored_folder(name: &str) -> bool {
    VENDORED_FOLDERS.contains(&name)
}

/// `migrations`, or a name ending in one after `-` or `_` (atuin's
/// `meta-migrations`, `record-migrations`; `db_migrate`).
pub(super) fn is_migrations_folder_name(folder: &str) -> bool {
    let lower = folder.to_ascii_lowercase();
    FOLDER_NAMES.iter().any(|name| {
        lower == *name
            || lower.strip_suffix(name).is_some_and(|head| head.ends_with('-') || head.ends_with('_'))
    })
}

fn is_skipped_folder(name: &str) -> bool {
    name.starts_with('.') || NOT_THE_PROJECTS.iter().any(|skip| skip.eq_ignore_ascii_case(name))
}

/// Whether the `/`-separated `path` lies in a folder that holds none of the
/// project's migrations (see [`NOT_THE_PROJECTS`]), as a walk of the working tree
/// leaves it out.
pub(super) fn in_skipped_folder(path: &str) -> bool {
    path.rsplit_once('/').is_some_and(|(folders, _)| folders.split('/').any(is_skipped_folder))
}

/// The migrations folders among `files` (repository-relative, `/`-separated):
/// the topmost folder named like one above each SQL file, kept when a layout can
/// order a file under it; sorted.
pub(super) fn migrations_folders<'a>(files: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut under: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in files {
        let lower = path.to_ascii_lowercase();
        if !lower.ends_with(".sql") {
            continue;
        }
        let segments: Vec<&str> = path.split('/').collect();
        let folders = &segments[..segments.len().saturating_sub(1)];
        for (depth, folder) in folders.iter().enumerate() {
            if is_skipped_folder(folder) {
                break;
            }
            if is_migrations_folder_name(folder) {
                let folder = segments[..=depth].join("/");
                let inside = segments[depth + 1..].join("/");
                under.entry(folder).or_default().push(inside);
                break;
            }
        }
    }
    under
        .into_iter()
        .filter(|(_, inside)| {
            let names: Vec<_> = inside.iter().map(|path| as_sql_name(path)).collect();
            let layout = Layout::detect(names.iter().map(AsRef::as_ref), false);
            names.iter().any(|name| layout.recognise(name).is_some())
        })
        .map(|(folder, _)| folder)
        .collect()
}

/// The migrations folders of the working tree at `root`, repository-relative.
pub(super) fn working_tree_folders(root: &Path) -> Vec<String> {
    migrations_folders(working_tree_files(root).iter().map(String::as_str))
}

/// The migrations folders among `files` (relative to one folder, `/`-separated),
/// and the SQL files among them that lie in none of them: what reading those
/// folders leaves unread.
pub(super) fn folders_and_sql_outside(files: Vec<String>) -> (Vec<String>, Vec<String>) {
    let folders = migrations_folders(files.iter().map(String::as_str));
    let outside = files
        .into_iter()
        .filter(|file| is_sql_file(file))
        .filter(|file| {
            !folders
                .iter()
                .any(|folder| file.strip_prefix(folder.as_str()).is_some_and(|rest| rest.starts_with('/')))
        })
        .collect();
    (folders, outside)
}

/// The files of the working tree at `root`, relative to it and `/`-separated,
/// hidden, vendored, built and test folders left out.
pub(super) fn working_tree_files(root: &Path) -> Vec<String> {
    let walk = WalkDir::new(root).sort_by_file_name().into_iter().filter_entry(|entry| {
        entry.depth() == 0
            || !entry.file_type().is_dir()
            || !is_skipped_folder(&entry.file_name().to_string_lossy())
    });
    walk.filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| {
            let relative = entry.path().strip_prefix(root).ok()?;
            Some(relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
        })
        .collect()
}

/// The folders that may hold `path` as a migration, nearest first: its own, and
/// its parent's when its own is named like a migration of its own (Diesel's and
/// Prisma's `<timestamp>_name/`, versioned `73/` or `v1.2/`) or like a sqitch
/// script folder. Never further up: a folder above would read a whole project.
pub fn candidate_folders(path: &Path) -> Vec<PathBuf> {
    let Some(own) = path.parent() else {
        return Vec::new();
    };
    let mut candidates = vec![own.to_path_buf()];
    let name = own.file_name().map(|name| name.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let versioned = name.starts_with(|c: char| c.is_ascii_digit())
        || (name.starts_with('v') && name[1..].starts_with(|c: char| c.is_ascii_digit()));
    let sqitch = matches!(name.as_str(), "deploy" | "revert" | "verify");
    if let (true, Some(parent)) = (versioned || sqitch, own.parent()) {
        candidates.push(parent.to_path_buf());
    }
    candidates
}

/// How much of a folder [`candidate_folders`] names is read to judge a file in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// All of it, as the command line reads a migrations folder: it is named like one.
    Whole,
    /// Down to the file's own depth (1: the folder's own files), not the trees
    /// below: any folder may hold numbered SQL files (`/tmp`, a home folder), and
    /// those trees are none of its history.
    ToDepth(usize),
    /// Nothing: no layout orders the file (`/tmp/nowhere.sql`), so it is no
    /// migration of the folder, whatever the folder holds.
    Nothing,
}

/// How much of `folder` to read to judge the SQL file at `relative` under it,
/// whose text is `bytes`: judged from names and that text alone, before reading
/// anything else.
pub fn reach(folder: &Path, relative: &str, bytes: &[u8]) -> Reach {
    let name = folder.file_name().map(|name| name.to_string_lossy()).unwrap_or_default();
    if is_migrations_folder_name(&name) {
        Reach::Whole
    } else if Layout::may_order(&as_sql_name(relative), bytes) || folder.join("sqitch.plan").is_file() {
        Reach::ToDepth(relative.split('/').count())
    } else {
        Reach::Nothing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_topmost_migrations_folder_above_orderable_sql() {
        let files = [
            "backend/prisma/migrations/20221011172612_init/migration.sql",
            "backend/prisma/migrations/migration_lock.toml",
            "crates/client/migrations/20230101_a.sql",
            "crates/server/migrations/20230101_b.sql",
            "crates/client/meta-migrations/20230101_meta.sql",
            "internal/storage/migrations/mysql/V0001.Init.up.sql",
            "internal/storage/migrations/sqlite/V0001.Init.up.sql",
            // Not the project's: a test fixture, vendored code, a hidden folder.
            "tests/fixtures/migrations/1_a.sql",
            "node_modules/pkg/migrations/1_a.sql",
            ".github/migrations/1_a.sql",
            // Named like one, but nothing a layout can order; not a migrations folder at all.
            "docs/migrations/notes.sql",
            "db/schema.sql",
        ];
        assert_eq!(
            migrations_folders(files),
            [
                "backend/prisma/migrations",
                "crates/client/meta-migrations",
                "crates/client/migrations",
                "crates/server/migrations",
                "internal/storage/migrations",
            ]
        );
    }

    #[test]
    fn a_folder_is_read_whole_only_when_named_like_migrations_and_not_at_all_for_a_stray_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sql = b"DROP TABLE users;";
        assert_eq!(reach(&dir.path().join("db/migrations"), "x.sql", sql), Reach::Whole);
        assert_eq!(reach(&dir.path().join("db_migrate"), "x.sql", sql), Reach::Whole);
        assert_eq!(reach(dir.path(), "2_drop.sql", sql), Reach::ToDepth(1));
        assert_eq!(reach(dir.path(), "2020-01-01-000000_a/up.sql", sql), Reach::ToDepth(2));
        assert_eq!(reach(dir.path(), "nowhere.sql", sql), Reach::Nothing);
        assert_eq!(reach(dir.path(), "scratch.sql", b"--liquibase formatted sql\n"), Reach::ToDepth(1));
        std::fs::write(dir.path().join("sqitch.plan"), "%project=x\nusers 2020-01-01T00:00:00Z a <a@b>\n")
            .expect("write");
        assert_eq!(reach(dir.path(), "deploy/users.sql", sql), Reach::ToDepth(2));
    }
}
