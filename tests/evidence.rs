//! Evidence from release A's code, through the CLI: a change blocks the rollback
//! only where A's code uses what it breaks. Temporary git repositories hold
//! migrations and the code of release A (a Prisma model, SQL in strings, a call of
//! a function, a camelCase field, a second migrations folder).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

#[path = "support/repo.rs"]
mod repo;

use repo::{commit, git, rollsafe, write};
use serde_json::Value;

const SCHEMA: &str =
    "CREATE TABLE users (id bigint PRIMARY KEY, email text, last_login_at timestamptz, legacy_code text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, note text, coupon text);
CREATE TABLE audit_log (id bigint, what text);
CREATE FUNCTION order_total(bigint) RETURNS numeric AS $$ SELECT 1 $$ LANGUAGE sql;
CREATE FUNCTION unused_helper(bigint) RETURNS numeric AS $$ SELECT 1 $$ LANGUAGE sql;
";

/// Release A's code: what uses which object of A's schema.
const CODE: [(&str, &str); 5] = [
    (
        "prisma/schema.prisma",
        "model User {\n  id          BigInt    @id\n  email       String\n  lastLoginAt DateTime? @map(\"last_login_at\")\n\n  @@map(\"users\")\n}\n",
    ),
    (
        "src/orders.ts",
        "export async function order(db, id) {\n  const row = await db.query(\"SELECT note FROM orders WHERE id = $1\", [id]);\n  const total = await db.query('SELECT order_total($1)', [id]);\n  return { row, total };\n}\n",
    ),
    ("src/profile.ts", "export function badge(profile) {\n  return profile.legacyCode ?? 'none';\n}\n"),
    // Another dialect's migrations name `coupon`: migrations are not code.
    ("db/mysql/migrations/1_init.sql", "CREATE TABLE orders (id bigint, coupon text, audit_log text);\n"),
    ("assets/logo.png", "\u{0}\u{1}PNG order_total"),
];

/// A repository whose tag `v1` holds A's schema and code, and `v2` adds `window`.
fn repository(window: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "db/migrations/1_init.up.sql", SCHEMA);
    write(root, "db/migrations/1_init.down.sql", "DROP TABLE users;");
    for (file, text) in CODE {
        write(root, file, text);
    }
    commit(root, "v1");
    git(root, &["tag", "v1"]);
    write(root, "db/migrations/2_change.up.sql", window);
    write(root, "db/migrations/2_change.down.sql", "SELECT 1;");
    commit(root, "v2");
    git(root, &["tag", "v2"]);
    dir
}

/// The findings of a report, by rule and the object's name in their message.
fn finding<'r>(report: &'r Value, rule: &str, about: &str) -> &'r Value {
    report["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|change| change["findings"].as_array().into_iter().flatten())
        .find(|f| f["rule"] == rule && f["message"].as_str().is_some_and(|m| m.contains(about)))
        .unwrap_or_else(|| panic!("no {rule} finding about {about}: {report:#}"))
}

fn places(finding: &Value) -> Vec<String> {
    finding["references"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| format!("{}:{} {}", r["file"].as_str().unwrap(), r["line"], r["kind"].as_str().unwrap()))
        .collect()
}

const WINDOW: &str = "ALTER TABLE users DROP COLUMN last_login_at;
ALTER TABLE orders DROP COLUMN note;
DROP FUNCTION order_total(bigint);
ALTER TABLE orders DROP COLUMN coupon;
ALTER TABLE users RENAME COLUMN legacy_code TO old_code;
DROP FUNCTION unused_helper(bigint);
DROP TABLE audit_log;
";

