//! T-SQL statements sqlparser rejects.

use sqlparser::ast::{
    AlterColumnOperation, AlterTable, AlterTableOperation, ColumnOption, Statement,
    helpers::attached_token::AttachedToken,
};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Word};

use super::{
    BuiltText, Lowerer, Op, Respelling, closing_paren, ends_here, last_significant, next_significant,
    parse_rewritten, parser_over, repeat_action_per_item, respelled, statement_after_condition, token_like,
    unquoted_word,
};

pub(super) fn before_parsing(
    tokens: &[TokenWithSpan],
    words: &[&str],
    lowerer: &Lowerer,
    built: &mut BuiltText,
) -> Option<Vec<Op>> {
    match words {
        ["IF", ..] => guarded_statements(tokens, lowerer, built),
        ["CREATE", "PROCEDURE" | "PROC", ..] | ["CREATE", "OR", "ALTER", "PROCEDURE" | "PROC"] => {
            super::routine::procedure(tokens, lowerer)
        }
        // Declaring a variable changes no schema; what uses it is judged on its own.
        ["DECLARE", ..] => Some(vec![Op::SessionSetting]),
        ["ALTER", "SEQUENCE", ..] => Some(vec![Op::Housekeeping { what: "alter a sequence".into() }]),
        _ => None,
    }
}

pub(super) fn after_rejection(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    let respelled = respelled(tokens, spelling);
    if let Some(respelled) = &respelled {
        if let Some(ops) = parse_rewritten(tokens, respelled.clone(), lowerer) {
            return Some(ops);
        }
    }
    // The spellings sqlparser took, read by the recognisers below.
    let spelled = respelled.as_deref().unwrap_or(tokens);
    alter_column(spelled, lowerer)
        .or_else(|| default_constraint(spelled, lowerer))
        .or_else(|| repeat_action_per_item(spelled, lowerer))
}

/// T-SQL spellings sqlparser does not take, read as ones it does:
/// `[NON]CLUSTERED` (storage), `WITH [NO]CHECK` before `ADD CONSTRAINT` (whether
/// existing rows are checked), index options `WITH (PAD_INDEX = OFF, …)` and
/// filegroups `ON [PRIMARY]` (storage), and `NEXT VALUE FOR seq`, read as a call.
fn spelling(tokens: &[TokenWithSpan], head: &[&str], index: usize) -> Option<Respelling> {
    let word = |i: usize| unquoted_word(tokens, i);
    let next = |i: usize| next_significant(tokens, i);
    let first_word = head.first().copied().unwrap_or_default();
    let after_paren = || last_significant(tokens, index).is_some_and(|p| tokens[p].token == Token::RParen);
    match word(index).as_str() {
        "CLUSTERED" | "NONCLUSTERED" if first_word != "SELECT" => Respelling::dropped(index + 1),
        "WITH"
            if first_word == "ALTER"
                && matches!(next(index).map(word).as_deref(), Some("CHECK" | "NOCHECK")) =>
        {
            Respelling::dropped(next(index)? + 1)
        }
        "WITH" if after_paren() && next(index).is_some_and(|p| tokens[p].token == Token::LParen) => {
            Respelling::dropped(closing_paren(tokens, next(index)?)? + 1)
        }
        "ON" | "TEXTIMAGE_ON" if first_word == "CREATE" && after_paren() => {
            // A filegroup ends a table or constraint: only its name follows.
            let name = next(index)?;
            let ends = next(name).is_none_or(|after| {
                matches!(tokens[after].token, Token::SemiColon | Token::RParen | Token::Comma)
                    || word(after) == "TEXTIMAGE_ON"
            });
            if ends { Respelling::dropped(name + 1) } else { None }
        }
        "NEXT" => next_value_for(tokens, index),
        _ => None,
    }
}

/// `NEXT VALUE FOR schema.seq` at `index`, read as the call `NEXT_VALUE_FOR(schema.seq)`.
fn next_value_for(tokens: &[TokenWithSpan], index: usize) -> Option<Respelling> {
    let value = next_significant(tokens, index).filter(|&v| unquoted_word(tokens, v) == "VALUE")?;
    let for_word = next_significant(tokens, value).filter(|&f| unquoted_word(tokens, f) == "FOR")?;
    let name_start = next_significant(tokens, for_word)?;
    let name_len =
        tokens[name_start..].iter().take_while(|t| matches!(t.token, Token::Period | Token::Word(_))).count();
    let name_end = name_start + name_len.max(1) - 1;
    let call = Word { value: "NEXT_VALUE_FOR".into(), quote_style: None, keyword: Keyword::NoKeyword };
    let mut replacement =
        vec![token_like(&tokens[index], Token::Word(call)), token_like(&tokens[index], Token::LParen)];
    replacement.extend(tokens[name_start..=name_end].iter().cloned());
    replacement.push(token_like(&tokens[name_end], Token::RParen));
    Some(Respelling { tokens: replacement, resume: name_end + 1 })
}

