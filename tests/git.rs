//! Releases named by git revision, through the CLI with `--format json`, in
//! temporary repositories built by the tests (tags, branches, merges, edited,
//! deleted, out-of-order and renamed migrations, a shallow clone).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

#[path = "support/repo.rs"]
mod repo;

use repo::{commit, git, rollsafe, write};
use serde_json::Value;

/// A repository with release tags v1.1.20 and v1.1.21 of `db/migrations`, and
/// a query of A's code that uses the column v1.1.21 renames.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "db/migrations/1_users.up.sql", "CREATE TABLE users (id int PRIMARY KEY, name text);");
    write(root, "db/migrations/1_users.down.sql", "DROP TABLE users;");
    write(root, "db/migrations/3_orders.up.sql", "CREATE TABLE orders (id int, user_id int);");
    write(root, "db/migrations/3_orders.down.sql", "DROP TABLE orders;");
    write(root, "README.md", "app\n");
    // A's code reads `users.name`, so renaming it breaks A's code.
    write(root, "src/queries/users.sql", "SELECT name FROM users WHERE id = $1;\n");
    commit(root, "release 1.1.20");
    git(root, &["tag", "v1.1.20"]);
    write(root, "db/migrations/4_rename.up.sql", "ALTER TABLE users RENAME COLUMN name TO full_name;");
    write(root, "db/migrations/4_rename.down.sql", "ALTER TABLE users RENAME COLUMN full_name TO name;");
    commit(root, "release 1.1.21");
    git(root, &["tag", "v1.1.21"]);
    dir
}