#[test]
fn audit_between_tags_names_where_a_uses_each_broken_object() {
    let repo = repository(WINDOW);
    let (status, report, stderr) =
        rollsafe(repo.path(), &["audit", "--from", "v1", "--to", "v2", "--format", "json"]);
    assert_eq!(status, Some(1), "{stderr}");
    assert_eq!(report["verdict"]["code_rollback"], "blocked");
    assert_eq!(report["verdict"]["database_rollback"], "lossy");

    let by_model = finding(&report, "drop-column", "last_login_at");
    assert_eq!(places(by_model), ["prisma/schema.prisma:4 model"]);
    assert_eq!(by_model["references"][0]["orm"], "Prisma");
    assert_eq!(by_model["breaks_code"], true);

    let by_query = finding(&report, "drop-column", "`note`");
    assert_eq!(places(by_query), ["src/orders.ts:2 query"]);
    assert_eq!(by_query["references"][0]["column"], 38);

    assert_eq!(places(finding(&report, "drop-function", "order_total")), ["src/orders.ts:3 call"]);
    assert_eq!(places(finding(&report, "rename-column", "legacy_code")), ["src/profile.ts:2 name"]);

    // Named only by another migrations folder (and a binary file): not A's code.
    let only_migrations = finding(&report, "drop-column", "coupon");
    assert_eq!(only_migrations["references_total"], 0);
    assert_eq!(only_migrations["breaks_code"], false);
    assert_eq!(only_migrations["class"], "destructive", "its data is still lost");
    let message = only_migrations["message"].as_str().unwrap();
    assert!(message.ends_with("no reference in A's code (3 files read)"), "{message}");

    let unused = finding(&report, "drop-function", "unused_helper");
    assert_eq!((unused["class"].as_str(), unused["breaks_code"].as_bool()), (Some("safe"), Some(false)));
    assert_eq!(finding(&report, "drop-table", "audit_log")["breaks_code"], false);

    let reasons = report["verdict"]["reasons"].to_string();
    assert!(
        reasons.contains("it uses what 4 change(s) break; 3 change(s) break nothing it names"),
        "{reasons}"
    );
    assert_eq!(report["code"]["source"], "git v1");
    assert_eq!(report["code"]["files_read"], 3);
    assert_eq!(report["code"]["skipped"], serde_json::json!({ "migrations": 3, "binary": 1 }));
}

#[test]
fn a_window_whose_broken_objects_a_never_names_is_independent_and_lossy() {
    let repo = repository("ALTER TABLE orders DROP COLUMN coupon;\nDROP TABLE audit_log;\n");
    let (status, report, stderr) =
        rollsafe(repo.path(), &["audit", "--from", "v1", "--to", "v2", "--format", "json"]);
    assert_eq!(status, Some(0), "{stderr}");
    assert_eq!(report["verdict"]["code_rollback"], "independent");
    assert_eq!(report["verdict"]["database_rollback"], "lossy");

    // Without A's code, the schema alone presumes A uses both.
    for args in [&["--no-code"][..], &["--config", "rollsafe.toml"][..]] {
        write(repo.path(), "rollsafe.toml", "code = \"off\"\n");
        let mut command = vec!["audit", "--from", "v1", "--to", "v2", "--format", "json"];
        command.extend_from_slice(args);
        let (status, report, _) = rollsafe(repo.path(), &command);
        assert_eq!(status, Some(1));
        assert_eq!(report["code"], Value::Null);
        let notes = report["notes"].to_string();
        assert_eq!(notes.matches("A's code not read").count(), 1, "{notes}");
    }
}

#[test]
fn the_human_report_says_where_a_uses_it() {
    let repo = repository("ALTER TABLE orders DROP COLUMN note;\n");
    let output = assert_cmd::Command::cargo_bin("rollsafe")
        .expect("binary")
        .current_dir(repo.path())
        .args(["audit", "--from", "v1", "--to", "v2", "--color", "never"])
        .output()
        .expect("run");
    let human = String::from_utf8_lossy(&output.stdout);
    assert!(
        human.contains("used by A's code at src/orders.ts:2: const row = await db.query(\"SELECT note FROM orders WHERE id = $1\", [id]);"),
        "{human}"
    );
    assert!(
        human.contains("note: read A's code (git v1): 3 file(s); not code: 4 (migrations 3, binary 1)"),
        "{human}"
    );
}

