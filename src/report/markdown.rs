//! A pull-request summary: the verdict first, then a table of the changes that
//! block a code rollback or lose data, then those to review; safe changes folded.

use std::fmt::Write;

use crate::analysis::Analysis;
use crate::classify::Class;
use crate::verdict::CodeRollback;

use super::issues;

pub(super) fn render(analysis: &Analysis, title: &str) -> String {
    let verdict = &analysis.verdict;
    let icon = match verdict.code_rollback {
        CodeRollback::Independent => "✅",
        CodeRollback::Review => "⚠️",
        CodeRollback::Blocked => "⛔",
    };
    let mut out = format!(
        "## {icon} rollsafe: code rollback **{}**, database rollback **{}**\n\n",
        verdict.code_rollback.as_str(),
        verdict.database_rollback.as_str()
    );
    let _infallible = writeln!(out, "{}\n", cell(title));
    for reason in &verdict.reasons {
        let _infallible = writeln!(out, "- {}", cell(reason));
    }
    out.push('\n');

    let table = |out: &mut String, heading: &str, filter: &dyn Fn(Class, bool) -> bool| {
        let rows: Vec<String> = issues(analysis)
            .filter(|issue| {
                filter(issue.finding.class, issue.finding.breaks_code || issue.finding.loses_data)
            })
            .map(|issue| {
                format!(
                    "| `{}:{}` | `{}` | {} | {} |",
                    issue.file,
                    issue.start.line,
                    issue.finding.rule.id,
                    cell(&issue.finding.message),
                    cell(issue.finding.rule.help)
                )
            })
            .collect();
        if !rows.is_empty() {
            let _infallible = writeln!(
                out,
                "### {heading}\n\n| where | rule | what breaks | do this instead |\n|---|---|---|---|"
            );
            for row in rows {
                let _infallible = writeln!(out, "{row}");
            }
            out.push('\n');
        }
    };
    table(&mut out, "Blocking or losing data", &|class, harms| class != Class::Unknown && harms);
    table(&mut out, "To review", &|class, harms| class == Class::Unknown || !harms);

    let safe: Vec<String> = analysis
        .changes
        .iter()
        .filter(|change| change.class() == Class::Safe)
        .map(|change| {
            let finding = change.primary();
            format!(
                "- `{}:{}` `{}`: {}",
                analysis.files[change.file].display,
                change.start.line,
                finding.rule.id,
                cell(&finding.message)
            )
        })
        .collect();
    if !safe.is_empty() {
        let _infallible = writeln!(out, "<details><summary>{} safe change(s)</summary>\n", safe.len());
        for line in safe {
            let _infallible = writeln!(out, "{line}");
        }
        let _infallible = writeln!(out, "\n</details>");
    }
    out
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
