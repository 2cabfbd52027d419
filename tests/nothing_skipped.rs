//! Issue 12: nothing skipped in silence, nothing lost on the way out. Every file
//! under a migrations folder that rollsafe does not read is said in every format;
//! a migration it cannot read is an unknown change; a report it cannot write is
//! exit 2; paths and `exclude` patterns are as the user wrote them.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

#[path = "support/repo.rs"]
mod repo;

use std::path::Path;
use std::process::Stdio;

use assert_cmd::Command;
use assert_cmd::cargo::CommandCargoExt;
use repo::{git, release};
use serde_json::Value;

fn rollsafe(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("rollsafe").expect("binary");
    command.current_dir(dir).env("NO_COLOR", "1");
    command
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

/// `m/`: SQL through a linked file and a linked folder, `.SQL`, a goose `.go`
/// migration, and one file of every kind rollsafe does not read.
fn folder_with_everything() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        &[
            ("m/1_users.sql", "CREATE TABLE users (id int, email text, name text, age int);\n"),
            ("elsewhere/drop_email.sql", "ALTER TABLE users DROP COLUMN email;\n"),
            ("shared/3_drop_name.sql", "ALTER TABLE users DROP COLUMN name;\n"),
            ("m/4_drop_age.SQL", "ALTER TABLE users DROP COLUMN age;\n"),
            ("m/5_backfill.go", "package migrations\n"),
            ("m/cleanup.sql", "SELECT 1;\n"),
            ("m/README.md", "notes\n"),
        ],
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink("../elsewhere/drop_email.sql", root.join("m/2_drop_email.sql")).expect("link a file");
        symlink("../shared", root.join("m/linked")).expect("link a folder");
        symlink("nowhere.sql", root.join("m/6_dangling.sql")).expect("dangling link");
        symlink("..", root.join("m/linked/loop")).expect("a loop");
        let fifo =
            std::process::Command::new("mkfifo").arg(root.join("m/7_fifo.sql")).status().expect("mkfifo");
        assert!(fifo.success());
    }
    dir
}

fn check(dir: &Path, format: &str) -> (Option<i32>, String) {
    let output = rollsafe(dir).args(["check", "m", "--format", format]).output().expect("run");
    (output.status.code(), String::from_utf8(output.stdout).expect("utf-8"))
}

/// Each entry of a JSON list as its `file` and its `field`.
fn file_and<'a>(list: &'a Value, field: &str) -> Vec<(&'a str, &'a str)> {
    let text = |value: &'a Value| value.as_str().unwrap_or_default();
    list.as_array().expect("a list").iter().map(|entry| (text(&entry["file"]), text(&entry[field]))).collect()
}

#[cfg(unix)]
#[test]
fn links_are_followed_and_every_file_not_read_is_listed_with_its_reason() {
    let dir = folder_with_everything();
    let (status, json) = check(dir.path(), "json");
    assert_eq!(status, Some(1));
    let report: Value = serde_json::from_str(&json).expect("json");
    assert_eq!(
        file_and(&report["changes"], "rule"),
        [
            ("m/1_users.sql", "create-table"),
            ("m/2_drop_email.sql", "drop-column"),
            ("m/linked/3_drop_name.sql", "drop-column"),
            ("m/4_drop_age.SQL", "drop-column"),
            ("m/5_backfill.go", "unread-migration"),
            // Named like migrations, so run (or failed on) by the migration tool: not skipped.
            ("m/6_dangling.sql", "unread-migration"),
            ("m/7_fifo.sql", "unread-migration"),
        ]
    );
    assert_eq!(
        file_and(&report["skipped"], "kind"),
        [("m/README.md", "not-sql"), ("m/cleanup.sql", "no-version"), ("m/linked/loop", "link-loop"),]
    );
}

