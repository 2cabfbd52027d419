//! Stage 5: the verdict. Can A's code run against the schema after the window, and
//! can the window's database changes be undone without losing data?

use serde::Serialize;

use crate::classify::{Change, Class};

/// Can the code be rolled back on its own?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeRollback {
    /// A's code runs against the schema after the window.
    Independent,
    /// At least one change breaks A's code.
    Blocked,
    /// The tool could not decide: some change is unknown.
    Review,
}

/// Can the database changes be undone without losing data?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DatabaseRollback {
    /// Every migration has a way back and nothing loses data.
    Reversible,
    /// Applying the window, or undoing it, destroys data.
    Lossy,
    /// The layout has no down migrations, or some are missing.
    NoDown,
}

impl CodeRollback {
    pub fn as_str(self) -> &'static str {
        match self {
            CodeRollback::Independent => "independent",
            CodeRollback::Blocked => "blocked",
            CodeRollback::Review => "review",
        }
    }
}

impl DatabaseRollback {
    pub fn as_str(self) -> &'static str {
        match self {
            DatabaseRollback::Reversible => "reversible",
            DatabaseRollback::Lossy => "lossy",
            DatabaseRollback::NoDown => "no-down",
        }
    }
}

/// What the way back (down/undo migrations) of the window looks like.
#[derive(Debug, Clone, Default)]
pub struct WayBack {
    /// Whether the layout has down migrations at all.
    pub layout_has_downs: bool,
    /// Forward migrations of the window without a way back.
    pub missing: Vec<String>,
    /// The down/undo migrations a database rollback runs, in that order.
    pub steps: Vec<WayBackStep>,
}

impl WayBack {
    /// Everything the way back destroys, with the step that destroys it.
    pub fn losses(&self) -> impl Iterator<Item = (&WayBackStep, &Loss)> {
        self.steps.iter().flat_map(|step| step.loses.iter().map(move |loss| (step, loss)))
    }
}

/// One down/undo migration a database rollback would run, and what it destroys.
#[derive(Debug, Clone, Serialize)]
pub struct WayBackStep {
    pub file: String,
    pub loses: Vec<Loss>,
}

/// Data a way-back statement destroys.
#[derive(Debug, Clone)]
pub struct Loss {
    /// The statement's line in the step's file.
    pub line: u32,
    /// What it does, as its finding says.
    pub what: String,
}

impl Loss {
    /// What is lost: what the statement does, and that it takes the newer
    /// release's writes with it.
    pub fn consequence(&self) -> String {
        format!("{}, including {SINCE}", self.what)
    }
}

impl std::fmt::Display for Loss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.consequence())
    }
}

impl Serialize for Loss {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

const SINCE: &str = "what was written since the newer release was deployed";

/// The answer to both questions, with the reasons behind it.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub code_rollback: CodeRollback,
    pub database_rollback: DatabaseRollback,
    /// Why, one sentence each.
    pub reasons: Vec<String>,
}

/// Decides the verdict from the window's changes (already reconciled with the net
/// schema difference) and its way back.
pub fn decide(changes: &[Change], way_back: &WayBack) -> Verdict {
    let findings = || changes.iter().flat_map(|c| c.findings()).filter(|f| f.counts());
    let breaking = findings().filter(|f| f.breaks_code).count();
    let unknown = findings().filter(|f| f.class == Class::Unknown).count();
    let destroying = findings().filter(|f| f.loses_data).count();
    let mut reasons = Vec::new();

    let code_rollback = if breaking > 0 {
        reasons.push(format!("{breaking} change(s) break the older release's code"));
        CodeRollback::Blocked
    } else if unknown > 0 {
        reasons.push(format!("{unknown} change(s) could not be judged and need a review"));
        CodeRollback::Review
    } else {
        reasons.push("the older release's code runs against the new schema".to_owned());
        CodeRollback::Independent
    };
    let checked = || findings().filter_map(|f| f.evidence());
    let confirmed = checked().filter(|evidence| evidence.total > 0).count();
    let cleared = checked().filter(|evidence| evidence.total == 0).count();
    if confirmed + cleared > 0 {
        reasons.push(format!(
            "A's code was read: it uses what {confirmed} change(s) break; {cleared} change(s) break nothing it names"
        ));
    }
    if breaking > 0 && unknown > 0 {
        reasons.push(format!("{unknown} more change(s) could not be judged"));
    }

    let database_rollback = if destroying > 0 {
        reasons.push(format!("{destroying} change(s) destroy data: only a backup restore brings it back"));
        DatabaseRollback::Lossy
    } else if !way_back.layout_has_downs {
        reasons.push("the migration layout has no down migrations".to_owned());
        DatabaseRollback::NoDown
    } else if !way_back.missing.is_empty() {
        reasons.push(format!("no down migration for {}", way_back.missing.join(", ")));
        DatabaseRollback::NoDown
    } else if way_back.losses().next().is_some() {
        DatabaseRollback::Lossy
    } else {
        reasons.push("every migration has a down migration that loses nothing".to_owned());
        DatabaseRollback::Reversible
    };
    reasons.extend(
        way_back
            .losses()
            .map(|(step, loss)| format!("the way back ({}:{}) {}", step.file, loss.line, loss.consequence())),
    );
    Verdict { code_rollback, database_rollback, reasons }
}
