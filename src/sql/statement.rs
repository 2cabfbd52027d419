//! One statement's tokens through sqlparser, lowered to operations: what every
//! layer above (respellings, recognisers, interpreters, the reading of a file)
//! parses with.

use std::ops::Range;

use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Span, Token, TokenWithSpan};

use super::dialect::Dialect;
use super::lower::Lowerer;
use super::op::Op;
use super::tokens::{first_significant, is_trivia, last_significant, next_significant};

/// A statement's token range within its source, and its operations.
pub(super) type ParsedRange = (Range<usize>, Vec<Op>);

/// Parses the statements in `tokens` (several only in T-SQL, which needs no `;`
/// between statements) and returns each one's token range and operations.
pub(super) fn parse_tokens(
    tokens: &[TokenWithSpan],
    dialect: Dialect,
    lowerer: &Lowerer,
) -> Result<Vec<ParsedRange>, ParserError> {
    // The parser reads an INSERT of literal rows with one row of its own in their
    // place; `at` turns where it stands back into an index of `tokens`.
    let rows = literal_rows(tokens);
    if let Some(parsed) = rows.as_ref().and_then(|rows| plain_insert(tokens, rows, dialect, lowerer)) {
        return Ok(vec![parsed]);
    }
    // Whitespace and comments are left out: the parser skips them at every look
    // ahead, and copying them costs as much as the rest. `origin` says where each
    // token the parser reads is in `tokens`.
    let (mut read, mut origin) = (Vec::with_capacity(tokens.len() / 2), Vec::with_capacity(tokens.len() / 2));
    let mut keep = |index: usize, token: &TokenWithSpan| {
        if !is_trivia(&token.token) {
            read.push(token.clone());
            origin.push(index);
        }
    };
    match &rows {
        Some(rows) => {
            tokens[..rows.start].iter().enumerate().for_each(|(index, token)| keep(index, token));
            let stand_in = row_standing_in(&tokens[rows.clone()]);
            // Standing in for the rows: the first and last stand for theirs.
            let stand_for = [rows.start, rows.start, rows.end - 1];
            stand_in.into_iter().zip(stand_for).for_each(|(token, index)| keep(index, &token));
            tokens[rows.end..].iter().enumerate().for_each(|(index, token)| keep(rows.end + index, token));
        }
        None => tokens.iter().enumerate().for_each(|(index, token)| keep(index, token)),
    }
    let at = |parser: &Parser<'_>| origin.get(parser.index()).copied().unwrap_or(tokens.len());
    let mut parser = Parser::new(dialect.parser_dialect()).with_tokens_with_locations(read);
    let mut statements = Vec::new();
    loop {
        while parser.consume_token(&Token::SemiColon) {}
        let Some(first) = first_significant(tokens, at(&parser)) else {
            break;
        };
        if !statements.is_empty() && dialect != Dialect::Mssql {
            return parser.expected("end of statement", parser.peek_token());
        }
        let statement = parser.parse_statement()?;
        let mut last = last_significant(tokens, at(&parser)).unwrap_or(first);
        if let Some(next) = first_significant(tokens, at(&parser)) {
            if tokens[next].token == Token::SemiColon {
                last = next;
            }
        }
        let ops = lowerer.lower(&statement, &head(&tokens[first..]));
        statements.push((first..last + 1, ops));
    }
    Ok(statements)
}

