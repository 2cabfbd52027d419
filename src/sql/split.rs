//! Splits a migration file into statements and trivia.
//!
//! The whole file is tokenized once with sqlparser's tokenizer (so dollar quotes,
//! nested comments and `E''` strings are understood by the same code that parses),
//! then cut at top-level `;`, at `GO` lines in T-SQL, and never inside the
//! `BEGIN … END` body of a trigger or routine. Every byte of the file lands in
//! exactly one segment. Trouble the tokenizer cannot get past (an unterminated
//! quote, bytes that are not UTF-8) turns the rest of the file into one unreadable
//! statement instead of stopping the analysis.

use std::ops::Range;

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer, Whitespace};

use super::dialect::Dialect;
use super::position::{Cursor, Position};
use super::tokens::{last_significant, next_significant};

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
    tokens: Vec<TokenWithSpan>,
    /// The byte range of each of `tokens` in the file.
    token_bytes: Vec<Range<usize>>,
}

impl SplitFile {
    /// The tokens of `statement`, one of this file's.
    pub fn tokens_of(&self, statement: &StatementSource) -> &[TokenWithSpan] {
        self.tokens.get(statement.tokens.clone()).unwrap_or_default()
    }

    /// The byte range in the file of each token of `statement`.
    pub fn token_bytes_of(&self, statement: &StatementSource) -> &[Range<usize>] {
        self.token_bytes.get(statement.tokens.clone()).unwrap_or_default()
    }
}

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
        (None, Some(error)) => Some(
            format!("{}; the rest of the file is not analysed", error.message)
                + &format!(" (starting at line {}, column {})", error.location.line, error.location.column),
        ),
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
        }
    }
    let mut out = splitter.out;
    out.tokens = tokens;
    out.token_bytes = ranges;
    out
}

/// Flyway and Liquibase `${name}` placeholders become identifiers of the same
/// length (`_name__`), so the SQL around them parses and every position stays put.
fn mask_placeholders(text: &str) -> std::borrow::Cow<'_, str> {
    static PLACEHOLDER: std::sync::LazyLock<Option<regex::Regex>> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\$\{([A-Za-z0-9_.:-]+)\}").ok());
    match PLACEHOLDER.as_ref() {
        Some(placeholder) if text.contains("${") => {
            placeholder.replace_all(text, |captures: &regex::Captures<'_>| {
                let name: String =
                    captures[1].chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
                format!("_{name}__")
            })
        }
        _ => std::borrow::Cow::Borrowed(text),
    }
}

/// What MySQL's migration tools read differently from its server, masked so the
/// tokenizer sees what they run, every position kept:
/// - after the client's `DELIMITER $$`, statements end at `$$`: each such delimiter
///   becomes spaces and a `;` (last, so the statement ends where the delimiter did);
///   routine bodies keep their own `;`;
/// - a line starting `--word` (Liquibase's `--changeset`) is a comment to the tools,
///   though the server wants a space after `--`: it starts `#-` instead.
fn mask_mysql_client_syntax(text: &str) -> std::borrow::Cow<'_, str> {
    // The word itself, not a prefix: a column named `delimiter_kind` is no command.
    let is_delimiter_line =
        |line: &str| line.split_whitespace().next().is_some_and(|w| w.eq_ignore_ascii_case("DELIMITER"));
    let is_tight_dash_comment = |line: &str| {
        let rest = line.trim_start().strip_prefix("--");
        rest.and_then(|rest| rest.chars().next()).is_some_and(|c| !c.is_whitespace())
    };
    if !text.lines().any(|line| is_delimiter_line(line) || is_tight_dash_comment(line)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut masked = String::with_capacity(text.len());
    let mut delimiter = ";".to_owned();
    let mut replacement = String::new();
    for line in text.split_inclusive('\n') {
        if is_delimiter_line(line) {
            if let Some(new) = line.split_whitespace().nth(1) {
                delimiter = new.to_owned();
                replacement = format!("{};", " ".repeat(delimiter.len() - 1));
            }
            masked.push_str(line);
        } else if is_tight_dash_comment(line) {
            let indent = line.len() - line.trim_start().len();
            masked.push_str(&line[..indent]);
            masked.push_str("#-");
            masked.push_str(&line[indent + 2..]);
        } else if delimiter == ";" {
            masked.push_str(line);
        } else {
            masked.push_str(&line.replace(&delimiter, &replacement));
        }
    }
    std::borrow::Cow::Owned(masked)
}

