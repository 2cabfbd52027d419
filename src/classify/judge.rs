//! The one way a migration file is judged: the analysis, the way back and the
//! tests all go through [`judge_file`].

use super::{Change, Context, apply_suppressions, classify};
use crate::schema::{Epoch, Schema, Snapshot};
use crate::sql::{Dialect, Outcome, ParsedFile, ParsedStatement};

/// Judges every statement of one file (index `file` among the analysis' files,
/// `bytes` read into `parsed`) against the schema just before it, then applies it
/// to `schema`, recording in `snapshot` what it touches of the schema before the
/// window. Objects created at or after `window_start` are new to the window.
/// Returns a change per statement, in order, then one per suppression directive
/// that is invalid or unused.
pub fn judge_file(
    file: usize,
    bytes: &[u8],
    parsed: &ParsedFile,
    dialect: Dialect,
    schema: &mut Schema,
    snapshot: &mut Snapshot,
    window_start: Epoch,
) -> Vec<Change> {
    let statements = &parsed.statements;
    let mut changes = Vec::with_capacity(statements.len());
    for statement in statements {
        let findings = classify(statement, &Context { schema, window_start, dialect });
        changes.push(Change::new(file, statement, findings));
        if let Outcome::Parsed(ops) = &statement.outcome {
            for op in ops {
                snapshot.record(schema, op);
                schema.apply(op);
            }
        }
    }
    let reports = apply_suppressions(file, bytes, &parsed.segments, statements, &mut changes);
    changes.extend(reports);
    changes
}

/// Applies a parsed file to `schema` without judging it (the migrations A already ran).
pub fn replay_file(schema: &mut Schema, parsed: &ParsedFile) {
    parsed.statements.iter().for_each(|statement| apply(schema, statement));
}

fn apply(schema: &mut Schema, statement: &ParsedStatement) {
    if let Outcome::Parsed(ops) = &statement.outcome {
        ops.iter().for_each(|op| schema.apply(op));
    }
}
