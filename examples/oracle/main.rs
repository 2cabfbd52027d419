//! The differential oracle: replays migrations folders on a real, throw-away
//! database engine and checks rollsafe's "A's code breaks" claims against what
//! the engine does to A's probes. Run it with `scripts/oracle ENGINE [FOLDER…]`.

mod catalog;
mod harness;
mod mariadb;
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

/// The corpus' migrations folders by dialect, one list with the comparison
/// scripts' (`scripts/corpus.py`).
const CORPUS_FOLDERS: &str = include_str!("../../scripts/corpus-folders.tsv");

/// The corpus folders of `dialect` (`postgres`, `mysql`, `sqlite`), as the list
/// names it.
fn corpus_folders(dialect: &str) -> Vec<&'static str> {
    CORPUS_FOLDERS
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once('\t'))
        .filter(|(of, _)| *of == dialect)
        .map(|(_, folder)| folder)
        .collect()
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: scripts/oracle sqlite|postgres|mariadb [FOLDER…]";
    let engine_name = args.next().ok_or_else(|| miette!("{usage}"))?;
    let named: Vec<PathBuf> = args.map(PathBuf::from).collect();
    let mut engine: Box<dyn Engine> = match engine_name.as_str() {
        "sqlite" => Box::new(sqlite::Sqlite::new()?),
        "postgres" => Box::new(postgres::Postgres::start()?),
        "mariadb" => Box::new(mariadb::Mariadb::start()?),
        other => return Err(miette!("unknown engine `{other}`; {usage}")),
    };
    let folders = if named.is_empty() {
        let corpus = Path::new(CORPUS)
            .canonicalize()
            .map_err(|error| miette!("the corpus is not at {CORPUS}: {error}"))?;
        let dialect = if engine_name == "mariadb" { "mysql" } else { engine_name.as_str() };
        corpus_folders(dialect).into_iter().map(|folder| corpus.join(folder)).collect()
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
