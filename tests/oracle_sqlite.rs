//! The differential oracle (`examples/oracle`) on SQLite, on tiny folders written
//! here: the engine's observations and rollsafe's claims must land in the right
//! class, not just run.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

#[path = "../examples/oracle/catalog.rs"]
mod catalog;
#[path = "../examples/oracle/harness.rs"]
mod harness;
#[path = "../examples/oracle/report.rs"]
mod report;
#[path = "../examples/oracle/sqlite.rs"]
mod sqlite;

use std::path::Path;

use harness::{Outcome, judge_folder};
use report::Run;

const CREATE_USERS: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);\n";

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, sql) in files {
        std::fs::write(dir.path().join(name), sql).unwrap();
    }
    dir
}

fn outcomes(folder: &Path) -> (Run, Vec<Outcome>) {
    let mut engine = sqlite::Sqlite::new().unwrap();
    let folder_run = judge_folder(&mut engine, folder).unwrap();
    let outcomes = folder_run.windows.iter().map(|w| w.outcome).collect();
    (Run { engine: "sqlite".to_owned(), folders: vec![folder_run] }, outcomes)
}

#[test]
fn a_dropped_column_breaks_as_select_and_rollsafe_agrees() {
    let dir = folder(&[
        ("1_users.sql", CREATE_USERS),
        ("2_drop_email.sql", "ALTER TABLE users DROP COLUMN email;\n"),
    ]);
    let (run, outcomes) = outcomes(dir.path());
    assert_eq!(outcomes, [Outcome::AgreeFine, Outcome::AgreeBreaks]);
    let window = &run.folders[0].windows[1];
    assert_eq!(window.breaking_rules, ["drop-column"]);
    let read = window.breaks.iter().find(|b| b.probe.sql.starts_with("SELECT")).unwrap();
    assert!(read.error.contains("no such column: \"email\""), "{}", read.error);
    assert!(run.summary().ends_with(
        "agreement: 2/2 windows (100.0%)\nrefused: 0, out of reach: 0, about a table or view the engine does not have: 0"
    ));
}

#[test]
fn a_new_nullable_column_breaks_nothing_and_rollsafe_agrees() {
    let dir = folder(&[
        ("1_users.sql", CREATE_USERS),
        ("2_nickname.sql", "ALTER TABLE users ADD COLUMN nickname TEXT;\n"),
    ]);
    let (_, outcomes) = outcomes(dir.path());
    assert_eq!(outcomes, [Outcome::AgreeFine, Outcome::AgreeFine]);
}

/// A SQLite table rebuild (create, copy, drop, rename) that keeps every column
/// breaks nothing; one that loses a column breaks A's reads and writes.
#[test]
fn table_rebuilds_break_only_when_they_lose_a_column() {
    let rebuild = |columns: &str| {
        format!(
            "CREATE TABLE new_users ({columns});\nINSERT INTO new_users SELECT {names} FROM users;\n\
             DROP TABLE users;\nALTER TABLE new_users RENAME TO users;\n",
            names =
                columns.split(", ").map(|c| c.split(' ').next().unwrap_or(c)).collect::<Vec<_>>().join(", ")
        )
    };
    let keeps = rebuild("id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT");
    let loses = rebuild("id INTEGER PRIMARY KEY, name TEXT NOT NULL");
    let dir = folder(&[("1_users.sql", CREATE_USERS), ("2_keeps.sql", &keeps), ("3_loses.sql", &loses)]);
    let (run, outcomes) = outcomes(dir.path());
    assert_eq!(outcomes, [Outcome::AgreeFine, Outcome::AgreeFine, Outcome::AgreeBreaks]);
    let broken: Vec<&str> = run.folders[0].windows[2].breaks.iter().map(|b| b.probe.what.as_str()).collect();
    assert_eq!(broken, ["read every column of \"users\"", "insert every column of \"users\""]);
}

#[test]
fn a_refused_migration_is_listed_and_left_out_of_the_agreement() {
    let dir = folder(&[
        ("1_users.sql", CREATE_USERS),
        ("2_typo.sql", "ALTER TABLE user ADD COLUMN nickname TEXT;\n"),
    ]);
    let (run, outcomes) = outcomes(dir.path());
    assert_eq!(outcomes, [Outcome::AgreeFine, Outcome::Refused]);
    assert!(run.summary().ends_with(
        "agreement: 1/1 windows (100.0%)\nrefused: 1, out of reach: 0, about a table or view the engine does not have: 0"
    ));
    let out = tempfile::tempdir().unwrap();
    let table = std::fs::read_to_string(run.write_table(out.path()).unwrap()).unwrap();
    let row = table.lines().nth(1).unwrap();
    assert!(row.contains("2_typo.sql\tengine refused the migration"), "{row}");
    assert!(row.contains("no such table: user"), "{row}");
}

#[test]
fn a_claim_about_a_table_only_a_refused_migration_made_is_counted_apart() {
    let dir = folder(&[
        ("1_users.sql", CREATE_USERS),
        // The engine refuses it (no table `nowhere`) and rolls it back; rollsafe's
        // replay keeps `audit`.
        (
            "2_audit.sql",
            "BEGIN;\nCREATE TABLE audit (id INTEGER);\nINSERT INTO nowhere VALUES (1);\nCOMMIT;\n",
        ),
        ("3_drop_audit.sql", "DROP TABLE IF EXISTS audit;\n"),
    ]);
    let (run, outcomes) = outcomes(dir.path());
    assert_eq!(outcomes, [Outcome::AgreeFine, Outcome::Refused, Outcome::NotOnEngine]);
    assert_eq!(run.folders[0].windows[2].breaking_rules, ["drop-table"]);
    assert!(run.summary().ends_with(
        "agreement: 1/1 windows (100.0%)\nrefused: 1, out of reach: 0, about a table or view the engine does not have: 1"
    ));
}

#[test]
fn a_rebuild_that_keeps_every_column_but_adds_a_unique_key_is_out_of_reach() {
    let rebuild = "CREATE TABLE users_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE);\n\
                   INSERT INTO users_new (id, name, email) SELECT id, name, email FROM users;\n\
                   DROP TABLE users;\nALTER TABLE users_new RENAME TO users;\n";
    let dir = folder(&[("1_users.sql", CREATE_USERS), ("2_unique_email.sql", rebuild)]);
    let (run, outcomes) = outcomes(dir.path());
    assert_eq!(outcomes, [Outcome::AgreeFine, Outcome::OutOfReach]);
    assert_eq!(run.folders[0].windows[1].breaking_rules, ["drop-table"]);
}
