//! Discovery through the CLI: migrations folders found in a repository (the
//! release bundles of `../shared/releases`, cloned into a temporary folder), one
//! history per database in one folder, the dialect `list` shows, and the goose
//! and release-folder layouts.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

#[path = "support/repo.rs"]
mod repo;

use repo::{clone_release, run as rollsafe};
use serde_json::Value;

/// A temporary folder holding `files` (path, text).
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        repo::write(dir.path(), name, text);
    }
    dir
}

fn notes(report: &str) -> Vec<&str> {
    report.lines().filter(|line| line.starts_with("note:")).collect()
}

#[test]
fn audit_finds_the_monorepos_migrations_folder() {
    let Some(clone) = clone_release("pingvin-share.bundle") else { return };
    let repo = clone.path().join("repo");
    let (status, report, stderr) = rollsafe(&repo, &["audit", "--from", "v0.28.0", "--to", "v0.29.0"]);
    assert_eq!(status, Some(0), "{stderr}");
    let first_line = report.lines().next().unwrap_or_default();
    insta::assert_snapshot!(format!("{first_line}\n{}", notes(&report).join("\n")));
}

#[test]
fn audit_judges_every_migrations_folder_found() {
    let Some(clone) = clone_release("atuin.bundle") else { return };
    let repo = clone.path().join("repo");
    let (status, report, stderr) =
        rollsafe(&repo, &["audit", "--from", "v18.10.0", "--to", "v18.11.0", "--format", "json"]);
    assert!(matches!(status, Some(0 | 1)), "{stderr}");
    let report: Value = serde_json::from_str(&report).expect("json");
    let notes = report["notes"].as_array().expect("notes");
    let found = notes[0].as_str().expect("a note");
    assert!(found.starts_with("found 6 migrations folders, each judged"), "{found}");
    for folder in
        ["atuin-client", "atuin-kv", "atuin-scripts", "atuin-server-postgres", "atuin-server-sqlite"]
    {
        assert!(found.contains(&format!("`crates/{folder}/migrations`")), "{folder} in {found}");
    }
    // A folder named `…-migrations` is one too: atuin's client keeps a second history there.
    assert!(found.contains("`crates/atuin-client/record-migrations`"), "{found}");
    // `--dialect sqlite` leaves out the crate whose name says PostgreSQL, and says so.
    let (_, report, stderr) = rollsafe(
        &repo,
        &["audit", "--from", "v18.10.0", "--to", "v18.11.0", "--dialect", "sqlite", "--format", "json"],
    );
    let report: Value = serde_json::from_str(&report).unwrap_or_else(|_| panic!("json: {stderr}"));
    let notes = report["notes"].to_string();
    assert!(notes.contains("found 5 migrations folders"), "{notes}");
    assert!(
        notes.contains(
            "left out: `crates/atuin-server-postgres/migrations` (`--dialect sqlite` picks another database)"
        ),
        "{notes}"
    );
}

#[test]
fn no_migrations_folder_in_the_repository_is_a_diagnostic() {
    // A test's fixture folder is not the project's history.
    let dir = folder(&[("README.md", "app\n"), ("tests/fixtures/migrations/1_a.sql", "SELECT 1;\n")]);
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &["-c", "user.name=r", "-c", "user.email=r@example.com", "commit", "-qm", "one"],
        &["tag", "v1"],
    ] {
        let output = std::process::Command::new("git")
            .current_dir(dir.path())
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs");
        assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
    let (status, _, stderr) = rollsafe(dir.path(), &["audit", "--from", "v1", "--to", "v1"]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("no migrations folder found at v1"), "{stderr}");
    assert!(stderr.contains("searched the tree"), "{stderr}");
    // The help shows `check --base` too, not only `audit` (fresh-user trial).
    let (status, _, stderr) = rollsafe(dir.path(), &["check", "--base", "v1"]);
    assert_eq!(status, Some(2), "{stderr}");
    let stderr = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(stderr.contains("`rollsafe check --base main db/"), "{stderr}");
}

