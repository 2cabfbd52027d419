//! Every report format on the same fixture, as snapshots; SARIF validated against
//! the vendored SARIF 2.1.0 schema; GitLab fingerprints stable across line moves.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

use assert_cmd::Command;
use serde_json::Value;

const FROM: &str = "fixtures/shop/release-1.4";
const TO: &str = "fixtures/shop/release-1.5";

/// Release 1.4's code: it reads `customers.name` and no longer `products.legacy_sku`.
const CODE: &str = "fixtures/shop/code-1.4";

fn audit(format: &str) -> String {
    audit_with(format, &[])
}

/// The audit with release 1.4's code read: the rename stays blocked, with where;
/// the dropped column loses data but breaks no code.
fn audit_with_code(format: &str) -> String {
    audit_with(format, &["--code", CODE, "--color", "never"])
}

fn audit_with(format: &str, more: &[&str]) -> String {
    let output = Command::cargo_bin("rollsafe")
        .expect("binary")
        .args(["audit", "--from", FROM, "--to", TO, "--format", format])
        .args(more)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

#[test]
fn sarif_report() {
    insta::assert_snapshot!(audit("sarif"));
}

#[test]
fn github_report() {
    insta::assert_snapshot!(audit("github"));
}

#[test]
fn gitlab_report() {
    insta::assert_snapshot!(audit("gitlab"));
}

#[test]
fn markdown_report() {
    insta::assert_snapshot!(audit("markdown"));
}

#[test]
fn every_format_says_where_a_s_code_uses_what_breaks() {
    for format in ["human", "json", "gcc", "sarif", "github", "gitlab", "markdown"] {
        insta::assert_snapshot!(format!("with_code_{format}"), audit_with_code(format));
    }
}

#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/schemas/sarif-2.1.0.json").expect("schema"))
            .expect("json");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let with_code: Value = serde_json::from_str(&audit_with_code("sarif")).expect("sarif is json");
    assert!(validator.is_valid(&with_code), "relatedLocations are valid SARIF");
    let related = &with_code["runs"][0]["results"][0]["relatedLocations"][0]["physicalLocation"];
    assert_eq!(related["artifactLocation"]["uri"], "fixtures/shop/code-1.4/src/customers.ts");
    let log: Value = serde_json::from_str(&audit("sarif")).expect("sarif is json");
    let errors: Vec<String> =
        validator.iter_errors(&log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "rollsafe");
    // Three findings, and the down statement whose way back loses data.
    assert_eq!(run["results"].as_array().map(Vec::len), Some(4));
    assert_eq!(run["results"][3]["ruleId"], "way-back");
    assert_eq!(run["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"], 3);

    // The validator does reject what the schema forbids.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn gitlab_fingerprints_survive_line_moves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |contents: &str| -> Value {
        std::fs::write(dir.path().join("1_x.sql"), contents).expect("write");
        let output = Command::cargo_bin("rollsafe")
            .expect("binary")
            .args(["check", "--format", "gitlab"])
            .arg(dir.path())
            .output()
            .expect("run");
        serde_json::from_slice(&output.stdout).expect("json")
    };
    let sql = "ALTER TABLE users DROP COLUMN email;\nALTER TABLE users DROP COLUMN email;\n";
    let before = run(sql);
    let after = run(&format!("-- moved down\n\n{sql}"));
    assert_eq!(before[0]["fingerprint"], after[0]["fingerprint"]);
    assert_ne!(before[0]["location"]["lines"]["begin"], after[0]["location"]["lines"]["begin"]);
    assert_ne!(before[0]["fingerprint"], before[1]["fingerprint"], "repeated statements stay distinct");
}

/// A file of a thousand INSERTs of seed data into one table: JSON and Markdown
/// list them once, with their count and where they end, so that the report stays
/// proportionate; statements that say something else break the run, and the
/// summary still counts every statement.
#[test]
fn identical_safe_statements_one_after_another_are_listed_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sql = String::from("CREATE TABLE t (a int);\nCREATE TABLE u (a int);\n");
    for row in 0..1000 {
        sql += &format!("INSERT INTO t (a) VALUES ({row});\n");
    }
    sql += "INSERT INTO u (a) VALUES (1);\nINSERT INTO t (a) VALUES (1);\n";
    std::fs::write(dir.path().join("1_seed.sql"), sql).expect("write");
    let report = |format: &str| {
        let output = Command::cargo_bin("rollsafe")
            .expect("binary")
            .args(["check", "--format", format])
            .arg(dir.path())
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).expect("utf-8")
    };
    let json: Value = serde_json::from_str(&report("json")).expect("json");
    assert_eq!(json["summary"]["changes"], 1004);
    let changes = json["changes"].as_array().expect("changes");
    let listed: Vec<(u64, u64, u64)> = changes
        .iter()
        .map(|c| {
            (c["line"].as_u64().unwrap(), c["end_line"].as_u64().unwrap(), c["statements"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(listed, [(1, 1, 1), (2, 2, 1), (3, 1002, 1000), (1003, 1003, 1), (1004, 1004, 1)]);
    assert_eq!(changes[2]["message"], "inserts rows into `t`");

    let markdown = report("markdown");
    assert!(markdown.contains("1004 safe change(s)"), "{markdown}");
    assert!(
        markdown.contains("`insert`: inserts rows into `t` (1000 statements, to line 1002)"),
        "{markdown}"
    );
    assert!(markdown.len() < 2_000, "{} bytes", markdown.len());
}
