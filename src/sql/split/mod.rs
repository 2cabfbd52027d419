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
mod tokenize;

use std::ops::Range;

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, Span, Token, TokenWithSpan, TokenizerError};

use super::dialect::Dialect;
use super::position::{Cursor, Position};
use cut::{Splitter, position_or_start};
use mask::mask_mysql_client_syntax;
pub use mask::mask_placeholders;
pub use tokenize::compare_fast_path;
pub(crate) use tokenize::tokenize;
use tokenize::{Tokenized, tokenize_piece};

pub use segments::{Segment, SegmentKind, SplitFile, StatementSource};

const UTF8_BOM: &str = "\u{feff}";

/// How many bytes of a file are tokenized at a time, at least, when a caller reads
/// it in pieces (see [`split_in_pieces`]): a big file's tokens, many times its
/// size, are never all held at once. Whitespace is a token too: pieces of 1 MiB
/// of the big-file benchmark's schema changes held 46 to 92 MB of tokens (heaptrack),
/// 13 MB at 256 KiB; and up to four pieces are in flight at once (one parsed, one
/// waiting to be, two tokenized ahead). At 64 KiB the 20 MB schema-change benchmark
/// file peaks about 15 MB lower than at 256 KiB (bulk INSERTs: 5 MB), at the same
/// speed; at 32 KiB 10 MB lower again (RSS 146 to 136 MB), at the same speed,
/// while 16 KiB costs a tenth more CPU time for 4 MB less.
pub const PIECE_BYTES: usize = 1 << 15;

/// Splits `bytes` (a whole migration file) into statements for `dialect`.
pub fn split(bytes: &[u8], dialect: Dialect) -> SplitFile {
    let mut whole = SplitFile::default();
    split_in_pieces(bytes, dialect, usize::MAX, |piece| whole = piece);
    whole
}

/// Splits `bytes` like [`split`], handing `each` the file a piece at a time, in
/// order: each piece's segments and statements, with its own tokens (file-wide
/// locations). A piece ends at a `;` that ends a line after at least
/// `piece_bytes` bytes, where cutting provably changes nothing: the text before
/// tokenizes without trouble, ending with that `;`, which closes a statement at
/// the top level, and no `COPY … FROM STDIN` data (which follows the `;`) is
/// open at it. The pieces' segments, one after another, are the whole file's, and their
/// statements too.
pub fn split_in_pieces(bytes: &[u8], dialect: Dialect, piece_bytes: usize, mut each: impl FnMut(SplitFile)) {
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
    let file = Whole { bytes, body, body_start, invalid_utf8_at, dialect };

    let mut cursor = Cursor::new(body);
    let mut start = 0;
    // The piece after the one being cut, tokenized at the same time on a thread of
    // its own as if that cut were clean; kept when it is.
    let mut ahead: Option<Piece<'_>> = None;
    loop {
        let mut length = piece_bytes;
        let piece = loop {
            let end = piece_end(body, start, length);
            let piece = match ahead.take() {
                Some(piece) if piece.start == start && piece.end == end => piece,
                _ if length == piece_bytes && end < body.len() => {
                    let (piece, next) = file.piece_and_next(start..end, piece_bytes, &cursor);
                    ahead = next;
                    piece
                }
                _ => file.piece(start..end, &cursor),
            };
            if end == body.len() || piece.is_clean_cut() {
                break piece;
            }
            // A cut that would change something (inside a quote, a routine's body):
            // a longer piece, past this cut and at least twice as long, so that the
            // retries cost at most the tokenizing of the file once more.
            length = length.saturating_mul(2).max(end - start + 1);
        };
        cursor = piece.cursor.clone();
        let end = piece.end;
        each(file.finish(piece));
        if end == body.len() {
            return;
        }
        start = end;
    }
}

