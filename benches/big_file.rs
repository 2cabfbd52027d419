//! One big file: `check` of a single PostgreSQL migration of many megabytes and
//! its JSON report, in two kinds: schema changes (the throughput benchmark's
//! migrations one after another in one file) and bulk data (INSERTs of 5,000 rows
//! each). Prints MB/s and the peak memory of each check and report, in a process
//! of its own, over what the process held before it, as a multiple of the file's
//! size beside the goal (issues 12 and 15: at most 4x the file; Linux only).
//!
//! `cargo bench --bench big_file` (`ROLLSAFE_BENCH_BIG_MB=N` changes the size,
//! 20 MB by default). `cargo bench --bench big_file -- --write DIR MB` only writes
//! both files to DIR, to time the binary on them (`/usr/bin/time -v`).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a benchmark fails loudly

use std::path::{Path, PathBuf};

use rollsafe::analysis::{Options, check};
use rollsafe::report::{self, Format, Style};
use rollsafe::sql::Dialect;

mod common;
use common::{bulk_insert, median_and_min, migration, ms, peak_memory, reset_peak_memory};

/// Rows per INSERT of the bulk data file.
const ROWS: usize = 5_000;

/// The most memory a check and its report may hold, as a multiple of the file.
const GOAL: f64 = 4.0;

/// Writes a file of about `megabytes` MB made of `piece(1)`, `piece(2)`, … into
/// a folder of its own under `dir` (a check reads every migration of a folder).
fn write_big(dir: &Path, kind: &str, megabytes: usize, piece: impl Fn(usize) -> String) -> PathBuf {
    let mut sql = String::new();
    let mut n = 1;
    while sql.len() < megabytes * 1_000_000 {
        sql += &piece(n);
        n += 1;
    }
    let folder = dir.join(kind);
    std::fs::create_dir_all(&folder).expect("mkdir");
    let path = folder.join("20240101000000_big.sql");
    std::fs::write(&path, sql).expect("write");
    path
}

/// The schema-change file and the bulk-data file, each in a folder of its own.
fn write_both(dir: &Path, megabytes: usize) -> [(&'static str, PathBuf); 2] {
    [
        ("schema changes", write_big(dir, "schema", megabytes, migration)),
        ("bulk data", write_big(dir, "seed", megabytes, |n| bulk_insert(n, ROWS))),
    ]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|arg| arg == "--write") {
        let dir = Path::new(&args[at + 1]);
        let megabytes: usize = args[at + 2].parse().expect("MB");
        for (kind, path) in write_both(dir, megabytes) {
            println!("{kind}: {}", path.display());
        }
        return;
    }
    // Each file is checked in a process of its own: memory one check freed stays
    // with the process and would hide the next one's peak.
    if let Some(at) = args.iter().position(|arg| arg == "--check") {
        check_one(&args[at + 1], Path::new(&args[at + 2]));
        return;
    }
    let megabytes: usize =
        std::env::var("ROLLSAFE_BENCH_BIG_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let dir = tempfile::tempdir().expect("tempdir");
    for (kind, path) in write_both(dir.path(), megabytes) {
        let status = std::process::Command::new(std::env::current_exe().expect("this benchmark"))
            .arg("--check")
            .arg(kind)
            .arg(&path)
            .status()
            .expect("run the check");
        assert!(status.success(), "checking the {kind} file failed");
    }
}

/// Checks the big file at `path`, of `kind`, three times, writing its JSON
/// report as `check --format json` does (to nowhere), and prints the times and
/// the peak memory of the checks over what the process held before them.
fn check_one(kind: &str, path: &Path) {
    let size = std::fs::metadata(path).expect("stat").len() as f64;
    let options = Options::new(Some(Dialect::Postgres));
    let style = Style { color: false, width: 100 };
    reset_peak_memory();
    let before = peak_memory();
    let (median, min) = median_and_min(3, || {
        let analysis = check(path, &options).expect("check");
        report::write(&analysis, Format::Json, kind, style, &mut std::io::sink()).expect("report");
    });
    let peak = match (before, peak_memory()) {
        (Some(before), Some(after)) => {
            let held = after.saturating_sub(before) as f64;
            let ratio = held / size;
            let verdict = if ratio <= GOAL { "within" } else { "over" };
            format!(
                "peak memory {:.0} MB over the process's, {ratio:.1}x the file ({verdict} the goal of {GOAL}x)",
                held / 1e6
            )
        }
        _ => "peak memory not measured here".to_owned(),
    };
    println!(
        "big file, {kind}: {:.1} MB: median {:.0} ms, min {:.0} ms, {:.1} MB/s; {peak}",
        size / 1e6,
        ms(median),
        ms(min),
        size / 1e6 / median.as_secs_f64()
    );
}
