//! GitLab Code Quality JSON: one entry per finding that is not safe, and an `info`
//! one per file not read (at its line 1). Fingerprints
//! depend on the rule, the file and the statement's text, not on line numbers, so
//! a finding keeps its identity when lines move.

use std::collections::HashMap;
use std::io;

use serde::{Serialize, Serializer};

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
    begin: u32,
}

/// Every entry of an analysis, each made only as it is written: the report of a
/// file of many statements is never held whole.
struct Entries<'a>(&'a Analysis);

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let analysis = self.0;
        // How often each finding was seen so far, by its fingerprint's base.
        let mut seen: HashMap<u64, u64> = HashMap::new();
        let findings = issues(analysis).map(move |issue| {
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
            let occurrence = seen.entry(base).or_default();
            let fingerprint = format!("{:016x}", fnv1a(format!("{base}:{occurrence}").as_bytes()));
            *occurrence += 1;
            Entry {
                description: format!(
                    "{}{} ({})",
                    issue.finding.message,
                    used_by(issue.finding),
                    issue.finding.rule.help
                ),
                check_name: issue.finding.rule.id,
                fingerprint,
                severity: match (issue.finding.severity, issue.finding.class) {
                    (Severity::Error, Class::Destructive) => "critical",
                    (Severity::Error, _) => "major",
                    (Severity::Warning, _) => "minor",
                    (Severity::Info | Severity::Off, _) => "info",
                },
                location: Location { path: uri(issue.file), lines: Lines { begin: issue.start.line } },
            }
        });
        let way_back = way_back_losses(analysis).map(|(file, line, loss)| {
            let path = uri(file);
            Entry {
                fingerprint: format!("{:016x}", fnv1a(format!("way-back\0{path}\0{loss}").as_bytes())),
                description: loss,
                check_name: "way-back",
                severity: "major",
                location: Location { path, lines: Lines { begin: line } },
            }
        });
        let not_read = analysis.skipped.iter().map(|skipped| {
            let path = uri(&skipped.display);
            Entry {
                description: format!("rollsafe did not read this file: {}", skipped.reason),
                check_name: "not-read",
                fingerprint: format!("{:016x}", fnv1a(format!("not-read\0{path}").as_bytes())),
                severity: "info",
                location: Location { path, lines: Lines { begin: 1 } },
            }
        });
        serializer.collect_seq(findings.chain(way_back).chain(not_read))
    }
}

/// Writes the report to `out` as it is serialized, an entry at a time.
pub(super) fn write(analysis: &Analysis, out: &mut impl io::Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Entries(analysis))?;
    out.write_all(b"\n")
}

/// FNV-1a, 64 bits: stable across runs, platforms and versions, unlike std's hasher.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}
