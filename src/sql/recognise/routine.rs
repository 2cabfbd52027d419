//! Procedures whose body is SQL (MySQL `BEGIN … END`, T-SQL `AS …`): the body is
//! read for what a call would do, so `CALL p('orders', 'orders_idx')` is judged by
//! the statements it runs rather than left `unknown`.

use std::collections::HashMap;

use sqlparser::ast::Statement;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer, Whitespace};

use super::{
    Lowerer, Op, is_trivia, leading_words, next_significant, statement_after_condition, token_like,
    top_level_words, unquoted_word,
};
use crate::sql::RoutineBody;

/// Words that open or close a block around statements: what follows the last of
/// them in a piece of a body is a statement.
const BLOCK_WORDS: [&str; 7] = ["THEN", "DO", "ELSE", "BEGIN", "LOOP", "REPEAT", "END"];

/// Statements a body uses to work, which change no schema.
const BOOKKEEPING: [&str; 12] = [
    "DECLARE",
    "SELECT",
    "DEALLOCATE",
    "PRINT",
    "RETURN",
    "LEAVE",
    "ITERATE",
    "OPEN",
    "CLOSE",
    "FETCH",
    "RAISERROR",
    "THROW",
];

/// `CREATE [OR ALTER] PROCEDURE name (params) <body>`: the procedure, with what its
/// body does.
pub(super) fn procedure(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    if !top_level_words(tokens).iter().take(4).any(|word| word == "PROCEDURE" || word == "PROC") {
        return None;
    }
    let (header_end, body_start) = body_start(tokens)?;
    // The header alone, with an empty body, is something sqlparser reads.
    let mut header = tokens[..header_end].to_vec();
    let at = &tokens[body_start];
    for word in ["AS", "BEGIN", "END"] {
        header.push(token_like(at, Token::Whitespace(Whitespace::Space)));
        header.push(token_like(at, Token::make_keyword(word)));
    }
    let statement = Parser::new(lowerer.dialect().parser_dialect())
        .with_tokens_with_locations(header)
        .parse_statement()
        .ok()?;
    let Statement::CreateProcedure { params, .. } = &statement else { return None };
    let parameters = params
        .iter()
        .flatten()
        .map(|param| {
            let name = param.name.value.trim_start_matches('@');
            lowerer.dialect().fold_identifier(name, param.name.quote_style.is_some())
        })
        .collect();
    let body = RoutineBody { parameters, ops: body_ops(&tokens[body_start..], lowerer) };
    let mut ops = lowerer.lower(&statement, &super::super::parse::head(tokens));
    for op in &mut ops {
        if let Op::CreateFunction { body: slot, .. } = op {
            *slot = Some(body.clone());
        }
    }
    Some(ops)
}

/// Where the header ends and the body starts: at MySQL's first `BEGIN`, around
/// T-SQL's `AS`, outside parentheses.
fn body_start(tokens: &[TokenWithSpan]) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    for (index, token) in tokens.iter().enumerate() {
        match token.token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Word(_) if depth == 0 => match unquoted_word(tokens, index).as_str() {
                "AS" => return next_significant(tokens, index).map(|body| (index, body)),
                "BEGIN" => return Some((index, index)),
                _ => {}
            },
            _ => {}
        }
    }
    None
}