/// Where a piece starting at `start` of `body` can end: just after the first `;`
/// that ends a line at least `length` bytes on, else the end of `body`.
fn piece_end(body: &str, start: usize, length: usize) -> usize {
    let bytes = body.as_bytes();
    let from = start.saturating_add(length).min(bytes.len());
    // `;` is one byte of its own in UTF-8: just past it is a character boundary.
    (from..bytes.len())
        .find(|&at| bytes[at] == b';' && matches!(bytes.get(at + 1), Some(b'\n' | b'\r')))
        .map_or(bytes.len(), |at| at + 1)
}

/// A location in a piece that starts at `base` of the file, made file-wide.
fn file_wide(location: Location, base: Position) -> Location {
    match location.line {
        0 => location,
        1 => Location::new(u64::from(base.line), u64::from(base.column) + location.column - 1),
        line => Location::new(u64::from(base.line) + line - 1, location.column),
    }
}

/// The file being split, masked, and what stops reading it.
struct Whole<'a> {
    bytes: &'a [u8],
    /// The text tokenized: the file's after any byte order mark, masked.
    body: &'a str,
    body_start: usize,
    invalid_utf8_at: Option<usize>,
    dialect: Dialect,
}

/// A piece of the file tokenized and cut into statements; the statement still
/// open at its end, if any.
struct Piece<'a> {
    start: usize,
    end: usize,
    tokens: Vec<TokenWithSpan>,
    ranges: Vec<Range<usize>>,
    out: SplitFile,
    open: Option<usize>,
    tokenizer_error: Option<TokenizerError>,
    /// Past the piece's last token.
    cursor: Cursor<'a>,
}

impl<'a> Whole<'a> {
    /// Tokenizes and cuts the piece `within` the body; `cursor` stands at or
    /// before its start.
    fn piece(&self, within: Range<usize>, cursor: &Cursor<'a>) -> Piece<'a> {
        let mut cursor = cursor.clone();
        let base = cursor.position_of(within.start);
        // Each piece after the first follows the `;` that ended the one before.
        let Tokenized { tokens, bytes, error: tokenizer_error } =
            tokenize_piece(self.dialect, &self.body[within.clone()], within.start > 0, |token| {
                TokenWithSpan {
                    span: Span::new(file_wide(token.span.start, base), file_wide(token.span.end, base)),
                    token: token.token,
                }
            });
        let ranges: Vec<Range<usize>> = match bytes {
            Some(mut bytes) => {
                let offset = self.body_start + within.start;
                for range in &mut bytes {
                    *range = offset + range.start..offset + range.end;
                }
                // Past the piece, for the next to find where it starts from.
                if let Some(last) = tokens.last() {
                    cursor.byte_of(position_or_start(last.span.end));
                }
                bytes
            }
            None => tokens
                .iter()
                .map(|token| {
                    let start = position_or_start(token.span.start);
                    let end = position_or_start(token.span.end);
                    self.body_start + cursor.byte_of(start)..self.body_start + cursor.byte_of(end)
                })
                .collect(),
        };
        let covers_from = if within.start == 0 { 0 } else { self.body_start + within.start };
        let mut splitter = Splitter {
            dialect: self.dialect,
            tokens: &tokens,
            ranges: &ranges,
            out: SplitFile::default(),
            covers_from,
        };
        if within.start == 0 && self.body_start > 0 {
            splitter.push_segment(SegmentKind::Whitespace, 0..self.body_start);
        }
        let open = splitter.run();
        let out = splitter.out;
        Piece { start: within.start, end: within.end, tokens, ranges, out, open, tokenizer_error, cursor }
    }

    /// The piece `within` the body, and the one after it, of at least
    /// `piece_bytes`, tokenized on a thread of its own at the same time: a piece is
    /// the same whatever the cursor it starts from, at or before its start.
    fn piece_and_next(
        &self,
        within: Range<usize>,
        piece_bytes: usize,
        cursor: &Cursor<'a>,
    ) -> (Piece<'a>, Option<Piece<'a>>) {
        let next = within.end..piece_end(self.body, within.end, piece_bytes);
        std::thread::scope(|scope| {
            let next = scope.spawn(|| self.piece(next, cursor));
            let piece = self.piece(within, cursor);
            // A thread that did not finish leaves the next piece to be tokenized again.
            (piece, next.join().ok())
        })
    }

    /// The piece's split, with the rest of the file made one unreadable statement
    /// when the piece holds trouble the tokenizer could not get past.
    fn finish(&self, piece: Piece<'_>) -> SplitFile {
        let Piece { start, end, tokens, ranges, out, open, tokenizer_error, .. } = piece;
        let (body, body_start) = (self.body, self.body_start);
        let covers_from = if start == 0 { 0 } else { body_start + start };
        let mut splitter =
            Splitter { dialect: self.dialect, tokens: &tokens, ranges: &ranges, out, covers_from };
        let last_end = ranges.last().map_or(body_start + start, |range| range.end);
        let trouble = match (self.invalid_utf8_at.filter(|_| end == body.len()), tokenizer_error) {
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
                let start = Cursor::new(body).position_of(last_end - body_start);
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
                    None => last_end,
                };
                let start = Cursor::new(body).position_of(rest_start - body_start);
                let end = Cursor::new(body).position_of(body.len());
                let first_token = open.unwrap_or(tokens.len());
                let len = self.bytes.len();
                splitter.cover_gap_before(rest_start);
                splitter.out.segments.push(Segment { kind: SegmentKind::Statement, range: rest_start..len });
                splitter.out.statements.push(StatementSource {
                    range: rest_start..len,
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
                splitter.cover_gap_before(body_start + end);
            }
        }
        let mut out = splitter.out;
        out.tokens = tokens;
        out.token_bytes = ranges;
        out
    }
}

impl Piece<'_> {
    /// Whether the file may be cut at the piece's end without changing anything:
    /// the tokenizer read it all, its last token is a `;` that closes a statement
    /// at the top level, and no `COPY … FROM STDIN` data is open at the cut.
    fn is_clean_cut(&self) -> bool {
        self.tokenizer_error.is_none()
            && self.open.is_none()
            && self.tokens.last().is_some_and(|last| last.token == Token::SemiColon)
            && !copy_data_open(&self.tokens)
    }
}

