//! End-to-end throughput on generated migrations: discover, split, parse, replay
//! and classify a folder of PostgreSQL migrations with `check` (every file judged
//! against the schema before it). Prints MB/s and statements/s, median of runs.
//!
//! `cargo bench` (set `ROLLSAFE_BENCH_MIGRATIONS` to change the size).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a benchmark fails loudly

use std::fmt::Write;
use std::time::{Duration, Instant};

use rollsafe::analysis::{Options, check};
use rollsafe::sql::Dialect;

/// One realistic migration: new table, function with a dollar-quoted body, view,
/// indexes, column changes, a backfill and seed data.
fn migration(n: usize) -> String {
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

fn main() {
    let count: usize =
        std::env::var("ROLLSAFE_BENCH_MIGRATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bytes = 0;
    for n in 1..=count {
        let sql = migration(n);
        bytes += sql.len();
        std::fs::write(dir.path().join(format!("{n}_batch.sql")), sql).expect("write");
    }
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
