//! Growth on long histories: `check` of generated PostgreSQL histories of 8k and
//! 32k files (every object named after its migration, so nothing collides), each
//! file judged against the schema of every file before it. Prints the time per
//! byte of each size and their ratio: linear growth keeps it near 1 (issue 15 asks
//! at most 1.15).
//!
//! `cargo bench --bench history` (`ROLLSAFE_BENCH_HISTORIES=2000,8000` changes the
//! sizes). `cargo bench --bench history -- --write DIR COUNT` only writes a history
//! of COUNT files to DIR, to time the binary on it (hyperfine).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a benchmark fails loudly

use std::fmt::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use rollsafe::analysis::{Options, check};
use rollsafe::sql::Dialect;

mod common;
use common::{migration, write_folder};

/// A migration of a long history: the throughput benchmark's, and later on it
/// retires some of what older ones made (indexes dropped and recreated unique,
/// tables renamed, every tenth dropped), so the schema grows with the history, as
/// real ones do, while every kind of change stays in play.
fn history_migration(n: usize) -> String {
    let mut sql = migration(n);
    if let Some(old) = n.checked_sub(10).filter(|old| *old > 0) {
        let _ = write!(
            sql,
            "DROP INDEX account_{old}_owner_idx;\n\
             CREATE UNIQUE INDEX account_{old}_owner_email_idx ON account_{old} (owner_id, email);\n\
             DROP VIEW active_account_{old};\n\
             ALTER TABLE account_{old} RENAME TO archived_account_{old};\n"
        );
    }
    if let Some(old) = n.checked_sub(20).filter(|old| *old > 0 && old % 10 == 0) {
        let _ = writeln!(sql, "DROP TABLE archived_account_{old};");
    }
    sql
}

/// Median and minimum of `runs` checks of `dir`.
fn time_check(dir: &Path, runs: usize) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            check(dir, &Options::new(Some(Dialect::Postgres))).expect("check");
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], times[0])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|arg| arg == "--write") {
        let dir = Path::new(&args[at + 1]);
        let count: usize = args[at + 2].parse().expect("COUNT");
        std::fs::create_dir_all(dir).expect("mkdir");
        let bytes = write_folder(dir, count, history_migration);
        println!("{count} migrations, {bytes} bytes in {}", dir.display());
        return;
    }
    let sizes: Vec<usize> = std::env::var("ROLLSAFE_BENCH_HISTORIES")
        .unwrap_or_else(|_| "8000,32000".into())
        .split(',')
        .map(|size| size.trim().parse().expect("a size"))
        .collect();
    let mut per_byte = Vec::new();
    for count in sizes {
        let dir = tempfile::tempdir().expect("tempdir");
        let bytes = write_folder(dir.path(), count, history_migration);
        let (median, min) = time_check(dir.path(), 3);
        let nanos = median.as_secs_f64() * 1e9 / bytes as f64;
        per_byte.push(nanos);
        println!(
            "history: {count} migrations, {:.2} MB: median {:.0} ms, min {:.0} ms, {nanos:.1} ns/byte",
            bytes as f64 / 1e6,
            median.as_secs_f64() * 1000.0,
            min.as_secs_f64() * 1000.0,
        );
    }
    if let (Some(first), Some(last)) = (per_byte.first(), per_byte.last()) {
        println!("history: time per byte, largest over smallest: {:.2}x", last / first);
    }
}
