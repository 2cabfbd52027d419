//! The machine-readable contract, documented in docs/output.md.

use std::io;

use serde::{Serialize, Serializer};

use crate::analysis::Analysis;
use crate::classify::{Change, Class, Finding};
use crate::verdict::Verdict;

/// Bumped when a field changes meaning or disappears; new fields do not bump it.
const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    format_version: u32,
    tool: &'static str,
    tool_version: &'static str,
    dialect: String,
    layout: crate::discover::Layout,
    /// Each history judged, with its folder, dialect and layout.
    histories: &'a [crate::analysis::Judged],
    verdict: &'a Verdict,
    summary: Summary,
    changes: Changes<'a>,
    way_back: &'a [crate::verdict::WayBackStep],
    notes: &'a [String],
    skipped: &'a [crate::discover::Skipped],
    /// What was read of release A's code; `null` when none was.
    code: Option<&'a crate::evidence::CodeSummary>,
}

#[derive(Serialize, Default)]
struct Summary {
    changes: usize,
    safe: usize,
    coupled: usize,
    destructive: usize,
    unknown: usize,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    class: Class,
    rule: &'static str,
    message: &'a str,
    help: Option<&'static str>,
    statement: &'a str,
    /// How many statements, one after another, the entry stands for: more than
    /// one for a run of safe statements that say the same thing (see `runs`).
    statements: usize,
    /// Why the team accepted the deciding finding's risk; `null` when not suppressed.
    suppressed: Option<&'a str>,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    class: Class,
    message: &'a str,
    help: Option<&'static str>,
    line: u32,
    column: u32,
    breaks_code: bool,
    loses_data: bool,
    /// Why the team accepted the risk; `null` when not suppressed.
    suppressed: Option<&'a str>,
    /// Where A's code uses what the finding breaks, strongest first (at most 10).
    references: &'a [crate::evidence::Reference],
    /// How many places of A's code use it; `null` when A's code was not checked for it.
    references_total: Option<usize>,
}

/// The changes of an analysis, each turned into its JSON form only as it is
/// written: the report of a file of many statements is never held whole.
struct Changes<'a>(&'a Analysis);

impl Serialize for Changes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(super::runs(self.0).map(|run| change(self.0, run)))
    }
}

fn help(finding: &Finding) -> Option<&'static str> {
    (finding.class != Class::Safe).then_some(finding.rule.help)
}

/// The entry of `run`, changes that say the same thing (most often one).
fn change<'a>(analysis: &'a Analysis, run: &'a [Change]) -> JsonChange<'a> {
    let (change, last) = (&run[0], &run[run.len() - 1]);
    let primary = change.primary();
    JsonChange {
        file: &analysis.files[change.file].display,
        line: change.start.line,
        column: change.start.column,
        end_line: last.end.line,
        end_column: last.end.column,
        class: primary.class,
        rule: primary.rule.id,
        message: &primary.message,
        help: help(primary),
        statement: &change.head,
        statements: run.len(),
        suppressed: primary.suppressed(),
        findings: change
            .findings()
            .iter()
            .map(|finding| {
                let at = finding.at.unwrap_or(change.start);
                JsonFinding {
                    rule: finding.rule.id,
                    class: finding.class,
                    message: &finding.message,
                    help: help(finding),
                    line: at.line,
                    column: at.column,
                    breaks_code: finding.breaks_code,
                    loses_data: finding.loses_data,
                    suppressed: finding.suppressed(),
                    references: finding.evidence().map_or(&[], |e| e.references.as_slice()),
                    references_total: finding.evidence().map(|e| e.total),
                }
            })
            .collect(),
    }
}

/// Writes the report to `out` as it is serialized, a change at a time.
pub(super) fn write(analysis: &Analysis, out: &mut impl io::Write) -> io::Result<()> {
    let mut summary = Summary { changes: analysis.changes.len(), ..Summary::default() };
    for c in &analysis.changes {
        match c.class() {
            Class::Safe => summary.safe += 1,
            Class::Coupled => summary.coupled += 1,
            Class::Destructive => summary.destructive += 1,
            Class::Unknown => summary.unknown += 1,
        }
    }
    let report = Report {
        format_version: FORMAT_VERSION,
        tool: "rollsafe",
        tool_version: env!("CARGO_PKG_VERSION"),
        dialect: analysis.dialect.to_string(),
        layout: analysis.layout,
        histories: &analysis.judged,
        verdict: &analysis.verdict,
        summary,
        changes: Changes(analysis),
        way_back: &analysis.way_back.steps,
        notes: &analysis.notes,
        skipped: &analysis.skipped,
        code: analysis.code.as_ref(),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    out.write_all(b"\n")
}
