//! An audit of a one-file window over a long history: release A holds a generated
//! PostgreSQL history of 50k files, release B the same and one migration more;
//! `audit` replays A's history and judges B's one new file. Issue 15 asks within
//! 3 s.
//!
//! `cargo bench --bench audit` (`ROLLSAFE_BENCH_AUDIT_HISTORY=N` changes the
//! history's length).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a benchmark fails loudly

use rollsafe::analysis::{Options, audit};
use rollsafe::sql::Dialect;

mod common;
use common::{history_migration, median_and_min, ms, write_folder};

fn main() {
    let count: usize =
        std::env::var("ROLLSAFE_BENCH_AUDIT_HISTORY").ok().and_then(|v| v.parse().ok()).unwrap_or(50_000);
    let releases = tempfile::tempdir().expect("tempdir");
    let (older, newer) = (releases.path().join("a"), releases.path().join("b"));
    for release in [&older, &newer] {
        std::fs::create_dir(release).expect("mkdir");
    }
    let bytes = write_folder(&older, count, history_migration);
    write_folder(&newer, count + 1, history_migration);

    let options = Options::new(Some(Dialect::Postgres));
    let mut window = 0;
    let (median, min) = median_and_min(3, || {
        let analysis = audit(&older, &newer, &options).expect("audit");
        window = analysis.files.len();
    });
    assert_eq!(window, 1, "the window is B's one new file");
    println!(
        "audit: a one-file window over a {count}-file history ({:.1} MB): median {:.0} ms, min {:.0} ms",
        bytes as f64 / 1e6,
        ms(median),
        ms(min)
    );
}
