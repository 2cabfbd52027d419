//! One big file: `check` of a single PostgreSQL migration of many megabytes and
//! its JSON report, in three kinds: schema changes (the throughput benchmark's
//! migrations one after another in one file), bulk data (INSERTs of 5,000 rows
//! each) and one statement (a single INSERT of all the file's rows, as in a
//! dump). Prints MB/s, the size of the report and the peak memory of each check
//! and report, in a process of its own, over what the process held before it, as
//! a multiple of the file's size beside the goal (issues 12 and 15: at most 4x
//! the file; Linux only).
//!
//! `cargo bench --bench big_file` (`ROLLSAFE_BENCH_BIG_MB=N` changes the size,
//! 20 MB by default; `ROLLSAFE_BENCH_BIG_FORMATS=all`, or a list such as
//! `json,human`, writes those reports instead of the JSON one, each in a process
//! of its own; `ROLLSAFE_BENCH_BIG_RUNS=N` times N checks, 3 by default).
//! `cargo bench --bench big_file -- --write DIR MB` only writes the three files to
//! DIR, to time the binary on them (`/usr/bin/time -v`).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a benchmark fails loudly

use std::path::{Path, PathBuf};

use clap::ValueEnum;
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

/// The schema-change file, the bulk-data file and a file of one INSERT of all
/// its rows (a dump's), each in a folder of its own.
fn write_all(dir: &Path, megabytes: usize) -> [(&'static str, PathBuf); 3] {
    // As many rows as make the size: one INSERT of a single row is not much
    // longer than a row (one of 1,000 rows gives the bytes a row takes).
    let row_bytes = bulk_insert(1, 1_000).len() / 1_000;
    let one_statement_rows = (megabytes * 1_000_000).div_ceil(row_bytes);
    [
        ("schema changes", write_big(dir, "schema", megabytes, migration)),
        ("bulk data", write_big(dir, "seed", megabytes, |n| bulk_insert(n, ROWS))),
        ("one statement", write_big(dir, "dump", megabytes, |n| bulk_insert(n, one_statement_rows))),
    ]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|arg| arg == "--write") {
        let dir = Path::new(&args[at + 1]);
        let megabytes: usize = args[at + 2].parse().expect("MB");
        for (kind, path) in write_all(dir, megabytes) {
            println!("{kind}: {}", path.display());
        }
        return;
    }
    // Each file is checked in a process of its own, once per format: memory one
    // check freed stays with the process and would hide the next one's peak.
    if let Some(at) = args.iter().position(|arg| arg == "--check") {
        let format = Format::from_str(&args[at + 2], true).expect("a format");
        check_one(&args[at + 1], format, Path::new(&args[at + 3]));
        return;
    }
    let megabytes: usize = setting("ROLLSAFE_BENCH_BIG_MB").unwrap_or(20);
    let formats = match std::env::var("ROLLSAFE_BENCH_BIG_FORMATS") {
        Ok(all) if all == "all" => Format::value_variants().to_vec(),
        Ok(named) => {
            named.split(',').map(|name| Format::from_str(name.trim(), true).expect("a format")).collect()
        }
        Err(_) => vec![Format::Json],
    };
    let dir = tempfile::tempdir().expect("tempdir");
    for (kind, path) in write_all(dir.path(), megabytes) {
        for format in &formats {
            let name = format.to_possible_value().expect("a named format").get_name().to_owned();
            let status = std::process::Command::new(std::env::current_exe().expect("this benchmark"))
                .arg("--check")
                .arg(kind)
                .arg(name)
                .arg(&path)
                .status()
                .expect("run the check");
            assert!(status.success(), "checking the {kind} file failed");
        }
    }
}

/// A number from the environment variable `name`, when it holds one.
fn setting(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// Counts the bytes of a report, writing them nowhere.
#[derive(Default)]
struct Counted(usize);

impl std::io::Write for Counted {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Checks the big file at `path`, of `kind`, three times, writing its report in
/// `format` as `check --format` does (to nowhere, counting its bytes), and prints
/// the times, the report's size and the peak memory of the checks over what the
/// process held before them.
fn check_one(kind: &str, format: Format, path: &Path) {
    let size = std::fs::metadata(path).expect("stat").len() as f64;
    let options = Options::new(Some(Dialect::Postgres));
    let style = Style { color: false, width: 100 };
    reset_peak_memory();
    let before = peak_memory();
    let mut written = Counted::default();
    let (median, min) = median_and_min(setting("ROLLSAFE_BENCH_BIG_RUNS").unwrap_or(3), || {
        let analysis = check(path, &options).expect("check");
        written = Counted::default();
        report::write(&analysis, format, kind, style, &mut written).expect("report");
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
        "big file, {kind}, {format:?} report: {:.1} MB: median {:.0} ms, min {:.0} ms, {:.1} MB/s; report {} kB; {peak}",
        size / 1e6,
        ms(median),
        ms(min),
        size / 1e6 / median.as_secs_f64(),
        written.0.div_ceil(1000)
    );
}
