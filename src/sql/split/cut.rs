//! Where statements end: at top-level `;`, at client command lines (T-SQL `GO`,
//! MySQL `DELIMITER`), and never inside the `BEGIN … END` body of a trigger or
//! routine.

use std::ops::Range;

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace};

use super::segments::{Segment, SegmentKind, SplitFile, StatementSource};
use crate::sql::dialect::Dialect;
use crate::sql::position::Position;
use crate::sql::tokens::{last_significant, next_significant};

pub(super) fn position_or_start(location: sqlparser::tokenizer::Location) -> Position {
    Position::from_location(location).unwrap_or(Position::START)
}

pub(super) struct Splitter<'a> {
    pub(super) dialect: Dialect,
    pub(super) tokens: &'a [TokenWithSpan],
    pub(super) ranges: &'a [Range<usize>],
    pub(super) out: SplitFile,
    /// Where the text this splitter covers starts in the file (a piece's start).
    pub(super) covers_from: usize,
}

impl Splitter<'_> {
    /// Cuts the tokens into segments; returns the first token of a statement still
    /// open at the end of the tokens.
    pub(super) fn run(&mut self) -> Option<usize> {
        let mut open: Option<usize> = None;
        let mut tracks_blocks = false;
        // A T-SQL routine or trigger is the whole of its batch: its `;`s are the body's.
        let mut runs_to_batch_end = false;
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
                let routine = starts_routine_definition(self.tokens, index);
                tracks_blocks = self.dialect.has_free_standing_blocks() || routine;
                runs_to_batch_end = routine && self.dialect == Dialect::Mssql;
                depth = 0;
                index
            });
            match token {
                Token::SemiColon if depth == 0 && !runs_to_batch_end => {
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
    pub(super) fn close_before(&mut self, first: usize, limit: usize) {
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
        self.cover_gap_before(range.start);
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
    pub(super) fn push_segment(&mut self, kind: SegmentKind, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        self.cover_gap_before(range.start);
        if let Some(last) = self.out.segments.last_mut() {
            if last.kind == kind && kind != SegmentKind::Statement && last.range.end == range.start {
                last.range.end = range.end;
                return;
            }
        }
        self.out.segments.push(Segment { kind, range });
    }

    /// Bytes the tokenizer read without making a token of them (MySQL's empty
    /// conditional comment `/*!50100*/`) lie between two segments: they become a
    /// comment segment, so no byte is lost.
    pub(super) fn cover_gap_before(&mut self, at: usize) {
        let covered = self.out.segments.last().map_or(self.covers_from, |last| last.range.end);
        if covered < at {
            self.push_segment(SegmentKind::Comment, covered..at);
        }
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
                // `GO 5` runs the batch five times; `GO;` is written as often as `GO`.
                Token::Whitespace(Whitespace::Space | Whitespace::Tab)
                | Token::Number(..)
                | Token::SemiColon => {}
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
    // Within this statement only: `ALTER TABLE t DROP COLUMN c; DROP FUNCTION f()`
    // is no routine (found by fuzzing: it made a T-SQL batch one statement).
    let mut words =
        tokens[index..].iter().take_while(|t| t.token != Token::SemiColon).filter_map(|t| match &t.token {
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
    use crate::sql::split::tests::{split_texts, statements};
    use crate::sql::{Dialect, SegmentKind};

    #[test]
    fn a_tsql_procedure_without_begin_end_runs_to_the_end_of_its_batch() {
        let sql = "CREATE PROCEDURE p AS\nSET NOCOUNT ON;\nDELETE FROM t;\nGO;\nDROP TABLE u;\nDROP TABLE v\nGO 5\nDROP TABLE w";
        assert_eq!(
            statements(sql, Dialect::Mssql),
            [
                "CREATE PROCEDURE p AS\nSET NOCOUNT ON;\nDELETE FROM t;",
                "DROP TABLE u;",
                "DROP TABLE v",
                "DROP TABLE w"
            ]
        );
    }

    #[test]
    fn a_routine_named_in_the_next_statement_does_not_make_this_one_a_routine() {
        let sql = "alter table versions\n    drop column semver_no_prerelease;\n\ndrop function to_semver_no_prerelease(text);\n";
        for dialect in [Dialect::Mssql, Dialect::Mysql, Dialect::Postgres] {
            assert_eq!(
                statements(sql, dialect),
                [
                    "alter table versions\n    drop column semver_no_prerelease;",
                    "drop function to_semver_no_prerelease(text);"
                ],
                "{dialect:?}"
            );
        }
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
        let (split, texts) = split_texts(sql, Dialect::Mssql);
        assert_eq!(texts.len(), 3, "{texts:?}");
        assert!(texts[1].starts_with("IF") && texts[1].ends_with("END"));
        let separators = split.segments.iter().filter(|s| s.kind == SegmentKind::ClientCommand).count();
        assert_eq!(separators, 2);
    }
}
