//! Helpers the CLI test files share.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

use assert_cmd::Command;
use serde_json::Value;

/// `rollsafe audit --format json` of a window: release A holds `given`, release B
/// holds `given` and then `window`, both in `dialect`.
pub fn audit(dialect: &str, given: &str, window: &str) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let (from, to) = (dir.path().join("release-a"), dir.path().join("release-b"));
    for folder in [&from, &to] {
        std::fs::create_dir_all(folder).expect("mkdir");
        std::fs::write(folder.join("1_base.sql"), given).expect("write");
    }
    std::fs::write(to.join("2_change.sql"), window).expect("write");
    audit_folders(dialect, &from, &to)
}

/// `rollsafe audit --format json --dialect DIALECT --from FROM --to TO`, which
/// must run (status 0 or 1).
pub fn audit_folders(dialect: &str, from: &std::path::Path, to: &std::path::Path) -> Value {
    let output = Command::cargo_bin("rollsafe")
        .expect("binary")
        .args(["audit", "--format", "json", "--dialect", dialect, "--from"])
        .arg(from)
        .arg("--to")
        .arg(to)
        .output()
        .expect("run");
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("json")
}
