//! Procedures whose body is SQL (MySQL `BEGIN … END`, T-SQL `AS …`): the body is
//! read for what a call would do, so `CALL p('orders', 'orders_idx')` is judged by
//! the statements it runs rather than left `unknown`.

use sqlparser::ast::Statement;
use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace};

use super::built_text::BuiltText;
use super::guard::statement_after_condition;
use super::{StatementReader, forget_positions};
use crate::sql::op::{Op, RoutineBody};
use crate::sql::respell::tsql::parenthesised_parameters;
use crate::sql::statement::{head, parser_over};
use crate::sql::tokens::{
    is_trivia, leading_words, next_significant, outside_parentheses, token_like, unquoted_word,
};

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

/// `CREATE [OR ALTER] PROCEDURE name (params) <body>`, and MySQL's `CREATE FUNCTION
/// name (params) RETURNS type … BEGIN … END`: the routine, with what its body does.
pub(crate) fn procedure(tokens: &[TokenWithSpan], reader: &StatementReader) -> Option<Vec<Op>> {
    let lowerer = reader.lowerer();
    // The kind of routine comes before its parameters (after `DEFINER = u@h`, say).
    let kind = (0..tokens.len())
        .take_while(|&i| tokens[i].token != Token::LParen)
        .find(|&i| matches!(unquoted_word(tokens, i).as_str(), "PROCEDURE" | "PROC" | "FUNCTION"))?;
    let (mut header_end, body_start) = body_start(tokens)?;
    let function = unquoted_word(tokens, kind) == "FUNCTION";
    if function {
        header_end = (kind..header_end).find(|&i| unquoted_word(tokens, i) == "RETURNS")?;
    }
    let mut header = tokens[..header_end].to_vec();
    if function {
        // Read as a procedure: what it returns does not change what its body does.
        header[kind] = token_like(&tokens[kind], Token::make_keyword("PROCEDURE"));
    }
    // The header alone, with an empty body, is something sqlparser reads.
    let mut header = parenthesised_parameters(header, kind);
    let at = &tokens[body_start];
    for word in ["AS", "BEGIN", "END"] {
        header.push(token_like(at, Token::Whitespace(Whitespace::Space)));
        header.push(token_like(at, Token::make_keyword(word)));
    }
    let statement = parser_over(header, lowerer).parse_statement().ok()?;
    let Statement::CreateProcedure { params, .. } = &statement else { return None };
    let parameters: Vec<String> =
        params.iter().flatten().map(|param| lowerer.parameter(&param.name, false).name).collect();
    let body = RoutineBody { ops: body_ops(&tokens[body_start..], parameters.clone(), reader), parameters };
    let mut ops = lowerer.lower(&statement, &head(tokens));
    if let Some(Op::CreateFunction { body: slot, .. }) = ops.first_mut() {
        *slot = Some(body);
    }
    Some(ops)
}

/// Where the header ends and the body starts: at MySQL's first `BEGIN`, around
/// T-SQL's `AS`, outside parentheses.
fn body_start(tokens: &[TokenWithSpan]) -> Option<(usize, usize)> {
    outside_parentheses(tokens.iter().map(|t| &t.token)).find_map(|index| {
        match unquoted_word(tokens, index).as_str() {
            "AS" => Some(next_significant(tokens, index).map(|body| (index, body))),
            "BEGIN" => Some(Some((index, index))),
            _ => None,
        }
    })?
}

/// What a body does, read statement by statement as if every branch ran, with
/// text it builds and runs read with the parameters in place.
fn body_ops(body: &[TokenWithSpan], parameters: Vec<String>, reader: &StatementReader) -> Vec<Op> {
    let mut built = BuiltText::with_parameters(parameters);
    let mut ops = Vec::new();
    for piece in body.split(|t| t.token == Token::SemiColon) {
        let Some(start) = statement_start(piece) else { continue };
        let statement = &piece[start..];
        let first = leading_words(statement, 1);
        let bookkeeping = first.first().is_some_and(|word| {
            matches!(word.as_str(), "SET" | "PREPARE") || BOOKKEEPING.contains(&word.as_str())
        });
        if bookkeeping {
            // It may build text a later statement runs.
            built.observe(statement, reader.lowerer().dialect());
            continue;
        }
        ops.extend(reader.statement_ops(statement, &mut built).unwrap_or_default());
    }
    // Table variables and temporary tables live as long as the call.
    ops.retain_mut(|op| !op.names_mut().first().is_some_and(|name| name.key.starts_with(['@', '#'])));
    // The body's positions are in the procedure's definition, not at the call.
    forget_positions(&mut ops);
    ops
}

/// Where the statement in a `;`-separated piece of a body starts: after the last
/// block word (`THEN`, `BEGIN`, `END`, … outside `CASE`), and after an `IF` or
/// `WHILE` condition. `None` when the piece holds no statement (`END IF`).
fn statement_start(piece: &[TokenWithSpan]) -> Option<usize> {
    let mut start = 0;
    let mut cases = 0usize;
    for index in outside_parentheses(piece.iter().map(|t| &t.token)) {
        match unquoted_word(piece, index).as_str() {
            "CASE" => cases += 1,
            "END" if cases > 0 => cases -= 1,
            word if cases == 0 && BLOCK_WORDS.contains(&word) => start = index + 1,
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
