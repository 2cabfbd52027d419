//! Stage 2: split migration files into statements, parse them, and lower each to
//! the operations it performs.

// Layers, listed from the bottom up: a module uses modules of earlier layers
// (and, in the first, `op` uses `position`), never of a later one, so nothing
// calls back up.

// What every layer speaks: dialects, positions, operations, walking tokens.
mod dialect;
mod op;
mod position;
mod tokens;

// Files cut into statements; sqlparser's statements lowered to operations.
mod lower;
mod split;

// One statement's tokens through sqlparser and lowering.
mod statement;

// Spellings sqlparser rejects, read as ones it takes.
mod respell;

// Statements sqlparser rejects or does not model, recognised; code inside
// statements (procedure bodies, guards, built text) interpreted.
mod interpret;
mod recognise;

// A file's statements read with all of the above.
mod parse;

// Comparing two texts of one migration.
mod formatting;

pub use dialect::Dialect;
pub use formatting::differs_only_in_formatting;
pub use op::{
    Argument, ColumnCopy, ColumnSpec, ConstraintKind, ConstraintSpec, Name, Op, Parameter, RoutineBody,
};
#[cfg(test)]
pub(crate) use parse::parse_in_pieces;
pub use parse::{Outcome, ParsedFile, ParsedStatement, Pieces, ReadAhead, parse, parse_file, parse_split};
pub use position::{LineIndex, Position};
pub use split::{
    Segment, SegmentKind, SplitFile, StatementSource, compare_fast_path, mask_placeholders, split,
    split_in_pieces,
};

/// The operations of each statement of `text`, by the line it starts on; a
/// statement not parsed fails the test.
#[cfg(test)]
pub(crate) fn ops_by_line(text: &[u8], dialect: Dialect) -> Vec<(u32, Vec<Op>)> {
    parse_file(text, dialect)
        .statements
        .iter()
        .map(|statement| match &statement.outcome {
            Outcome::Parsed(ops) => (statement.start.line, ops.clone()),
            other => panic!("line {}: {other:?}", statement.start.line),
        })
        .collect()
}
