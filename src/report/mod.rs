//! Stage 6: render an analysis. Each format is one file; a reporter sees changes
//! and the verdict and never decides a class.

mod gcc;
mod github;
mod gitlab;
mod human;
mod json;
mod markdown;
mod sarif;

use std::{fmt, io};

use crate::analysis::Analysis;
use crate::classify::{Change, Class, Finding, Severity};
use crate::sql::{LineIndex, Position};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with the exact name labelled, then the verdict.
    Human,
    /// The stable machine-readable contract (docs/output.md).
    Json,
    /// `path:line:col: severity[rule]: message`, for editors' quickfix lists.
    Gcc,
    /// SARIF 2.1.0, for code scanning (GitHub, Azure DevOps, IDEs).
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// A pull-request summary: the verdict, then a table of what blocks it.
    Markdown,
}

/// How a report is rendered.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// Terminal width for wrapping the human report.
    pub width: usize,
}

/// Writes `analysis` in `format` to `out`, as it is rendered: a report is never
/// held whole (a file of many statements makes a big one), only what a format
/// must know before it starts (a count, the rules used) is gathered first.
/// `title` says what was analysed.
pub fn write(
    analysis: &Analysis,
    format: Format,
    title: &str,
    style: Style,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        Format::Json => serialized(out, |out| json::write(analysis, out)),
        Format::Sarif => serialized(out, |out| sarif::write(analysis, out)),
        Format::Gitlab => serialized(out, |out| gitlab::write(analysis, out)),
        Format::Human => Lines::write(out, |lines| human::write(analysis, title, style, lines)),
        Format::Gcc => Lines::write(out, |lines| gcc::write(analysis, lines)),
        Format::Github => Lines::write(out, |lines| github::write(analysis, lines)),
        Format::Markdown => Lines::write(out, |lines| markdown::write(analysis, title, lines)),
    }
}

/// Writes a report serde serializes through a buffer of its own: serde writes it
/// in thousands of small pieces, and through a buffer of a type the compiler knows
/// each piece is a copy, where behind `dyn Write` each was a call through a vtable
/// (a sixth of a JSON report's time).
fn serialized(
    out: &mut dyn io::Write,
    write: impl FnOnce(&mut io::BufWriter<&mut dyn io::Write>) -> io::Result<()>,
) -> io::Result<()> {
    let mut buffered = io::BufWriter::with_capacity(64 * 1024, out);
    write(&mut buffered)?;
    io::Write::flush(&mut buffered)
}

/// A text report written a line at a time. Each line goes straight to the
/// output; the first failure to write is kept and returned at the end (see
/// [`Lines::write`]), so the `fmt::Result` that `writeln!` would hand every call site
/// is dealt with once, instead of beside each line.
struct Lines<'w> {
    out: &'w mut dyn io::Write,
    failed: Option<io::Error>,
}

impl<'w> Lines<'w> {
    /// Writes the lines `report` makes to `out`: whether every one was written.
    fn write(out: &'w mut dyn io::Write, report: impl FnOnce(&mut Lines<'w>)) -> io::Result<()> {
        let mut lines = Lines { out, failed: None };
        report(&mut lines);
        lines.failed.map_or(Ok(()), Err)
    }

    /// Appends `args` and a newline: `out.line(format_args!(..))`.
    fn line(&mut self, args: fmt::Arguments<'_>) {
        let _kept_in_failed = fmt::Write::write_fmt(self, args);
        self.blank();
    }

    /// Appends an empty line.
    fn blank(&mut self) {
        let _kept_in_failed = fmt::Write::write_str(self, "\n");
    }
}

/// miette renders a diagnostic into any `fmt::Write`.
impl fmt::Write for Lines<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if self.failed.is_some() {
            return Err(fmt::Error);
        }
        self.out.write_all(text.as_bytes()).map_err(|error| {
            self.failed = Some(error);
            fmt::Error
        })
    }
}

/// A finding that is not safe, located: what every issue-list format reports.
struct Issue<'a> {
    file: &'a str,
    change: &'a Change,
    finding: &'a Finding,
    start: Position,
    end: Position,
}

/// Every finding that is not safe and not suppressed, in report order.
fn issues(analysis: &Analysis) -> impl Iterator<Item = Issue<'_>> {
    issues_and_accepted_risks(analysis).filter(|issue| issue.finding.counts())
}

