//! The one way a migration file is judged: the analysis, the way back and the
//! tests all go through [`FileJudge`], whole files through [`judge_file`].

use super::finding::Heads;
use super::{Change, Context, apply_suppressions, classify};
use crate::schema::{Epoch, Schema, Snapshot};
use crate::sql::{Dialect, Outcome, ParsedFile, ParsedStatement, Pieces, Segment, SegmentKind};

/// Judges every statement of one file (index `file` among the analysis' files,
/// `bytes` read into `parsed`, whole or a piece at a time) against the schema just before it, then applies it
/// to `schema`, recording in `snapshot` what it touches of the schema before the
/// window. Objects created at or after `window_start` are new to the window.
/// Returns a change per statement, in order, then one per suppression directive
/// that is invalid or unused.
pub fn judge_file(
    file: usize,
    bytes: &[u8],
    parsed: &impl Pieces,
    dialect: Dialect,
    schema: &mut Schema,
    snapshot: &mut Snapshot,
    window_start: Epoch,
) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut judge = FileJudge::new(file, &changes);
    parsed.each_piece(|piece| judge.judge(piece, dialect, schema, snapshot, window_start, &mut changes));
    judge.finish(bytes, &mut changes);
    changes
}

/// One file judged as it is read, whole or a piece at a time (see
/// [`crate::sql::ReadAhead`]), the same either way: each statement judged against
/// the schema just before it, then applied to it; what the suppressions need of
/// the file (its comments, where its statements end) kept until the file's end,
/// its statements not.
pub struct FileJudge {
    file: usize,
    /// Where the file's changes start among the changes they are pushed to.
    first_change: usize,
    comments: Vec<Segment>,
    statement_ends: Vec<usize>,
    heads: Heads,
}

impl FileJudge {
    /// Judges file `file`, whose changes follow `changes`.
    pub fn new(file: usize, changes: &[Change]) -> Self {
        FileJudge {
            file,
            first_change: changes.len(),
            comments: Vec::new(),
            statement_ends: Vec::new(),
            heads: Heads::default(),
        }
    }

    /// Judges the statements of `parsed`, the file or its next piece, as
    /// [`judge_file`] does, pushing a change per statement to `changes`.
    pub fn judge(
        &mut self,
        parsed: &ParsedFile,
        dialect: Dialect,
        schema: &mut Schema,
        snapshot: &mut Snapshot,
        window_start: Epoch,
        changes: &mut Vec<Change>,
    ) {
        for statement in &parsed.statements {
            let findings = classify(statement, &Context { schema, window_start, dialect });
            changes.push(Change::new(self.file, statement, &mut self.heads, findings));
            if let Outcome::Parsed(ops) = &statement.outcome {
                for op in ops {
                    snapshot.record(schema, op);
                    schema.apply(op);
                }
            }
            self.statement_ends.push(statement.range.end);
        }
        self.comments.extend(parsed.segments.iter().filter(|s| s.kind == SegmentKind::Comment).cloned());
    }

    /// Applies the file's suppression directives (`bytes` is the file) to its
    /// changes and pushes one per directive that is invalid or unused.
    pub fn finish(self, bytes: &[u8], changes: &mut Vec<Change>) {
        let own = &mut changes[self.first_change..];
        let reports = apply_suppressions(self.file, bytes, &self.comments, &self.statement_ends, own);
        changes.extend(reports);
    }
}

/// Applies a parsed file to `schema` without judging it (the migrations A already ran).
pub fn replay_file(schema: &mut Schema, parsed: &impl Pieces) {
    parsed.each_piece(|piece| piece.statements.iter().for_each(|statement| apply(schema, statement)));
}

fn apply(schema: &mut Schema, statement: &ParsedStatement) {
    if let Outcome::Parsed(ops) = &statement.outcome {
        ops.iter().for_each(|op| schema.apply(op));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::{parse_file, parse_in_pieces};

    #[test]
    fn a_file_judged_a_piece_at_a_time_is_judged_as_it_is_whole() {
        // Directives in earlier pieces than the statements they suppress, one for
        // the whole file, one unused, a statement rejected.
        let sql = "CREATE TABLE users (id int, legacy text, email text, note text);\n\
            -- rollsafe: allow drop-column because archived in 1.2\n\
            ALTER TABLE users DROP COLUMN legacy;\n\
            /* rollsafe: allow-file rename-column because the old name is gone from A */\n\
            ALTER TABLE users FROB note;\n\
            ALTER TABLE users DROP COLUMN email;\n\
            -- rollsafe: allow drop-table because nothing\n\
            ALTER TABLE users RENAME COLUMN note TO remark;\n";
        let judged = |pieces: Vec<ParsedFile>| {
            let (mut schema, mut snapshot, mut changes) =
                (Schema::default(), Snapshot::default(), Vec::new());
            schema.begin_migration(0);
            let mut judge = FileJudge::new(0, &changes);
            for piece in &pieces {
                judge.judge(piece, Dialect::Postgres, &mut schema, &mut snapshot, 0, &mut changes);
            }
            judge.finish(sql.as_bytes(), &mut changes);
            format!("{changes:?}")
        };
        let mut pieces = Vec::new();
        parse_in_pieces(sql.as_bytes(), Dialect::Postgres, 1, |piece| pieces.push(piece));
        assert!(pieces.len() > 5, "{pieces:?}");
        let whole = judged(vec![parse_file(sql.as_bytes(), Dialect::Postgres)]);
        assert_eq!(judged(pieces), whole);
        for rule in ["drop-column", "parse-error", "unused-suppression"] {
            assert!(whole.contains(rule), "{rule} not in {whole}");
        }
        assert!(whole.contains("suppressed: Some(\"archived in 1.2\")"), "{whole}");
    }
}
