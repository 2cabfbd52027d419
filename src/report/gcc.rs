//! `path:line:col: severity[rule]: message`, one line per finding that is not safe:
//! the format Vim's and Emacs' quickfix lists and VS Code problem matchers read.
//! What a database rollback loses is a `warning: way back:` line at the down
//! statement that loses it. Files not read are `path:1:1: note: …` lines, so the list jumps to them too;
//! notes about no file are `rollsafe: note: …`. Each place A's code uses what a
//! finding breaks is a `note:` line after it, at that place.

use crate::analysis::Analysis;

use super::{Lines, issues, references, severity_words, way_back_losses};

pub(super) fn write(analysis: &Analysis, out: &mut Lines<'_>) {
    for issue in issues(analysis) {
        let (severity, _) = severity_words(issue.finding.severity);
        out.line(format_args!(
            "{}:{}:{}: {severity}[{}]: {}",
            issue.file,
            issue.start.line,
            issue.start.column,
            issue.finding.rule.id,
            issue.finding.message.replace('\n', " ")
        ));
        let (listed, _) = references(issue.finding);
        for reference in listed {
            out.line(format_args!(
                "{}:{}:{}: note: used by A's code: {} breaks this ({}:{})",
                reference.file,
                reference.line,
                reference.column,
                issue.finding.rule.id,
                issue.file,
                issue.start.line
            ));
        }
    }
    for (file, line, loss) in way_back_losses(analysis) {
        out.line(format_args!("{file}:{line}:1: warning: way back: {loss}"));
    }
    for skipped in &analysis.skipped {
        out.line(format_args!("{}:1:1: note: not read: {}", skipped.display, skipped.reason));
    }
    for note in &analysis.notes {
        out.line(format_args!("rollsafe: note: {}", note.replace('\n', " ")));
    }
}
