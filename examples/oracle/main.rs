//! The differential oracle: replays migrations folders on a real, throw-away
//! database engine and checks rollsafe's "A's code breaks" claims against what
//! the engine does to A's probes. Run it with `scripts/oracle ENGINE [FOLDER…]`.

mod catalog;
mod harness;
mod postgres;
mod report;
mod sqlite;

use std::path::{Path, PathBuf};
use std::time::Instant;

use miette::{Result, miette};

use crate::harness::{Engine, judge_folder};
use crate::report::Run;

/// The corpus, beside the worktree (read in place, never copied).
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");

/// The corpus' SQLite migrations folders.
const SQLITE_FOLDERS: &[&str] = &[
    "stonith404__pingvin-share/backend/prisma/migrations",
    "atuinsh__atuin/crates/atuin-ai/migrations",
    "atuinsh__atuin/crates/atuin-client/meta-migrations",
    "atuinsh__atuin/crates/atuin-client/migrations",
    "atuinsh__atuin/crates/atuin-client/record-migrations",
    "atuinsh__atuin/crates/atuin-kv/migrations",
    "atuinsh__atuin/crates/atuin-scripts/migrations",
    "atuinsh__atuin/crates/atuin-server-sqlite/migrations",
    "authelia__authelia/internal/storage/migrations/sqlite",
    "matrix-org__synapse/synapse/storage/schema/common",
    "matrix-org__synapse/synapse/storage/schema/main",
    "matrix-org__synapse/synapse/storage/schema/state",
    "temporalio__temporal/schema/sqlite/v3/temporal",
];

/// The corpus' PostgreSQL migrations folders (`POSTGRES_FOLDERS` of
/// `scripts/corpus.py`).
const POSTGRES_FOLDERS: &[&str] = &[
    "rust-lang__crates.io/migrations",
    "goharbor__harbor/make/migrations/postgresql",
    "langfuse__langfuse/packages/shared/prisma/migrations",
    "authelia__authelia/internal/storage/migrations/postgres",
    "mckaywrigley__chatbot-ui/supabase/migrations",
    "supabase__postgres/migrations/db/migrations",
    "MarquezProject__marquez/api/src/main/resources/marquez/db/migration",
    "OHDSI__WebAPI/src/main/resources/db/migration/postgresql",
    "DSpace__DSpace/dspace-api/src/main/resources/org/dspace/storage/rdbms/sqlmigration/postgres",
    "atuinsh__atuin/crates/atuin-server-postgres/migrations",
    "chef__chef-server/src/oc_erchef/schema",
    "chef__chef-server/src/oc_bifrost/schema",
];

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: scripts/oracle sqlite|postgres [FOLDER…]";
    let engine_name = args.next().ok_or_else(|| miette!("{usage}"))?;
    let named: Vec<PathBuf> = args.map(PathBuf::from).collect();
    let (mut engine, corpus_folders): (Box<dyn Engine>, &[&str]) = match engine_name.as_str() {
        "sqlite" => (Box::new(sqlite::Sqlite::new()?), SQLITE_FOLDERS),
        "postgres" => (Box::new(postgres::Postgres::start()?), POSTGRES_FOLDERS),
        other => return Err(miette!("unknown engine `{other}`; {usage}")),
    };
    let folders = if named.is_empty() {
        let corpus = Path::new(CORPUS)
            .canonicalize()
            .map_err(|error| miette!("the corpus is not at {CORPUS}: {error}"))?;
        corpus_folders.iter().map(|folder| corpus.join(folder)).collect()
    } else {
        named
    };
    let started = Instant::now();
    let mut run = Run { engine: engine_name, folders: Vec::new() };
    for folder in &folders {
        let folder_run = judge_folder(engine.as_mut(), folder)?;
        for assumption in &folder_run.assumed {
            println!("{}: created {assumption}", folder.display());
        }
        let refused = folder_run.windows.iter().filter(|w| w.refusal.is_some()).count();
        println!("{}: {} migrations, {refused} refused", folder.display(), folder_run.windows.len());
        run.folders.push(folder_run);
    }
    let table = run.write_table(&Path::new(env!("CARGO_MANIFEST_DIR")).join("target/oracle"))?;
    println!("table of the windows that do not agree: {}", table.display());
    println!("wall time: {:.1} s", started.elapsed().as_secs_f64());
    println!("{}", run.summary());
    Ok(())
}
