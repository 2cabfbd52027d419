//! The report a person reads: one miette diagnostic per change that is not safe,
//! with the source snippet and the exact name labelled, then the verdict.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report, Severity,
};

use crate::analysis::Analysis;
use crate::classify::{self, Change, Class, Finding};
use crate::sql::LineIndex;
use crate::verdict::{CodeRollback, DatabaseRollback};

use super::{Lines, Style, label_range, references, used_at};

/// How many places of A's code the human report lists under a finding.
const SHOWN_USES: usize = 5;

/// The places A's code uses what the finding breaks, under its diagnostic.
fn used_by_code(finding: &Finding, out: &mut Lines<'_>) {
    let (listed, beyond) = references(finding);
    for reference in listed.iter().take(SHOWN_USES) {
        out.line(format_args!("  used by A's code at {}: {}", used_at(reference), reference.text));
    }
    let more = beyond + listed.len().saturating_sub(SHOWN_USES);
    if more > 0 {
        out.line(format_args!("  … and {more} more place(s) in A's code"));
    }
}

pub(super) fn write(analysis: &Analysis, title: &str, style: Style, out: &mut Lines<'_>) {
    let theme = if style.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(style.width).with_links(false);
    out.line(format_args!("rollsafe {title}"));
    out.blank();

    // A whole history can hold hundreds of findings of one rule: the first few are
    // shown in full, the rest by place, grouped by rule (all of them in JSON).
    let mut shown_per_rule: Vec<(&str, usize)> = Vec::new();
    let mut more: Vec<(&str, Places)> = Vec::new();
    // Each file's changes, in order, gathered once (a history of thousands of
    // files would otherwise scan every change once per file).
    let mut changes_of: Vec<Vec<&Change>> = vec![Vec::new(); analysis.files.len()];
    for change in &analysis.changes {
        if let Some(changes) = changes_of.get_mut(change.file) {
            changes.push(change);
        }
    }
    for (file, changes) in analysis.files.iter().zip(&changes_of) {
        // The text the snippets show, shared by them: the file's own bytes when
        // they are UTF-8, as they nearly always are (a big file is never copied).
        let source: Arc<[u8]> = match String::from_utf8_lossy(&file.bytes) {
            Cow::Borrowed(_) => file.bytes.clone(),
            Cow::Owned(text) => Arc::from(text.into_bytes()),
        };
        let text = std::str::from_utf8(&source).unwrap_or_default();
        // Where lines start, only in a file with a finding to show.
        let lines = OnceCell::new();
        for change in changes {
            for finding in change.findings().iter().filter(|f| f.class != Class::Safe && f.counts()) {
                let rule = finding.rule.id;
                let shown = slot(&mut shown_per_rule, rule);
                if *shown >= FULL_PER_RULE {
                    let at = finding.at.unwrap_or(change.start);
                    slot(&mut more, rule).add(|| format!("{}:{}", file.display, at.line));
                    continue;
                }
                *shown += 1;
                let lines = lines.get_or_init(|| LineIndex::new(text));
                let report = diagnostic(change, finding, (text, lines, &source), &file.display);
                let _rendered = handler.render_report(out, report.as_ref());
                used_by_code(finding, out);
                out.blank();
            }
        }
    }
    if !more.is_empty() {
        out.line(format_args!("More of the same rules (every one in --format json)"));
        for (rule, places) in &more {
            out.line(format_args!("  {rule}: {} more at {}", places.count, places.listed()));
        }
        out.blank();
    }
    let accepted: Vec<String> = analysis
        .changes
        .iter()
        .flat_map(|change| change.findings().iter().map(move |f| (change, f)))
        .filter_map(|(change, f)| {
            let reason = f.suppressed()?;
            let at = f.at.unwrap_or(change.start);
            let file = &analysis.files[change.file].display;
            Some(format!(
                "  {file}:{}: {} [{}]: {}\n    because {reason}",
                at.line,
                f.class.as_str(),
                f.rule.id,
                f.message
            ))
        })
        .collect();
    if !accepted.is_empty() {
        out.line(format_args!("Accepted risks (suppressed, left out of the verdict)"));
        for line in accepted {
            out.line(format_args!("{line}"));
        }
        out.blank();
    }
    for note in &analysis.notes {
        out.line(format_args!("note: {note}"));
    }
    for skipped in &analysis.skipped {
        out.line(format_args!("note: not read `{}`: {}", skipped.display, skipped.reason));
    }
    if !analysis.notes.is_empty() || !analysis.skipped.is_empty() {
        out.blank();
    }
    verdict_block(analysis, out);
}

