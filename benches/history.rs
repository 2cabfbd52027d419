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

use std::path::Path;

use rollsafe::analysis::{Options, check};
use rollsafe::sql::Dialect;

mod common;
use common::{history_migration, median_and_min, write_folder};

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
        let (median, min) = median_and_min(3, || {
            check(dir.path(), &Options::new(Some(Dialect::Postgres))).expect("check");
        });
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