/// Whether the data of a `COPY … FROM STDIN` may still be open at the end of
/// `tokens`: the data follows the statement's `;`, from the next line up to a
/// line `\.` of its own, and the tokenizer reads it as one token, ended only
/// when that line is in the text it reads. Open unless the last `STDIN` of
/// `tokens` is followed by such an ended token; a `STDIN` in any other
/// statement (a column so named) keeps the cut refused too, which is safe.
fn copy_data_open(tokens: &[TokenWithSpan]) -> bool {
    let is_stdin =
        |t: &TokenWithSpan| matches!(&t.token, Token::Word(word) if word.keyword == Keyword::STDIN);
    tokens.iter().rposition(is_stdin).is_some_and(|stdin| {
        !tokens[stdin..].iter().any(|t| matches!(t.token, Token::CopyData { terminated: true, .. }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// `sql` split in pieces as small as cutting allows, put back together: the
    /// segments, each statement's place and tokens.
    fn pieces_rejoined(
        sql: &str,
        dialect: Dialect,
    ) -> (Vec<Segment>, Vec<(StatementSource, Vec<TokenWithSpan>)>) {
        let (mut segments, mut statements) = (Vec::new(), Vec::new());
        split_in_pieces(sql.as_bytes(), dialect, 1, |piece| {
            segments.extend(piece.segments.iter().cloned());
            statements.extend(piece.statements.iter().map(|s| (s.clone(), piece.tokens_of(s).to_vec())));
        });
        (segments, statements)
    }

    #[test]
    fn a_file_read_in_pieces_splits_as_it_does_whole() {
        let files = [
            (
                Dialect::Postgres,
                "\u{feff}-- head\nCREATE TABLE a (x int);\nINSERT INTO a VALUES (1);\r\nSELECT 'semi;\ncolon';\n/* c;\n */ SELECT 2;\n\nCREATE FUNCTION f() RETURNS int AS $$\nSELECT 1;\nSELECT 2;\n$$ LANGUAGE sql;\nCOPY a (x) FROM stdin;\n1;\n2;\n\\.\nSELECT 3; -- done;\nSELECT é.x FROM é;\n",
            ),
            (Dialect::Postgres, "SELECT 1;\nSELECT 'unterminated;\nSELECT 2;\n"),
            (
                Dialect::Sqlite,
                "CREATE TABLE a (x);\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\nUPDATE a SET x = 1;\nEND;\nDROP TABLE a;\n",
            ),
            (
                Dialect::Mysql,
                "CREATE TABLE a (x int);\nDELIMITER $$\nCREATE PROCEDURE p() BEGIN\nSELECT 1;\nEND$$\nDELIMITER ;\nDROP TABLE a;\n/*!40101 SET NAMES utf8 */;\n",
            ),
            (
                Dialect::Mssql,
                "CREATE TABLE a (x int);\nGO\nIF 1 = 1\nBEGIN\n  DROP TABLE b;\n  DROP TABLE c;\nEND;\nCREATE PROCEDURE p AS\nSET NOCOUNT ON;\nDELETE FROM t;\nGO\nSELECT 1;\n",
            ),
        ];
        for (dialect, sql) in files {
            assert_splits_in_pieces_as_whole(sql, dialect);
        }
    }

    /// `sql` split in pieces as small as cutting allows splits as it does whole.
    fn assert_splits_in_pieces_as_whole(sql: &str, dialect: Dialect) {
        let whole = split(sql.as_bytes(), dialect);
        let (segments, statements) = pieces_rejoined(sql, dialect);
        assert_eq!(segments, whole.segments, "{dialect}: {sql}");
        assert_eq!(statements.len(), whole.statements.len(), "{dialect}: {sql}");
        for ((piece, tokens), source) in statements.iter().zip(&whole.statements) {
            assert_eq!(
                (&piece.range, piece.start, piece.end, &piece.unreadable),
                (&source.range, source.start, source.end, &source.unreadable),
                "{dialect}: {sql}"
            );
            assert_eq!(tokens.as_slice(), whole.tokens_of(source), "{dialect}: {sql}");
        }
    }

    #[test]
    fn a_dump_is_cut_after_its_copy_data_ends() {
        let mut sql = String::from(
            "SET client_encoding = 'UTF8';\nCREATE TABLE a (x int, y text);\nCOPY a (x, y) FROM stdin;\n1\tone;\n2\ttwo;\n\\.\n\n",
        );
        for table in 0..20 {
            sql.push_str(&format!("CREATE TABLE t{table} (x int);\n"));
        }
        // A COPY whose `;` line goes on: its data starts on the next line all the same.
        sql.push_str("COPY a (x) FROM stdin; SELECT 1;\n3;\n\\.\nDROP TABLE a;\n");
        assert_splits_in_pieces_as_whole(&sql, Dialect::Postgres);

        let mut pieces = Vec::new();
        split_in_pieces(sql.as_bytes(), Dialect::Postgres, 1, |piece| pieces.push(piece.statements.len()));
        // Each COPY is held with its data and the next statement (the first `;`
        // that ends a line after its data); every other statement is a piece.
        assert_eq!(pieces[..3], [1, 1, 2], "the SET, the CREATE TABLE, the COPY and t0");
        assert!(pieces.len() > 20, "{pieces:?}");
    }

    #[test]
    fn a_piece_ends_only_where_a_statement_does() {
        let sql = "SELECT 'a;\nb';\nSELECT 1;\nSELECT 2;\n";
        let mut pieces = Vec::new();
        split_in_pieces(sql.as_bytes(), Dialect::Postgres, 1, |piece| pieces.push(piece.statements.len()));
        // The last piece is the file's closing newline.
        assert_eq!(pieces, [1, 1, 1, 0], "the `;` inside the quote is no place to cut");
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