#[cfg(unix)]
#[test]
fn files_not_read_are_said_in_every_format() {
    let dir = folder_with_everything();
    for format in ["human", "gcc", "github", "gitlab", "markdown", "sarif"] {
        let (status, output) = check(dir.path(), format);
        assert_eq!(status, Some(1), "{format}");
        insta::assert_snapshot!(format!("not_read_{format}"), output);
    }
    let (_, sarif) = check(dir.path(), "sarif");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/schemas/sarif-2.1.0.json").expect("schema"))
            .expect("json");
    let log: Value = serde_json::from_str(&sarif).expect("sarif");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> =
        validator.iter_errors(&log).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

fn audit(dir: &Path, from: &str, to: &str) -> (Option<i32>, Value, String) {
    let output =
        rollsafe(dir).args(["audit", "--format", "json", "--from", from, "--to", to]).output().expect("run");
    let report = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (output.status.code(), report, String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn a_go_migration_is_unknown_and_its_edits_are_flagged() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("a/1_users.sql", "CREATE TABLE users (id int, email text);\n"),
            ("a/2_seed.go", "package migrations\n"),
            ("b/1_users.sql", "CREATE TABLE users (id int, email text);\n"),
            ("b/2_seed.go", "package migrations\n// edited\n"),
            ("b/3_drop.go", "package migrations\n"),
        ],
    );
    let (status, report, stderr) = audit(dir.path(), "a", "b");
    assert_eq!(status, Some(1), "{stderr}");
    assert_eq!(report["verdict"]["code_rollback"], "review");
    let rules: Vec<&str> =
        report["changes"].as_array().expect("changes").iter().filter_map(|c| c["rule"].as_str()).collect();
    assert_eq!(rules, ["edited-migration", "unread-migration"]);
}

#[test]
fn a_report_that_cannot_be_written_is_exit_2() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), &[("m/1_a.sql", "CREATE TABLE a (id int);\n")]);
    write(dir.path(), &[("a/1_a.sql", "CREATE TABLE a (id int);\n")]);
    let formats = ["human", "json", "gcc", "sarif", "github", "gitlab", "markdown"];
    let checks = formats.map(|format| ["check", "m", "--format", format]);
    let mut commands = vec![
        &["audit", "--from", "a", "--to", "m"][..],
        &["rules"],
        &["explain", "drop-column"],
        &["list", "m"],
        &["completions", "bash"],
        &["man"],
        &["--help"],
        &["--version"],
    ];
    commands.extend(checks.iter().map(|args| &args[..]));
    for args in commands {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
        let output = std::process::Command::cargo_bin("rollsafe")
            .expect("binary")
            .current_dir(dir.path())
            .args(args)
            .stdout(Stdio::from(full))
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("cannot write the report"), "{args:?}");
    }
}

#[test]
fn exclude_patterns_are_relative_to_rollsafe_toml_and_paths_to_the_working_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            (
                "rollsafe.toml",
                "migrations = [\"db/migrations\"]\nexclude = [\"db/migrations/legacy/**\", \"nothing/**\"]\n",
            ),
            ("db/migrations/1_a.sql", "CREATE TABLE a (id int);\n"),
            ("db/migrations/legacy/2_b.sql", "DROP TABLE a;\n"),
        ],
    );
    for cwd in [dir.path().to_path_buf(), dir.path().join("db")] {
        let output = rollsafe(&cwd).args(["check", "--format", "json"]).output().expect("run");
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        let report: Value = serde_json::from_slice(&output.stdout).expect("json");
        let shown = if cwd == dir.path() { "db/migrations" } else { "migrations" };
        assert_eq!(report["changes"][0]["file"], format!("{shown}/1_a.sql"));
        assert_eq!(report["skipped"][0]["kind"], "excluded");
        assert_eq!(report["skipped"][0]["file"], format!("{shown}/legacy/2_b.sql"));
        let notes = report["notes"].to_string();
        assert!(notes.contains("`nothing/**` matches no file"), "{notes}");
        assert!(!notes.contains("legacy"), "{notes}");
    }
    let sarif = rollsafe(dir.path()).args(["check", "--format", "sarif"]).output().expect("run");
    let log: Value = serde_json::from_slice(&sarif.stdout).expect("sarif");
    let notification = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(
        notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "db/migrations/legacy/2_b.sql"
    );
}