/// A PostgreSQL `INSERT INTO name [(column, …)]` of `rows`, literal rows (see
/// [`literal_rows`]), where every name is a plain word (see [`plain_word`]):
/// what sqlparser reads it to, an insert into `name` of no other table's rows,
/// without the parser, which spends most of its time on such a statement reading
/// its column list and its rows as a query.
fn plain_insert(
    tokens: &[TokenWithSpan],
    rows: &Range<usize>,
    dialect: Dialect,
    lowerer: &Lowerer,
) -> Option<ParsedRange> {
    if dialect != Dialect::Postgres {
        return None;
    }
    let significant: Vec<usize> = (0..rows.start).filter(|&i| !is_trivia(&tokens[i].token)).collect();
    // INSERT INTO, the name, any column list, then VALUES.
    let [first, _into, rest @ .., _values] = significant.as_slice() else {
        return None;
    };
    let token = |at: usize| &tokens[rest[at]].token;
    let mut parts = Vec::new();
    let mut at = 0;
    loop {
        let index = *rest.get(at)?;
        parts.push(ObjectNamePart::Identifier(plain_word(&tokens[index], false)?));
        at += 1;
        if at == rest.len() || *token(at) != Token::Period {
            break;
        }
        at += 1;
    }
    if let [open, columns @ .., close] = &rest[at..] {
        let listed = tokens[*open].token == Token::LParen && tokens[*close].token == Token::RParen;
        let words = columns.iter().step_by(2).all(|&column| plain_word(&tokens[column], true).is_some());
        let commas = columns.iter().skip(1).step_by(2).all(|&comma| tokens[comma].token == Token::Comma);
        if !(listed && words && commas && columns.len() % 2 == 1) {
            return None;
        }
    } else if at != rest.len() {
        return None;
    }
    let semicolon = first_significant(tokens, rows.end)?;
    let table = lowerer.name(&ObjectName(parts));
    Some((*first..semicolon + 1, vec![Op::Insert { table, copied_from: None }]))
}

/// The identifier `token` is if it is a plain word: double-quoted, or unquoted
/// and no keyword; in a column list, where sqlparser reads any word as a name, a
/// keyword too, but for those that start a subquery.
fn plain_word(token: &TokenWithSpan, in_columns: bool) -> Option<Ident> {
    let Token::Word(word) = &token.token else {
        return None;
    };
    let plain = match word.quote_style {
        Some('"') => true,
        Some(_) => false,
        None if in_columns => !matches!(word.keyword, Keyword::SELECT | Keyword::WITH),
        None => word.keyword == Keyword::NoKeyword,
    };
    plain.then(|| Ident { value: word.value.clone(), quote_style: word.quote_style, span: token.span })
}

/// How many tokens stand in for the literal rows of an INSERT: `(NULL)`.
const STAND_IN_LEN: usize = 3;

/// The row `(NULL)` standing in for `rows`, an INSERT's literal rows (see
/// [`literal_rows`]), placed where they are: a parser's message about it, if
/// any, points where the rows start and end.
fn row_standing_in(rows: &[TokenWithSpan]) -> [TokenWithSpan; STAND_IN_LEN] {
    let (first, last) = (rows.first().map(|t| t.span), rows.last().map(|t| t.span));
    let (first, last) = (first.unwrap_or_else(Span::empty), last.unwrap_or_else(Span::empty));
    let null = rows.get(1).map_or(first, |t| t.span);
    [
        TokenWithSpan { token: Token::LParen, span: first },
        TokenWithSpan { token: Token::make_keyword("NULL"), span: null },
        TokenWithSpan { token: Token::RParen, span: last },
    ]
}

/// Where the rows of a plain `INSERT … VALUES (…), (…), …` are in `tokens`, from
/// the first row's `(` through the last row's `)`, when every row holds only
/// literals (numbers, strings, `NULL`, `TRUE`, `FALSE`, a minus sign, a one-word
/// cast) and nothing but a `;` follows. What such a statement does is all in its
/// head: sqlparser reads the head with any row of literals to the same
/// statement, without a syntax tree for every value.
fn literal_rows(tokens: &[TokenWithSpan]) -> Option<Range<usize>> {
    let insert = first_significant(tokens, 0)?;
    let into = next_significant(tokens, insert)?;
    if keyword(tokens, insert) != Keyword::INSERT || keyword(tokens, into) != Keyword::INTO {
        return None;
    }
    let values = (into..tokens.len()).find(|&i| keyword(tokens, i) == Keyword::VALUES)?;
    let first_row = next_significant(tokens, values)?;
    let mut last_row_end = literal_row_end(tokens, first_row)?;
    while let Some(after) = first_significant(tokens, last_row_end) {
        match tokens[after].token {
            Token::Comma => last_row_end = literal_row_end(tokens, next_significant(tokens, after)?)?,
            Token::SemiColon if first_significant(tokens, after + 1).is_none() => break,
            _ => return None,
        }
    }
    Some(first_row..last_row_end)
}