/// Every finding that is not safe, suppressed ones included.
fn issues_and_accepted_risks(analysis: &Analysis) -> impl Iterator<Item = Issue<'_>> {
    analysis.changes.iter().flat_map(move |change| {
        let file = analysis.files[change.file].display.as_str();
        change.findings().iter().filter(|f| f.class != Class::Safe).map(move |finding| {
            let (start, end) = match finding.at {
                Some(at) => (at, finding.end.unwrap_or(at)),
                None => (change.start, change.end),
            };
            Issue { file, change, finding, start, end }
        })
    })
}

/// What a database rollback loses, at the way-back statement that loses it: the
/// step's file, the statement's line and what it loses. Not a finding of the
/// window (the window's own statements are judged apart), but it makes the
/// database rollback `lossy`, so every issue list shows it at its place.
/// The changes of `analysis` in order, consecutive safe changes that say the
/// same thing (one file, one rule, one message, nothing suppressed or found in
/// A's code: thousands of `INSERT`s of seed data into one table) taken together:
/// a report lists them once, with their count, so that it stays proportionate to
/// what there is to read, not to the number of statements.
fn runs(analysis: &Analysis) -> impl Iterator<Item = &[Change]> {
    let same = |first: &Change, next: &Change| {
        let (a, b) = (first.primary(), next.primary());
        next.file == first.file
            && next.head == first.head
            && a.rule.id == b.rule.id
            && a.message == b.message
            && [first, next].iter().all(|change| {
                let finding = change.primary();
                change.findings().len() == 1
                    && finding.class == Class::Safe
                    && finding.suppressed().is_none()
                    && finding.evidence().is_none()
            })
    };
    analysis.changes.chunk_by(move |first, next| same(first, next))
}

fn way_back_losses(analysis: &Analysis) -> impl Iterator<Item = (&str, u32, String)> {
    analysis.way_back.losses().map(|(step, loss)| {
        (step.file.as_str(), loss.line, format!("a database rollback runs this and {}", loss.consequence()))
    })
}

/// Where A's code uses what a finding breaks, as listed, and how many more places
/// there are beyond them.
fn references(finding: &Finding) -> (&[crate::evidence::Reference], usize) {
    match finding.evidence() {
        Some(evidence) => (&evidence.references, evidence.total.saturating_sub(evidence.references.len())),
        None => (&[], 0),
    }
}

/// `file:line`, and the ORM for a model: how a report names one use in A's code.
fn used_at(reference: &crate::evidence::Reference) -> String {
    match reference.orm {
        Some(orm) => format!("{}:{} ({orm} model)", reference.file, reference.line),
        None => format!("{}:{}", reference.file, reference.line),
    }
}

/// Where A's code uses what the finding breaks, as a clause to append to a
/// message (`; used by A's code at f:1`); empty when A's code was not read or
/// names it nowhere.
fn used_by(finding: &Finding) -> String {
    let (listed, beyond) = references(finding);
    let Some(first) = listed.first() else { return String::new() };
    let others = listed.len() - 1 + beyond;
    let more = if others > 0 { format!(" and {others} more place(s)") } else { String::new() };
    format!("; used by A's code at {}{more}", used_at(first))
}

/// The words issue lists use for a severity: (gcc and SARIF, GitHub).
fn severity_words(severity: Severity) -> (&'static str, &'static str) {
    match severity {
        Severity::Error => ("error", "error"),
        Severity::Warning => ("warning", "warning"),
        Severity::Info | Severity::Off => ("note", "notice"),
    }
}

/// A path as a `/`-separated relative URI, for SARIF and GitLab.
fn uri(path: &str) -> String {
    path.replace('\\', "/").trim_start_matches("./").to_owned()
}

/// The byte range to label for a finding in a file's text.
fn label_range(
    text: &str,
    index: &LineIndex,
    change: &Change,
    at: Option<Position>,
    end: Option<Position>,
) -> (usize, usize) {
    match at {
        Some(start) => {
            let from = index.byte_of(text, start);
            let to = end.map_or(from, |end| index.byte_of(text, end)).max(from);
            (from, to - from)
        }
        None => {
            let from = change.range.start.min(text.len());
            let line_end = text[from..].find('\n').map_or(text.len(), |i| from + i);
            (from, line_end.min(change.range.end.max(from)) - from)
        }
    }
}
