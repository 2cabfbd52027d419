//! GitLab Code Quality JSON: one entry per finding that is not safe, and an `info`
//! one per file not read (at its line 1). Fingerprints
//! depend on the rule, the file and the statement's text, not on line numbers, so
//! a finding keeps its identity when lines move.

use serde::Serialize;

use crate::analysis::Analysis;
use crate::classify::{Class, Severity};

use super::{issues, uri, used_by, way_back_losses};

#[derive(Serialize)]
struct Entry {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u64,
}

pub(super) fn render(analysis: &Analysis) -> String {
    let mut seen: Vec<u64> = Vec::new();
    let mut entries: Vec<Entry> = issues(analysis)
        .map(|issue| {
            let statement = analysis.files[issue.change.file]
                .bytes
                .get(issue.change.range.clone())
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            let normalized: Vec<&str> = statement.split_whitespace().collect();
            let key = format!(
                "{}\0{}\0{}\0{}",
                issue.finding.rule.id,
                uri(issue.file),
                normalized.join(" "),
                issue.finding.message
            );
            let base = fnv1a(key.as_bytes());
            // The same finding twice in one file (a statement repeated) stays distinct.
            let occurrence = seen.iter().filter(|&&h| h == base).count();
            seen.push(base);
            Entry {
                description: format!(
                    "{}{} ({})",
                    issue.finding.message,
                    used_by(issue.finding),
                    issue.finding.rule.help
                ),
                check_name: issue.finding.rule.id,
                fingerprint: format!("{:016x}", fnv1a(format!("{base}:{occurrence}").as_bytes())),
                severity: match (issue.finding.severity, issue.finding.class) {
                    (Severity::Error, Class::Destructive) => "critical",
                    (Severity::Error, _) => "major",
                    (Severity::Warning, _) => "minor",
                    (Severity::Info | Severity::Off, _) => "info",
                },
                location: Location { path: uri(issue.file), lines: Lines { begin: issue.start.line } },
            }
        })
        .collect();
    entries.extend(way_back_losses(analysis).map(|(file, line, loss)| {
        let path = uri(file);
        Entry {
            fingerprint: format!("{:016x}", fnv1a(format!("way-back\0{path}\0{loss}").as_bytes())),
            description: loss,
            check_name: "way-back",
            severity: "major",
            location: Location { path, lines: Lines { begin: line } },
        }
    }));
    entries.extend(analysis.skipped.iter().map(|skipped| {
        let path = uri(&skipped.display);
        Entry {
            description: format!("rollsafe did not read this file: {}", skipped.reason),
            check_name: "not-read",
            fingerprint: format!("{:016x}", fnv1a(format!("not-read\0{path}").as_bytes())),
            severity: "info",
            location: Location { path, lines: Lines { begin: 1 } },
        }
    }));
    let mut out = serde_json::to_string_pretty(&entries).unwrap_or_default();
    out.push('\n');
    out
}

/// FNV-1a, 64 bits: stable across runs, platforms and versions, unlike std's hasher.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}