/// `exclude` patterns spelled as in a `.gitignore` (fresh-user trial: each of these
/// matched nothing and the legacy file was judged).
#[test]
fn exclude_patterns_spelled_as_in_a_gitignore_match() {
    for pattern in [
        "./db/migrations/legacy/**",
        "/db/migrations/legacy/**",
        "db/migrations/legacy",
        "db/migrations/legacy/",
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = format!("migrations = [\"db/migrations\"]\nexclude = [\"{pattern}\"]\n");
        write(
            dir.path(),
            &[
                ("rollsafe.toml", config.as_str()),
                ("db/migrations/1_a.sql", "CREATE TABLE a (id int);\n"),
                ("db/migrations/legacy/2_b.sql", "DROP TABLE a;\n"),
            ],
        );
        let output = rollsafe(dir.path()).args(["check", "--format", "json"]).output().expect("run");
        assert_eq!(output.status.code(), Some(0), "{pattern}: {}", String::from_utf8_lossy(&output.stderr));
        let report: Value = serde_json::from_slice(&output.stdout).expect("json");
        assert_eq!(report["skipped"][0]["kind"], "excluded", "{pattern}: {report}");
        assert!(!report["notes"].to_string().contains("matches no file"), "{pattern}: {}", report["notes"]);
    }
}

#[test]
fn an_invalid_exclude_pattern_is_a_configuration_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), &[("rollsafe.toml", "exclude = [\"[unclosed\"]\n"), ("m/1_a.sql", "SELECT 1;\n")]);
    let output = rollsafe(dir.path()).args(["check", "m"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("invalid exclude pattern `[unclosed`") && stderr.contains("rollsafe.toml:1:12"),
        "{stderr}"
    );
}

#[test]
fn a_third_folder_beside_two_folder_releases_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[("a/1_a.sql", "SELECT 1;\n"), ("b/1_a.sql", "SELECT 1;\n"), ("c/1_a.sql", "SELECT 1;\n")],
    );
    let output = rollsafe(dir.path()).args(["audit", "--from", "a", "--to", "b", "c"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--from and --to are folders already"));
}

#[test]
fn releases_given_the_wrong_way_round_get_a_hint() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("old/1_a.sql", "CREATE TABLE a (id int);\n"),
            ("new/1_a.sql", "CREATE TABLE a (id int);\n"),
            ("new/2_b.sql", "CREATE TABLE b (id int);\n"),
        ],
    );
    let (_, report, _) = audit(dir.path(), "new", "old");
    assert!(report["notes"].to_string().contains("swapped"), "{}", report["notes"]);
    let (_, report, _) = audit(dir.path(), "old", "new");
    assert!(!report["notes"].to_string().contains("swapped"));
}

/// Between two commits, their history says which came first: a release that
/// only deletes a migration gets no hint; an older commit given as --to does.
#[test]
fn a_release_that_only_deletes_a_migration_is_not_taken_for_swapped_commits() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), &[("db/1_a.sql", "CREATE TABLE a (id int);\n")]);
    release(dir.path(), "r1");
    write(dir.path(), &[("db/2_b.sql", "CREATE TABLE b (id int);\n")]);
    release(dir.path(), "r2");
    std::fs::remove_file(dir.path().join("db/2_b.sql")).expect("rm");
    release(dir.path(), "r3");
    let hint = |from: &str, to: &str| {
        let output = rollsafe(dir.path())
            .args(["audit", "--format", "json", "--from", from, "--to", to, "db"])
            .output()
            .expect("run");
        let report: Value = serde_json::from_slice(&output.stdout).expect("json");
        assert_eq!(report["changes"][0]["rule"], "deleted-migration", "{report}");
        report["notes"].to_string().contains("swapped")
    };
    assert!(!hint("r2", "r3"), "r3 came after r2 and deleted a migration");
    assert!(hint("r2", "r1"), "r1 came before r2");
}

