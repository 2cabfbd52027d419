//! GitLab Code Quality JSON: one entry per finding that is not safe, and an `info`
//! one per file not read (at its line 1) and per note or warning (at the first
//! folder judged, line 1), so that it says everything SARIF's notifications and
//! GitHub's notices say. Fingerprints depend on the rule, the file and the
//! statement's text, not on line numbers, so a finding keeps its identity when
//! lines move; a note's, on its text.

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
        let mut findings_seen = Occurrences::default();
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
            // The same finding twice in one file (a statement repeated) stays distinct.
            let fingerprint = findings_seen.fingerprint(key.as_bytes());
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
        // A note is about the run, not a line: it is placed at the first folder judged.
        let folder = uri(analysis.judged.first().map_or(".", |judged| judged.folder.as_str()));
        let mut notes_seen = Occurrences::default();
        let notes = analysis.notes.iter().map(move |note| Entry {
            description: note.clone(),
            check_name: "note",
            fingerprint: notes_seen.fingerprint(format!("note\0{note}").as_bytes()),
            severity: "info",
            location: Location { path: folder.clone(), lines: Lines { begin: 1 } },
        });
        serializer.collect_seq(findings.chain(way_back).chain(not_read).chain(notes))
    }
}

/// How often each fingerprint's base was seen so far: what is said twice (a
/// statement repeated in one file) stays two entries.
#[derive(Default)]
struct Occurrences(HashMap<u64, u64>);

impl Occurrences {
    /// The fingerprint of the next entry whose identity is `key`.
    fn fingerprint(&mut self, key: &[u8]) -> String {
        let base = fnv1a(key);
        let occurrence = self.0.entry(base).or_default();
        let fingerprint = format!("{:016x}", fnv1a(format!("{base}:{occurrence}").as_bytes()));
        *occurrence += 1;
        fingerprint
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