/// The keyword the token at `index` is, unquoted; `NoKeyword` for anything else.
fn keyword(tokens: &[TokenWithSpan], index: usize) -> Keyword {
    match &tokens[index].token {
        Token::Word(word) if word.quote_style.is_none() => word.keyword,
        _ => Keyword::NoKeyword,
    }
}

/// Just past the `)` of the row of literals whose `(` is at `open`; `None` when
/// no such row is there.
fn literal_row_end(tokens: &[TokenWithSpan], open: usize) -> Option<usize> {
    if tokens[open].token != Token::LParen {
        return None;
    }
    let mut at = next_significant(tokens, open)?;
    loop {
        if tokens[at].token == Token::Minus {
            at = next_significant(tokens, at)?;
            matches!(tokens[at].token, Token::Number(..)).then_some(())?;
        }
        match &tokens[at].token {
            Token::Number(..) | Token::SingleQuotedString(_) | Token::EscapedStringLiteral(_) => {}
            Token::Word(_)
                if matches!(keyword(tokens, at), Keyword::NULL | Keyword::TRUE | Keyword::FALSE) => {}
            _ => return None,
        }
        at = next_significant(tokens, at)?;
        if tokens[at].token == Token::DoubleColon {
            at = next_significant(tokens, at)?;
            matches!(&tokens[at].token, Token::Word(word) if word.quote_style.is_none()).then_some(())?;
            at = next_significant(tokens, at)?;
        }
        match tokens[at].token {
            Token::Comma => at = next_significant(tokens, at)?,
            Token::RParen => return Some(at + 1),
            _ => return None,
        }
    }
}

/// Parses `rewritten`, a rewrite of `original` sqlparser reads, and lowers it
/// under the original statement's head.
pub(super) fn parse_rewritten(
    original: &[TokenWithSpan],
    rewritten: Vec<TokenWithSpan>,
    lowerer: &Lowerer,
) -> Option<Vec<Op>> {
    let statement = parser_over(rewritten, lowerer).parse_statement().ok()?;
    Some(lowerer.lower(&statement, &head(original)))
}

/// A parser over `tokens` in the lowerer's dialect.
pub(super) fn parser_over(tokens: Vec<TokenWithSpan>, lowerer: &Lowerer) -> Parser<'static> {
    Parser::new(lowerer.dialect().parser_dialect()).with_tokens_with_locations(tokens)
}

/// Whether the statement ends where `parser` stands: an optional `;`, then nothing.
pub(super) fn ends_here(parser: &mut Parser<'_>) -> bool {
    let _semicolon = parser.consume_token(&Token::SemiColon);
    parser.peek_token().token == Token::EOF
}

