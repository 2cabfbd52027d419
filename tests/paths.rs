//! Paths in every format as the user would open them (issue 12): a file read at a
//! git revision is shown at its place in the working tree, relative to the
//! working directory, never as `revision:path` (fresh-user trial: SARIF, GitHub
//! and GitLab got `v1.2:db/migrations/x.sql`, which code scanning and annotations
//! cannot attach to a file; from a subfolder one report mixed paths from the
//! working directory, from the repository's root and absolute ones). The places
//! A's code uses what breaks are at the lines of A's revision, not the working
//! tree's.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

#[path = "support/repo.rs"]
mod repo;

use std::path::Path;

use repo::{commit, release, run, write};
use serde_json::Value;

/// A repository tagged `r1` (a table, and A's code that reads its `nickname` on
/// line 2 of `src/app.ts`) and `r2` (a migration that drops `nickname`, with a
/// README beside the migrations), then a commit that moves both the code's use
/// and the migration's statement down: lines at r1 and r2 are not HEAD's.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "db/migrations/1_users.sql", "CREATE TABLE users (id int PRIMARY KEY, nickname text);\n");
    write(root, "src/app.ts", "// the app\ndb.query('SELECT nickname FROM users');\n");
    release(root, "r1");
    write(root, "db/migrations/2_drop.sql", "ALTER TABLE users DROP COLUMN nickname;\n");
    write(root, "db/migrations/README.md", "how to add a migration\n");
    release(root, "r2");
    let (code_moved, sql_moved) = ("// moved\n".repeat(5), "-- moved\n".repeat(5));
    write(root, "src/app.ts", &format!("{code_moved}// the app\ndb.query('SELECT nickname FROM users');\n"));
    write(root, "db/migrations/2_drop.sql", &format!("{sql_moved}ALTER TABLE users DROP COLUMN nickname;\n"));
    commit(root, "later");
    dir
}

/// Every path a report names, by format: the paths code scanning, annotations,
/// editors and people open.
fn paths_in(format: &str, report: &str) -> Vec<String> {
    let json = || serde_json::from_str::<Value>(report).expect("json report");
    let strings = |values: Vec<&Value>| -> Vec<String> {
        values.into_iter().map(|value| value.as_str().expect("a path").to_owned()).collect()
    };
    match format {
        "json" => {
            let report = json();
            let mut found = Vec::new();
            for change in report["changes"].as_array().expect("changes") {
                found.push(&change["file"]);
                for finding in change["findings"].as_array().expect("findings") {
                    found.extend(
                        finding["references"].as_array().expect("references").iter().map(|r| &r["file"]),
                    );
                }
            }
            found.extend(report["skipped"].as_array().expect("skipped").iter().map(|s| &s["file"]));
            found.extend(report["histories"].as_array().expect("histories").iter().map(|h| &h["folder"]));
            strings(found)
        }
        "sarif" => {
            let report = json();
            let run = &report["runs"][0];
            let mut found = Vec::new();
            for result in run["results"].as_array().expect("results") {
                for location in result["locations"].as_array().into_iter().flatten() {
                    found.push(&location["physicalLocation"]["artifactLocation"]["uri"]);
                }
                for location in result["relatedLocations"].as_array().into_iter().flatten() {
                    found.push(&location["physicalLocation"]["artifactLocation"]["uri"]);
                }
            }
            let notifications = &run["invocations"][0]["toolExecutionNotifications"];
            for notification in notifications.as_array().expect("notifications") {
                for location in notification["locations"].as_array().into_iter().flatten() {
                    found.push(&location["physicalLocation"]["artifactLocation"]["uri"]);
                }
            }
            strings(found)
        }
        "gitlab" => {
            let report = json();
            strings(
                report.as_array().expect("issues").iter().map(|issue| &issue["location"]["path"]).collect(),
            )
        }
        "github" => report
            .lines()
            .filter_map(|line| line.split_once(" file=").map(|(_, rest)| rest))
            .map(|rest| rest.split([',', ':']).next().expect("a file").replace("%3A", ":"))
            .collect(),
        "gcc" => report
            .lines()
            .filter(|line| !line.starts_with("rollsafe:"))
            .map(|line| line.split(':').next().expect("a file").to_owned())
            .collect(),
        "markdown" => report
            .lines()
            .flat_map(|line| line.split('`').skip(1).step_by(2))
            .filter(|quoted| quoted.contains(".sql") || quoted.contains(".ts") || quoted.contains(".md"))
            .map(|quoted| {
                quoted.rsplit_once(':').map_or(quoted, |(path, line)| match line.parse::<u32>() {
                    Ok(_) => path,
                    Err(_) => quoted,
                })
            })
            .map(str::to_owned)
            .collect(),
        other => panic!("no paths read from {other}"),
    }
}

