//! The plumbing that fits rollsafe into a linter's workflow: several files at once,
//! standard input, `--fail-on destructive`, completions, the manual page, the
//! pre-commit hook and the GitHub Action.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use yaml_rust2::{Yaml, YamlLoader};

fn rollsafe() -> Command {
    let mut command = Command::cargo_bin("rollsafe").expect("binary");
    command.env_remove("NO_COLOR");
    command
}

/// Runs rollsafe in `dir` with `args`.
fn run(dir: &Path, args: &[&str]) -> Output {
    rollsafe().current_dir(dir).args(args).output().expect("run")
}

/// Runs rollsafe in `dir` with `args`, `input` on its standard input.
fn run_with_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    rollsafe().current_dir(dir).args(args).write_stdin(input).output().expect("run")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("JSON report; stderr: {}", String::from_utf8_lossy(&output.stderr)))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Two migration folders: `users` with a column dropped in its second file, and
/// `shop` with an independent second file.
fn two_folders() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = [
        ("users/1_create.sql", "CREATE TABLE users (id int PRIMARY KEY, legacy text);\n"),
        ("users/2_drop.sql", "ALTER TABLE users DROP COLUMN legacy;\n"),
        ("shop/1_create.sql", "CREATE TABLE orders (id int PRIMARY KEY);\n"),
        ("shop/2_index.sql", "CREATE INDEX orders_id ON orders (id);\n"),
    ];
    for (path, sql) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, sql).expect("write");
    }
    dir
}