#[test]
fn code_dir_is_a_snapshot_of_a_s_code_beside_folder_releases() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "a/1_init.sql", SCHEMA);
    write(root, "b/1_init.sql", SCHEMA);
    write(root, "b/2_change.sql", WINDOW);
    for (file, text) in CODE {
        write(root, &format!("code/{file}"), text);
    }
    // `.gitignore` is honoured, even outside a repository.
    write(root, "code/.gitignore", "generated/\n");
    write(root, "code/generated/client.ts", "SELECT coupon FROM orders;\n");
    let (status, report, stderr) =
        rollsafe(root, &["audit", "--from", "a", "--to", "b", "--code", "code", "--format", "json"]);
    assert_eq!(status, Some(1), "{stderr}");
    assert_eq!(
        places(finding(&report, "drop-column", "`note`")),
        [format!("code{}src/orders.ts:2 query", std::path::MAIN_SEPARATOR)]
    );
    assert_eq!(finding(&report, "drop-column", "coupon")["references_total"], 0);
    assert_eq!(report["code"]["source"], "folder code");
    assert_eq!(report["code"]["files_read"], 4, "the three code files and .gitignore");

    // The flag wins over the file: --code reads the folder although rollsafe.toml says off.
    write(root, "rollsafe.toml", "code = \"off\"\n");
    let flags = ["audit", "--from", "a", "--to", "b", "--code", "code", "--config", "rollsafe.toml"];
    let (_, report, stderr) = rollsafe(root, &[&flags[..], &["--format", "json"]].concat());
    assert_eq!(report["code"]["source"], "folder code", "{stderr}");

    let (status, _, stderr) = rollsafe(root, &["audit", "--from", "a", "--to", "b", "--code", "nowhere"]);
    assert_eq!(status, Some(2));
    assert!(stderr.contains("the code folder `nowhere` does not exist"), "{stderr}");
    let (status, _, stderr) =
        rollsafe(root, &["audit", "--from", "a", "--to", "b", "--code", "a/1_init.sql"]);
    assert_eq!(status, Some(2));
    assert!(stderr.contains("is a file, not a folder"), "{stderr}");
}

#[test]
fn check_base_reads_the_merge_base_s_code() {
    let repo = repository("SELECT 1;\n");
    let root = repo.path();
    git(root, &["checkout", "-q", "-b", "feature"]);
    write(root, "db/migrations/3_drop.up.sql", "ALTER TABLE orders DROP COLUMN note;\n");
    write(root, "src/orders.ts", "export const gone = true;\n");
    commit(root, "feature stops using orders.note and drops it");
    let (status, report, stderr) = rollsafe(root, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(status, Some(1), "{stderr}");
    assert_eq!(places(finding(&report, "drop-column", "`note`")), ["src/orders.ts:2 query"]);
    assert!(report["code"]["source"].as_str().unwrap().contains("the merge base of `main` and HEAD"));

    write(root, "db/migrations/3_drop.up.sql", "ALTER TABLE orders DROP COLUMN coupon;\n");
    let (status, report, _) = rollsafe(root, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(status, Some(0));
    assert_eq!(report["verdict"]["code_rollback"], "independent");
}

#[test]
fn one_file_read_is_said_in_the_singular() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "m/1_init.sql", SCHEMA);
    write(dir.path(), "m/2_change.sql", "ALTER TABLE orders DROP COLUMN coupon;\n");
    write(dir.path(), "code/app.ts", "export const nothing = 1;\n");
    let (_, report, stderr) = rollsafe(dir.path(), &["check", "m", "--code", "code", "--format", "json"]);
    let message = finding(&report, "drop-column", "coupon")["message"].as_str().unwrap().to_owned();
    assert!(message.ends_with("no reference in A's code (1 file read)"), "{message} {stderr}");
}

#[test]
fn plain_check_outside_a_repository_says_once_that_no_code_was_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "m/1_init.sql", SCHEMA);
    write(dir.path(), "m/2_change.sql", "ALTER TABLE orders DROP COLUMN coupon;\n");
    let (status, report, _) = rollsafe(dir.path(), &["check", "m", "--format", "json"]);
    assert_eq!(status, Some(1), "the schema alone presumes A uses `coupon`");
    assert_eq!(report["code"], Value::Null);
    let notes: Vec<&str> = report["notes"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(notes.iter().filter(|n| n.starts_with("no code of release A read")).count(), 1, "{notes:?}");
}

/// A column named with one letter is looked for like any other: dropped while A's
/// code reads it, it blocks the rollback (it passed as unused).
#[test]
fn a_one_letter_column_is_found_in_a_s_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "a/1_t.sql", "CREATE TABLE t (a int, b int);\n");
    write(root, "b/1_t.sql", "CREATE TABLE t (a int, b int);\n");
    write(root, "b/2_drop.sql", "ALTER TABLE t DROP COLUMN a;\n");
    write(root, "code/app.js", "db.query('select a from t');\n");
    let (status, report, stderr) =
        rollsafe(root, &["audit", "--from", "a", "--to", "b", "--code", "code", "--format", "json"]);
    assert_eq!(status, Some(1), "{stderr}");
    assert_eq!(report["verdict"]["code_rollback"], "blocked", "{report}");
    assert_eq!(finding(&report, "drop-column", "`a`")["references_total"], 1);
}