const FORMATS: [&str; 6] = ["json", "sarif", "gitlab", "github", "gcc", "markdown"];

/// Every path of every format opens from the working directory, none carries a
/// revision, and the migration's own are `expected` there.
fn assert_openable(cwd: &Path, args: &[&str], migration: &str) {
    for format in FORMATS {
        let mut with_format = args.to_vec();
        with_format.extend(["--format", format]);
        let (status, report, stderr) = run(cwd, &with_format);
        assert_eq!(status, Some(1), "{with_format:?}: {stderr}");
        let paths = paths_in(format, &report);
        // `./2_drop.sql` inside the folder: SARIF and GitLab drop the `./`.
        let is_migration = |path: &String| path.trim_start_matches("./") == migration;
        assert!(paths.iter().any(is_migration), "{with_format:?} in {cwd:?}: {paths:?}\n{report}");
        for path in &paths {
            assert!(!path.starts_with("r1:") && !path.starts_with("r2:"), "{format}: {path}");
            assert!(Path::new(path).is_relative(), "{format}: {path} is absolute");
            assert!(cwd.join(path).exists(), "{format} in {cwd:?}: `{path}` opens nothing\n{report}");
        }
    }
}

#[test]
fn paths_at_revisions_open_from_the_working_directory_in_every_format() {
    let repo = repository();
    let root = repo.path();
    for (from, migration) in [
        (".", "db/migrations/2_drop.sql"),
        ("src", "../db/migrations/2_drop.sql"),
        ("db/migrations", "2_drop.sql"),
    ] {
        let cwd = root.join(from);
        assert_openable(&cwd, &["audit", "--from", "r1", "--to", "r2"], migration);
        assert_openable(&cwd, &["check", "--base", "r1"], migration);
    }
}

#[test]
fn lines_are_the_revision_s_own() {
    let repo = repository();
    let src = repo.path().join("src");
    let (status, report, stderr) = run(&src, &["audit", "--from", "r1", "--to", "r2", "--format", "gcc"]);
    assert_eq!(status, Some(1), "{stderr}");
    // The drop is on line 1 at r2 and A's use on line 2 at r1 (line 6 and 7 in
    // the working tree): each shown at its place in the working tree.
    insta::assert_snapshot!("audit_from_a_subfolder_gcc", report);
    let (status, report, stderr) = run(&src, &["check", "--base", "r1", "--format", "json"]);
    assert_eq!(status, Some(1), "{stderr}");
    let report: Value = serde_json::from_str(&report).expect("json");
    let change = &report["changes"][0];
    // The branch's migration is the working tree's; A's code is the merge base's.
    assert_eq!(
        (change["file"].as_str(), change["line"].as_u64()),
        (Some("../db/migrations/2_drop.sql"), Some(6))
    );
    let reference = &change["findings"][0]["references"][0];
    assert_eq!(
        (reference["file"].as_str(), reference["line"].as_u64()),
        (Some("app.ts"), Some(2)),
        "{report}"
    );
    assert_eq!(report["histories"][0]["revision"], Value::Null);
}

#[test]
fn the_revision_is_said_apart_from_the_path() {
    let repo = repository();
    let (status, report, stderr) =
        run(repo.path(), &["audit", "--from", "r1", "--to", "r2", "--format", "json"]);
    assert_eq!(status, Some(1), "{stderr}");
    let report: Value = serde_json::from_str(&report).expect("json");
    assert_eq!(report["histories"][0]["folder"], "db/migrations");
    assert_eq!(report["histories"][0]["revision"], "r2");
    let (_, human, _) = run(repo.path(), &["audit", "--from", "r1", "--to", "r2"]);
    let header = human.lines().next().expect("a header");
    assert!(header.starts_with("rollsafe audit: db/migrations at r1 -> r2 "), "{header}");
}