#[test]
fn one_history_per_dialect_each_read_once_in_its_own_dialect() {
    let Some(clone) = clone_release("authelia.bundle") else { return };
    let repo = clone.path().join("repo");
    let (status, report, stderr) = rollsafe(&repo, &["audit", "--from", "v4.37.5", "--to", "v4.38.0"]);
    assert_eq!(status, Some(1), "{stderr}");
    // Before, the three dialects were one history parsed as MySQL: 1,062 lines, every way-back line thrice.
    let way_back: Vec<&str> =
        report.lines().filter(|line| line.trim_start().starts_with("- the way back (")).collect();
    let mut unique = way_back.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), way_back.len(), "a way-back line said twice");
    assert!(report.lines().count() < 400, "{} lines", report.lines().count());
    let first_line = report.lines().next().unwrap_or_default();
    insta::assert_snapshot!(format!("{first_line}\n{}", notes(&report)[..2].join("\n")));

    // --dialect picks one history: the others are named as not read.
    let (_, report, _) = rollsafe(
        &repo,
        &["audit", "--from", "v4.37.5", "--to", "v4.38.0", "--dialect", "sqlite", "--format", "json"],
    );
    let report: Value = serde_json::from_str(&report).expect("json");
    let other: Vec<&str> = report["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .filter(|skipped| skipped["kind"] == "other-dialect")
        .filter_map(|skipped| skipped["file"].as_str())
        .collect();
    assert_eq!(other.len(), 60, "{other:?}");
    assert!(other.iter().all(|file| file.contains("/mysql/") || file.contains("/postgres/")));
    let changed: Vec<&str> =
        report["changes"].as_array().expect("changes").iter().filter_map(|c| c["file"].as_str()).collect();
    assert!(!changed.is_empty() && changed.iter().all(|file| file.contains("/sqlite/")), "{changed:?}");
}