/// `(rule, file)` of every change of a JSON report.
fn findings(report: &Value) -> Vec<(String, String)> {
    report["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| (c["rule"].as_str().unwrap_or("").to_owned(), c["file"].as_str().unwrap_or("").to_owned()))
        .collect()
}

#[test]
fn several_files_of_several_folders_each_judged_in_its_own_folder() {
    let dir = two_folders();
    let output = run(
        dir.path(),
        &["check", "users/2_drop.sql", "shop/2_index.sql", "shop/1_create.sql", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json(&output);
    let found = findings(&report);
    assert!(found.contains(&("drop-column".into(), "users/2_drop.sql".into())), "{found:?}");
    assert!(found.contains(&("create-index".into(), "shop/2_index.sql".into())), "{found:?}");
    // shop/1_create.sql was named too: judged, not replayed silently.
    assert!(found.contains(&("create-table".into(), "shop/1_create.sql".into())), "{found:?}");
    assert!(!found.iter().any(|(_, file)| file == "users/1_create.sql"), "not named: {found:?}");
    assert_eq!(report["verdict"]["code_rollback"], "blocked");
}

#[test]
fn a_file_named_twice_is_judged_once() {
    let dir = two_folders();
    let output = run(dir.path(), &["check", "users/2_drop.sql", "users/2_drop.sql", "--format", "json"]);
    let found = findings(&json(&output));
    assert_eq!(found.iter().filter(|(rule, _)| rule == "drop-column").count(), 1, "{found:?}");
}

#[test]
fn list_takes_several_folders_as_check_does() {
    let dir = two_folders();
    let output = run(dir.path(), &["list", "users", "shop", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let listed = json(&output);
    let folders: Vec<&str> =
        listed.as_array().expect("one array").iter().map(|h| h["folder"].as_str().unwrap()).collect();
    assert_eq!(folders, ["users", "shop"]);
}

#[test]
fn one_file_or_folder_spelled_two_ways_is_judged_once() {
    let dir = two_folders();
    for args in [
        ["check", "./users/2_drop.sql", "users/2_drop.sql"],
        ["check", "users", "./users/"],
        ["check", "users", "shop/../users/2_drop.sql"],
    ] {
        let output = run(dir.path(), &[&args[..], &["--format", "json"]].concat());
        let found = findings(&json(&output));
        assert_eq!(found.iter().filter(|(rule, _)| rule == "drop-column").count(), 1, "{args:?}: {found:?}");
    }
}

/// A down file named alone (pre-commit passes the one file that changed) is
/// judged as the way back of its forward migration, not skipped as nothing to judge.
#[test]
fn a_down_file_named_alone_is_judged_as_the_way_back_of_its_migration() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, sql) in [
        ("1_a.up.sql", "CREATE TABLE t (id int);\n"),
        ("1_a.down.sql", "DROP TABLE t;\n"),
        ("2_b.up.sql", "ALTER TABLE t ADD COLUMN d text;\n"),
        ("2_b.down.sql", "ALTER TABLE t DROP COLUMN d;\n"),
    ] {
        std::fs::write(dir.path().join(name), sql).expect("write");
    }
    let output = run(dir.path(), &["check", "2_b.down.sql", "--format", "json"]);
    let report = json(&output);
    assert_eq!(report["verdict"]["database_rollback"], "lossy", "{report}");
    assert_eq!(findings(&report), vec![("add-nullable-column".to_owned(), "./2_b.up.sql".to_owned())]);
    assert!(report["notes"].to_string().contains("is the way back of `./2_b.up.sql`: judged with it"));
    // A down file with no up file undoes nothing known: its statements are judged.
    std::fs::write(dir.path().join("3_c.down.sql"), "DROP TABLE t;\n").expect("write");
    let output = run(dir.path(), &["check", "3_c.down.sql", "--format", "json", "--fail-on", "destructive"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(findings(&json(&output)), vec![("drop-table".to_owned(), "./3_c.down.sql".to_owned())]);
}

/// A Prisma history: one folder per migration, `migration.sql` in each.
fn prisma_history() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = [
        ("prisma/migrations/migration_lock.toml", "provider = \"postgresql\"\n"),
        (
            "prisma/migrations/20240101000000_init/migration.sql",
            "CREATE TABLE \"User\" (id int, legacy text);\n",
        ),
        ("prisma/migrations/20240201000000_drop/migration.sql", "ALTER TABLE \"User\" DROP COLUMN legacy;\n"),
    ];
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

/// A file of a layout with a folder per migration is judged in the migrations
/// folder above its own, after the migrations before it, however it is named.
#[test]
fn a_file_in_a_folder_per_migration_is_judged_after_the_history_above_it() {
    let dir = prisma_history();
    let inside = dir.path().join("prisma/migrations/20240201000000_drop");
    for (cwd, file) in [
        (dir.path().to_path_buf(), "prisma/migrations/20240201000000_drop/migration.sql"),
        (inside.clone(), "migration.sql"),
        (inside, "./migration.sql"),
    ] {
        let output = run(&cwd, &["check", file, "--format", "json"]);
        let report = json(&output);
        let notes = report["notes"].to_string();
        // The dialect comes from the history's migration_lock.toml, and the table
        // from its first migration: the file was judged in its history.
        assert!(notes.contains("migration_lock.toml"), "{file}: {notes}");
        assert!(!notes.contains("not a migration of its folder's layout"), "{file}: {notes}");
        let message = report["changes"][0]["message"].as_str().expect("message");
        assert!(message.contains("its data is lost"), "{file}: {message}");
    }
    // An editor's new migration, in a folder not made yet.
    let output = run_with_stdin(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "prisma/migrations/20240301000000_new/migration.sql",
            "--format",
            "json",
        ],
        "ALTER TABLE \"User\" RENAME COLUMN id TO uid;\n",
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let found = findings(&json(&output));
    assert_eq!(
        found,
        vec![("rename-column".to_owned(), "prisma/migrations/20240301000000_new/migration.sql".to_owned())]
    );
}

#[test]
fn a_folder_and_a_file_of_it_judge_the_whole_folder_once() {
    let dir = two_folders();
    let output = run(dir.path(), &["check", "users", "users/2_drop.sql", "--format", "json"]);
    let found = findings(&json(&output));
    assert_eq!(found.iter().filter(|(rule, _)| rule == "drop-column").count(), 1, "{found:?}");
    assert!(found.iter().any(|(rule, _)| rule == "create-table"), "the whole folder: {found:?}");
}

#[test]
fn standard_input_is_judged_as_the_named_file_after_the_migrations_before_it() {
    let dir = two_folders();
    let output = run_with_stdin(
        dir.path(),
        &["check", "-", "--stdin-filename", "users/3_rename.sql", "--format", "json"],
        "ALTER TABLE users RENAME COLUMN id TO user_id;\n",
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(findings(&report), vec![("rename-column".to_owned(), "users/3_rename.sql".to_owned())]);
    // The table comes from the folder's history: a rename of a column of an old table.
    let message = report["changes"][0]["message"].as_str().expect("message");
    assert!(message.contains("`id` of `users`"), "{message}");
}

#[test]
fn standard_input_stands_in_for_the_file_on_disk() {
    let dir = two_folders();
    // The editor's buffer no longer drops the column: the file on disk does.
    let output = run_with_stdin(
        dir.path(),
        &["check", "-", "--stdin-filename", "users/2_drop.sql", "--format", "json"],
        "ALTER TABLE users ADD COLUMN email text;\n",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let found = findings(&json(&output));
    assert_eq!(found, vec![("add-nullable-column".to_owned(), "users/2_drop.sql".to_owned())]);
}

#[test]
fn standard_input_misuse_is_a_diagnostic() {
    let dir = two_folders();
    let cases: [(&[&str], &str); 5] = [
        (&["check", "-"], "needs --stdin-filename"),
        (&["check", "-", "--stdin-filename", "users"], "`users` is a folder"),
        (&["check", "users", "--stdin-filename", "users/3.sql"], "no path is `-`"),
        (&["check", "-", "-", "--stdin-filename", "users/3.sql"], "more than once"),
        (
            &["check", "-", "--stdin-filename", "users/3.sql", "--base", "main"],
            "cannot be combined with --base",
        ),
    ];
    for (args, expected) in cases {
        let output = run_with_stdin(dir.path(), args, "SELECT 1;");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr(&output).contains(expected), "{args:?}: {}", stderr(&output));
    }
}

#[test]
fn standard_input_in_a_folder_that_does_not_exist_is_a_diagnostic() {
    let dir = two_folders();
    let output =
        run_with_stdin(dir.path(), &["check", "-", "--stdin-filename", "nowhere/1.sql"], "SELECT 1;");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("`nowhere` does not exist"), "{}", stderr(&output));
}

#[test]
fn fail_on_destructive_fails_when_only_the_way_back_loses_data() {
    // 1.5 -> 1.6 adds a column; its down migration drops it again: the database
    // rollback is lossy although applying the window loses nothing.
    let args = ["audit", "--from", "fixtures/shop/release-1.5", "--to", "fixtures/shop/release-1.6"];
    let output =
        rollsafe().args(args).args(["--format", "json", "--fail-on", "destructive"]).output().expect("run");
    let report = json(&output);
    assert_eq!(report["verdict"]["database_rollback"], "lossy");
    assert_eq!(report["verdict"]["code_rollback"], "independent");
    assert_eq!(output.status.code(), Some(1));
    let output =
        rollsafe().args(args).args(["--format", "json", "--fail-on", "coupled"]).output().expect("run");
    assert_eq!(output.status.code(), Some(0), "nothing breaks the older code");
    // What fails the run is shown where CI shows findings: at the down statement.
    for (format, expected) in [
        ("gcc", "11_search.down.sql:2:1: warning: way back: a database rollback runs this and drops column"),
        ("github", "title=rollsafe way back loses data::a database rollback runs this and drops column"),
        ("gitlab", "\"check_name\": \"way-back\""),
        ("sarif", "\"ruleId\": \"way-back\""),
    ] {
        let output = rollsafe().args(args).args(["--format", format]).output().expect("run");
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(report.contains(expected), "{format}: {report}");
    }
}

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = rollsafe().args(["completions", shell]).output().expect("run");
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&output.stdout);
        for word in ["audit", "check", "explain", "stdin-filename"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
    }
    let output = rollsafe().args(["completions", "tcsh"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2), "an unknown shell is an error");
}

#[test]
fn man_page_is_roff_with_every_subcommand() {
    let output = rollsafe().arg("man").output().expect("run");
    assert_eq!(output.status.code(), Some(0));
    let page = String::from_utf8_lossy(&output.stdout);
    assert!(page.contains(".TH rollsafe 1"), "{page}");
    for subcommand in ["audit", "check", "list", "rules", "explain", "completions"] {
        assert!(page.contains(subcommand), "the manual lacks {subcommand}");
    }
    // Each subcommand has a page of its own, with its options.
    let output = rollsafe().args(["man", "check"]).output().expect("run");
    assert_eq!(output.status.code(), Some(0));
    let page = String::from_utf8_lossy(&output.stdout);
    assert!(page.contains(".TH rollsafe-check 1"), "{page}");
    for option in ["stdin\\-filename", "\\-\\-base", "\\-\\-fail\\-on", "\\-\\-no\\-code"] {
        assert!(page.contains(option), "rollsafe-check(1) lacks {option}: {page}");
    }
    let output = rollsafe().args(["man", "deploy"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("the subcommands are audit, check"));
}

fn repository_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

fn yaml(name: &str) -> Yaml {
    let text = std::fs::read_to_string(repository_file(name)).expect("read");
    YamlLoader::load_from_str(&text).expect("valid YAML").remove(0)
}

/// The directory of the built binary, to put first on PATH.
fn binary_dir() -> PathBuf {
    let binary = assert_cmd::cargo::cargo_bin("rollsafe");
    binary.parent().expect("bin dir").to_path_buf()
}

fn path_with_binary() -> std::ffi::OsString {
    let mut paths = vec![binary_dir()];
    paths.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    std::env::join_paths(paths).expect("PATH")
}

#[test]
fn pre_commit_hook_runs_rollsafe_on_the_staged_sql_files() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hook = &hooks[0];
    assert_eq!(hook["id"].as_str(), Some("rollsafe"));
    assert_eq!(hook["language"].as_str(), Some("rust"), "pre-commit builds it with cargo install");
    assert_eq!(hook["require_serial"].as_bool(), Some(true), "one verdict over all files");
    let files = regex::Regex::new(hook["files"].as_str().expect("files")).expect("regex");
    assert!(files.is_match("db/migrations/0002_drop.sql") && !files.is_match("src/main.rs"));

    // As pre-commit runs it: the entry, the hook's args, then the matching file names.
    let entry: Vec<&str> = hook["entry"].as_str().expect("entry").split_whitespace().collect();
    assert_eq!(entry[0], "rollsafe");
    let dir = two_folders();
    let run = |staged: &[&str]| {
        std::process::Command::new(entry[0])
            .args(&entry[1..])
            .args(staged)
            .current_dir(dir.path())
            .env("PATH", path_with_binary())
            .output()
            .expect("run the hook")
    };
    let output = run(&["users/2_drop.sql", "shop/2_index.sql"]);
    assert_eq!(output.status.code(), Some(1), "a dropped column fails the commit");
    let lines = String::from_utf8_lossy(&output.stdout);
    assert!(lines.contains("users/2_drop.sql:1:31: error[drop-column]"), "{lines}");
    let output = run(&["shop/2_index.sql"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stdout));
}

#[test]
fn action_inputs_are_defined_and_every_run_step_names_its_shell() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let inputs = action["inputs"].as_hash().expect("inputs");
    let text = std::fs::read_to_string(repository_file("action.yml")).expect("read");
    let used = regex::Regex::new(r"inputs\.([A-Za-z0-9_-]+)").expect("regex");
    for name in used.captures_iter(&text).map(|c| c[1].to_owned()) {
        assert!(inputs.contains_key(&Yaml::String(name.clone())), "inputs.{name} is not defined");
    }
    for step in action["runs"]["steps"].as_vec().expect("steps") {
        if let Some(script) = step["run"].as_str() {
            assert_eq!(step["shell"].as_str(), Some("bash"), "{script}");
            assert!(!script.contains("${{"), "inputs reach the shell only through env: {script}");
        }
    }
}

/// Runs the action's script in `dir` as the action's run step does, with `env`.
fn run_action_script(dir: &Path, env: &[(&str, &str)]) -> (Output, String) {
    let outputs = dir.join("github-output");
    let mut command = std::process::Command::new("bash");
    command
        .arg(repository_file("scripts/github-action.sh"))
        .current_dir(dir)
        .env("PATH", path_with_binary())
        .env("GITHUB_OUTPUT", &outputs)
        .env("NO_COLOR", "1");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("run the action script");
    (output, std::fs::read_to_string(outputs).unwrap_or_default())
}

#[test]
fn action_script_writes_sarif_and_keeps_rollsafes_exit_status() {
    let dir = two_folders();
    let (output, outputs) =
        run_action_script(dir.path(), &[("ROLLSAFE_COMMAND", "check"), ("ROLLSAFE_PATH", "users")]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(outputs.contains("status=1") && outputs.contains("sarif=rollsafe.sarif"), "{outputs}");
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("rollsafe.sarif")).expect("sarif"))
            .expect("json");
    assert_eq!(sarif["version"], "2.1.0");
    let log = String::from_utf8_lossy(&output.stdout);
    assert!(log.contains("::error file=users/2_drop.sql"), "annotations in the log: {log}");

    let (output, _) =
        run_action_script(dir.path(), &[("ROLLSAFE_COMMAND", "check"), ("ROLLSAFE_PATH", "shop")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn action_script_refuses_bad_inputs_and_keeps_them_out_of_the_shell() {
    let dir = two_folders();
    let (output, outputs) = run_action_script(dir.path(), &[("ROLLSAFE_COMMAND", "deploy")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(outputs.contains("status=2"), "{outputs}");
    assert!(stderr(&output).contains("must be 'check' or 'audit'"));
    let (output, _) = run_action_script(dir.path(), &[("ROLLSAFE_COMMAND", "audit")]);
    assert_eq!(output.status.code(), Some(2));
    // A path that is shell syntax stays a path: rollsafe says it does not exist.
    let (output, outputs) = run_action_script(
        dir.path(),
        &[("ROLLSAFE_PATH", "users; touch pwned"), ("ROLLSAFE_COMMAND", "check")],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(!dir.path().join("pwned").exists());
    assert!(stderr(&output).contains("does not exist"), "{}", stderr(&output));
    // A run that failed says so in the step's outputs, and leaves no empty SARIF
    // file for the upload step to choke on.
    assert!(outputs.contains("status=2") && !outputs.contains("sarif="), "{outputs}");
    assert!(!dir.path().join("rollsafe.sarif").exists());
    assert!(stderr(&output).contains("::error::rollsafe could not run"), "{}", stderr(&output));
}

#[test]
fn a_whole_history_reads_in_a_page_findings_capped_by_rule() {
    let dir = tempfile::tempdir().expect("tempdir");
    let columns: Vec<String> = (1..=12).map(|n| format!("c{n} text")).collect();
    let mut files =
        vec![("01_create.sql".to_owned(), format!("CREATE TABLE t (id int, {});\n", columns.join(", ")))];
    for n in 1..=12 {
        files.push((format!("{:02}_drop_c{n}.sql", n + 1), format!("ALTER TABLE t DROP COLUMN c{n};\n")));
    }
    for (name, sql) in &files {
        std::fs::write(dir.path().join(name), sql).expect("write");
    }
    let output = run(dir.path(), &["check", ".", "--color", "never"]);
    assert_eq!(output.status.code(), Some(1));
    let report = String::from_utf8_lossy(&output.stdout);
    assert_eq!(report.matches("× destructive: drops column").count(), 3, "three in full: {report}");
    insta::assert_snapshot!(report.split_once("More of the same").map(|(_, tail)| tail).unwrap_or(&report));
}

#[test]
fn a_long_way_back_lists_the_steps_that_lose_data_and_counts_the_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, sql: &str| std::fs::write(dir.path().join(name), sql).expect("write");
    write("01_create.up.sql", "CREATE TABLE t (id int);\n");
    write("01_create.down.sql", "DROP TABLE t;\n");
    for n in 2..=12 {
        write(&format!("{n:02}_index.up.sql"), &format!("CREATE INDEX i{n} ON t (id);\n"));
        write(&format!("{n:02}_index.down.sql"), &format!("DROP INDEX i{n};\n"));
    }
    // Release A held only a seed migration: all twelve are the window.
    let empty = tempfile::tempdir().expect("tempdir");
    for name in ["00_seed.up.sql", "00_seed.down.sql"] {
        std::fs::write(empty.path().join(name), "SELECT 1;\n").expect("write");
        write(name, "SELECT 1;\n");
    }
    let output = run(
        dir.path(),
        &["audit", "--color", "never", "--from", empty.path().to_str().expect("utf-8"), "--to", "."],
    );
    let report = String::from_utf8_lossy(&output.stdout);
    let way_back = report.split_once("Way back for the database?").map(|(_, tail)| tail).expect("way back");
    assert!(way_back.contains("(12 steps in all; 11 lose nothing)"), "{way_back}");
    assert!(way_back.contains("01_create.down.sql (loses line 1: drops table `t`"), "{way_back}");
    assert!(
        !way_back.contains("02_index.down.sql"),
        "steps that lose nothing are counted, not listed: {way_back}"
    );
}

#[test]
fn list_json_of_several_histories_is_one_json_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, sql) in
        [("m/mysql/1_a.sql", "CREATE TABLE a (id int);"), ("m/postgres/1_a.sql", "CREATE TABLE a (id int);")]
    {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, sql).expect("write");
    }
    let output = run(dir.path(), &["list", "m", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let listed: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    let dialects: Vec<&str> =
        listed.as_array().expect("an array").iter().filter_map(|h| h["dialect"].as_str()).collect();
    assert_eq!(dialects.len(), 2, "{listed}");
}
