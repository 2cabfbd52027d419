//! A pull-request summary: the verdict first, then a table of the changes that
//! block a code rollback or lose data, then those to review, the files not read
//! and the notes; safe changes folded.

use crate::analysis::Analysis;
use crate::classify::Class;
use crate::verdict::CodeRollback;

use super::{Lines, issues, references, used_at};

pub(super) fn write(analysis: &Analysis, title: &str, out: &mut Lines<'_>) {
    let verdict = &analysis.verdict;
    let icon = match verdict.code_rollback {
        CodeRollback::Independent => "✅",
        CodeRollback::Review => "⚠️",
        CodeRollback::Blocked => "⛔",
    };
    out.line(format_args!(
        "## {icon} rollsafe: code rollback **{}**, database rollback **{}**",
        verdict.code_rollback.as_str(),
        verdict.database_rollback.as_str()
    ));
    out.blank();
    out.line(format_args!("{}", cell(title)));
    out.blank();
    for reason in &verdict.reasons {
        out.line(format_args!("- {}", cell(reason)));
    }
    out.blank();

    let table = |out: &mut Lines<'_>, heading: &str, filter: &dyn Fn(Class, bool) -> bool| {
        let mut rows = issues(analysis)
            .filter(|issue| {
                filter(issue.finding.class, issue.finding.breaks_code || issue.finding.loses_data)
            })
            .map(|issue| {
                format!(
                    "| `{}:{}` | `{}` | {} | {} | {} |",
                    issue.file,
                    issue.start.line,
                    issue.finding.rule.id,
                    cell(&issue.finding.message),
                    used_at_cell(issue.finding),
                    cell(issue.finding.rule.help)
                )
            })
            .peekable();
        if rows.peek().is_some() {
            out.line(format_args!("### {heading}"));
            out.blank();
            out.line(format_args!("| where | rule | what breaks | used at | do this instead |"));
            out.line(format_args!("|---|---|---|---|---|"));
            for row in rows {
                out.line(format_args!("{row}"));
            }
            out.blank();
        }
    };
    table(out, "Blocking or losing data", &|class, harms| class != Class::Unknown && harms);
    table(out, "To review", &|class, harms| class == Class::Unknown || !harms);
    let not_read = analysis.skipped.iter().map(|s| format!("- `{}`: {}", s.display, cell(&s.reason)));
    list(out, "Not read", not_read);
    list(out, "Notes", analysis.notes.iter().map(|note| format!("- {}", cell(note))));

    // A file of many statements has as many safe changes: counted, then listed,
    // those that say the same thing one after another once (see `runs`).
    let count = analysis.changes.iter().filter(|change| change.class() == Class::Safe).count();
    if count > 0 {
        out.line(format_args!("<details><summary>{count} safe change(s)</summary>"));
        out.blank();
        for run in super::runs(analysis).filter(|run| run[0].class() == Class::Safe) {
            let (change, finding, last) = (&run[0], run[0].primary(), &run[run.len() - 1]);
            let repeated = match run.len() {
                1 => String::new(),
                count => format!(" ({count} statements, to line {})", last.end.line),
            };
            out.line(format_args!(
                "- `{}:{}` `{}`: {}{repeated}",
                analysis.files[change.file].display,
                change.start.line,
                finding.rule.id,
                cell(&finding.message)
            ));
        }
        out.blank();
        out.line(format_args!("</details>"));
    }
}

/// A section of list items, when there are any.
fn list(out: &mut Lines<'_>, heading: &str, items: impl Iterator<Item = String>) {
    let mut items = items.peekable();
    if items.peek().is_none() {
        return;
    }
    out.line(format_args!("### {heading}"));
    out.blank();
    for item in items {
        out.line(format_args!("{item}"));
    }
    out.blank();
}

/// Where A's code uses what the finding breaks: the first places, and how many
/// more; a dash when A's code was not checked for it.
fn used_at_cell(finding: &crate::classify::Finding) -> String {
    const SHOWN: usize = 3;
    let (listed, beyond) = references(finding);
    if finding.evidence().is_none() {
        return "–".to_owned();
    }
    let mut places: Vec<String> = listed.iter().take(SHOWN).map(|r| format!("`{}`", used_at(r))).collect();
    let more = beyond + listed.len().saturating_sub(SHOWN);
    if more > 0 {
        places.push(format!("and {more} more"));
    }
    if places.is_empty() { "nowhere".to_owned() } else { cell(&places.join(", ")) }
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