#[test]
fn check_base_judges_a_named_file_and_runs_inside_the_migrations_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), &[("db/migrations/1_a.sql", "CREATE TABLE a (id int, note text);\n")]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "a"]);
    write(
        dir.path(),
        &[
            ("db/migrations/2_b.sql", "ALTER TABLE a DROP COLUMN note;\n"),
            ("db/migrations/3_c.sql", "CREATE TABLE c (id int);\n"),
        ],
    );
    let run = |cwd: &Path, args: &[&str]| -> (Option<i32>, Value) {
        let output = rollsafe(cwd)
            .args(["check", "--base", "main", "--format", "json"])
            .args(args)
            .output()
            .expect("run");
        let report = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
        assert_ne!(output.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        (output.status.code(), report)
    };
    let (status, report) = run(dir.path(), &["db/migrations/3_c.sql"]);
    assert_eq!(status, Some(0), "only 3_c.sql is judged: {report}");
    assert_eq!(report["changes"].as_array().map(Vec::len), Some(1));
    let (status, report) = run(&dir.path().join("db/migrations"), &[]);
    assert_eq!(status, Some(1), "{report}");
    assert_eq!(report["changes"].as_array().map(Vec::len), Some(2));
}

#[test]
fn a_liquibase_changelog_of_includes_is_said_and_one_with_changesets_is_an_unread_migration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let includes = "<databaseChangeLog>\n  <include file=\"0001_users.sql\" relativeToChangelogFile=\"true\"/>\n</databaseChangeLog>\n";
    let changes = "<databaseChangeLog>\n  <changeSet id=\"2\" author=\"a\">\n    <dropColumn tableName=\"users\" columnName=\"legacy\"/>\n  </changeSet>\n</databaseChangeLog>\n";
    write(
        dir.path(),
        &[
            ("m/0001_users.sql", "CREATE TABLE users (id int, legacy text);"),
            ("m/0001_changelog.xml", includes),
            ("m/0002_drop_legacy.xml", changes),
        ],
    );
    let (_, json) = check(dir.path(), "json");
    let report: Value = serde_json::from_str(&json).expect("json");
    let rules = file_and(&report["changes"], "rule");
    assert!(rules.contains(&("m/0002_drop_legacy.xml", "unread-migration")), "{rules:?}");
    assert!(!rules.iter().any(|(file, _)| file.ends_with("changelog.xml")), "{rules:?}");
    let skipped = file_and(&report["skipped"], "reason");
    assert!(
        skipped
            .iter()
            .any(|(file, reason)| file.ends_with("0001_changelog.xml")
                && reason.contains("Liquibase changelog")),
        "{skipped:?}"
    );
}

/// A migration that is a symbolic link is followed at a git revision as on disk
/// (fresh-user trial: at a revision it was only said, and its DROP COLUMN never
/// judged); a versioned link to nothing is an unread migration.
#[cfg(unix)]
#[test]
fn a_symlinked_migration_is_followed_at_a_revision() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), &[("db/migrations/1_a.sql", "CREATE TABLE a (id int, note text);\n")]);
    release(dir.path(), "r1");
    write(dir.path(), &[("real/2_drop.sql", "ALTER TABLE a DROP COLUMN note;\n")]);
    let migrations = dir.path().join("db/migrations");
    std::os::unix::fs::symlink("../../real/2_drop.sql", migrations.join("2_drop.sql")).expect("link");
    std::os::unix::fs::symlink("../../nowhere.sql", migrations.join("3_gone.sql")).expect("link");
    release(dir.path(), "r2");
    let (status, report, stderr) = audit(dir.path(), "r1", "r2");
    assert_eq!(status, Some(1), "{stderr}");
    let rules: Vec<&str> =
        report["changes"].as_array().expect("changes").iter().filter_map(|c| c["rule"].as_str()).collect();
    // A versioned link to nothing is a migration the tool cannot run either: not read, not skipped.
    assert_eq!(rules, ["drop-column", "unread-migration"], "{report}");
    assert_eq!(report["changes"][1]["file"], "db/migrations/3_gone.sql", "{report}");
    let message = report["changes"][1]["message"].as_str().unwrap_or_default();
    assert!(message.contains("a symbolic link in git to `nowhere.sql`"), "{message}");
    assert_eq!(report["skipped"], serde_json::json!([]), "{report}");
}

