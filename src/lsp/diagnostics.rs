//! Findings as the editor shows them: one diagnostic per finding that is not
//! safe, on the exact name it is about (else its statement), with the severity
//! its class and `rollsafe.toml` give it, the rule id as its code and a link to
//! the rule's documentation. A risk accepted with `-- rollsafe: allow … because`
//! stays visible as a hint that says so; a rule turned `off` is not shown.

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Range, Uri,
};

use crate::classify::{Change, Class, Finding, Rule, Severity};
use crate::sql::Position;

use super::documents::uri_of;
use super::text::lsp_position;

/// The `source` of every diagnostic.
pub const SOURCE: &str = "rollsafe";

/// A finding shown in the editor, kept for code actions and hover.
#[derive(Debug, Clone)]
pub struct Flagged {
    pub rule: &'static Rule,
    pub class: Class,
    pub message: String,
    /// Where the diagnostic is: the name, else the statement.
    pub range: Range,
    /// The whole statement, for hover.
    pub statement: Range,
    /// Where the statement starts (1-based), for the suppression comment above it.
    pub statement_start: Position,
    /// Already accepted with a reason.
    pub accepted: bool,
    pub diagnostic: Diagnostic,
}

/// The findings of `changes` (judged from `text`) to show, with their diagnostics.
/// `documentation` gives the link to a rule's page, when there is one; the places
/// in A's code that use what a finding breaks are its related information, when
/// A's code was read.
pub fn flag(
    text: &str,
    changes: &[Change],
    code_read: bool,
    documentation: &mut dyn FnMut(&'static Rule) -> Option<Uri>,
) -> Vec<Flagged> {
    let mut flagged = Vec::new();
    for change in changes {
        let statement = Range::new(lsp_position(text, change.start), lsp_position(text, change.end));
        for finding in
            change.findings().iter().filter(|f| f.class != Class::Safe && f.severity != Severity::Off)
        {
            let range = match finding.at {
                Some(at) => Range::new(lsp_position(text, at), lsp_position(text, finding.end.unwrap_or(at))),
                None => statement,
            };
            let related = if code_read { used_by(finding) } else { Vec::new() };
            let diagnostic = diagnostic(finding, range, documentation(finding.rule), related);
            flagged.push(Flagged {
                rule: finding.rule,
                class: finding.class,
                message: finding.message.to_string(),
                range,
                statement: Range::new(statement.start, statement.end.max(range.end)),
                statement_start: change.start,
                accepted: finding.suppressed().is_some(),
                diagnostic,
            });
        }
    }
    flagged
}

/// Where A's code uses what `finding` breaks, as related information: the range
/// covers the name, in the UTF-16 units the reading of the file counted.
fn used_by(finding: &Finding) -> Vec<DiagnosticRelatedInformation> {
    let references = finding.evidence().into_iter().flat_map(|evidence| &evidence.references);
    references
        .filter_map(|reference| {
            // Shown from the working directory, as every path of a report is.
            let uri = uri_of(&crate::discover::opened(&reference.file))?;
            let line = u32::try_from(reference.line.saturating_sub(1)).unwrap_or(u32::MAX);
            let character = |units: u64| u32::try_from(units).unwrap_or(u32::MAX);
            let start = reference.utf16.column;
            let range = Range::new(
                lsp_types::Position::new(line, character(start)),
                lsp_types::Position::new(line, character(start.saturating_add(reference.utf16.length))),
            );
            Some(DiagnosticRelatedInformation {
                location: Location { uri, range },
                message: format!("used by A's code: {}", reference.text),
            })
        })
        .collect()
}

/// A diagnostic saying `message` at the start of a file (a note, or what stopped
/// the file from being judged).
pub fn at_file_start(message: String, severity: DiagnosticSeverity) -> Diagnostic {
    Diagnostic {
        range: Range::default(),
        severity: Some(severity),
        source: Some(SOURCE.to_owned()),
        message,
        ..Diagnostic::default()
    }
}

/// The diagnostic of one finding at `range`. `related` lists other places that
/// explain it (where A's code uses the object the finding breaks).
pub fn diagnostic(
    finding: &Finding,
    range: Range,
    documentation: Option<Uri>,
    related: Vec<DiagnosticRelatedInformation>,
) -> Diagnostic {
    let (severity, message) = match finding.suppressed() {
        Some(reason) => (DiagnosticSeverity::HINT, format!("{} (accepted: {reason})", finding.message)),
        None => (severity(finding.severity), format!("{} ({})", finding.message, finding.class.as_str())),
    };
    Diagnostic {
        range,
        severity: Some(severity),
        code: Some(NumberOrString::String(finding.rule.id.to_owned())),
        code_description: documentation.map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info | Severity::Off => DiagnosticSeverity::INFORMATION,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use lsp_types::{Location, Position as LspPosition};

    use super::*;
    use crate::lsp::test_support::changes_in;
    use crate::sql::Dialect;

    const GIVEN: &str = "CREATE TABLE users (id int, légacy_𝔘 text, email text);";

    fn link(rule: &'static Rule) -> Option<Uri> {
        format!("https://rollsafe.invalid/rules/{}", rule.id).parse().ok()
    }

    #[test]
    fn a_finding_is_flagged_on_its_name_in_utf16_columns() {
        let sql = "-- the old column goes\nALTER TABLE users DROP COLUMN légacy_𝔘;\n";
        let changes = changes_in(Dialect::Postgres, GIVEN, sql, &BTreeMap::new());
        let flagged = flag(sql, &changes, false, &mut link);
        assert_eq!(flagged.len(), 1, "{flagged:?}");
        let diagnostic = &flagged[0].diagnostic;
        // `légacy_𝔘` starts at column 30 and is 9 UTF-16 units long (`𝔘` takes two).
        assert_eq!(diagnostic.range, Range::new(LspPosition::new(1, 30), LspPosition::new(1, 39)));
        assert_eq!(diagnostic.severity, Some(DiagnosticSeverity::ERROR));
        assert_eq!(diagnostic.code, Some(NumberOrString::String("drop-column".into())));
        assert_eq!(diagnostic.source.as_deref(), Some("rollsafe"));
        assert_eq!(
            diagnostic.code_description.as_ref().map(|d| d.href.as_str()),
            Some("https://rollsafe.invalid/rules/drop-column")
        );
        assert!(diagnostic.message.contains("drops column `légacy_𝔘`"), "{}", diagnostic.message);
        assert_eq!(flagged[0].statement_start, Position { line: 2, column: 1 });
    }

    #[test]
    fn severities_follow_configuration_and_accepted_risks_are_hints() {
        let sql = "-- rollsafe: allow drop-column because archived\nALTER TABLE users DROP COLUMN email;\nALTER TABLE users RENAME COLUMN id TO key;\nCREATE TABLE t (id int);\n";
        let severities = BTreeMap::from([("rename-column".to_owned(), Severity::Warning)]);
        let changes = changes_in(Dialect::Postgres, GIVEN, sql, &severities);
        let flagged = flag(sql, &changes, false, &mut |_| None);
        let shown: Vec<(&str, Option<DiagnosticSeverity>)> =
            flagged.iter().map(|f| (f.rule.id, f.diagnostic.severity)).collect();
        assert_eq!(
            shown,
            [
                ("drop-column", Some(DiagnosticSeverity::HINT)),
                ("rename-column", Some(DiagnosticSeverity::WARNING))
            ]
        );
        assert!(flagged[0].diagnostic.message.ends_with("(accepted: archived)"));
        assert!(flagged[0].diagnostic.code_description.is_none());

        let off = BTreeMap::from([("rename-column".to_owned(), Severity::Off)]);
        let changes = changes_in(Dialect::Postgres, GIVEN, sql, &off);
        assert_eq!(flag(sql, &changes, false, &mut |_| None).len(), 1, "a rule turned off is not shown");
    }

    #[test]
    fn related_places_go_into_the_diagnostic() {
        let sql = "ALTER TABLE users DROP COLUMN email;";
        let changes = changes_in(Dialect::Postgres, GIVEN, sql, &BTreeMap::new());
        let finding = &changes[0].findings()[0];
        let uri: Uri = "file:///app/src/user.rs".parse().expect("uri");
        let used = DiagnosticRelatedInformation {
            location: Location::new(uri, Range::new(LspPosition::new(9, 4), LspPosition::new(9, 9))),
            message: "A's code reads `email` here".to_owned(),
        };
        let with = diagnostic(finding, Range::default(), None, vec![used.clone()]);
        assert_eq!(with.related_information, Some(vec![used]));
        assert_eq!(diagnostic(finding, Range::default(), None, Vec::new()).related_information, None);
    }
}