fn rules(report: &Value) -> Vec<String> {
    report["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["rule"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn audit_between_two_tags_finds_the_folder_and_the_window() {
    let repo = repository();
    let (status, report, _) =
        rollsafe(repo.path(), &["audit", "--from", "v1.1.20", "--to", "v1.1.21", "--format", "json"]);
    assert_eq!(status, Some(1));
    assert_eq!(rules(&report), ["rename-column"]);
    // Its place in the working tree; the revision is said apart.
    assert_eq!(report["changes"][0]["file"], "db/migrations/4_rename.up.sql");
    assert_eq!(report["histories"][0]["revision"], "v1.1.21");
    assert_eq!(report["verdict"]["code_rollback"], "blocked");
    assert_eq!(report["verdict"]["database_rollback"], "reversible");
    assert!(report["notes"][0].as_str().is_some_and(|n| n.contains("`db/migrations`")), "{report:#}");
}

#[test]
fn to_defaults_to_the_working_tree_and_revisions_can_be_relative() {
    let repo = repository();
    write(repo.path(), "db/migrations/5_index.up.sql", "CREATE INDEX orders_user_idx ON orders (user_id);");
    write(repo.path(), "db/migrations/5_index.down.sql", "DROP INDEX orders_user_idx;");
    let (status, report, stderr) =
        rollsafe(repo.path(), &["audit", "--from", "HEAD~1", "--format", "json", "db/migrations"]);
    assert_eq!(status, Some(1), "{stderr}");
    assert_eq!(rules(&report), ["rename-column", "create-index"]);
    assert_eq!(report["changes"][1]["file"], "db/migrations/5_index.up.sql");
    let (status, report, _) = rollsafe(repo.path(), &["audit", "--from", "v1.1.21", "--format", "json"]);
    assert_eq!(status, Some(0));
    assert_eq!(rules(&report), ["create-index"]);
}

#[test]
fn edited_deleted_out_of_order_and_renamed_history() {
    let repo = repository();
    let root = repo.path();
    write(
        root,
        "db/migrations/1_users.up.sql",
        "CREATE TABLE users (id int PRIMARY KEY, name text, email text);",
    );
    std::fs::remove_file(root.join("db/migrations/3_orders.down.sql")).expect("rm");
    git(root, &["mv", "db/migrations/4_rename.down.sql", "db/migrations/0004_rename.down.sql"]);
    write(root, "db/migrations/2_sessions.up.sql", "CREATE TABLE sessions (id int);");
    write(root, "db/migrations/2_sessions.down.sql", "DROP TABLE sessions;");
    commit(root, "rewrite history");
    let (status, report, _) =
        rollsafe(root, &["audit", "--from", "v1.1.21", "--to", "HEAD", "--format", "json"]);
    assert_eq!(status, Some(1));
    assert_eq!(report["verdict"]["code_rollback"], "review");
    assert_eq!(
        rules(&report),
        ["edited-migration", "deleted-migration", "out-of-order-migration", "create-table"]
    );
    let notes = report["notes"].to_string();
    assert!(notes.contains("renamed to `0004_rename.down.sql`"), "{notes}");
}

#[test]
fn check_base_judges_what_the_branch_adds_with_uncommitted_changes() {
    let repo = repository();
    let root = repo.path();
    git(root, &["checkout", "-q", "-b", "feature", "v1.1.20"]);
    write(root, "db/migrations/5_drop.up.sql", "ALTER TABLE orders DROP COLUMN user_id;");
    commit(root, "feature work");
    write(root, "db/migrations/6_wip.up.sql", "ALTER TABLE orders ADD COLUMN note text;");
    git(root, &["checkout", "-q", "main"]);
    git(root, &["merge", "-q", "--no-edit", "--no-ff", "feature"]);
    git(root, &["checkout", "-q", "-b", "next"]);
    write(root, "db/migrations/7_more.up.sql", "CREATE TABLE audit (id int);");
    let (status, report, stderr) = rollsafe(root, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(status, Some(0), "{stderr}");
    assert_eq!(
        rules(&report),
        ["add-nullable-column", "create-table"],
        "6_wip is uncommitted, 7_more untracked"
    );
    let (status, report, _) =
        rollsafe(root, &["check", "--base", "v1.1.20", "--format", "json", "db/migrations"]);
    assert_eq!(status, Some(1));
    assert!(rules(&report).contains(&"drop-column".to_owned()));
}

#[test]
fn unknown_revisions_suggest_the_nearest_names() {
    let repo = repository();
    let (status, _, stderr) = rollsafe(repo.path(), &["audit", "--from", "v1.1.2", "--to", "v1.1.21"]);
    assert_eq!(status, Some(2));
    assert!(stderr.contains("`v1.1.2` is neither a folder nor a revision"), "{stderr}");
    assert!(stderr.contains("did you mean v1.1.20, v1.1.21"), "{stderr}");
}

#[test]
fn a_shallow_clone_says_history_is_missing() {
    let repo = repository();
    let clone = tempfile::tempdir().expect("tempdir");
    let source = format!("file://{}", repo.path().display());
    git(clone.path(), &["clone", "-q", "--depth", "1", &source, "shallow"]);
    let shallow = clone.path().join("shallow");
    let (status, _, stderr) = rollsafe(&shallow, &["audit", "--from", "HEAD~1", "--to", "HEAD"]);
    assert_eq!(status, Some(2));
    assert!(stderr.contains("shallow clone"), "{stderr}");
}

#[test]
fn not_a_repository_and_a_missing_folder_are_diagnostics() {
    let plain = tempfile::tempdir().expect("tempdir");
    let (status, _, stderr) = rollsafe(plain.path(), &["audit", "--from", "v1", "--to", "v2"]);
    assert_eq!(status, Some(2));
    assert!(stderr.contains("is not inside a git repository"), "{stderr}");

    let repo = repository();
    let (status, _, stderr) =
        rollsafe(repo.path(), &["audit", "--from", "v1.1.20", "--to", "v1.1.21", "sql/migrations"]);
    assert_eq!(status, Some(2));
    assert!(stderr.contains("`sql/migrations` does not exist at v1.1.20"), "{stderr}");
}

#[test]
fn a_binary_file_in_the_folder_is_a_diagnostic() {
    let repo = repository();
    std::fs::write(repo.path().join("db/migrations/9_blob.up.sql"), [0x50u8, 0x4b, 0x03, 0x04, 0x00, 0x00])
        .expect("write");
    commit(repo.path(), "oops");
    let (status, _, stderr) = rollsafe(repo.path(), &["audit", "--from", "v1.1.21", "--to", "HEAD"]);
    assert_eq!(status, Some(2));
    assert!(stderr.contains("9_blob.up.sql` is a binary file"), "{stderr}");
}