/// `m/`: a SQL migration, a goose `.go` one and a `.psql` one.
fn folder_with_other_languages() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("m/1_a.sql", "CREATE TABLE a (x int, y int);\n"),
            ("m/2_b.go", "package migrations\n"),
            ("m/3_c.psql", "ALTER TABLE a DROP COLUMN y;\n"),
        ],
    );
    dir
}

#[test]
fn list_says_which_migrations_it_does_not_read() {
    let dir = folder_with_other_languages();
    let output = rollsafe(dir.path()).args(["list", "m"]).output().expect("run");
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("list_unread", String::from_utf8(output.stdout).expect("utf-8"));
    let output = rollsafe(dir.path()).args(["list", "--json", "m"]).output().expect("run");
    let listing: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(
        file_and(&listing["migrations"], "not_read"),
        [
            ("m/1_a.sql", ""),
            ("m/2_b.go", "a migration in `.go`, which rollsafe cannot read"),
            ("m/3_c.psql", "a migration in `.psql`, which rollsafe cannot read"),
        ]
    );
    // Only a migration not read has the field.
    assert!(listing["migrations"][0].get("not_read").is_none(), "{listing}");
}

#[test]
fn standard_input_named_like_a_go_file_is_judged_as_that_file_on_disk() {
    let dir = folder_with_other_languages();
    let text = "ALTER TABLE a DROP COLUMN x;\n";
    let from_stdin = rollsafe(dir.path())
        .args(["check", "-", "--stdin-filename", "m/4_d.go", "--format", "json"])
        .write_stdin(text)
        .output()
        .expect("run");
    write(dir.path(), &[("m/4_d.go", text)]);
    let on_disk = rollsafe(dir.path()).args(["check", "m/4_d.go", "--format", "json"]).output().expect("run");
    assert_eq!(from_stdin.status.code(), Some(1));
    let (stdin, disk): (Value, Value) = (
        serde_json::from_slice(&from_stdin.stdout).expect("json"),
        serde_json::from_slice(&on_disk.stdout).expect("json"),
    );
    assert_eq!(file_and(&stdin["changes"], "rule"), [("m/4_d.go", "unread-migration")]);
    assert_eq!(stdin["changes"], disk["changes"]);
    assert_eq!(stdin["notes"], disk["notes"]);
    // A migration in another language is judged, not said to be no SQL file.
    assert!(!stdin["notes"].to_string().contains("not a SQL file"), "{}", stdin["notes"]);
}

/// The diagnostic of a run that stops, unwrapped.
fn stopped(dir: &Path, args: &[&str]) -> String {
    let output = rollsafe(dir).args(args).output().expect("run");
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    let text = String::from_utf8(output.stderr).expect("utf-8");
    text.split_whitespace()
        .map(|word| word.trim_start_matches('│'))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(unix)]
#[test]
fn a_migration_that_cannot_be_opened_is_said_plainly_when_named() {
    let dir = folder_with_everything();
    std::os::unix::fs::symlink("b.sql", dir.path().join("m/a.sql")).expect("link");
    std::os::unix::fs::symlink("a.sql", dir.path().join("m/b.sql")).expect("link");
    let said = stopped(dir.path(), &["check", "m/6_dangling.sql"]);
    assert!(
        said.contains(
            "`m/6_dangling.sql` cannot be opened: a symbolic link to `m/nowhere.sql`, which does not exist"
        ),
        "{said}"
    );
    let said = stopped(dir.path(), &["check", "m/7_fifo.sql"]);
    assert!(said.contains("`m/7_fifo.sql` cannot be opened: not a regular file (a FIFO"), "{said}");
    let said = stopped(dir.path(), &["list", "m/a.sql"]);
    assert!(said.contains("`m/a.sql` cannot be opened: a symbolic link in a loop of links"), "{said}");
}

