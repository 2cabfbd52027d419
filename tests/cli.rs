//! The command line, end to end: reports as snapshots, exit statuses, bad input.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const FROM: &str = "fixtures/shop/release-1.4";
const TO: &str = "fixtures/shop/release-1.5";

fn rollsafe() -> Command {
    let mut command = Command::cargo_bin("rollsafe").expect("binary");
    command.env_remove("NO_COLOR");
    command
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn audit_human_report() {
    let output =
        rollsafe().args(["audit", "--from", FROM, "--to", TO, "--color", "never"]).output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn audit_json_report() {
    let output =
        rollsafe().args(["audit", "--from", FROM, "--to", TO, "--format", "json"]).output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn audit_gcc_report() {
    let output =
        rollsafe().args(["audit", "--from", FROM, "--to", TO, "--format", "gcc"]).output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn independent_release_exits_zero() {
    let output = rollsafe()
        .args(["audit", "--from", TO, "--to", "fixtures/shop/release-1.6", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(report["verdict"]["code_rollback"], "independent");
    assert_eq!(report["verdict"]["database_rollback"], "lossy", "the down migration drops a new column");
}

#[test]
fn check_folder_lints_every_file_against_the_files_before_it() {
    let output = rollsafe().args(["check", TO, "--format", "gcc"]).output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn check_one_file() {
    let file = format!("{TO}/6_rename_customer_name.up.sql");
    let output = rollsafe().args(["check", &file, "--format", "json"]).output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    let changes = report["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["rule"], "rename-column");
    assert_eq!(changes[0]["line"], 2);
    assert_eq!(changes[0]["findings"][0]["line"], 3, "the label sits on the column name");
    assert_eq!(changes[0]["findings"][0]["column"], 19);
}

#[test]
fn rules_lists_every_rule_and_explain_prints_docs() {
    let output = rollsafe().arg("rules").output().expect("run");
    assert!(output.status.success());
    assert!(stdout(&output).contains("rename-column"));
    let output = rollsafe().args(["explain", "drop-column"]).output().expect("run");
    assert!(output.status.success());
    let docs = stdout(&output);
    assert!(docs.contains("## Why it matters for rollback"));
    let stored = std::fs::read_to_string("docs/rules/drop-column.md").expect("docs");
    assert_eq!(docs, stored, "explain prints the same text as docs/rules");
}

// Bad input: each is a clear diagnostic (exit 2) or an `unknown` change (exit 1).

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn missing_path_is_a_diagnostic_with_status_2() {
    let output = rollsafe().args(["check", "no/such/folder"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("`no/such/folder` does not exist"), "{}", stderr(&output));
    let output = rollsafe().args(["audit", "--from", "nowhere", "--to", TO]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("`nowhere` is neither a folder nor a revision"), "{}", stderr(&output));
}

#[test]
fn unknown_rule_and_bad_arguments_exit_2() {
    let output = rollsafe().args(["explain", "drop"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("did you mean"));
    let output = rollsafe().args(["check", TO, "--dialect", "oracle"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
}

/// Runs `check --format json` on one file with `contents` and returns the report.
fn check_file(contents: &[u8], dialect: &str) -> (Option<i32>, Value) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("1_migration.sql");
    std::fs::write(&path, contents).expect("write");
    let output = rollsafe()
        .args(["check", "--format", "json", "--dialect", dialect])
        .arg(Path::new(&path))
        .output()
        .expect("run");
    let report =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("json: {}", stderr(&output)));
    (output.status.code(), report)
}

#[test]
fn lone_file_without_a_version_is_judged_on_its_own() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("schema.sql");
    std::fs::write(&path, "CREATE TABLE a (x int);\nALTER TABLE a DROP COLUMN x;\n").expect("write");
    let output = rollsafe().args(["check", "--format", "json"]).arg(&path).output().expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(report["changes"][1]["rule"], "drop-column");
    assert_eq!(report["changes"][1]["class"], "safe", "the table is new in the same file");
}

#[test]
fn empty_file_is_independent() {
    let (status, report) = check_file(b"", "postgres");
    assert_eq!(status, Some(0));
    assert_eq!(report["changes"].as_array().map(Vec::len), Some(0));
}

#[test]
fn non_utf8_file_is_an_unknown_change_at_its_line() {
    let (status, report) =
        check_file(b"CREATE TABLE a (x int);\nINSERT INTO a VALUES ('\xff\xfe');\n", "postgres");
    assert_eq!(status, Some(1));
    assert_eq!(report["verdict"]["code_rollback"], "review");
    let last = &report["changes"][1];
    assert_eq!(last["rule"], "unreadable-text");
    assert_eq!(last["line"], 2);
    assert!(last["message"].as_str().is_some_and(|m| m.contains("not valid UTF-8 at line 2")));
}

#[test]
fn unterminated_dollar_quote_is_an_unknown_change() {
    let sql =
        b"CREATE TABLE a (x int);\nCREATE FUNCTION f() RETURNS int AS $body$ SELECT 1;\nDROP TABLE a;\n";
    let (status, report) = check_file(sql, "postgres");
    assert_eq!(status, Some(1));
    assert_eq!(report["changes"][1]["rule"], "unreadable-text");
    assert_eq!(report["changes"][1]["line"], 2);
    let message = report["changes"][1]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("starting at line 2, column 36"),
        "where the quote opens, not the end of the file: {message}"
    );
    assert_eq!(report["changes"].as_array().map(Vec::len), Some(2), "the rest of the file is one change");
}

#[test]
fn ten_thousand_term_or_chain_does_not_crash() {
    let chain = vec!["a = 1"; 10_000].join(" OR ");
    let sql = format!("CREATE TABLE t (a int);\nDELETE FROM t WHERE {chain};\n");
    let (status, report) = check_file(sql.as_bytes(), "postgres");
    assert_eq!(status, Some(0), "a DELETE on a table created in the same file is safe");
    assert_eq!(report["changes"][1]["rule"], "delete");
}

#[test]
fn ten_thousand_deep_parentheses_are_an_unknown_change() {
    let sql = format!("SELECT {}1{};\nCREATE TABLE t (a int);\n", "(".repeat(10_000), ")".repeat(10_000));
    let (status, report) = check_file(sql.as_bytes(), "postgres");
    assert_eq!(status, Some(1));
    assert_eq!(report["changes"][0]["rule"], "parse-error");
    assert_eq!(report["changes"][1]["rule"], "create-table", "analysis goes on after it");
}

/// Runs `audit --format json` between two folders.
fn audit_json(from: &Path, to: &Path) -> (Option<i32>, Value) {
    let output = rollsafe()
        .args(["audit", "--format", "json", "--from"])
        .arg(from)
        .arg("--to")
        .arg(to)
        .output()
        .expect("run");
    (output.status.code(), serde_json::from_slice(&output.stdout).expect("json"))
}

/// Writes `files` (name, contents) into a new folder under `root`.
fn folder(root: &Path, name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let path = root.join(name);
    std::fs::create_dir_all(&path).expect("mkdir");
    for (file, contents) in files {
        let file = path.join(file);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(file, contents).expect("write");
    }
    path
}

#[test]
fn edited_and_deleted_history_is_reported_and_needs_review() {
    let dir = tempfile::tempdir().expect("tempdir");
    let from = folder(
        dir.path(),
        "a",
        &[("1_a.sql", "CREATE TABLE a (x int);"), ("2_b.sql", "CREATE TABLE b (y int);")],
    );
    let to = folder(
        dir.path(),
        "b",
        &[("1_a.sql", "CREATE TABLE a (x int, z int);"), ("3_c.sql", "CREATE TABLE c (z int);")],
    );
    let (status, report) = audit_json(&from, &to);
    assert_eq!(status, Some(1));
    assert_eq!(report["verdict"]["code_rollback"], "review");
    let rules: Vec<&str> =
        report["changes"].as_array().expect("changes").iter().filter_map(|c| c["rule"].as_str()).collect();
    assert_eq!(rules, ["edited-migration", "deleted-migration", "create-table"]);
}

#[test]
fn flyway_versions_run_in_numeric_order_and_undo_files_are_the_way_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = [("V1_9__base.sql", "CREATE TABLE t (a int);"), ("U1_9__base.sql", "DROP TABLE t;")];
    let from = folder(dir.path(), "a", &base);
    let to = folder(
        dir.path(),
        "b",
        &[
            base[0],
            base[1],
            ("V1_10__add.sql", "ALTER TABLE t ADD COLUMN b int;"),
            ("U1_10__add.sql", "ALTER TABLE t DROP COLUMN b;"),
            ("V1_11__rename.sql", "ALTER TABLE t RENAME COLUMN b TO c;"),
        ],
    );
    let (_, report) = audit_json(&from, &to);
    assert_eq!(report["layout"], "flyway");
    let changes = report["changes"].as_array().expect("changes");
    assert!(changes[0]["file"].as_str().is_some_and(|f| f.ends_with("V1_10__add.sql")));
    assert_eq!(changes[1]["class"], "safe", "renaming a column added in the window is safe");
    assert_eq!(report["verdict"]["code_rollback"], "independent");
    assert_eq!(report["verdict"]["database_rollback"], "no-down", "V1_11 has no undo file");
}

#[test]
fn configuration_sets_defaults_and_flags_win() {
    let dir = tempfile::tempdir().expect("tempdir");
    let migrations = folder(
        dir.path(),
        "db",
        &[
            ("1_a.sql", "CREATE TABLE a (x int, y int);"),
            ("2_b.sql", "ALTER TABLE a DROP COLUMN y;\nDROP INDEX a_x_idx;\nDELETE FROM a;"),
            ("old/3_c.sql", "ALTER TABLE a RENAME COLUMN x TO z;"),
        ],
    );
    std::fs::write(
        dir.path().join("rollsafe.toml"),
        "migrations = [\"db\"]\nexclude = [\"old/**\"]\nfail-on = \"never\"\n[rules]\ndelete = \"off\"\ndrop-column = \"warning\"\n",
    )
    .expect("write");
    let nested = dir.path().join("db").join("old");
    let output = rollsafe().current_dir(&nested).args(["check", "--format", "gcc"]).output().expect("run");
    assert_eq!(output.status.code(), Some(0), "fail-on = never; {}", stderr(&output));
    let lines = stdout(&output);
    assert!(lines.contains("warning[drop-column]"), "{lines}");
    assert!(!lines.contains("[delete]"), "turned off: {lines}");
    assert!(!lines.contains("rename-column"), "excluded: {lines}");

    let output = rollsafe()
        .current_dir(&nested)
        .args(["check", "--format", "gcc", "--fail-on", "coupled"])
        .arg(&migrations)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "the flag wins over the file");
}

#[test]
fn a_bad_configuration_points_at_the_spot_and_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    folder(dir.path(), "db", &[("1_a.sql", "CREATE TABLE a (x int);")]);
    let config = dir.path().join("custom.toml");
    std::fs::write(&config, "dialect = \"postgres\"\n[rules]\ndrop-colum = \"off\"\n").expect("write");
    let output = rollsafe()
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .args(["check", "db", "--config"])
        .arg(&config)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("there is no rule `drop-colum`"), "{message}");
    assert!(message.contains("3 │ drop-colum = \"off\""), "a snippet of the file: {message}");
}

#[test]
fn renamed_migrations_are_information_and_out_of_order_ones_need_review() {
    let dir = tempfile::tempdir().expect("tempdir");
    let shipped = [
        ("7_orders.sql", "CREATE TABLE orders (id int);"),
        ("9_invoices.sql", "CREATE TABLE invoices (id int);"),
    ];
    let from = folder(dir.path(), "a", &shipped);
    let to = folder(
        dir.path(),
        "b",
        &[
            ("7_orders.sql", "CREATE TABLE orders (id int);"),
            ("0009_invoices.sql", "CREATE TABLE invoices (id int);"),
            // Before 9 on a fresh database, after it on one that ran A: the order matters.
            (
                "8_coupons.sql",
                "CREATE TABLE coupons (id int);\nALTER TABLE invoices ADD COLUMN coupon_id int;",
            ),
        ],
    );
    let (status, report) = audit_json(&from, &to);
    assert_eq!(status, Some(1));
    assert_eq!(report["verdict"]["code_rollback"], "review");
    let rules: Vec<&str> =
        report["changes"].as_array().expect("changes").iter().filter_map(|c| c["rule"].as_str()).collect();
    assert_eq!(
        rules,
        ["out-of-order-migration", "create-table", "add-nullable-column"],
        "the renamed file is not in the window"
    );
    assert!(report["notes"][0].as_str().is_some_and(|n| n.contains("renamed to `0009_invoices.sql`")));
}

#[test]
fn list_shows_run_order_direction_and_layout() {
    let output = rollsafe().args(["list", TO]).output().expect("run");
    assert!(output.status.success());
    insta::assert_snapshot!(stdout(&output));
}

fn listed(files: &[(&str, &str)]) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = folder(dir.path(), "m", files);
    let output = rollsafe().args(["list", "--json"]).arg(&root).output().expect("run");
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).expect("json")
}

#[test]
fn diesel_prisma_and_dbmate_layouts_are_discovered_in_their_tools_order() {
    let diesel = listed(&[
        ("2026-06-07-120000-0000_c/up.sql", "SELECT 1;"),
        ("2019-11-03-003946_b/up.sql", "SELECT 1;"),
        ("2019-11-03-003946_b/down.sql", "SELECT 1;"),
        ("20140926174020_a/up.sql", "SELECT 1;"),
    ]);
    assert_eq!(diesel["layout"], "diesel");
    let versions: Vec<&str> =
        diesel["migrations"].as_array().unwrap().iter().map(|m| m["version"].as_str().unwrap()).collect();
    assert_eq!(
        versions,
        ["20140926174020", "2019-11-03-003946", "2026-06-07-120000-0000", "2019-11-03-003946"]
    );

    let prisma =
        listed(&[("20250625_b/migration.sql", "SELECT 1;"), ("20230518191501_a/migration.sql", "SELECT 1;")]);
    assert_eq!(prisma["layout"], "prisma");
    assert_eq!(prisma["migrations"][0]["version"], "20230518191501_a");

    let dbmate = listed(&[(
        "20240101000000_init.sql",
        "-- migrate:up\nCREATE TABLE a (x int);\n-- migrate:down\nDROP TABLE a;\n",
    )]);
    assert_eq!(dbmate["layout"], "dbmate");
    let directions: Vec<&str> =
        dbmate["migrations"].as_array().unwrap().iter().map(|m| m["direction"].as_str().unwrap()).collect();
    assert_eq!(directions, ["forward", "back"]);

    let liquibase = listed(&[
        (
            "update-1.10.0.sql",
            "--liquibase formatted sql\n--changeset ana:2\nCREATE TABLE b (x int);\n--rollback DROP TABLE b;\n",
        ),
        ("update-1.9.0.sql", "--liquibase formatted sql\n--changeset ana:1\nCREATE TABLE a (x int);\n"),
    ]);
    assert_eq!(liquibase["layout"], "liquibase");

    let sqitch = listed(&[
        (
            "sqitch.plan",
            "%project=app\nusers 2020-01-01T00:00:00Z A <a@b>\n@v1 2020-01-02T00:00:00Z A <a@b>\nroles 2020-01-03T00:00:00Z A <a@b>\nusers [users@v1] 2020-01-04T00:00:00Z A <a@b>\n",
        ),
        ("deploy/users@v1.sql", "CREATE TABLE users (id int);"),
        ("deploy/users.sql", "CREATE OR REPLACE VIEW v AS SELECT 1 AS a;"),
        ("deploy/roles.sql", "CREATE TABLE roles (id int);"),
        ("revert/roles.sql", "DROP TABLE roles;"),
        ("verify/roles.sql", "SELECT 1;"),
    ]);
    assert_eq!(sqitch["layout"], "sqitch");
    let files: Vec<&str> =
        sqitch["migrations"].as_array().unwrap().iter().map(|m| m["file"].as_str().unwrap()).collect();
    assert!(files[0].ends_with("deploy/users@v1.sql") && files[1].ends_with("deploy/roles.sql"), "{files:?}");
    assert!(files[2].ends_with("deploy/users.sql") && files[3].ends_with("revert/roles.sql"), "{files:?}");
    assert_eq!(sqitch["ignored"].as_array().map(Vec::len), Some(0), "verify/ is neither way");

    let delta = listed(&[
        ("delta/10/b.sql", "SELECT 1;"),
        ("delta/9/a.sql.postgres", "SELECT 1;"),
        ("delta/9/a.sql.sqlite", "SELECT 1;"),
        ("full_schemas/72/full.sql.postgres", "SELECT 1;"),
    ]);
    assert_eq!(delta["layout"], "versioned-folders");
    let files: Vec<&str> =
        delta["migrations"].as_array().unwrap().iter().map(|m| m["file"].as_str().unwrap()).collect();
    assert!(
        files.len() == 2
            && files[0].ends_with("delta/9/a.sql.postgres")
            && files[1].ends_with("delta/10/b.sql"),
        "{files:?}"
    );
    assert!(liquibase["migrations"][0]["file"].as_str().is_some_and(|f| f.ends_with("update-1.9.0.sql")));
}

#[test]
fn dbmate_down_sections_are_the_way_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let up_down =
        "-- migrate:up\nALTER TABLE a ADD COLUMN y int;\n\n-- migrate:down\nALTER TABLE a DROP COLUMN y;\n";
    let from = folder(
        dir.path(),
        "a",
        &[(
            "20240101000000_a.sql",
            "-- migrate:up\nCREATE TABLE a (x int);\n-- migrate:down\nDROP TABLE a;\n",
        )],
    );
    let to = folder(
        dir.path(),
        "b",
        &[
            (
                "20240101000000_a.sql",
                "-- migrate:up\nCREATE TABLE a (x int);\n-- migrate:down\nDROP TABLE a;\n",
            ),
            ("20240202000000_b.sql", up_down),
        ],
    );
    let (status, report) = audit_json(&from, &to);
    assert_eq!(status, Some(0));
    assert_eq!(report["changes"].as_array().map(Vec::len), Some(1), "only the up section is forward");
    assert_eq!(report["changes"][0]["line"], 2);
    assert_eq!(report["verdict"]["database_rollback"], "lossy", "the down section drops the new column");
}

#[test]
fn a_procedure_call_in_a_later_release_is_judged_by_the_procedure_body() {
    let dir = tempfile::tempdir().expect("tempdir");
    let helper = "DELIMITER $$\n\
        CREATE PROCEDURE drop_column_if_exists(IN t VARCHAR(64), IN c VARCHAR(64))\n\
        BEGIN\n  IF EXISTS(SELECT * FROM information_schema.COLUMNS WHERE TABLE_NAME = t AND COLUMN_NAME = c) THEN\n\
            SET @q = CONCAT('ALTER TABLE ', t, ' DROP COLUMN ', c);\n    PREPARE s FROM @q;\n    EXECUTE s;\n\
            DEALLOCATE PREPARE s;\n  END IF;\nEND$$\nDELIMITER ;\n";
    let base = [
        ("1_users.up.sql", "CREATE TABLE users (id INT, legacy_name VARCHAR(64));"),
        ("2_helpers.up.sql", helper),
    ];
    let from = folder(dir.path(), "a", &base);
    let to = folder(
        dir.path(),
        "b",
        &[base[0], base[1], ("3_cleanup.up.sql", "CALL drop_column_if_exists('users', 'legacy_name');\n")],
    );
    let output = rollsafe()
        .args(["audit", "--format", "json", "--dialect", "mysql", "--from"])
        .arg(&from)
        .arg("--to")
        .arg(&to)
        .output()
        .expect("run");
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(output.status.code(), Some(1));
    let change = &report["changes"][0];
    assert_eq!(
        (change["rule"].as_str(), change["class"].as_str()),
        (Some("drop-column"), Some("destructive"))
    );
    assert_eq!(change["line"], 1);
    assert!(change["message"].as_str().is_some_and(|m| m.contains("legacy_name")), "{change}");
    assert_eq!(report["verdict"]["code_rollback"], "blocked");
}
