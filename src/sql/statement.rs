//! One statement's tokens through sqlparser, lowered to operations: what every
//! layer above (respellings, recognisers, interpreters, the reading of a file)
//! parses with.

use std::ops::Range;

use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::dialect::Dialect;
use super::lower::Lowerer;
use super::op::Op;
use super::tokens::{first_significant, is_trivia, last_significant};

/// A statement's token range within its source, and its operations.
pub(super) type ParsedRange = (Range<usize>, Vec<Op>);

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
