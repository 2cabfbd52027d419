//! Generated PostgreSQL migrations the benchmarks share.

// Each benchmark is its own crate and uses some of these helpers, never all.
#![allow(dead_code)]

use std::fmt::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// One realistic migration: new table, function with a dollar-quoted body, view,
/// indexes, column changes, a backfill and seed data.
pub fn migration(n: usize) -> String {
    let mut sql = String::new();
    let previous = n.saturating_sub(1);
    let _ = write!(
        sql,
        "-- Migration {n}: accounts, their audit trail and reporting.\n\
         CREATE TABLE account_{n} (\n    id bigserial PRIMARY KEY,\n    owner_id bigint NOT NULL,\n    \
         email varchar(320) NOT NULL,\n    status text NOT NULL DEFAULT 'active',\n    \
         created_at timestamptz NOT NULL DEFAULT now()\n);\n\
         CREATE INDEX account_{n}_owner_idx ON account_{n} (owner_id);\n\
         ALTER TABLE account_{n} ADD CONSTRAINT account_{n}_email_key UNIQUE (email);\n\
         CREATE OR REPLACE FUNCTION touch_{n}() RETURNS trigger AS $body$\nBEGIN\n    \
         NEW.created_at = now(); -- keep it fresh\n    RETURN NEW;\nEND;\n$body$ LANGUAGE plpgsql;\n\
         CREATE VIEW active_account_{n} AS SELECT id, owner_id, email FROM account_{n} WHERE status = 'active';\n\
         ALTER TABLE account_{previous} ADD COLUMN note_{n} text;\n\
         UPDATE account_{previous} SET note_{n} = 'migrated' WHERE status = 'active' AND id > {n};\n\
         ALTER TABLE account_{previous} ALTER COLUMN email TYPE varchar(400);\n\
         INSERT INTO account_{n} (owner_id, email) VALUES ({n}, 'owner{n}@example.com'), ({n}, 'x{n}@example.com');\n\
         COMMENT ON TABLE account_{n} IS 'accounts, batch {n}';\n"
    );
    sql
}

/// A migration of a long history: the throughput benchmark's, and later on it
/// retires some of what older ones made (indexes dropped and recreated unique,
/// tables renamed, every tenth dropped), so the schema grows with the history, as
/// real ones do, while every kind of change stays in play.
pub fn history_migration(n: usize) -> String {
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

/// Writes migrations 1..=`count` made by `make` into `dir` as `<n>_batch.sql`, in
/// the order a timestamp layout reads them; returns how many bytes they hold.
pub fn write_folder(dir: &Path, count: usize, make: impl Fn(usize) -> String) -> usize {
    let mut bytes = 0;
    for n in 1..=count {
        let sql = make(n);
        bytes += sql.len();
        std::fs::write(dir.join(format!("{n}_batch.sql")), sql).expect("write");
    }
    bytes
}

/// One bulk data statement: `rows` rows of seed data for `account_{n}`, as a
/// reference-data migration or a dump holds them.
pub fn bulk_insert(n: usize, rows: usize) -> String {
    let mut sql = format!("INSERT INTO account_{n} (owner_id, email, status, created_at) VALUES\n");
    for row in 0..rows {
        let separator = if row + 1 == rows { ";\n" } else { ",\n" };
        let _ = write!(
            sql,
            "    ({row}, 'user{row}.{n}@example.com', 'active', '2024-01-{:02} 10:00:00+00'){separator}",
            row % 28 + 1
        );
    }
    sql
}

/// Median and minimum of `runs` calls of `run`.
pub fn median_and_min(runs: usize, mut run: impl FnMut()) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], times[0])
}

/// Milliseconds, for printing.
pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The most memory this process has held since [`reset_peak_memory`], in bytes
/// (Linux's VmHWM); `None` where it cannot be read.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

/// Starts [`peak_memory`] afresh from what the process holds now (Linux).
pub fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// One source file of a release's code, about 2 KB, querying `ledger_<n % tables>`:
/// most name nothing a window breaks; every 500th also reads
/// `legacy_flag_<table>` and calls `settle_<table>`. Its path and text.
pub fn code_file(n: usize, tables: usize) -> (String, String) {
    let table = n % tables;
    let mut text =
        format!("import {{ db }} from '../db';\n\n/** Service {n}: reports over ledger entries. */\n");
    for f in 0..12 {
        let _ = writeln!(
            text,
            "export async function report{n}x{f}(accountId: number, since: Date): Promise<Row[]> {{\n  const rows = await db.query('SELECT id, amount_cents FROM ledger_{table} WHERE account_id = $1', [accountId]);\n  return rows.filter((row) => row.amountCents > {f});\n}}"
        );
    }
    if n % 500 == 0 {
        let _ = writeln!(
            text,
            "const flag = await db.query('SELECT legacy_flag_{table}, settle_{table}($1) FROM ledger_{table}');"
        );
    }
    let folder = ["services", "reports", "api/routes", "jobs"][n % 4];
    (format!("src/{folder}/module_{n}.ts"), text)
}

// Git for the benchmarks' repositories: the tests' own helper, one definition.
#[path = "../../tests/support/repo.rs"]
mod repo;
#[allow(unused_imports)] // as with the rest of this module, each benchmark uses some of it
pub use repo::git;
