//! Reading release A's code: an audit of a window that breaks 60 names (columns,
//! tables, functions) with A's code a generated tree of 10,000 source files
//! (TypeScript services, SQL query files, Prisma models, a `node_modules` folder
//! and migrations that are not code), from a folder and from a git revision. Each
//! audit is timed with and without the code (git: once as committed, every blob a
//! loose object, and once packed by `git gc`); the difference is the evidence
//! stage: listing, reading every file once and scanning it once for every name.
//! Issue 9 asks for the search to finish within 1 s on a 2-core machine.
//!
//! `cargo bench --bench evidence` (`ROLLSAFE_BENCH_CODE_FILES=20000` changes the size).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a benchmark fails loudly

use std::fmt::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use rollsafe::analysis::{Options, audit};
use rollsafe::evidence::CodeSource;
use rollsafe::sql::Dialect;

mod common;
use common::{code_file, git};

/// Tables of A's schema; the window drops a column of each and every tenth table.
const TABLES: usize = 40;

fn schema() -> String {
    let mut sql = String::new();
    for t in 0..TABLES {
        let _ = writeln!(
            sql,
            "CREATE TABLE ledger_{t} (id bigint PRIMARY KEY, account_id bigint, amount_cents bigint, memo_{t} text, legacy_flag_{t} boolean);"
        );
        let _ = writeln!(
            sql,
            "CREATE FUNCTION settle_{t}(bigint) RETURNS bigint AS $$ SELECT 1 $$ LANGUAGE sql;"
        );
    }
    sql
}

fn window() -> String {
    let mut sql = String::new();
    for t in 0..TABLES {
        let _ = writeln!(sql, "ALTER TABLE ledger_{t} DROP COLUMN legacy_flag_{t};");
        if t % 10 == 0 {
            let _ = writeln!(sql, "DROP FUNCTION settle_{t}(bigint);");
            let _ = writeln!(sql, "ALTER TABLE ledger_{t} RENAME COLUMN memo_{t} TO note_{t};");
        }
    }
    sql
}

fn write(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A's code: `files` source files, a Prisma schema, query files, vendored code and
/// migrations of another dialect; returns its size in bytes.
fn write_code(root: &Path, files: usize) -> usize {
    let mut bytes = 0;
    for n in 0..files {
        let (path, text) = code_file(n, TABLES);
        bytes += text.len();
        write(root, &path, &text);
    }
    let mut prisma = String::new();
    for t in 0..TABLES {
        let _ = writeln!(
            prisma,
            "model Ledger{t} {{\n  id BigInt @id\n  memo{t} String? @map(\"memo_{t}\")\n\n  @@map(\"ledger_{t}\")\n}}\n"
        );
    }
    write(root, "prisma/schema.prisma", &prisma);
    for n in 0..200 {
        write(root, &format!("node_modules/pkg{n}/index.js"), "module.exports = {};\n");
        write(
            root,
            &format!("db/mysql/migrations/{n}_x.sql"),
            "ALTER TABLE ledger_1 DROP COLUMN legacy_flag_1;\n",
        );
    }
    bytes
}

/// Median and minimum of `runs` audits.
fn time(runs: usize, mut audit: impl FnMut()) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            audit();
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], times[0])
}

fn main() {
    let files: usize =
        std::env::var("ROLLSAFE_BENCH_CODE_FILES").map_or(10_000, |n| n.parse().expect("a count"));
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "a/1_schema.sql", &schema());
    write(root, "b/1_schema.sql", &schema());
    write(root, "b/2_window.sql", &window());
    let bytes = write_code(&root.join("code"), files);
    git(&root.join("code"), &["init", "-q"]);
    git(&root.join("code"), &["add", "-A"]);
    git(&root.join("code"), &["commit", "-q", "-m", "release A"]);

    let (a, b) = (root.join("a"), root.join("b"));
    let run = |code: Option<CodeSource>| {
        let mut options = Options::new(Some(Dialect::Postgres));
        options.code = code;
        let analysis = audit(&a, &b, &options).expect("audit");
        assert!(options.code.is_none() || analysis.code.as_ref().is_some_and(|c| c.files_read > files));
    };
    let (schema_only, _) = time(5, || run(None));
    let in_git = CodeSource::Git {
        repository: root.join("code"),
        revision: "HEAD".into(),
        label: "HEAD".into(),
        migrations: Vec::new(),
    };
    let in_folder = CodeSource::Folder { root: root.join("code"), migrations: Vec::new() };
    println!(
        "evidence: {files} code files, {:.1} MB, {} names broken; schema-only audit {:.0} ms",
        bytes as f64 / 1e6,
        TABLES + TABLES / 10 * 2,
        schema_only.as_secs_f64() * 1000.0
    );
    let measure = |kind: &str, source: &CodeSource| {
        let (median, min) = time(5, || run(Some(source.clone())));
        println!(
            "evidence: from {kind}: audit median {:.0} ms, min {:.0} ms; the evidence stage about {:.0} ms",
            median.as_secs_f64() * 1000.0,
            min.as_secs_f64() * 1000.0,
            median.saturating_sub(schema_only).as_secs_f64() * 1000.0
        );
    };
    measure("a folder", &in_folder);
    measure("git, loose objects (a fresh commit)", &in_git);
    git(&root.join("code"), &["gc", "-q"]);
    measure("git, packed (after git gc)", &in_git);
}
