//! End-to-end throughput on generated migrations: discover, split, parse, replay
//! and classify a folder of PostgreSQL migrations with `check` (every file judged
//! against the schema before it). Prints MB/s and statements/s, median of runs.
//!
//! `cargo bench` (set `ROLLSAFE_BENCH_MIGRATIONS` to change the size).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a benchmark fails loudly

use std::time::{Duration, Instant};

use rollsafe::analysis::{Options, check};
use rollsafe::sql::Dialect;

mod common;
use common::{migration, write_folder};

fn main() {
    let count: usize =
        std::env::var("ROLLSAFE_BENCH_MIGRATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = write_folder(dir.path(), count, migration);
    let mut times: Vec<Duration> = Vec::new();
    let mut statements = 0;
    for _ in 0..7 {
        let start = Instant::now();
        let analysis = check(dir.path(), &Options::new(Some(Dialect::Postgres))).expect("check");
        times.push(start.elapsed());
        statements = analysis.changes.len();
    }
    times.sort();
    let median = times[times.len() / 2].as_secs_f64();
    let megabytes = bytes as f64 / 1_000_000.0;
    println!(
        "check: {count} migrations, {megabytes:.2} MB, {statements} statements: median {:.1} ms, {:.1} MB/s, {:.0} statements/s (min {:.1} ms, max {:.1} ms)",
        median * 1000.0,
        megabytes / median,
        statements as f64 / median,
        times[0].as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0,
    );
}
