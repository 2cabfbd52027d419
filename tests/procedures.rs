//! A SQL Server project that lives in stored procedures (tests/fixtures/sqlserver-procedures,
//! made up after DbUp projects: dated file names, procedures re-created with `CREATE OR
//! ALTER`, table types, guards, batched backfills, helper procedures, refresh calls) read end
//! to end through `rollsafe check`, `list` and `audit`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const FIXTURE: &str = "tests/fixtures/sqlserver-procedures";

fn json(args: &[&str]) -> Value {
    let output = Command::cargo_bin("rollsafe").expect("binary").args(args).output().expect("run");
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("json")
}

/// Each change as (file name, line, rule, class).
fn changes(report: &Value) -> Vec<(String, u64, String, String)> {
    report["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|change| {
            let file = Path::new(change["file"].as_str().unwrap()).file_name().unwrap().to_string_lossy();
            let text = |key: &str| change[key].as_str().unwrap().to_owned();
            (file.into_owned(), change["line"].as_u64().unwrap(), text("rule"), text("class"))
        })
        .collect()
}

#[test]
fn every_statement_of_a_procedure_heavy_history_is_judged() {
    let report = json(&["check", FIXTURE, "--dialect", "mssql", "--format", "json"]);
    let changes = changes(&report);
    let unknown: Vec<_> = changes.iter().filter(|change| change.3 == "unknown").collect();
    assert!(unknown.is_empty(), "{unknown:?}");
    // Every procedure body read to its end (`GO;` ends a batch, not a body).
    let messages: Vec<&str> =
        report["changes"].as_array().unwrap().iter().map(|c| c["message"].as_str().unwrap()).collect();
    assert!(messages.iter().all(|message| !message.contains("could not read")), "{messages:?}");
    assert_eq!(report["summary"]["changes"], 33, "{changes:?}");
    let judged = |file: &str, line: u64| {
        changes
            .iter()
            .find(|change| change.0 == file && change.1 == line)
            .map(|change| (change.2.as_str(), change.3.as_str()))
    };
    // Procedures with OUTPUT, READONLY and WITH options are known by their parameters.
    assert_eq!(judged("2024-01-31_01_orders.sql", 14), Some(("create-function", "safe")));
    assert_eq!(judged("2024-01-31_01_orders.sql", 11), Some(("create-object", "safe")));
    // A new parameter with a default keeps A's calls working; one without breaks them.
    assert_eq!(judged("2024-04-02_orders_by_currency.sql", 3), Some(("create-function", "safe")));
    assert_eq!(
        judged("2024-05-20_01_close_orders_v2.sql", 2),
        Some(("change-routine-parameters", "coupled"))
    );
    assert_eq!(
        judged("2024-06-10_01_drop_order_id_list.sql", 2),
        Some(("change-routine-parameters", "coupled"))
    );
    // The table type A's code passes, dropped.
    assert_eq!(judged("2024-06-10_01_drop_order_id_list.sql", 11), Some(("drop-type", "coupled")));
    // Guards and the batched backfill are judged by the statements inside.
    assert_eq!(judged("2024-02-14_01_order_lines.sql", 9), Some(("create-index", "safe")));
    assert_eq!(judged("2024_03_15_02_order_currency.sql", 1), Some(("add-nullable-column", "safe")));
    assert_eq!(judged("2024_03_15_02_order_currency.sql", 7), Some(("update", "safe")));
    assert_eq!(judged("2024_03_15_02_order_currency.sql", 14), Some(("incompatible-type-change", "coupled")));
    // A helper procedure's calls are judged by what its body does with their arguments.
    assert_eq!(judged("2024-02-20_01_helpers.sql", 11), Some(("add-nullable-column", "safe")));
    assert_eq!(judged("2024-02-20_01_helpers.sql", 12), Some(("add-nullable-column", "safe")));
    // Built SQL with QUOTENAME, a MERGE with a table hint, an UPDATE through an alias and a call
    // that keeps its return code are judged by what they change.
    let sync = "2024-07-01_01_sync_orders.sql";
    assert_eq!(judged(sync, 3), Some(("add-nullable-column", "safe")));
    assert_eq!(judged(sync, 6), Some(("update", "destructive")));
    assert_eq!(judged(sync, 11), Some(("update", "destructive")));
    assert_eq!(judged(sync, 21), Some(("add-nullable-column", "safe")));
    let on_orders = |line: u64| {
        let change = report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["file"].as_str().unwrap().ends_with(sync) && c["line"].as_u64() == Some(line));
        change.unwrap()["message"].as_str().unwrap().to_owned()
    };
    assert!(on_orders(3).contains("column `Source`"), "{}", on_orders(3));
    assert!(on_orders(11).contains("some rows of `dbo.Orders`"), "{}", on_orders(11));
    // Refresh calls, statistics, descriptions and pauses are housekeeping.
    let housekeeping =
        changes.iter().filter(|change| change.2 == "housekeeping" && change.3 == "safe").count();
    assert_eq!(housekeeping, 8, "{changes:?}");
}

