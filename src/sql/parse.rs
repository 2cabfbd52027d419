//! Parses the statements of a split file, one at a time, and lowers each to the
//! operations it performs. A statement the parser rejects keeps its position and
//! the parser's message; the statements after it are still parsed.

use std::ops::Range;

use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::dialect::Dialect;
use super::lower::Lowerer;
use super::op::Op;
use super::position::Position;
use super::recognise;
use super::split::{SplitFile, StatementSource};
use super::tokens::{first_significant, is_trivia, last_significant};

/// One statement of a migration file, located, with what it does.
#[derive(Debug, Clone)]
pub struct ParsedStatement {
    pub range: Range<usize>,
    pub start: Position,
    pub end: Position,
    /// The first words, upper case: `ALTER TABLE`, `CREATE INDEX`.
    pub head: String,
    pub outcome: Outcome,
}

/// What reading a statement gave.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The statement parsed; these are its operations.
    Parsed(Vec<Op>),
    /// The parser rejected it; the message is the parser's.
    Rejected(String),
    /// Its text could not be read (unterminated quote, invalid UTF-8).
    Unreadable(String),
}

/// Parses every statement of `split`, a split file.
pub fn parse(split: &SplitFile, dialect: Dialect) -> Vec<ParsedStatement> {
    let lowerer = Lowerer::new(dialect);
    let mut parsed = Vec::with_capacity(split.statements.len());
    // Text a statement builds for a later one to run, within this file.
    let mut built = recognise::BuiltText::default();
    for source in &split.statements {
        let (tokens, bytes) = (split.tokens_of(source), split.token_bytes_of(source));
        parse_source(source, tokens, bytes, dialect, &lowerer, &mut built, &mut parsed);
    }
    parsed
}

/// `bytes`: the byte range in the file of each of the source's `tokens`.
fn parse_source(
    source: &StatementSource,
    tokens: &[TokenWithSpan],
    bytes: &[Range<usize>],
    dialect: Dialect,
    lowerer: &Lowerer,
    built: &mut recognise::BuiltText,
    out: &mut Vec<ParsedStatement>,
) {
    let whole = |outcome| ParsedStatement {
        range: source.range.clone(),
        start: source.start,
        end: source.end,
        head: head(tokens),
        outcome,
    };
    if let Some(message) = &source.unreadable {
        out.push(whole(Outcome::Unreadable(message.clone())));
        return;
    }
    if let Some(ops) = recognise::before_parsing(tokens, dialect, lowerer, built) {
        built.observe(tokens, dialect);
        out.push(whole(Outcome::Parsed(ops)));
        return;
    }
    // A statement that runs text built before it does what the text says.
    let mut with_built_text = |tokens: &[TokenWithSpan], ops: Vec<Op>| built.judge(tokens, ops, lowerer);
    match parse_tokens(tokens, dialect, lowerer) {
        // The usual case: the source is one statement, its range the source's.
        Ok(mut statements) if statements.len() == 1 => {
            let (_, ops) = statements.remove(0);
            out.push(whole(Outcome::Parsed(with_built_text(tokens, ops))));
        }
        // T-SQL without semicolons: locate each statement within the source.
        Ok(statements) => {
            for (statement_tokens, ops) in statements {
                let (first, last) = (statement_tokens.start, statement_tokens.end - 1);
                let range = |index: usize| bytes.get(index).cloned().unwrap_or_default();
                out.push(ParsedStatement {
                    range: range(first).start..range(last).end,
                    start: token_start(&tokens[first]),
                    end: token_end(&tokens[last]),
                    head: head(&tokens[first..]),
                    outcome: Outcome::Parsed(with_built_text(&tokens[statement_tokens], ops)),
                });
            }
        }
        Err(error) => {
            let outcome = match recognise::after_rejection(tokens, dialect, lowerer) {
                Some(ops) => Outcome::Parsed(ops),
                None => Outcome::Rejected(error.to_string()),
            };
            out.push(whole(outcome));
        }
    }
}

/// A statement's token range within its source, and its operations.
type ParsedRange = (Range<usize>, Vec<Op>);

