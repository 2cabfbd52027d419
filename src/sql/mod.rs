//! Stage 2: split migration files into statements, parse them, and lower each to
//! the operations it performs.

mod dialect;
mod lower;
mod op;
mod parse;
mod position;
mod recognise;
mod split;
mod tokens;

pub use dialect::Dialect;
pub use op::{Argument, ColumnSpec, ConstraintKind, ConstraintSpec, Name, Op, RoutineBody};
pub use parse::{Outcome, ParsedStatement, parse};
pub use position::{LineIndex, Position};
pub use split::{Segment, SegmentKind, SplitFile, StatementSource, split};