#[test]
fn a_file_given_to_audit_with_revisions_and_base_outside_git_are_said_plainly() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), &[("db/migrations/1_a.sql", "CREATE TABLE a (id int);\n")]);
    let said = stopped(dir.path(), &["check", "--base", "main", "db/migrations"]);
    assert!(said.contains("`--base main` compares with a git revision, but"), "{said}");
    assert!(said.contains("is not inside a git repository"), "{said}");
    assert!(!said.contains("--from"), "{said}");
    release(dir.path(), "v1");
    write(dir.path(), &[("db/migrations/2_b.sql", "DROP TABLE a;\n")]);
    release(dir.path(), "v2");
    let said = stopped(dir.path(), &["audit", "--from", "v1", "--to", "v2", "db/migrations/2_b.sql"]);
    assert!(
        said.contains(
            "`db/migrations/2_b.sql` is a file: `audit` with git revisions reads a migrations folder"
        ),
        "{said}"
    );
    assert!(said.contains("name its folder, `db/migrations`"), "{said}");
    // Not on disk any more, but a file at the revisions all the same.
    std::fs::remove_file(dir.path().join("db/migrations/2_b.sql")).expect("rm");
    let said = stopped(dir.path(), &["audit", "--from", "v1", "--to", "v2", "db/migrations/2_b.sql"]);
    assert!(said.contains("is a file"), "{said}");
}

#[test]
fn exclude_patterns_match_a_migrations_folder_written_through_dot_dot() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("proj/db/migrations/1_a.sql", "CREATE TABLE a (x int, y int);\n"),
            ("proj/db/migrations/legacy/2_b.sql", "ALTER TABLE a DROP COLUMN y;\n"),
            (
                "proj/rollsafe.toml",
                "migrations = [\"../proj/db/migrations\"]\nexclude = [\"db/migrations/legacy/**\"]\n",
            ),
        ],
    );
    let proj = dir.path().join("proj");
    let output = rollsafe(&proj).args(["check", "--format", "json"]).output().expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(file_and(&report["skipped"], "kind"), [("../proj/db/migrations/legacy/2_b.sql", "excluded")]);
    assert!(!report["notes"].to_string().contains("matches no file"), "{}", report["notes"]);
}

#[test]
fn a_folder_read_whole_leaves_out_dependencies_and_hidden_folders_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("1_a.sql", "CREATE TABLE a (id int);\n"),
            ("node_modules/pkg/sql/2_drop.sql", "DROP TABLE a;\n"),
            ("target/debug/3_drop.sql", "DROP TABLE a;\n"),
            (".cache/4_drop.sql", "DROP TABLE a;\n"),
            ("sql/5_b.sql", "CREATE TABLE b (id int);\n"),
        ],
    );
    let output = rollsafe(dir.path()).args(["check", ".", "--format", "json"]).output().expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(
        file_and(&report["changes"], "rule"),
        [("./1_a.sql", "create-table"), ("./sql/5_b.sql", "create-table")]
    );
    assert_eq!(
        file_and(&report["skipped"], "kind"),
        [("./.cache", "left-out"), ("./node_modules", "left-out"), ("./target", "left-out")]
    );
    let output = rollsafe(dir.path()).args(["list", "."]).output().expect("run");
    insta::assert_snapshot!("list_left_out", String::from_utf8(output.stdout).expect("utf-8"));
}

