//! Generated PostgreSQL migrations the benchmarks share.

use std::fmt::Write;
use std::path::Path;

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