/// The first words of a statement, upper case, for messages.
pub(super) fn head(tokens: &[TokenWithSpan]) -> String {
    let mut head = String::new();
    for token in tokens.iter().filter(|t| !is_trivia(&t.token)).take(3) {
        match &token.token {
            // A keyword is ASCII (sqlparser matches it byte for byte, in any case).
            Token::Word(word) if word.quote_style.is_none() && word.keyword != Keyword::NoKeyword => {
                if !head.is_empty() {
                    head.push(' ');
                }
                head.extend(word.value.chars().map(|c| c.to_ascii_uppercase()));
            }
            _ => break,
        }
    }
    head
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::parse::parsed_ops as ops;
    use crate::sql::split::split;

    /// The text of the literal rows an INSERT's parse reads a row of its own for, if any.
    fn rows_left_out(sql: &str) -> Option<String> {
        let file = split(sql.as_bytes(), Dialect::Postgres);
        let tokens = file.tokens_of(&file.statements[0]);
        let rows = literal_rows(tokens)?;
        Some(tokens[rows].iter().map(|t| t.token.to_string()).collect())
    }

    #[test]
    fn an_insert_of_literals_is_read_from_its_head() {
        let sql = "INSERT INTO t (a, b) VALUES (1, 'x'), (-2, NULL::text), (3, E'y');";
        assert_eq!(rows_left_out(sql).as_deref(), Some("(1, 'x'), (-2, NULL::text), (3, E'y')"));
        let one_row = "INSERT INTO t (a, b) VALUES (1, 'x');";
        assert_eq!(rows_left_out(one_row).as_deref(), Some("(1, 'x')"));
        let other_row = "INSERT INTO t (a, b) VALUES (NULL);";
        assert_eq!(ops(sql, Dialect::Postgres), ops(one_row, Dialect::Postgres));
        assert_eq!(ops(one_row, Dialect::Postgres), ops(other_row, Dialect::Postgres));
    }

    #[test]
    fn a_statement_of_literal_rows_is_located_as_when_they_are_read() {
        // Where the parser stands after its row of its own maps back past the rows:
        // the statement runs through its own `;`.
        let sql = "INSERT INTO t VALUES (1, 'a'), (2, 'b') ;\n";
        let file = split(sql.as_bytes(), Dialect::Postgres);
        let tokens = file.tokens_of(&file.statements[0]);
        let lowerer = Lowerer::new(Dialect::Postgres);
        let parsed = parse_tokens(tokens, Dialect::Postgres, &lowerer).map_err(|e| e.to_string());
        let ranges: Vec<String> = parsed
            .iter()
            .flatten()
            .map(|(range, _)| tokens[range.clone()].iter().map(|t| t.token.to_string()).collect())
            .collect();
        assert_eq!(ranges, ["INSERT INTO t VALUES (1, 'a'), (2, 'b') ;"], "{parsed:?}");
    }

    #[test]
    fn a_plain_insert_of_literals_is_read_as_the_parser_reads_it() {
        let lowerer = Lowerer::new(Dialect::Postgres);
        for sql in [
            "INSERT INTO t (a, b) VALUES (1, 'x'), (2, NULL);\n",
            "INSERT INTO s.\"T\" VALUES (1) ;",
            "INSERT /* c */ INTO s . t ( a ) VALUES (1);",
            "INSERT INTO drug_labels(id, date, \"Name\") VALUES (1, '2020-01-01', 'x');",
        ] {
            let file = split(sql.as_bytes(), Dialect::Postgres);
            let tokens = file.tokens_of(&file.statements[0]);
            let rows = literal_rows(tokens).expect(sql);
            let read = plain_insert(tokens, &rows, Dialect::Postgres, &lowerer).expect(sql);
            let mut parser = parser_over(tokens.to_vec(), &lowerer);
            let statement = parser.parse_statement().expect(sql);
            assert_eq!(read.1, lowerer.lower(&statement, "INSERT INTO"), "{sql}");
            assert_eq!(read.0, 0..tokens.iter().rposition(|t| t.token == Token::SemiColon).expect(sql) + 1);
        }
        // A keyword for a table or a subquery's start, a qualified column, an empty
        // list, an alias: read by the parser.
        for sql in [
            "INSERT INTO t (select) VALUES (1);",
            "INSERT INTO user VALUES (1);",
            "INSERT INTO t (t.a) VALUES (1);",
            "INSERT INTO t () VALUES (1);",
            "INSERT INTO t AS x VALUES (1);",
        ] {
            let file = split(sql.as_bytes(), Dialect::Postgres);
            let tokens = file.tokens_of(&file.statements[0]);
            let rows = literal_rows(tokens).expect(sql);
            assert_eq!(plain_insert(tokens, &rows, Dialect::Postgres, &lowerer), None, "{sql}");
        }
    }

    #[test]
    fn an_insert_with_anything_but_literal_rows_is_parsed_whole() {
        for sql in [
            "INSERT INTO t VALUES (now());",
            "INSERT INTO t VALUES (1), (now());",
            "INSERT INTO t VALUES (1), (2) ON CONFLICT DO NOTHING;",
            "INSERT INTO t VALUES (1), (2) RETURNING id;",
            "INSERT INTO t SELECT * FROM (VALUES (1), (2)) v;",
            "INSERT INTO t VALUES (1), ('a'::character varying);",
        ] {
            assert_eq!(rows_left_out(sql), None, "{sql}");
        }
    }
}
