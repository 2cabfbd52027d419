//! Temporary git repositories for CLI tests, and running rollsafe in them
//! (`#[path = "support/repo.rs"] mod repo;` in the test files that use them).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly
#![allow(dead_code)] // each test file that includes this uses some of it

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// Runs git in `dir` (test and benchmark set-up only; rollsafe itself never runs
/// git). `gc.auto=0`: a commit of thousands of files would otherwise start a
/// background `gc --auto`, packing objects a benchmark times as loose and holding
/// the lock its own `git gc` needs.
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
            "-c",
            "gc.auto=0",
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

/// Makes `dir` a repository with one commit of everything in it.
pub fn commit_all(dir: &Path) {
    git(dir, &["init", "-q"]);
    commit(dir, "all");
}

pub fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

/// Commits everything in `dir`, a repository made on first use, as release `tag`.
pub fn release(dir: &Path, tag: &str) {
    if !dir.join(".git").exists() {
        git(dir, &["init", "-q"]);
    }
    commit(dir, tag);
    git(dir, &["tag", tag]);
}

/// The shared release bundles (`../shared/releases`), beside the project.
pub const RELEASES: &str = "../shared/releases";

/// A clone of the release bundle `bundle` (e.g. `umami.bundle`) in a temporary
/// folder, at `repo` in it; `None` (said on stderr) where the releases are not
/// checked out. Panics in CI, where a missing folder would pass every test unread.
pub fn clone_release(bundle: &str) -> Option<tempfile::TempDir> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(RELEASES).join(bundle);
    if !path.is_file() {
        assert!(std::env::var_os("CI").is_none(), "{RELEASES} is missing, and CI is set");
        eprintln!("note: {RELEASES} is not checked out here; release test skipped");
        return None;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let bundle = path.canonicalize().expect("bundle");
    git(dir.path(), &["clone", "-q", bundle.to_str().expect("utf-8"), "repo"]);
    Some(dir)
}

/// Runs rollsafe in `dir`: its exit status, standard output and standard error.
pub fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::cargo_bin("rollsafe")
        .expect("binary")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run");
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.code(), text(&output.stdout), text(&output.stderr))
}

/// Runs rollsafe in `dir`: its exit status, its report as JSON (`Null` when it is
/// not JSON) and its standard error.
pub fn rollsafe(dir: &Path, args: &[&str]) -> (Option<i32>, Value, String) {
    let (status, stdout, stderr) = run(dir, args);
    (status, serde_json::from_str(&stdout).unwrap_or(Value::Null), stderr)
}
