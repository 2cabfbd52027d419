//! A tiny file checked, as an editor's on-save hook or pre-commit runs it:
//! `rollsafe check FILE` of a one-statement migration in a folder of its own, the
//! whole process timed (start, read, judge, print JSON, exit), and the same check
//! through the library. Issue 15 asks within 5 ms.
//!
//! `cargo bench --bench editor` (`ROLLSAFE_BENCH_RUNS=N` changes the runs).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a benchmark fails loudly

use std::process::{Command, Stdio};

use rollsafe::analysis::{Options, check};
use rollsafe::sql::Dialect;

mod common;
use common::{median_and_min, ms};

const TINY: &str = "ALTER TABLE accounts ADD COLUMN nickname text;\n";

fn main() {
    let runs: usize = std::env::var("ROLLSAFE_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(101);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("20240101000000_nickname.sql");
    std::fs::write(&file, TINY).expect("write");

    let binary = env!("CARGO_BIN_EXE_rollsafe");
    let (median, min) = median_and_min(runs, || {
        let status = Command::new(binary)
            .args(["check", "--format", "json"])
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run rollsafe");
        assert!(status.code().is_some_and(|code| code < 2), "rollsafe check failed: {status}");
    });
    println!(
        "editor: `rollsafe check --format json` of a {}-byte file, whole process: median {:.2} ms, min {:.2} ms",
        TINY.len(),
        ms(median),
        ms(min)
    );

    let options = Options::new(Some(Dialect::Postgres));
    let (median, min) = median_and_min(runs, || {
        check(&file, &options).expect("check");
    });
    println!(
        "editor: the same check through the library: median {:.3} ms, min {:.3} ms",
        ms(median),
        ms(min)
    );
}
