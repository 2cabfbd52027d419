//! Suppression that records why: a team owns a risk explicitly instead of switching
//! a rule off.
//!
//! `-- rollsafe: allow <rule>[, <rule>…] because <reason>` in the comments just before
//! a statement suppresses those rules for that statement; `-- rollsafe: allow-file
//! <rule>[, …] because <reason>` anywhere in a file suppresses them for the whole
//! file. A directive without a reason, or naming no rule rollsafe has, suppresses
//! nothing and is reported; so is a directive that matches nothing.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use sqlparser::tokenizer::Location;

use crate::sql::{Position, Segment, SegmentKind};

use super::{Change, Finding};
use crate::rules::{find_rule, invalid_suppression, unused_suppression};

static DIRECTIVE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?is)^\s*(?:--|/\*)\s*rollsafe\s*:\s*(allow-file|allow)\b\s*(.*?)(?:\s+because\b\s*(.*?))?\s*(?:\*/)?\s*$").ok()
});

/// A parsed `rollsafe: allow` comment.
#[derive(Debug)]
struct Directive {
    whole_file: bool,
    rules: Vec<String>,
    reason: String,
    range: Range<usize>,
    used: bool,
}

/// Marks the findings of one file's changes that its directives suppress, and
/// returns changes reporting directives that are invalid or unused. `segments`
/// holds the file's comments (other segments are passed over), `statement_ends`
/// where each of its statements ends, in order.
pub fn apply_suppressions(
    file: usize,
    text: &[u8],
    segments: &[Segment],
    statement_ends: &[usize],
    changes: &mut [Change],
) -> Vec<Change> {
    let mut reports = Vec::new();
    let mut directives = Vec::new();
    for segment in segments.iter().filter(|s| s.kind == SegmentKind::Comment) {
        let bytes = &text[segment.range.clone()];
        // Most comments are prose: only those that say `rollsafe` can be directives.
        if !bytes.windows(8).any(|window| window.eq_ignore_ascii_case(b"rollsafe")) {
            continue;
        }
        let comment = String::from_utf8_lossy(bytes);
        for (offset, line) in comment_lines(&comment) {
            let Some(captures) = DIRECTIVE.as_ref().and_then(|re| re.captures(line)) else {
                continue;
            };
            let start = segment.range.start + offset;
            let range = start..start + line.len();
            let rules = named_rules(&captures);
            let reason = captures.get(3).map_or("", |m| m.as_str()).trim().to_owned();
            let unknown: Vec<&String> = rules.iter().filter(|r| find_rule(r).is_none()).collect();
            let problem = if reason.is_empty() {
                Some("has no reason: write `because <why this risk is accepted>`".to_owned())
            } else if rules.is_empty() {
                Some("names no rule".to_owned())
            } else if !unknown.is_empty() {
                Some(format!("names rules rollsafe does not have: {}", join(&unknown)))
            } else {
                None
            };
            match problem {
                Some(problem) => {
                    reports.push(directive_change(file, text, &range, invalid_suppression(&problem)))
                }
                None => directives.push(Directive {
                    whole_file: captures
                        .get(1)
                        .is_some_and(|m| m.as_str().eq_ignore_ascii_case("allow-file")),
                    rules,
                    reason,
                    range,
                    used: false,
                }),
            }
        }
    }
    if directives.is_empty() {
        return reports;
    }
    for change in changes.iter_mut() {
        // Statements are in file order: the last one ending before this change.
        let before = statement_ends.partition_point(|&end| end <= change.range.start);
        let previous_end = before.checked_sub(1).map_or(0, |i| statement_ends[i]);
        for directive in &mut directives {
            let just_before =
                directive.range.start >= previous_end && directive.range.end <= change.range.start;
            if !(directive.whole_file || just_before) {
                continue;
            }
            for finding in change.findings_mut() {
                if directive.rules.iter().any(|r| r == finding.rule.id) {
                    finding.suppress(directive.reason.clone());
                    directive.used = true;
                }
            }
        }
    }
    for directive in directives.iter().filter(|d| !d.used) {
        let finding =
            unused_suppression(&format!("allows {}", join(&directive.rules.iter().collect::<Vec<_>>())));
        reports.push(directive_change(file, text, &directive.range, finding));
    }
    reports
}

/// The rules a directive names.
fn named_rules(captures: &regex::Captures<'_>) -> Vec<String> {
    let rules = captures.get(2).map_or("", |m| m.as_str());
    rules.split(',').map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect()
}

/// The rules the line `line` allows for the statement after it, if it is a
/// `rollsafe: allow` comment, whether or not it gives a reason yet (one without
/// suppresses nothing, but is where the reason goes).
pub fn rules_allowed_by(line: &str) -> Option<Vec<String>> {
    let captures = DIRECTIVE.as_ref()?.captures(line)?;
    let whole_file = captures.get(1).is_some_and(|m| m.as_str().eq_ignore_ascii_case("allow-file"));
    (!whole_file).then(|| named_rules(&captures))
}

/// Each line of a comment with its byte offset, so a block comment can hold a
/// directive on any of its lines.
fn comment_lines(comment: &str) -> impl Iterator<Item = (usize, &str)> {
    comment.split_inclusive('\n').scan(0, |offset, line| {
        let start = *offset;
        *offset += line.len();
        Some((start, line.trim_end_matches(['\n', '\r'])))
    })
}

fn directive_change(file: usize, text: &[u8], range: &Range<usize>, mut finding: Finding) -> Change {
    let before = String::from_utf8_lossy(&text[..range.start]);
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    let start = Position::from_location(Location::new(line, column)).unwrap_or(Position::START);
    finding.at = Some(start);
    Change::located(file, range.clone(), start, finding)
}

fn join(items: &[&String]) -> String {
    items.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use crate::classify::Class;
    use crate::classify::test_support::findings_in;
    use crate::sql::Dialect;

    const GIVEN: &str = "CREATE TABLE users (id int, legacy text, email text);";

    fn found(sql: &str) -> Vec<(&'static str, Class, bool)> {
        findings_in(Dialect::Postgres, GIVEN, sql).iter().map(|f| (f.rule.id, f.class, f.counts())).collect()
    }

    #[test]
    fn a_reasoned_directive_suppresses_the_next_statement_only() {
        let sql = "-- rollsafe: allow drop-column because archived in 1.2\nALTER TABLE users DROP COLUMN legacy;\nALTER TABLE users DROP COLUMN email;";
        assert_eq!(
            found(sql),
            [("drop-column", Class::Destructive, false), ("drop-column", Class::Destructive, true)]
        );
    }

    #[test]
    fn allow_file_covers_every_statement() {
        let sql = "ALTER TABLE users DROP COLUMN legacy;\n/* rollsafe: allow-file drop-column, rename-column because the users table is being retired */\nALTER TABLE users DROP COLUMN email;";
        assert!(found(sql).iter().all(|(_, _, counts)| !counts));
    }

    #[test]
    fn directives_without_reason_unknown_rules_or_matches_are_reported() {
        let sql = "-- rollsafe: allow drop-column\nALTER TABLE users DROP COLUMN legacy;\n-- rollsafe: allow no-such-rule because x\n-- rollsafe: allow rename-column because y\nALTER TABLE users DROP COLUMN email;";
        let rules: Vec<&str> = found(sql).iter().filter(|f| f.2).map(|f| f.0).collect();
        assert_eq!(
            rules,
            [
                "drop-column",
                "drop-column",
                "invalid-suppression",
                "invalid-suppression",
                "unused-suppression"
            ]
        );
    }
}
