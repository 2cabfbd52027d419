//! The run's table of non-agreeing windows and its closing lines.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use miette::{IntoDiagnostic, Result};

use crate::harness::{FolderRun, Outcome, Window};

/// Every folder's windows of one engine's run.
#[derive(Debug, Default)]
pub struct Run {
    pub engine: String,
    pub folders: Vec<FolderRun>,
}

impl Run {
    pub fn windows(&self) -> impl Iterator<Item = &Window> {
        self.folders.iter().flat_map(|folder| &folder.windows)
    }

    /// How many windows came out each way.
    pub fn tally(&self) -> BTreeMap<Outcome, usize> {
        let mut tally = BTreeMap::new();
        for window in self.windows() {
            *tally.entry(window.outcome).or_insert(0) += 1;
        }
        tally
    }

    /// Writes the table of every window that does not agree to
    /// `<folder>/<engine>.tsv`, one row per broken probe, and returns its path.
    pub fn write_table(&self, folder: &Path) -> Result<PathBuf> {
        let mut table = String::from(
            "folder\tfile\toutcome\trollsafe breaking rules\trollsafe unknown rules\tprobe\terror\n",
        );
        for window in self.windows().filter(|w| !w.outcome.agrees()) {
            let rows: Vec<(String, String)> = match (&window.refusal, window.breaks.is_empty()) {
                (Some(refusal), _) => vec![(String::new(), refusal.clone())],
                (None, true) => vec![(String::new(), String::new())],
                (None, false) => {
                    window.breaks.iter().map(|b| (b.probe.sql.clone(), b.error.clone())).collect()
                }
            };
            for (probe, error) in rows {
                let cells = [
                    window.folder.as_str(),
                    window.file.as_str(),
                    window.outcome.label(),
                    &window.breaking_rules.join(" "),
                    &window.unknown_rules.join(" "),
                    &probe,
                    &error,
                ];
                let cells: Vec<String> = cells.iter().map(|cell| one_line(cell)).collect();
                table.push_str(&cells.join("\t"));
                table.push('\n');
            }
        }
        std::fs::create_dir_all(folder).into_diagnostic()?;
        let path = folder.join(format!("{}.tsv", self.engine));
        std::fs::write(&path, table).into_diagnostic()?;
        Ok(path)
    }

    /// The closing lines: the tally, then agreement over the windows the oracle
    /// can judge, then what it could not.
    pub fn summary(&self) -> String {
        let tally = self.tally();
        let count = |outcome| tally.get(&outcome).copied().unwrap_or(0);
        let judged: usize = tally.iter().filter(|(o, _)| o.judged()).map(|(_, n)| n).sum();
        let agreeing = count(Outcome::AgreeBreaks) + count(Outcome::AgreeFine);
        let probes: usize = self.folders.iter().map(|f| f.probes_run).sum();
        let failing: usize = self.folders.iter().map(|f| f.probes_failing_before).sum();
        let mut out = String::new();
        let windows = self.windows().count();
        let _ = writeln!(out, "{}: {windows} windows in {} folders", self.engine, self.folders.len());
        for (outcome, n) in &tally {
            let _ = writeln!(out, "  {}: {n}", outcome.label());
        }
        let _ = writeln!(out, "  probes run: {probes}, of which {failing} already failed on A's own schema");
        let percent = if judged == 0 { 0.0 } else { 100.0 * agreeing as f64 / judged as f64 };
        let _ = writeln!(out, "agreement: {agreeing}/{judged} windows ({percent:.1}%)");
        let _ = write!(
            out,
            "refused: {}, out of reach: {}, about a table or view the engine does not have: {}",
            count(Outcome::Refused),
            count(Outcome::OutOfReach),
            count(Outcome::NotOnEngine)
        );
        out
    }
}

/// A table cell: tabs and line breaks would split the row.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