/// `IF <condition> BEGIN … END [ELSE BEGIN … END]` and `IF <condition> <statement>`,
/// the usual guards around DDL: the statements they guard are what the migration
/// does.
fn guarded_statements(tokens: &[TokenWithSpan], lowerer: &Lowerer, built: &mut BuiltText) -> Option<Vec<Op>> {
    let blocks = begin_end_blocks(tokens)?;
    let guarded: Vec<&[TokenWithSpan]> = if blocks.is_empty() {
        vec![&tokens[statement_after_condition(tokens)?..]]
    } else {
        blocks.into_iter().map(|block| &tokens[block]).collect()
    };
    let mut ops = Vec::new();
    for statements in guarded {
        let parsed = super::super::parse::parse_tokens(statements, lowerer.dialect(), lowerer).ok()?;
        ops.extend(parsed.into_iter().flat_map(|(range, ops)| built.judge(&statements[range], ops, lowerer)));
    }
    Some(ops)
}

/// The token ranges inside each top-level `BEGIN … END` (not `BEGIN TRAN`);
/// `None` when they do not balance.
fn begin_end_blocks(tokens: &[TokenWithSpan]) -> Option<Vec<std::ops::Range<usize>>> {
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut block_start = 0;
    for index in 0..tokens.len() {
        match unquoted_word(tokens, index).as_str() {
            "BEGIN" => {
                let next = next_significant(tokens, index).map(|n| unquoted_word(tokens, n));
                if !matches!(next.as_deref(), Some("TRAN" | "TRANSACTION")) {
                    if depth == 0 {
                        block_start = index + 1;
                    }
                    depth += 1;
                }
            }
            "END" if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    blocks.push(block_start..index);
                }
            }
            _ => {}
        }
    }
    (depth == 0).then_some(blocks)
}

/// `ALTER TABLE t ALTER COLUMN c <type> [NULL | NOT NULL]`: the column's
/// definition is replaced, like MySQL's `MODIFY`.
fn alter_column(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    let mut parser = parser_over(tokens.to_vec(), lowerer);
    parser.expect_keywords(&[Keyword::ALTER, Keyword::TABLE]).ok()?;
    let name = parser.parse_object_name(false).ok()?;
    parser.expect_keywords(&[Keyword::ALTER, Keyword::COLUMN]).ok()?;
    let column = parser.parse_identifier().ok()?;
    let data_type = parser.parse_data_type().ok()?;
    let mut options = Vec::new();
    if parser.parse_keywords(&[Keyword::NOT, Keyword::NULL]) {
        options.push(ColumnOption::NotNull);
    } else if parser.parse_keyword(Keyword::NULL) {
        options.push(ColumnOption::Null);
    }
    if !ends_here(&mut parser) {
        return None;
    }
    let operation =
        AlterTableOperation::ModifyColumn { col_name: column, data_type, options, column_position: None };
    Some(lowerer.lower(&alter_table(name, operation), "ALTER TABLE"))
}

/// `ALTER TABLE t ADD [CONSTRAINT df] DEFAULT <value> FOR c`: a column default.
fn default_constraint(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    let mut parser = parser_over(tokens.to_vec(), lowerer);
    parser.expect_keywords(&[Keyword::ALTER, Keyword::TABLE]).ok()?;
    let name = parser.parse_object_name(false).ok()?;
    parser.expect_keyword(Keyword::ADD).ok()?;
    if parser.parse_keyword(Keyword::CONSTRAINT) {
        parser.parse_identifier().ok()?;
    }
    parser.expect_keyword(Keyword::DEFAULT).ok()?;
    let value = parser.parse_expr().ok()?;
    parser.expect_keyword(Keyword::FOR).ok()?;
    let column_name = parser.parse_identifier().ok()?;
    if !ends_here(&mut parser) {
        return None;
    }
    let operation =
        AlterTableOperation::AlterColumn { column_name, op: AlterColumnOperation::SetDefault { value } };
    Some(lowerer.lower(&alter_table(name, operation), "ALTER TABLE"))
}

fn alter_table(name: sqlparser::ast::ObjectName, operation: AlterTableOperation) -> Statement {
    Statement::AlterTable(AlterTable {
        name,
        if_exists: false,
        only: false,
        operations: vec![operation],
        location: None,
        on_cluster: None,
        table_type: None,
        end_token: AttachedToken::empty(),
    })
}