/// Parses the statements in `tokens` (several only in T-SQL, which needs no `;`
/// between statements) and returns each one's token range and operations.
pub(super) fn parse_tokens(
    tokens: &[TokenWithSpan],
    dialect: Dialect,
    lowerer: &Lowerer,
) -> Result<Vec<ParsedRange>, ParserError> {
    let mut parser = Parser::new(dialect.parser_dialect()).with_tokens_with_locations(tokens.to_vec());
    let mut statements = Vec::new();
    loop {
        while parser.consume_token(&Token::SemiColon) {}
        let Some(first) = first_significant(tokens, parser.index()) else {
            break;
        };
        if !statements.is_empty() && dialect != Dialect::Mssql {
            return parser.expected("end of statement", parser.peek_token());
        }
        let statement = parser.parse_statement()?;
        let mut last = last_significant(tokens, parser.index()).unwrap_or(first);
        if let Some(next) = first_significant(tokens, parser.index()) {
            if tokens[next].token == Token::SemiColon {
                last = next;
            }
        }
        let ops = lowerer.lower(&statement, &head(&tokens[first..]));
        statements.push((first..last + 1, ops));
    }
    Ok(statements)
}

fn token_start(token: &TokenWithSpan) -> Position {
    Position::from_location(token.span.start).unwrap_or(Position::START)
}

fn token_end(token: &TokenWithSpan) -> Position {
    Position::from_location(token.span.end).unwrap_or(Position::START)
}

/// The first words of a statement, upper case, for messages.
pub(crate) fn head(tokens: &[TokenWithSpan]) -> String {
    let words: Vec<String> = tokens
        .iter()
        .filter(|t| !is_trivia(&t.token))
        .take(3)
        .map_while(|t| match &t.token {
            Token::Word(word) if word.quote_style.is_none() && word.keyword != Keyword::NoKeyword => {
                Some(word.value.to_uppercase())
            }
            _ => None,
        })
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::split::split;

    fn parse_sql(sql: &str, dialect: Dialect) -> Vec<ParsedStatement> {
        parse(&split(sql.as_bytes(), dialect), dialect)
    }

    #[test]
    fn rejected_statement_keeps_its_line_and_the_next_still_parses() {
        let parsed =
            parse_sql("CREATE TABLE a (x int);\nALTER TABLE a FROB x;\nDROP TABLE a;", Dialect::Postgres);
        assert_eq!(parsed.len(), 3);
        assert!(matches!(&parsed[1].outcome, Outcome::Rejected(m) if m.contains("FROB")));
        assert_eq!(parsed[1].start.line, 2);
        assert!(matches!(&parsed[2].outcome, Outcome::Parsed(ops) if matches!(ops[0], Op::DropTable { .. })));
    }

    #[test]
    fn tsql_statements_without_semicolons_get_their_own_positions() {
        let sql = "CREATE TABLE a (x int)\nDROP TABLE b\nGO\n";
        let parsed = parse_sql(sql, Dialect::Mssql);
        assert_eq!(parsed.len(), 2, "{parsed:?}");
        assert_eq!(parsed[1].start, Position { line: 2, column: 1 });
        assert_eq!(&sql[parsed[1].range.clone()], "DROP TABLE b");
    }

    #[test]
    fn names_carry_their_exact_position() {
        let parsed = parse_sql("ALTER TABLE users\n  DROP COLUMN email;", Dialect::Postgres);
        let Outcome::Parsed(ops) = &parsed[0].outcome else { panic!("{parsed:?}") };
        let Op::DropColumn { column, .. } = &ops[0] else { panic!("{ops:?}") };
        assert_eq!(column.at, Some(Position { line: 2, column: 15 }));
    }

    #[test]
    fn deep_or_chains_and_parentheses_are_rejected_not_crashed() {
        let chain = vec!["a = 1"; 10_000].join(" OR ");
        let parsed = parse_sql(&format!("DELETE FROM t WHERE {chain};"), Dialect::Postgres);
        assert_eq!(parsed.len(), 1);
        let deep = format!("SELECT {}1{};", "(".repeat(10_000), ")".repeat(10_000));
        let parsed = parse_sql(&deep, Dialect::Postgres);
        assert!(matches!(&parsed[0].outcome, Outcome::Rejected(m) if m.contains("recursion")));
    }
}