/// Findings of one rule shown in full before the rest are listed by place.
const FULL_PER_RULE: usize = 3;
/// Places listed on one line before "and N more".
const PLACES_SHOWN: usize = 5;
/// Way-back steps listed before "and N more".
const STEPS_SHOWN: usize = 8;
/// Verdict reasons listed before "and N more".
const REASONS_SHOWN: usize = 6;

/// The value kept for `key`, added as the default when new (keys stay in order of
/// first use).
fn slot<'a, 'k, V: Default>(entries: &'a mut Vec<(&'k str, V)>, key: &'k str) -> &'a mut V {
    let index = entries.iter().position(|(k, _)| *k == key).unwrap_or_else(|| {
        entries.push((key, V::default()));
        entries.len() - 1
    });
    &mut entries[index].1
}

/// How many places (or items) there are, and the first [`PLACES_SHOWN`] of them:
/// a long list is said by its count, never held whole.
#[derive(Default)]
struct Places {
    count: usize,
    first: Vec<String>,
}

impl Places {
    /// Counts one more, made by `place` only when it is one of those listed.
    fn add(&mut self, place: impl FnOnce() -> String) {
        if self.first.len() < PLACES_SHOWN {
            self.first.push(place());
        }
        self.count += 1;
    }

    /// The first ones joined, then "and N more".
    fn listed(&self) -> String {
        let listed = self.first.join(", ");
        match self.count - self.first.len() {
            0 => listed,
            rest => format!("{listed} and {rest} more"),
        }
    }
}

/// A file's text, where its lines start, and the same text shared with every
/// snippet of it.
type Source<'a> = (&'a str, &'a LineIndex, &'a Arc<[u8]>);

fn diagnostic(change: &Change, finding: &Finding, (text, lines, shared): Source<'_>, file: &str) -> Report {
    let (offset, length) = label_range(text, lines, change, finding.at, finding.end);
    let label = match finding.class {
        Class::Destructive if finding.breaks_code => "data lost, and A's code breaks",
        Class::Destructive => "data lost",
        Class::Coupled => "A's code breaks",
        Class::Unknown | Class::Safe => "could not be judged",
    };
    let severity = match finding.severity {
        classify::Severity::Error => Severity::Error,
        classify::Severity::Warning => Severity::Warning,
        classify::Severity::Info | classify::Severity::Off => Severity::Advice,
    };
    let diagnostic = MietteDiagnostic::new(format!("{}: {}", finding.class.as_str(), finding.message))
        .with_code(finding.rule.id)
        .with_severity(severity)
        .with_help(finding.rule.help)
        .with_label(LabeledSpan::new(Some(label.to_owned()), offset, length));
    Report::new(diagnostic).with_source_code(NamedSource::new(file, shared.clone()))
}