fn position_or_start(location: sqlparser::tokenizer::Location) -> Position {
    Position::from_location(location).unwrap_or(Position::START)
}

struct Splitter<'a> {
    dialect: Dialect,
    tokens: &'a [TokenWithSpan],
    ranges: &'a [Range<usize>],
    out: SplitFile,
}

impl Splitter<'_> {
    /// Cuts the tokens into segments; returns the first token of a statement still
    /// open at the end of the tokens.
    fn run(&mut self) -> Option<usize> {
        let mut open: Option<usize> = None;
        let mut tracks_blocks = false;
        let mut depth = 0usize;
        let mut index = 0;
        while index < self.tokens.len() {
            let token = &self.tokens[index].token;
            if let Some(kind) = trivia_kind(token) {
                if open.is_none() {
                    self.push_segment(kind, self.ranges[index].clone());
                }
                index += 1;
                continue;
            }
            if let Some(command) = self.dialect.client_command() {
                if let Some(after_command) = self.client_command_end(index, command) {
                    if let Some(first) = open.take() {
                        self.close_before(first, index);
                    }
                    let range = self.ranges[index].start..self.ranges[after_command - 1].end;
                    self.push_segment(SegmentKind::ClientCommand, range);
                    index = after_command;
                    continue;
                }
            }
            let first = *open.get_or_insert_with(|| {
                tracks_blocks =
                    self.dialect.has_free_standing_blocks() || starts_routine_definition(self.tokens, index);
                depth = 0;
                index
            });
            match token {
                Token::SemiColon if depth == 0 => {
                    self.push_statement(first, index);
                    open = None;
                }
                Token::Word(word) if tracks_blocks => match word.keyword {
                    Keyword::BEGIN if opens_block(self.next_word(index).as_deref()) => depth += 1,
                    Keyword::CASE => depth += 1,
                    Keyword::END => match self.next_word(index).as_deref() {
                        Some("IF" | "LOOP" | "WHILE" | "REPEAT") => {}
                        Some("CASE") => {
                            depth = depth.saturating_sub(1);
                            index = next_significant(self.tokens, index).unwrap_or(index);
                        }
                        _ => depth = depth.saturating_sub(1),
                    },
                    _ => {}
                },
                _ => {}
            }
            index += 1;
        }
        open
    }

    /// Closes the statement that started at token `first` at the last significant
    /// token before `limit`; the trivia after it becomes trivia segments.
    fn close_before(&mut self, first: usize, limit: usize) {
        let last = last_significant(self.tokens, limit).filter(|&last| last >= first).unwrap_or(first);
        self.push_statement(first, last);
        for i in last + 1..limit {
            if let Some(kind) = trivia_kind(&self.tokens[i].token) {
                self.push_segment(kind, self.ranges[i].clone());
            }
        }
    }

    fn push_statement(&mut self, first: usize, last: usize) {
        let range = self.ranges[first].start..self.ranges[last].end;
        self.out.segments.push(Segment { kind: SegmentKind::Statement, range: range.clone() });
        self.out.statements.push(StatementSource {
            range,
            start: position_or_start(self.tokens[first].span.start),
            end: position_or_start(self.tokens[last].span.end),
            tokens: first..last + 1,
            unreadable: None,
        });
    }

    /// Adds a trivia segment, merging it with a preceding one of the same kind.
    fn push_segment(&mut self, kind: SegmentKind, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        if let Some(last) = self.out.segments.last_mut() {
            if last.kind == kind && kind != SegmentKind::Statement && last.range.end == range.start {
                last.range.end = range.end;
                return;
            }
        }
        self.out.segments.push(Segment { kind, range });
    }

    /// The next significant token if it is a word, upper case.
    fn next_word(&self, index: usize) -> Option<String> {
        match &self.tokens[next_significant(self.tokens, index)?].token {
            Token::Word(word) => Some(word.value.to_ascii_uppercase()),
            _ => None,
        }
    }

    /// If token `index` starts a line with the client command `command` (T-SQL `GO`
    /// with an optional repeat count, MySQL `DELIMITER` and its new delimiter),
    /// returns the index just past that line's last token.
    fn client_command_end(&self, index: usize, command: &str) -> Option<usize> {
        let Token::Word(word) = &self.tokens[index].token else {
            return None;
        };
        if word.quote_style.is_some() || !word.value.eq_ignore_ascii_case(command) {
            return None;
        }
        let line_starts_here = self.tokens[..index]
            .iter()
            .rev()
            .take_while(|t| !is_newline(&t.token))
            .all(|t| matches!(t.token, Token::Whitespace(Whitespace::Space | Whitespace::Tab)));
        if !line_starts_here {
            return None;
        }
        let takes_any_argument = command != "GO";
        let mut end = index + 1;
        while let Some(next) = self.tokens.get(end) {
            match &next.token {
                token if is_newline(token) => break,
                Token::EOF => break,
                Token::Whitespace(Whitespace::Space | Whitespace::Tab) | Token::Number(..) => {}
                Token::Whitespace(Whitespace::SingleLineComment { .. }) => {}
                _ if takes_any_argument => {}
                _ => return None,
            }
            end += 1;
        }
        // A `--` comment that ends the line belongs to the command's line.
        if let Some(Token::Whitespace(Whitespace::SingleLineComment { .. })) =
            self.tokens.get(end).map(|t| &t.token)
        {
            end += 1;
        }
        Some(end)
    }
}

