//! `path:line:col: severity[rule]: message`, one line per non-safe finding, the
//! format Vim's and Emacs' quickfix lists and VS Code problem matchers read.

use std::fmt::Write;

use crate::analysis::Analysis;
use crate::rules::Class;

use super::finding_position;

pub(super) fn render(analysis: &Analysis) -> String {
    let mut out = String::new();
    for change in &analysis.changes {
        let file = &analysis.files[change.file].display;
        for finding in change.findings().iter().filter(|f| f.class != Class::Safe) {
            let position = finding_position(change, finding.at);
            let severity = match finding.class {
                Class::Coupled | Class::Destructive => "error",
                Class::Unknown | Class::Safe => "warning",
            };
            let _infallible = writeln!(
                out,
                "{file}:{}:{}: {severity}[{}]: {}",
                position.line,
                position.column,
                finding.rule.id,
                finding.message.replace('\n', " ")
            );
        }
    }
    out
}
