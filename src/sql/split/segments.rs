//! What splitting makes of a file: segments that cover it, and its statements.

use std::ops::Range;

use sqlparser::tokenizer::TokenWithSpan;

use crate::sql::position::Position;

/// What a segment of a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    Statement,
    Whitespace,
    Comment,
    /// A line for the client, not the server: T-SQL `GO`, MySQL `DELIMITER`.
    ClientCommand,
}

/// A contiguous byte range of a file and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub kind: SegmentKind,
    pub range: Range<usize>,
}

/// The text of one statement, located in its file.
#[derive(Debug, Clone)]
pub struct StatementSource {
    /// Bytes of the statement, from its first token through its `;` if it has one.
    pub range: Range<usize>,
    /// Where its first token starts.
    pub start: Position,
    /// Just after its last token.
    pub end: Position,
    /// Where its tokens (whitespace and comments included) sit in the file's
    /// tokens: see [`SplitFile::tokens_of`].
    pub tokens: Range<usize>,
    /// Why the statement could not be read (unterminated quote, invalid UTF-8).
    pub unreadable: Option<String>,
}

/// A file cut into segments that cover it exactly, and its statements.
#[derive(Debug, Clone, Default)]
pub struct SplitFile {
    pub segments: Vec<Segment>,
    pub statements: Vec<StatementSource>,
    /// Every token of the file, with file-wide locations; statements point into it.
    pub(super) tokens: Vec<TokenWithSpan>,
    /// The byte range of each of `tokens` in the file.
    pub(super) token_bytes: Vec<Range<usize>>,
}

impl SplitFile {
    /// What breaks "every byte of the file in exactly one segment, in order" for a
    /// file of `len` bytes, if anything: the invariant tests and fuzzing check.
    pub fn coverage_error(&self, len: usize) -> Option<String> {
        let mut at = 0;
        for segment in &self.segments {
            if segment.range.start != at || segment.range.end < segment.range.start {
                return Some(format!("segment {:?} does not start at byte {at}", segment.range));
            }
            at = segment.range.end;
        }
        (at != len).then(|| format!("the segments end at byte {at} of {len}"))
    }

    /// The tokens of `statement`, one of this file's.
    pub fn tokens_of(&self, statement: &StatementSource) -> &[TokenWithSpan] {
        self.tokens.get(statement.tokens.clone()).unwrap_or_default()
    }

    /// The byte range in the file of each token of `statement`.
    pub fn token_bytes_of(&self, statement: &StatementSource) -> &[Range<usize>] {
        self.token_bytes.get(statement.tokens.clone()).unwrap_or_default()
    }
}