/// At git revisions as on disk: a folder read whole leaves out what holds no
/// migrations, and says so (fresh-user trial: at a revision, a dependency's
/// `DROP TABLE` under `db/node_modules` was judged, and made the new migration
/// out of order).
#[test]
fn a_folder_read_at_revisions_leaves_out_dependencies_and_hidden_folders_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("db/1_a.sql", "CREATE TABLE a (id int);\n"),
            ("db/node_modules/pkg/9_drop.sql", "DROP TABLE a;\n"),
            ("db/.cache/8_drop.sql", "DROP TABLE a;\n"),
        ],
    );
    release(dir.path(), "r1");
    write(
        dir.path(),
        &[
            ("db/2_b.sql", "ALTER TABLE a ADD COLUMN z int;\n"),
            ("db/node_modules/pkg/10_drop.sql", "DROP TABLE q;\n"),
        ],
    );
    release(dir.path(), "r2");
    let output = rollsafe(dir.path())
        .args(["audit", "--from", "r1", "--to", "r2", "db", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(file_and(&report["changes"], "rule"), [("db/2_b.sql", "add-nullable-column")]);
    assert_eq!(
        file_and(&report["skipped"], "kind"),
        [("db/.cache", "left-out"), ("db/node_modules", "left-out")]
    );
}

/// Every note and warning (an `exclude` pattern matching nothing, the folder
/// used, what the verdict presumes) is said in every format, as every file not
/// read is: in GitLab as an `info` entry, its fingerprint the same from run to
/// run (fresh-user trial: GitLab said the files not read but no note).
#[test]
fn notes_and_warnings_are_said_in_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("rollsafe.toml", "migrations = [\"db/migrations\"]\nexclude = [\"nothing/**\"]\n"),
            ("db/migrations/1_a.sql", "CREATE TABLE a (id int, b text);\n"),
            ("db/migrations/2_b.sql", "ALTER TABLE a DROP COLUMN b;\n"),
            ("db/migrations/README.md", "how to\n"),
        ],
    );
    let report = |format: &str| {
        let output = rollsafe(dir.path()).args(["check", "--format", format]).output().expect("run");
        assert_eq!(output.status.code(), Some(1), "{format}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).expect("utf-8")
    };
    let json: Value = serde_json::from_str(&report("json")).expect("json");
    let notes: Vec<&str> =
        json["notes"].as_array().expect("notes").iter().filter_map(Value::as_str).collect();
    assert!(
        notes.iter().any(|note| note.starts_with("warning: the exclude pattern `nothing/**`")),
        "{notes:?}"
    );

    let gitlab_report = report("gitlab");
    let gitlab: Value = serde_json::from_str(&gitlab_report).expect("gitlab");
    let entries = gitlab.as_array().expect("entries");
    let said: Vec<&str> = entries
        .iter()
        .filter(|entry| entry["check_name"] == "note")
        .inspect(|entry| {
            assert_eq!(entry["severity"], "info", "{entry}");
            assert_eq!(entry["location"]["path"], "db/migrations", "{entry}");
        })
        .filter_map(|entry| entry["description"].as_str())
        .collect();
    assert_eq!(said, notes);
    let mut fingerprints: Vec<&str> =
        entries.iter().filter_map(|entry| entry["fingerprint"].as_str()).collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), entries.len(), "{gitlab_report}");
    assert_eq!(report("gitlab"), gitlab_report, "the same run, the same fingerprints");
    insta::assert_snapshot!("notes_gitlab", gitlab_report);

    let sarif: Value = serde_json::from_str(&report("sarif")).expect("sarif");
    let notifications =
        sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"].as_array().expect("list");
    let said: Vec<&str> = notifications
        .iter()
        .filter(|notification| notification["level"] == "note")
        .filter_map(|notification| notification["message"]["text"].as_str())
        .collect();
    assert_eq!(said, notes);
    let github = report("github");
    let said: Vec<&str> =
        github.lines().filter_map(|line| line.strip_prefix("::notice title=rollsafe note::")).collect();
    assert_eq!(said, notes);
    let gcc = report("gcc");
    let said: Vec<&str> = gcc.lines().filter_map(|line| line.strip_prefix("rollsafe: note: ")).collect();
    assert_eq!(said, notes);
    for format in ["markdown", "human"] {
        let text = report(format);
        for note in &notes {
            assert!(text.contains(note), "{format} does not say `{note}`:\n{text}");
        }
    }
}
