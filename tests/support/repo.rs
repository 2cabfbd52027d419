//! Temporary git repositories for CLI tests, and running rollsafe in them
//! (`#[path = "support/repo.rs"] mod repo;` in the test files that use them).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly
#![allow(dead_code)] // each test file that includes this uses some of it

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// Runs git in `dir` (test set-up only; rollsafe itself never runs git).
pub fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=rollsafe",
            "-c",
            "user.email=rollsafe@example.com",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
}

pub fn write(dir: &Path, file: &str, contents: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, contents).expect("write");
}

pub fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

/// Runs rollsafe in `dir`: its exit status, its report as JSON (`Null` when it is
/// not JSON) and its standard error.
pub fn rollsafe(dir: &Path, args: &[&str]) -> (Option<i32>, Value, String) {
    let output = Command::cargo_bin("rollsafe")
        .expect("binary")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run");
    let report = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (output.status.code(), report, String::from_utf8_lossy(&output.stderr).into_owned())
}