/// The verdict, as answers to the rollback checklist.
fn verdict_block(analysis: &Analysis, out: &mut Lines<'_>) {
    let verdict = &analysis.verdict;
    // A long answer names how many of each rule, not every place.
    let answer = |filter: &dyn Fn(&Finding) -> bool| -> String {
        let mut places = Places::default();
        let mut per_rule: Vec<(&str, usize)> = Vec::new();
        let findings =
            analysis.changes.iter().flat_map(|change| change.findings().iter().map(move |f| (change, f)));
        for (change, f) in findings.filter(|(_, f)| f.counts() && filter(f)) {
            places.add(|| {
                let at = f.at.unwrap_or(change.start);
                format!("{} at {}:{}", f.rule.id, analysis.files[change.file].display, at.line)
            });
            *slot(&mut per_rule, f.rule.id) += 1;
        }
        if places.count == 0 {
            return "no".to_owned();
        }
        if places.count <= PLACES_SHOWN {
            return format!("yes, {}: {}", places.count, places.first.join(", "));
        }
        per_rule.sort_by_key(|&(_, count)| std::cmp::Reverse(count));
        let mut each = Places::default();
        for (rule, count) in per_rule {
            each.add(|| format!("{rule} {count}"));
        }
        format!("yes, {}: {}", places.count, each.listed())
    };
    let statements = analysis.changes.iter().filter(|c| c.range.end > 0).count();
    let files = {
        let mut files: Vec<usize> = analysis.changes.iter().map(|c| c.file).collect();
        files.dedup();
        files.len()
    };
    let code = match verdict.code_rollback {
        CodeRollback::Independent => "INDEPENDENT: the older release's code can be rolled back on its own",
        CodeRollback::Blocked => "BLOCKED: rolling the code back alone breaks it",
        CodeRollback::Review => "REVIEW: some changes could not be judged",
    };
    let database = match verdict.database_rollback {
        DatabaseRollback::Reversible => "REVERSIBLE: the down migrations undo the window without losing data",
        DatabaseRollback::Lossy => "LOSSY: only a backup restore brings the lost data back",
        DatabaseRollback::NoDown => "NO-DOWN: there is no complete way back",
    };
    out.line(format_args!("Verdict"));
    out.line(format_args!("  code rollback:     {code}"));
    out.line(format_args!("  database rollback: {database}"));
    out.blank();
    out.line(format_args!("  Does it break a contract the older code uses?  {}", answer(&|f| f.breaks_code)));
    out.line(format_args!("  Does applying it lose data?                    {}", answer(&|f| f.loses_data)));
    out.line(format_args!(
        "  Could anything not be judged?                  {}",
        answer(&|f| f.class == Class::Unknown)
    ));
    if analysis.way_back.steps.is_empty() {
        out.line(format_args!("  Way back for the database?                     none"));
    } else {
        let steps = &analysis.way_back.steps;
        out.line(format_args!("  Way back for the database?                     a rollback runs, in order:"));
        // A long way back shows the steps that lose data; every step is in JSON.
        let long = steps.len() > STEPS_SHOWN;
        let listed = steps.iter().enumerate().filter(|(_, step)| !long || !step.loses.is_empty());
        let mut unlisted_losing = 0;
        for (shown, (number, step)) in listed.enumerate() {
            if shown >= STEPS_SHOWN {
                unlisted_losing += 1;
                continue;
            }
            let loses = if step.loses.is_empty() {
                "loses nothing".to_owned()
            } else {
                let each: Vec<String> = step.loses.iter().map(ToString::to_string).collect();
                format!("loses {}", each.join("; "))
            };
            out.line(format_args!("    {}. {} ({loses})", number + 1, step.file));
        }
        if long {
            let losing = steps.iter().filter(|step| !step.loses.is_empty()).count();
            out.line(format_args!(
                "    ({} steps in all; {} lose nothing{})",
                steps.len(),
                steps.len() - losing,
                if unlisted_losing > 0 {
                    format!("; {unlisted_losing} more lose data")
                } else {
                    String::new()
                }
            ));
        }
    }
    out.line(format_args!(
        "  Size of the window:                            {statements} statement(s) in {files} file(s)"
    ));
    for reason in verdict.reasons.iter().take(REASONS_SHOWN) {
        out.line(format_args!("  - {reason}"));
    }
    if verdict.reasons.len() > REASONS_SHOWN {
        out.line(format_args!(
            "  - and {} more reasons (every one in --format json)",
            verdict.reasons.len() - REASONS_SHOWN
        ));
    }
}
