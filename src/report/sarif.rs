//! SARIF 2.1.0 for code scanning: every rule in `tool.driver.rules`, one result per
//! finding that is not safe, regions 1-based with exclusive end columns, and one
//! (rule id `way-back`) per down statement that loses data; files not read
//! (warnings, at their file) and notes in the invocation's
//! `toolExecutionNotifications`. The places A's code uses what a finding breaks
//! are its `relatedLocations`.

use std::io;

use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use crate::analysis::Analysis;
use crate::classify::Severity;
use crate::rules::ALL_RULES;

use super::{Issue, issues_and_accepted_risks, references, severity_words, uri, way_back_losses};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The log, its keys in the order `serde_json` writes an object's (sorted), as
/// when the whole log was one value: only its results are made as they are
/// written.
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
struct Run<'a> {
    invocations: Value,
    properties: Value,
    results: Results<'a>,
    tool: Value,
}

/// Every result of an analysis, each made only as it is written: the report of
/// a file of many statements is never held whole.
struct Results<'a>(&'a Analysis);

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let analysis = self.0;
        let findings = issues_and_accepted_risks(analysis).map(|issue| finding_result(&issue));
        // What the way back loses is a result (code scanning shows results as alerts,
        // not notifications): it is what fails a run with --fail-on destructive.
        let way_back = way_back_losses(analysis).map(|(file, line, loss)| {
            json!({
                "ruleId": "way-back",
                "level": "warning",
                "message": { "text": loss },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(file) },
                        "region": { "startLine": line }
                    }
                }],
                "properties": { "class": "destructive", "losesData": true }
            })
        });
        serializer.collect_seq(findings.chain(way_back))
    }
}

/// The result of a finding that is not safe.
fn finding_result(issue: &Issue<'_>) -> Value {
    let rule_index = ALL_RULES.iter().position(|rule| rule.id == issue.finding.rule.id).unwrap_or(0);
    let suppressions: Vec<Value> = issue
        .finding
        .suppressed()
        .iter()
        .map(|reason| json!({ "kind": "inSource", "justification": reason }))
        .collect();
    let (listed, _) = references(issue.finding);
    let related: Vec<Value> = listed
        .iter()
        .enumerate()
        .map(|(id, reference)| {
            json!({
                "id": id,
                "message": { "text": format!("used by A's code: {}", reference.text) },
                "physicalLocation": {
                    "artifactLocation": { "uri": uri(&reference.file) },
                    "region": { "startLine": reference.line, "startColumn": reference.column }
                }
            })
        })
        .collect();
    json!({
        "suppressions": suppressions,
        "relatedLocations": related,
        "ruleId": issue.finding.rule.id,
        "ruleIndex": rule_index,
        "level": level(issue.finding.severity),
        "message": { "text": format!("{} Instead: {}", issue.finding.message, issue.finding.rule.help) },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri(issue.file) },
                "region": {
                    "startLine": issue.start.line,
                    "startColumn": issue.start.column,
                    "endLine": issue.end.line,
                    "endColumn": issue.end.column
                }
            }
        }],
        "properties": {
            "class": issue.finding.class.as_str(),
            "breaksCode": issue.finding.breaks_code,
            "losesData": issue.finding.loses_data
        }
    })
}

/// Writes the log to `out` as it is serialized, a result at a time.
pub(super) fn write(analysis: &Analysis, out: &mut impl io::Write) -> io::Result<()> {
    let rules: Vec<Value> = ALL_RULES
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "shortDescription": { "text": rule.summary },
                "fullDescription": { "text": rule.section("What it does") },
                "help": { "text": rule.help, "markdown": rule.documentation() },
                "defaultConfiguration": { "level": level(Severity::default_for(rule.class)) },
                "properties": { "class": rule.class.as_str() }
            })
        })
        .collect();
    let not_read = analysis.skipped.iter().map(|skipped| {
        json!({
            "level": "warning",
            "message": { "text": format!("not read: {}", skipped.reason) },
            "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(&skipped.display) } } }],
            "properties": { "kind": skipped.kind }
        })
    });
    let notes = analysis.notes.iter().map(|note| json!({ "level": "note", "message": { "text": note } }));
    let notifications: Vec<Value> = not_read.chain(notes).collect();
    let log = Log {
        schema: SCHEMA,
        runs: [Run {
            invocations: json!([{ "executionSuccessful": true, "toolExecutionNotifications": notifications }]),
            properties: json!({
                "codeRollback": analysis.verdict.code_rollback.as_str(),
                "databaseRollback": analysis.verdict.database_rollback.as_str(),
                "reasons": analysis.verdict.reasons
            }),
            results: Results(analysis),
            tool: json!({
                "driver": {
                    "name": "rollsafe",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules
                }
            }),
        }],
        version: "2.1.0",
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

fn level(severity: Severity) -> &'static str {
    severity_words(severity).0
}