fn trivia_kind(token: &Token) -> Option<SegmentKind> {
    match token {
        Token::Whitespace(Whitespace::Space | Whitespace::Newline | Whitespace::Tab) => {
            Some(SegmentKind::Whitespace)
        }
        Token::Whitespace(_) => Some(SegmentKind::Comment),
        Token::EOF => Some(SegmentKind::Whitespace),
        _ => None,
    }
}

fn is_newline(token: &Token) -> bool {
    match token {
        Token::Whitespace(Whitespace::Newline) => true,
        // A `--` comment swallows its line's newline.
        Token::Whitespace(Whitespace::SingleLineComment { comment, .. }) => comment.ends_with('\n'),
        _ => false,
    }
}

/// `BEGIN` opens a block unless it starts a transaction.
fn opens_block(next: Option<&str>) -> bool {
    match next {
        None => false,
        Some(word) => !matches!(
            word,
            "TRANSACTION" | "WORK" | "TRAN" | "DEFERRED" | "IMMEDIATE" | "EXCLUSIVE" | "DISTRIBUTED"
        ),
    }
}

/// Whether the statement starting at `index` defines a trigger, routine or event,
/// whose `BEGIN … END` body holds semicolons that do not end the statement.
fn starts_routine_definition(tokens: &[TokenWithSpan], index: usize) -> bool {
    let mut words = tokens[index..].iter().filter_map(|t| match &t.token {
        Token::Word(word) => Some(word.keyword),
        Token::Whitespace(_) => None,
        _ => Some(Keyword::NoKeyword),
    });
    if !matches!(words.next(), Some(Keyword::CREATE | Keyword::ALTER)) {
        return false;
    }
    words.take(8).any(|keyword| {
        matches!(
            keyword,
            Keyword::TRIGGER | Keyword::PROCEDURE | Keyword::FUNCTION | Keyword::EVENT | Keyword::PROC
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statements(sql: &str, dialect: Dialect) -> Vec<String> {
        let split = split(sql.as_bytes(), dialect);
        assert_covers(&split, sql.len());
        split.statements.iter().map(|s| sql[s.range.clone()].to_owned()).collect()
    }

    fn assert_covers(split: &SplitFile, len: usize) {
        let mut at = 0;
        for segment in &split.segments {
            assert_eq!(segment.range.start, at, "gap or overlap in {:?}", split.segments);
            at = segment.range.end;
        }
        assert_eq!(at, len);
    }

    #[test]
    fn splits_at_top_level_semicolons() {
        let sql = "-- head\nCREATE TABLE a (x int);\n\nDROP TABLE b ;  /* tail */\n";
        assert_eq!(statements(sql, Dialect::Postgres), ["CREATE TABLE a (x int);", "DROP TABLE b ;"]);
    }

    #[test]
    fn keeps_dollar_quoted_bodies_and_nested_comments_whole() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n/* a /* nested; */ b; */ SELECT E'it\\'s; here';";
        let found = statements(sql, Dialect::Postgres);
        assert_eq!(found.len(), 2);
        assert!(found[1].starts_with("SELECT E'"));
    }

    #[test]
    fn keeps_trigger_bodies_whole() {
        let sql = "CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW BEGIN UPDATE b SET n = CASE WHEN 1 THEN 2 END; IF 1 THEN SET @x = 1; END IF; END;\nSELECT 1;";
        let found = statements(sql, Dialect::Mysql);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].ends_with("END IF; END;"));
    }

    #[test]
    fn mysql_delimiter_lines_change_what_ends_a_statement() {
        let sql = "DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END$$\nCALL p()$$\nDELIMITER ;\nSELECT 3;\n\
                   CREATE TABLE t (id INT,\ndelimiter_kind INT,\nother INT, more INT);\n";
        let split = split(sql.as_bytes(), Dialect::Mysql);
        assert_covers(&split, sql.len());
        let texts: Vec<&str> = split.statements.iter().map(|s| &sql[s.range.clone()]).collect();
        assert_eq!(
            texts,
            [
                "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END$$",
                "CALL p()$$",
                "SELECT 3;",
                "CREATE TABLE t (id INT,\ndelimiter_kind INT,\nother INT, more INT);"
            ]
        );
        let commands: Vec<&str> = split
            .segments
            .iter()
            .filter(|s| s.kind == SegmentKind::ClientCommand)
            .map(|s| &sql[s.range.clone()])
            .collect();
        assert_eq!(commands, ["DELIMITER $$", "DELIMITER ;"]);
    }

    #[test]
    fn mysql_liquibase_directives_without_a_space_are_comments() {
        let sql = "--liquibase formatted sql\n--changeset core:1\nALTER TABLE t ADD c INT;\n--rollback ALTER TABLE t DROP c;\n";
        let split = split(sql.as_bytes(), Dialect::Mysql);
        assert_covers(&split, sql.len());
        let texts: Vec<&str> = split.statements.iter().map(|s| &sql[s.range.clone()]).collect();
        assert_eq!(texts, ["ALTER TABLE t ADD c INT;"]);
        let comments = split.segments.iter().filter(|s| s.kind == SegmentKind::Comment).count();
        assert_eq!(comments, 3);
    }

    #[test]
    fn mysql_conditional_comments_are_read_as_sql() {
        let sql =
            "/*!40101 SET NAMES utf8 */;\n/*!40014 SET FOREIGN_KEY_CHECKS=0 */;\nCREATE TABLE a (x int);";
        let found = statements(sql, Dialect::Mysql);
        assert_eq!(found.len(), 3, "{found:?}");
    }

    #[test]
    fn transaction_begin_is_its_own_statement() {
        let sql = "BEGIN;\nCREATE TABLE a (x int);\nCOMMIT;";
        assert_eq!(statements(sql, Dialect::Postgres).len(), 3);
    }

    #[test]
    fn go_lines_separate_tsql_batches() {
        let sql = "CREATE TABLE a (x int)\nGO\nIF 1 = 1\nBEGIN\n  DROP TABLE b;\n  DROP TABLE c;\nEND\ngo 2\nSELECT 1";
        let split = split(sql.as_bytes(), Dialect::Mssql);
        assert_covers(&split, sql.len());
        let texts: Vec<&str> = split.statements.iter().map(|s| &sql[s.range.clone()]).collect();
        assert_eq!(texts.len(), 3, "{texts:?}");
        assert!(texts[1].starts_with("IF") && texts[1].ends_with("END"));
        let separators = split.segments.iter().filter(|s| s.kind == SegmentKind::ClientCommand).count();
        assert_eq!(separators, 2);
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
    fn placeholders_parse_and_keep_positions() {
        let sql = "ALTER TABLE ${ohdsiSchema}.cohort ADD COLUMN x int;\nDROP TABLE ${schema}.t;";
        let split = split(sql.as_bytes(), Dialect::Postgres);
        assert_covers(&split, sql.len());
        assert_eq!(split.statements[1].start, Position { line: 2, column: 1 });
        let parsed = crate::sql::parse(&split, Dialect::Postgres);
        assert!(parsed.iter().all(|p| matches!(p.outcome, crate::sql::Outcome::Parsed(_))), "{parsed:?}");
    }

    #[test]
    fn byte_order_mark_is_whitespace() {
        let sql = "\u{feff}SELECT 1;";
        assert_eq!(statements(sql, Dialect::Postgres), ["SELECT 1;"]);
    }
}
