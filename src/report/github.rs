//! GitHub Actions workflow commands: each finding that is not safe becomes an
//! annotation on the pull request's diff, each way-back statement that loses data
//! and each file not read a warning on it, and
//! the notes and the verdict notices.

use crate::analysis::Analysis;

use super::{Lines, issues, severity_words, used_by, way_back_losses};

pub(super) fn write(analysis: &Analysis, out: &mut Lines<'_>) {
    for issue in issues(analysis) {
        let (_, command) = severity_words(issue.finding.severity);
        let title = format!("rollsafe {}: {}", issue.finding.class.as_str(), issue.finding.rule.id);
        out.line(format_args!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(issue.file),
            issue.start.line,
            issue.start.column,
            issue.end.line,
            issue.end.column,
            property(&title),
            data(&format!(
                "{}{}. Instead: {}",
                issue.finding.message,
                used_by(issue.finding),
                issue.finding.rule.help
            )),
        ));
    }
    for (file, line, loss) in way_back_losses(analysis) {
        out.line(format_args!(
            "::warning file={},line={line},title=rollsafe way back loses data::{}",
            property(file),
            data(&loss)
        ));
    }
    for skipped in &analysis.skipped {
        out.line(format_args!(
            "::warning file={},title=rollsafe did not read this file::{}",
            property(&skipped.display),
            data(&skipped.reason)
        ));
    }
    for note in &analysis.notes {
        out.line(format_args!("::notice title=rollsafe note::{}", data(note)));
    }
    let verdict = &analysis.verdict;
    out.line(format_args!(
        "::notice title=rollsafe verdict::{}",
        data(&format!(
            "code rollback {}, database rollback {}: {}",
            verdict.code_rollback.as_str(),
            verdict.database_rollback.as_str(),
            verdict.reasons.join("; ")
        ))
    ));
}

/// Escapes a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_would_end_a_command() {
        assert_eq!(data("50%\nmore"), "50%25%0Amore");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
