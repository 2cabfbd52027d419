//! Splits a migration file into statements and trivia.
//!
//! The whole file is tokenized once with sqlparser's tokenizer (so dollar quotes,
//! nested comments and `E''` strings are understood by the same code that parses),
//! then cut at top-level `;`, at `GO` lines in T-SQL, and never inside the
//! `BEGIN … END` body of a trigger or routine. Every byte of the file lands in
//! exactly one segment. Trouble the tokenizer cannot get past (an unterminated
//! quote, bytes that are not UTF-8) turns the rest of the file into one unreadable
//! statement instead of stopping the analysis.

mod cut;
mod mask;
mod segments;

use std::ops::Range;

use sqlparser::tokenizer::Tokenizer;

use super::dialect::Dialect;
use super::position::Cursor;
use cut::{Splitter, position_or_start};
use mask::mask_mysql_client_syntax;
pub use mask::mask_placeholders;

pub use segments::{Segment, SegmentKind, SplitFile, StatementSource};

const UTF8_BOM: &str = "\u{feff}";

/// Splits `bytes` (a whole migration file) into statements for `dialect`.
pub fn split(bytes: &[u8], dialect: Dialect) -> SplitFile {
    let (text, invalid_utf8_at) = match std::str::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(error) => {
            let valid = &bytes[..error.valid_up_to()];
            (std::str::from_utf8(valid).unwrap_or_default(), Some(error.valid_up_to()))
        }
    };
    let body_start = if text.starts_with(UTF8_BOM) { UTF8_BOM.len() } else { 0 };
    let masked = mask_placeholders(&text[body_start..]);
    let delimited = match dialect {
        Dialect::Mysql => mask_mysql_client_syntax(masked.as_ref()),
        _ => std::borrow::Cow::Borrowed(masked.as_ref()),
    };
    let body = delimited.as_ref();

    let mut tokens = Vec::new();
    let tokenizer_error = Tokenizer::new(dialect.parser_dialect(), body)
        .with_unescape(false)
        .tokenize_with_location_into_buf(&mut tokens)
        .err();

    let mut cursor = Cursor::new(body);
    let ranges: Vec<Range<usize>> = tokens
        .iter()
        .map(|token| {
            let start = position_or_start(token.span.start);
            let end = position_or_start(token.span.end);
            body_start + cursor.byte_of(start)..body_start + cursor.byte_of(end)
        })
        .collect();

    let mut splitter = Splitter { dialect, tokens: &tokens, ranges: &ranges, out: SplitFile::default() };
    if body_start > 0 {
        splitter.push_segment(SegmentKind::Whitespace, 0..body_start);
    }
    let open = splitter.run();

    let trouble = match (invalid_utf8_at, tokenizer_error) {
        (Some(at), _) => {
            let position = Cursor::new(body).position_of(at.saturating_sub(body_start));
            Some(format!(
                "the file is not valid UTF-8 at line {}, column {} (byte {at}); the rest of the file is not analysed",
                position.line, position.column
            ))
        }
        (None, Some(error)) => {
            // The tokenizer says where it gave up (for an unterminated quote, the end of
            // the file); the reader needs where the text it could not read starts: just
            // after the last token it did read.
            let stuck_at = ranges.last().map_or(body_start, |range| range.end) - body_start;
            let start = Cursor::new(body).position_of(stuck_at);
            Some(format!(
                "{}; the rest of the file is not analysed (starting at line {}, column {})",
                error.message, start.line, start.column
            ))
        }
        (None, None) => None,
    };
    match trouble {
        Some(message) => {
            let rest_start = match open {
                Some(first) => ranges[first].start,
                None => ranges.last().map_or(body_start, |range| range.end),
            };
            let start = Cursor::new(body).position_of(rest_start - body_start);
            let end = Cursor::new(body).position_of(body.len());
            let first_token = open.unwrap_or(tokens.len());
            splitter.cover_gap_before(rest_start);
            splitter
                .out
                .segments
                .push(Segment { kind: SegmentKind::Statement, range: rest_start..bytes.len() });
            splitter.out.statements.push(StatementSource {
                range: rest_start..bytes.len(),
                start,
                end,
                tokens: first_token..tokens.len(),
                unreadable: Some(message),
            });
        }
        None => {
            if let Some(first) = open {
                splitter.close_before(first, tokens.len());
            }
            splitter.cover_gap_before(bytes.len());
        }
    }
    let mut out = splitter.out;
    out.tokens = tokens;
    out.token_bytes = ranges;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::position::Position;

    pub(super) fn statements(sql: &str, dialect: Dialect) -> Vec<String> {
        split_texts(sql, dialect).1.into_iter().map(str::to_owned).collect()
    }

    /// `sql` split, checked to be covered by its segments, and its statements' texts.
    pub(super) fn split_texts(sql: &str, dialect: Dialect) -> (SplitFile, Vec<&str>) {
        let split = split(sql.as_bytes(), dialect);
        assert_covers(&split, sql.len());
        let texts = split.statements.iter().map(|s| &sql[s.range.clone()]).collect();
        (split, texts)
    }

    pub(super) fn assert_covers(split: &SplitFile, len: usize) {
        assert_eq!(split.coverage_error(len), None, "{:?}", split.segments);
    }

    #[test]
    fn unterminated_dollar_quote_makes_the_rest_one_unreadable_statement() {
        let sql = "CREATE TABLE a (x int);\nCREATE FUNCTION f() AS $$ SELECT 1;\n";
        let split = split(sql.as_bytes(), Dialect::Postgres);
        assert_covers(&split, sql.len());
        assert_eq!(split.statements.len(), 2);
        let rest = &split.statements[1];
        assert_eq!(rest.start, Position { line: 2, column: 1 });
        assert!(rest.unreadable.as_deref().unwrap_or_default().contains("rest of the file"));
    }

    #[test]
    fn invalid_utf8_is_positioned_and_nothing_is_lost() {
        let mut bytes = b"CREATE TABLE a (x int);\nSELECT 'caf".to_vec();
        bytes.push(0xff);
        bytes.extend_from_slice(b"';\n");
        let split = split(&bytes, Dialect::Postgres);
        assert_covers(&split, bytes.len());
        let rest = &split.statements[1];
        assert_eq!(rest.start.line, 2);
        assert!(rest.unreadable.as_deref().unwrap_or_default().contains("UTF-8 at line 2"));
    }

    #[test]
    fn empty_and_comment_only_files_have_no_statements() {
        assert!(statements("", Dialect::Postgres).is_empty());
        assert!(statements("-- nothing\n/* here */", Dialect::Sqlite).is_empty());
    }

    #[test]
    fn an_empty_mysql_conditional_comment_is_a_comment() {
        for sql in ["/*!50100*/${placeholder}", "/*!50100*/", "SELECT 1; /*!50100*/ SELECT 2;", "/*!50100*/x"]
        {
            let (split, _) = split_texts(sql, Dialect::Mysql);
            assert_covers(&split, sql.len());
            let comment = split.segments.iter().find(|s| s.kind == SegmentKind::Comment).expect("a comment");
            assert_eq!(&sql[comment.range.clone()], "/*!50100*/", "{sql}");
        }
    }

    #[test]
    fn byte_order_mark_is_whitespace() {
        let sql = "\u{feff}SELECT 1;";
        assert_eq!(statements(sql, Dialect::Postgres), ["SELECT 1;"]);
    }
}