/// What a body does, read statement by statement as if every branch ran. Dynamic
/// SQL built from literals and parameters (`SET @q = CONCAT('ALTER TABLE ', t, …)`,
/// `PREPARE s FROM @q`, `EXECUTE s`) is read with the parameters in place.
fn body_ops(body: &[TokenWithSpan], lowerer: &Lowerer) -> Vec<Op> {
    let mut texts: HashMap<String, String> = HashMap::new();
    let mut ops = Vec::new();
    for piece in body.split(|t| t.token == Token::SemiColon) {
        let Some(start) = statement_start(piece) else { continue };
        let statement = &piece[start..];
        let words = leading_words(statement, 2);
        let target = || statement.iter().filter(|t| !is_trivia(&t.token)).nth(1).map(|t| t.token.to_string());
        match words.first().map(String::as_str) {
            Some("SET") => {
                if let (Some(variable), Some(text)) = (target(), assigned_text(statement)) {
                    texts.insert(variable.to_lowercase(), text);
                }
            }
            Some("PREPARE") => {
                let source =
                    statement.iter().rev().find(|t| !is_trivia(&t.token)).map(|t| t.token.to_string());
                if let (Some(name), Some(text)) =
                    (target(), source.and_then(|s| texts.get(&s.to_lowercase())))
                {
                    texts.insert(name.to_lowercase(), text.clone());
                }
            }
            Some("EXECUTE" | "EXEC") if target().is_some_and(|t| texts.contains_key(&t.to_lowercase())) => {
                let text = target().and_then(|t| texts.get(&t.to_lowercase()).cloned()).unwrap_or_default();
                ops.extend(ops_of_text(&text, lowerer));
            }
            Some(word) if BOOKKEEPING.contains(&word) => {}
            _ => {
                if let Ok(parsed) = super::super::parse::parse_tokens(statement, lowerer.dialect(), lowerer) {
                    ops.extend(parsed.into_iter().flat_map(|(_, ops)| ops));
                }
            }
        }
    }
    // Table variables and temporary tables live as long as the call.
    ops.retain_mut(|op| !op.names_mut().first().is_some_and(|name| name.key.starts_with(['@', '#'])));
    // The body's positions are in the procedure's definition, not at the call.
    for op in &mut ops {
        for name in op.names_mut() {
            name.at = None;
            name.end = None;
        }
    }
    ops
}

/// Where the statement in a `;`-separated piece of a body starts: after the last
/// block word (`THEN`, `BEGIN`, `END`, … outside `CASE`), and after an `IF` or
/// `WHILE` condition. `None` when the piece holds no statement (`END IF`).
fn statement_start(piece: &[TokenWithSpan]) -> Option<usize> {
    let mut start = 0;
    let mut depth = 0usize;
    let mut cases = 0usize;
    for index in 0..piece.len() {
        match piece[index].token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Word(_) if depth == 0 => match unquoted_word(piece, index).as_str() {
                "CASE" => cases += 1,
                "END" if cases > 0 => cases -= 1,
                word if cases == 0 && BLOCK_WORDS.contains(&word) => start = index + 1,
                _ => {}
            },
            _ => {}
        }
    }
    let first = (start..piece.len()).find(|&i| !is_trivia(&piece[i].token))?;
    match unquoted_word(piece, first).as_str() {
        "IF" | "WHILE" => statement_after_condition(&piece[first..]).map(|offset| first + offset),
        "LOOP" | "REPEAT" | "CASE" => None,
        _ => Some(first),
    }
}

/// The SQL text `SET @v = 'literal'` or `SET @v = CONCAT(…)` assigns, parameters
/// kept as their names; `None` when a part is neither.
fn assigned_text(statement: &[TokenWithSpan]) -> Option<String> {
    let significant: Vec<&Token> = statement.iter().map(|t| &t.token).filter(|t| !is_trivia(t)).collect();
    let value = match significant.as_slice() {
        [_set, _variable, Token::Eq, value @ ..] => value,
        _ => return None,
    };
    let part = |token: &Token| match token {
        Token::SingleQuotedString(s) | Token::NationalStringLiteral(s) => Some(s.clone()),
        Token::Word(word) => Some(word.value.clone()),
        _ => None,
    };
    match value {
        [literal] => part(literal),
        [Token::Word(concat), Token::LParen, arguments @ .., Token::RParen]
            if concat.value.eq_ignore_ascii_case("CONCAT") =>
        {
            arguments
                .split(|t| **t == Token::Comma)
                .map(|argument| match argument {
                    [single] => part(single),
                    _ => None,
                })
                .collect()
        }
        _ => None,
    }
}

/// The operations of SQL text built inside a body.
fn ops_of_text(text: &str, lowerer: &Lowerer) -> Vec<Op> {
    let Ok(tokens) = Tokenizer::new(lowerer.dialect().parser_dialect(), text).tokenize_with_location() else {
        return Vec::new();
    };
    super::super::parse::parse_tokens(&tokens, lowerer.dialect(), lowerer)
        .map(|parsed| parsed.into_iter().flat_map(|(_, ops)| ops).collect())
        .unwrap_or_default()
}
