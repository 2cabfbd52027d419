//! `path:line:col: severity[rule]: message`, one line per finding that is not safe:
//! the format Vim's and Emacs' quickfix lists and VS Code problem matchers read.

use std::fmt::Write;

use crate::analysis::Analysis;

use super::{issues, severity_words};

pub(super) fn render(analysis: &Analysis) -> String {
    let mut out = String::new();
    for issue in issues(analysis) {
        let (severity, _) = severity_words(issue.finding.severity);
        let _infallible = writeln!(
            out,
            "{}:{}:{}: {severity}[{}]: {}",
            issue.file,
            issue.start.line,
            issue.start.column,
            issue.finding.rule.id,
            issue.finding.message.replace('\n', " ")
        );
    }
    out
}