/// The versions `rollsafe list` shows for `folder`, in run order.
fn listed_versions(folder: &str) -> Vec<String> {
    let listed = json(&["list", folder, "--json"]);
    let migrations = listed["migrations"].as_array().expect("migrations");
    migrations.iter().map(|migration| migration["version"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn dated_versions_are_listed_whole_and_in_date_order() {
    let versions = listed_versions(FIXTURE);
    assert_eq!(
        versions,
        [
            "2024-01-31_01",
            "2024-02-14_01",
            "2024-02-20_01",
            "20240301_01",
            "2024_03_15_02",
            "2024-04-02",
            "2024-05-20_01",
            "2024-06-10_01",
            "2024-07-01_01"
        ]
    );
}

#[test]
fn a_dated_file_added_before_one_already_shipped_is_out_of_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (from, to) = (dir.path().join("release-a"), dir.path().join("release-b"));
    for folder in [&from, &to] {
        std::fs::create_dir_all(folder).expect("mkdir");
    }
    let shipped = ["2024-01-31_01_orders.sql", "2024-02-14_01_order_lines.sql", "20240301_01_reports.sql"];
    for name in shipped {
        let sql = std::fs::read(Path::new(FIXTURE).join(name)).expect("fixture");
        std::fs::write(from.join(name), &sql).expect("write");
        std::fs::write(to.join(name), &sql).expect("write");
    }
    // Same day as a shipped file, an earlier sequence number: merged late.
    std::fs::write(
        to.join("2024-02-14_00_order_notes.sql"),
        "ALTER TABLE dbo.Orders ADD Note nvarchar(200) NULL;\n",
    )
    .expect("write");
    let (from, to) = (from.to_str().unwrap(), to.to_str().unwrap());
    let report = json(&["audit", "--format", "json", "--dialect", "mssql", "--from", from, "--to", to]);
    let changes = changes(&report);
    assert!(
        changes.iter().any(|change| change.2 == "out-of-order-migration" && change.0 == "2024-02-14_00_order_notes.sql"),
        "{changes:?}"
    );
}

#[test]
fn timestamps_and_dates_that_are_none_order_among_dated_names_and_are_said() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["2024-13-45_01_d", "20240201093000_b", "2024-02-01_01_c", "2024-01-31_01_a", "2025-01-02_e"]
    {
        std::fs::write(
            dir.path().join(format!("{name}.sql")),
            format!("CREATE TABLE t_{} (id int);\n", &name[..4]),
        )
        .expect("write");
    }
    let folder = dir.path().to_str().unwrap();
    let versions = listed_versions(folder);
    assert_eq!(versions, ["2024-01-31_01", "2024-02-01_01", "20240201093000", "2024-13-45_01", "2025-01-02"]);
    let report = json(&["check", folder, "--dialect", "mssql", "--format", "json"]);
    let notes: Vec<&str> = report["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert!(notes.iter().any(|note| note.contains("`2024-13-45` is no calendar date")), "{notes:?}");
}