#[test]
fn a_dialects_file_replaces_the_neutral_one_and_list_shows_the_dialect() {
    let dir = folder(&[
        ("1_users.up.sql", "CREATE TABLE users (id int PRIMARY KEY);\n"),
        ("1_users.down.sql", "DROP TABLE users;\n"),
        ("2_name.up.sql", "ALTER TABLE users ADD COLUMN name text;\n"),
        ("2_name.mysql.up.sql", "ALTER TABLE users ADD COLUMN name varchar(255);\n"),
        ("2_name.sqlite3.up.sql", "ALTER TABLE users ADD COLUMN name TEXT;\n"),
        ("2_name.down.sql", "ALTER TABLE users DROP COLUMN name;\n"),
    ]);
    let (status, listing, stderr) = rollsafe(dir.path(), &["list", "."]);
    assert_eq!(status, Some(0), "{stderr}");
    insta::assert_snapshot!("list_histories", listing);
    let (_, listing, _) = rollsafe(dir.path(), &["list", ".", "--dialect", "mysql", "--json"]);
    insta::assert_snapshot!("list_one_history_json", listing);
    // A database with no file of its own runs the neutral ones.
    let (status, listing, stderr) = rollsafe(dir.path(), &["list", ".", "--dialect", "mssql"]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(
        listing.contains("./2_name.up.sql") && !listing.contains("forward    ./2_name.mysql"),
        "{listing}"
    );
    // Only histories of other databases: a diagnostic naming them.
    let dir = folder(&[("mysql/1_a.sql", "SELECT 1;\n"), ("oracle/1_a.sql", "SELECT 1;\n")]);
    let (status, _, stderr) = rollsafe(dir.path(), &["list", ".", "--dialect", "sqlite"]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("holds no sqlite history"), "{stderr}");
    assert!(stderr.contains("`mysql`, `oracle` (not read)"), "{stderr}");
}

#[test]
fn list_shows_the_dialect_of_a_single_history() {
    let dir = folder(&[("db/postgres/1_a.sql", "CREATE TABLE a (id serial);\n")]);
    let (_, listing, _) = rollsafe(dir.path(), &["list", "db/postgres", "--json"]);
    let listing: Value = serde_json::from_str(&listing).expect("json");
    assert_eq!((listing["dialect"].as_str(), listing["history"].as_str()), (Some("postgres"), None));
    assert_eq!(listing["dialect_from"], "from `postgres` in the path db/postgres");
}

#[test]
fn goose_down_sections_are_the_way_back() {
    let dir = folder(&[
        (
            "00001_users.sql",
            "-- +goose Up\nCREATE TABLE users (id int PRIMARY KEY);\n\n-- +goose Down\nDROP TABLE users;\n",
        ),
        (
            "00010_touch.sql",
            "-- +goose NO TRANSACTION\n-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION touch() RETURNS trigger AS $$\nBEGIN\n  NEW.at = now();\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n-- +goose StatementEnd\n\n-- +goose Down\nDROP FUNCTION touch();\nDROP TABLE users;\n",
        ),
        (
            "00002_name.sql",
            "-- +goose Up\nALTER TABLE users ADD COLUMN name text;\n-- +goose Down\nALTER TABLE users DROP COLUMN name;\n",
        ),
    ]);
    let (status, listing, stderr) = rollsafe(dir.path(), &["list", "."]);
    assert_eq!(status, Some(0), "{stderr}");
    insta::assert_snapshot!("list_goose", listing);
    let (status, report, stderr) = rollsafe(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(status, Some(0), "{stderr}");
    let report: Value = serde_json::from_str(&report).expect("json");
    // The down sections' drops are the way back, never forward changes.
    let classes: Vec<&str> =
        report["changes"].as_array().expect("changes").iter().filter_map(|c| c["class"].as_str()).collect();
    assert_eq!(classes, ["safe", "safe", "safe"], "{report:#}");
    assert_eq!(report["layout"], "goose");
}

#[test]
fn release_folders_run_release_by_release_and_latest_is_no_migration() {
    let dir = folder(&[
        ("postgres/LATEST.sql", "CREATE TABLE memo (id int PRIMARY KEY, content text);\n"),
        ("postgres/0.24/00__memo.sql", "CREATE TABLE memo (id int PRIMARY KEY);\n"),
        ("postgres/0.24/01__content.sql", "ALTER TABLE memo ADD COLUMN content text;\n"),
        ("postgres/0.3/00__first.sql", "CREATE TABLE setting (name text);\n"),
        ("postgres/0.25/00__pinned.sql", "ALTER TABLE memo ADD COLUMN pinned boolean DEFAULT false;\n"),
    ]);
    let (status, listing, stderr) = rollsafe(dir.path(), &["list", "postgres"]);
    assert_eq!(status, Some(0), "{stderr}");
    insta::assert_snapshot!("list_release_folders", listing);
}

#[test]
fn folders_found_for_other_databases_are_left_out_and_said() {
    let Some(clone) = clone_release("umami.bundle") else { return };
    let repo = clone.path().join("repo");
    let (status, report, stderr) =
        rollsafe(&repo, &["audit", "--from", "v2.17.0", "--to", "v2.18.0", "--dialect", "mysql"]);
    assert!(matches!(status, Some(0 | 1)), "{stderr}");
    let first_line = report.lines().next().unwrap_or_default();
    insta::assert_snapshot!(format!("{first_line}\n{}", notes(&report).join("\n")));
}

/// `check` and `list` with no path and no rollsafe.toml read the migrations
/// folders found where they run, as `audit` does, and say which; with none found
/// they stop with a diagnostic, not a verdict.
#[test]
fn check_and_list_without_a_path_find_the_migrations_folder() {
    let files = [
        ("README.md", "app\n"),
        ("src/app.ts", "db.query('SELECT legacy FROM a');\n"),
        ("db/migrations/1_a.sql", "CREATE TABLE a (id int, legacy text);\n"),
        ("db/migrations/2_b.sql", "ALTER TABLE a DROP COLUMN legacy;\n"),
    ];
    // Outside a repository: the working directory is searched.
    let plain = folder(&files);
    // In a repository, from a subfolder: the whole working tree is searched.
    let repository = folder(&files);
    repo::commit_all(repository.path());
    // Shown from the working directory, in the notes as in the paths of the changes.
    for (dir, from, shown) in
        [(plain.path(), ".", "db/migrations"), (repository.path(), "src", "../db/migrations")]
    {
        let (status, report, stderr) = rollsafe(&dir.join(from), &["check", "--format", "json"]);
        assert_eq!(status, Some(1), "{stderr}");
        let report: Value = serde_json::from_str(&report).expect("json");
        assert_eq!(report["verdict"]["code_rollback"], "blocked", "{report}");
        let notes = report["notes"].to_string();
        assert!(notes.contains(&format!("using the migrations folder `{shown}`")), "{notes}");
        assert!(
            report["changes"][0]["file"].as_str().expect("file").starts_with(&format!("{shown}/")),
            "{report}"
        );
        let (status, listing, stderr) = rollsafe(&dir.join(from), &["list"]);
        assert_eq!(status, Some(0), "{stderr}");
        assert!(listing.contains("2_b.sql"), "{listing}");
        assert!(stderr.contains(&format!("note: using the migrations folder `{shown}`")), "{stderr}");
    }

    let empty = folder(&[("README.md", "nothing here\n")]);
    let (status, _, stderr) = rollsafe(empty.path(), &["check"]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("none found under the working directory"), "{stderr}");
}

/// A folder named to `check` or `list` that is no migrations folder but holds
/// some (the project's root, `.` typed there) stands for the migrations folders
/// under it, each read in its own dialect, as with no path: not one history of
/// every SQL file in the project with each other file listed as not read.
#[test]
fn a_project_root_named_stands_for_its_migrations_folders() {
    let project = folder(&[
        ("README.md", "app\n"),
        ("src/app.ts", "db.query('SELECT legacy FROM a');\n"),
        ("server-postgres/migrations/1_a.sql", "CREATE TABLE a (id int, legacy text);\n"),
        ("server-postgres/migrations/2_b.sql", "ALTER TABLE a DROP COLUMN legacy;\n"),
        ("server-sqlite/migrations/1_a.sql", "CREATE TABLE a (id integer, legacy text);\n"),
    ]);
    let root = project.path();
    let (status, dot, stderr) = rollsafe(root, &["check", "--format", "json", "."]);
    assert_eq!(status, Some(1), "{stderr}");
    let (_, no_path, _) = rollsafe(root, &["check", "--format", "json"]);
    assert_eq!(dot, no_path, "`check .` at the root reads what `check` reads");
    let report: Value = serde_json::from_str(&dot).expect("json");
    let notes = report["notes"].to_string();
    assert!(notes.contains("found 2 migrations folders"), "{notes}");
    assert!(notes.contains("dialect sqlite, from `sqlite` in the path server-sqlite/migrations"), "{notes}");
    assert!(
        !notes.contains("README.md") && !notes.contains("app.ts"),
        "no project file said as not read: {notes}"
    );

    // From beside it, the folders are named as the user would open them.
    let (status, listing, stderr) = rollsafe(root.parent().expect("parent"), &["list", &file_name(root)]);
    assert_eq!(status, Some(0), "{stderr}");
    let shown_root = file_name(root);
    let shown = format!("{shown_root}/server-postgres/migrations/2_b.sql");
    assert!(listing.contains(&shown), "{listing}");
    let named = format!(
        "found 2 migrations folders, each judged, one verdict over all: `{shown_root}/server-postgres/migrations`"
    );
    assert!(stderr.contains(&named), "the folders named as opened from here: {stderr}");

    // A migrations folder named is read as it is.
    let (status, listing, stderr) = rollsafe(root, &["list", "server-postgres/migrations"]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(listing.contains("server-postgres/migrations/2_b.sql"), "{listing}");
    assert!(!stderr.contains("migrations folder"), "{stderr}");

    // Other SQL files beside them: a repository's root, and any other folder,
    // still stands for its migrations folders, the files left out said (not
    // merged into the history, ordered among its migrations).
    repo::write(root, "scripts/seed.sql", "INSERT INTO a VALUES (1, 'x');\n");
    repo::write(root, "schema.sql", "CREATE TABLE a (id int, legacy text);\n");
    repo::write(root, "server-postgres/base/0_base.sql", "CREATE TABLE base (id int);\n");
    repo::write(root, "server-postgres/seed.sql", "INSERT INTO a VALUES (2, 'y');\n");
    let (status, listing, stderr) = rollsafe(root, &["list", "server-postgres"]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(listing.contains("server-postgres/migrations/2_b.sql"), "{listing}");
    assert!(!listing.contains("0_base.sql") && !listing.contains("seed.sql"), "{listing}");
    let left_out = "not read: 2 SQL file(s) under `server-postgres` outside its migrations folders: \
                    `server-postgres/base/0_base.sql`, `server-postgres/seed.sql`";
    assert!(stderr.contains(left_out), "{stderr}");
    assert!(stderr.contains("using the migrations folder `server-postgres/migrations`"), "{stderr}");
    std::fs::remove_file(root.join("server-postgres/seed.sql")).expect("rm");
    repo::commit_all(root);
    let (status, listing, stderr) = rollsafe(root, &["list", "."]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(!listing.contains("seed.sql"), "{listing}");
    let left_out = "not read: 3 SQL file(s) under `.` outside its migrations folders: \
                    `schema.sql`, `scripts/seed.sql`, `server-postgres/base/0_base.sql`";
    assert!(stderr.contains(left_out), "{stderr}");
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().expect("a name").to_string_lossy().into_owned()
}

/// `audit` and `check --base` given the repository's root (`.` typed there) read
/// what they read with no folder named: every migrations folder found, a folder
/// new in the window included, not the whole repository as one folder.
#[test]
fn the_repository_root_named_to_audit_and_base_is_no_folder_named() {
    let project = folder(&[
        ("src/app.ts", "db.query('SELECT legacy FROM a');\n"),
        ("server/migrations/1_a.sql", "CREATE TABLE a (id int, legacy text);\n"),
    ]);
    let root = project.path();
    repo::commit_all(root);
    repo::git(root, &["tag", "v1"]);
    repo::write(root, "server/migrations/2_b.sql", "ALTER TABLE a DROP COLUMN legacy;\n");
    repo::write(root, "client/migrations/1_c.sql", "CREATE TABLE c (id int);\n");
    repo::commit_all(root);
    for args in [["audit", "--from", "v1", "--to", "HEAD"], ["check", "--base", "v1", "--format", "json"]] {
        let (status, no_folder, stderr) = rollsafe(root, &args);
        assert_eq!(status, Some(1), "{stderr}");
        let (_, dot, _) = rollsafe(root, &[&args[..], &["."]].concat());
        assert_eq!(dot, no_folder, "{args:?} .");
        assert!(no_folder.contains("found 2 migrations folders"), "{no_folder}");
    }
}

/// A project whose migrations folders lie under `crates/`, beside A's code that
/// uses a column the window drops, and a migrations folder outside `crates/`;
/// tagged `v1`, then the window committed.
fn crates_project() -> tempfile::TempDir {
    let project = folder(&[
        ("crates/server/src/store.rs", "sqlx::query(\"SELECT legacy FROM a\");\n"),
        ("crates/server/migrations/1_a.sql", "CREATE TABLE a (id int, legacy text);\n"),
        ("crates/client/migrations/1_c.sql", "CREATE TABLE c (id int);\n"),
        ("tools/migrations/1_t.sql", "CREATE TABLE t (id int, old text);\n"),
    ]);
    let root = project.path();
    repo::commit_all(root);
    repo::git(root, &["tag", "v1"]);
    repo::write(root, "crates/server/migrations/2_b.sql", "ALTER TABLE a DROP COLUMN legacy;\n");
    repo::write(root, "crates/client/migrations/2_d.sql", "ALTER TABLE c ADD COLUMN note text;\n");
    repo::write(root, "tools/migrations/2_t.sql", "ALTER TABLE t DROP COLUMN old;\n");
    repo::commit(root, "window");
    project
}

/// The changes of a JSON report under `prefix`, and its verdict.
fn changes_under(report: &Value, prefix: &str) -> (Vec<Value>, Value) {
    let changes = report["changes"].as_array().expect("changes");
    let under = changes.iter().filter(|change| change["file"].as_str().unwrap_or_default().contains(prefix));
    (under.cloned().collect(), report["verdict"]["code_rollback"].clone())
}

/// With git revisions, a folder named that is no migrations folder but holds
/// some (`crates/`) stands for the migrations folders under it, searched at the
/// revision as at the root: each its own history, A's code under it read as
/// code, not one history with every `.rs` file said as not read. What it judges
/// is the root's judgement of those folders.
#[test]
fn a_subfolder_named_with_revisions_stands_for_its_migrations_folders() {
    let project = crates_project();
    let root = project.path();
    for window in [&["audit", "--from", "v1", "--to", "HEAD"][..], &["check", "--base", "v1~0"]] {
        let args = |folder: &'static str| [window, &["--format", "json", folder]].concat();
        let (status, crates, stderr) = repo::rollsafe(root, &args("crates"));
        assert_eq!(status, Some(1), "{window:?}: {stderr}");
        let (_, whole, _) = repo::rollsafe(root, &args("."));
        let notes = crates["notes"].to_string();
        assert!(
            notes.contains(
                "found 2 migrations folders, each judged, one verdict over all: `crates/client/migrations`, `crates/server/migrations`"
            ),
            "{window:?}: {notes}"
        );
        assert_eq!(crates["skipped"], Value::Array(Vec::new()), "{window:?}: no code said as not read");
        // A's code is read: the dropped column is confirmed used there.
        assert_eq!(crates["verdict"]["code_rollback"], "blocked", "{window:?}: {crates}");
        assert!(crates.to_string().contains("crates/server/src/store.rs"), "{window:?}: {crates}");
        assert_eq!(crates["code"]["files_read"], whole["code"]["files_read"], "{window:?}");
        let (from_root, _) = changes_under(&whole, "crates/");
        assert_eq!(changes_under(&crates, "").0, from_root, "{window:?}: the root's changes under crates/");
        // Each history judged, as it was read.
        let histories = crates["histories"].as_array().expect("histories");
        let folders: Vec<&str> = histories.iter().map(|h| h["folder"].as_str().unwrap_or_default()).collect();
        assert!(folders[0].ends_with("crates/client/migrations"), "{folders:?}");
        assert!(folders[1].ends_with("crates/server/migrations"), "{folders:?}");
        assert_eq!(histories[0]["layout"], "plain", "{histories:?}");
    }
    // The header says how many histories, in which dialects and layouts.
    let (_, report, _) = rollsafe(root, &["audit", "--from", "v1", "--to", "HEAD", "crates"]);
    let header = report.lines().next().unwrap_or_default();
    assert!(header.ends_with("(2 histories: 2 postgres; 2 plain numbered files)"), "{header}");
}

/// `audit` and `check --base` given a folder of a repository from outside it read
/// that repository, not the working directory's.
#[test]
fn a_folder_named_from_outside_its_repository_reads_that_repository() {
    let project = crates_project();
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let crates = project.path().join("crates");
    let crates = crates.to_str().expect("utf-8");
    let (_, inside, _) = repo::rollsafe(
        project.path(),
        &["audit", "--from", "v1", "--to", "HEAD", "--format", "json", "crates"],
    );
    for window in [&["audit", "--from", "v1", "--to", "HEAD"][..], &["check", "--base", "v1"]] {
        let (status, report, stderr) =
            repo::rollsafe(elsewhere.path(), &[window, &["--format", "json", crates]].concat());
        assert_eq!(status, Some(1), "{window:?}: {stderr}");
        assert_eq!(report["verdict"], inside["verdict"], "{window:?}");
        assert_eq!(report["code"]["files_read"], inside["code"]["files_read"], "{window:?}");
    }
    // A folder the working tree no longer holds: its repository is the one above it.
    std::fs::remove_dir_all(project.path().join("tools")).expect("rm");
    let tools = project.path().join("tools/migrations");
    let (status, report, stderr) = repo::rollsafe(
        elsewhere.path(),
        &["audit", "--from", "v1", "--to", "HEAD", "--format", "json", tools.to_str().expect("utf-8")],
    );
    // A's code names no `old`: the drop loses data but blocks no code.
    assert_eq!(status, Some(0), "{stderr}");
    assert_eq!(report["summary"]["destructive"], 1, "{report}");
}

/// A folder whose path names a database rollsafe does not read (ClickHouse) is
/// said as not read, not judged as PostgreSQL; `--dialect` reads it anyway.
#[test]
fn a_folder_of_a_database_rollsafe_does_not_read_is_said_not_judged() {
    let dir = folder(&[
        ("db/clickhouse/schema.sql", "CREATE TABLE e (id UInt64) ENGINE = MergeTree ORDER BY id;\n"),
        ("db/clickhouse/migrations/01_a.sql", "ALTER TABLE e RENAME COLUMN id TO event_id;\n"),
        ("db/postgres/migrations/01_a.sql", "CREATE TABLE a (id int);\n"),
    ]);
    for named in ["db/clickhouse", "db/clickhouse/migrations", "db/clickhouse/migrations/01_a.sql"] {
        let (status, report, stderr) = rollsafe(dir.path(), &["check", named]);
        assert_eq!(status, Some(2), "{named}: {report}");
        let stderr = unwrapped(&stderr);
        assert!(stderr.contains("rollsafedoesnotreadthisdatabase'sSQL"), "{named}: {stderr}");
        assert!(stderr.contains("(clickhouse,asitspathsays)"), "{named}: {stderr}");
    }
    let (status, report, stderr) =
        rollsafe(dir.path(), &["check", "db/clickhouse/migrations", "db/postgres/migrations"]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(
        report.contains("not read: `db/clickhouse/migrations` (clickhouse, as its path says)"),
        "{report}"
    );
    assert!(!report.contains("rename-column"), "{report}");
    let (status, report, stderr) =
        rollsafe(dir.path(), &["check", "--dialect", "postgres", "db/clickhouse/migrations"]);
    assert_eq!(status, Some(1), "read as --dialect says: {stderr}");
    assert!(report.contains("rename-column"), "{report}");
    // With revisions too.
    repo::commit_all(dir.path());
    repo::git(dir.path(), &["tag", "v1"]);
    for window in [&["audit", "--from", "v1", "--to", "HEAD"][..], &["check", "--base", "v1"]] {
        let (status, _, stderr) = rollsafe(dir.path(), &[window, &["db/clickhouse/migrations"]].concat());
        assert_eq!(status, Some(2), "{window:?}: {stderr}");
        assert!(unwrapped(&stderr).contains("(clickhouse,asitspathsays)"), "{window:?}: {stderr}");
    }
}

/// A diagnostic's text with no white space and no frame: miette wraps its lines
/// anywhere, inside a path too.
fn unwrapped(diagnostic: &str) -> String {
    diagnostic.chars().filter(|c| !c.is_whitespace() && *c != '│').collect()
}

/// umami 3 keeps its migrations in `prisma/migrations`; `db/` holds ClickHouse's
/// and PostgreSQL data scripts: `check db` says so and where the migrations are,
/// not that `db` holds no migrations.
#[test]
fn a_folder_holding_only_other_databases_migrations_says_what_it_holds() {
    let Some(clone) = clone_release("umami.bundle") else { return };
    let repo = clone.path().join("repo");
    let (status, _, stderr) = rollsafe(&repo, &["check", "db"]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(!stderr.contains("holds no .sql migrations"), "{stderr}");
    let stderr = unwrapped(&stderr);
    for said in [
        "the migrations folders found under `db` are all for other databases: `db/clickhouse/migrations` (rollsafe does not read clickhouse's SQL)",
        "`db/clickhouse/schema.sql`",
        "the repository's other migrations folders (from its root): `prisma/migrations`",
    ] {
        assert!(stderr.contains(&unwrapped(said)), "{said} in {stderr}");
    }
    // At 2.18 the same folder held PostgreSQL's and MySQL's: both are judged.
    repo::git(&repo, &["checkout", "-q", "v2.18.0"]);
    let (status, report, stderr) = rollsafe(&repo, &["list", "db"]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(stderr.contains("found 2 migrations folders"), "{stderr}");
    assert!(stderr.contains("left out: `db/clickhouse/migrations`"), "{stderr}");
    assert!(
        report.contains("db/postgresql/migrations") && report.contains("db/mysql/migrations"),
        "{report}"
    );
    // The ClickHouse folder named with --dialect: its migrations read in that dialect,
    // as the README says (fresh-user trial: it stopped with "only other databases").
    let (status, report, stderr) = rollsafe(&repo, &["list", "db/clickhouse", "--dialect", "postgres"]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(report.contains("db/clickhouse/migrations"), "{report}");
    let (status, _, stderr) = rollsafe(&repo, &["list", "db/clickhouse"]);
    assert_eq!(status, Some(2), "{stderr}");
}

/// A repository's root read whole (no folder under it is named like migrations):
/// its `.git` is never read, nor listed file by file as not read.
#[test]
fn a_repository_root_read_whole_leaves_its_git_folder_out() {
    let dir = folder(&[("sql/1_a.sql", "CREATE TABLE a (id int);\n"), ("sql/2_b.sql", "DROP TABLE a;\n")]);
    repo::git(dir.path(), &["init", "-q", "-b", "main"]);
    repo::commit_all(dir.path());
    let (status, out, err) = rollsafe(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(status, Some(1), "{err}");
    let report: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(report["summary"]["changes"], 2, "{report}");
    assert!(!out.contains(".git/"), "{}", report["skipped"]);
}

/// atuin keeps its client's SQLite migrations (`atuin-client`, `atuin-kv`,
/// `atuin-scripts`) beside its server's: nothing in their paths names a
/// database, but the client crate's sqlx feature and the SQL's `strftime` do.
#[test]
fn atuins_sqlite_folders_are_read_as_sqlite() {
    let Some(clone) = clone_release("atuin.bundle") else { return };
    let repo = clone.path().join("repo");
    let (status, out, err) =
        rollsafe(&repo, &["audit", "--from", "v18.11.0", "--to", "v18.12.0", "--format", "json"]);
    assert!(matches!(status, Some(0 | 1)), "{err}");
    let report: Value = serde_json::from_str(&out).expect("json");
    let dialects: Vec<(String, String)> = report["histories"]
        .as_array()
        .expect("histories")
        .iter()
        .map(|h| {
            (
                h["folder"].as_str().unwrap_or_default().to_owned(),
                h["dialect"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for (folder, dialect) in &dialects {
        let expected = if folder.contains("server-postgres") { "postgres" } else { "sqlite" };
        assert_eq!(dialect, expected, "{folder}: {dialects:?}");
    }
    assert_eq!(dialects.len(), 7, "{dialects:?}");
}

/// The crate beside a migrations folder says its database by its driver's
/// feature; a dependency taken from the workspace says nothing (features are
/// unified across it).
#[test]
fn the_crate_beside_a_folder_names_its_database() {
    let dir = folder(&[
        (
            "client/Cargo.toml",
            "[package]\nname = \"c\"\n[dependencies]\nsqlx = { version = \"0.8\", features = [\"sqlite\", \"regexp\"] }\n",
        ),
        ("client/migrations/1_a.sql", "CREATE TABLE a (id text);\n"),
        ("server/Cargo.toml", "[package]\nname = \"s\"\n[dependencies]\nsqlx = { workspace = true }\n"),
        ("server/migrations/1_a.sql", "CREATE TABLE a (id text);\n"),
    ]);
    let (status, out, err) = rollsafe(dir.path(), &["list", "client/migrations", "server/migrations"]);
    assert_eq!(status, Some(0), "{err}");
    assert!(
        out.contains("client/migrations (plain numbered files; dialect sqlite, from the `sqlite` feature of sqlx in client/Cargo.toml)"),
        "{out}"
    );
    assert!(out.contains("server/migrations (plain numbered files; dialect postgres, the default"), "{out}");
}
