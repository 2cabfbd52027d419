//! T-SQL's `IF` guards around DDL, in a migration or a procedure's body: the
//! statements they guard are what runs, as if every condition held.

use std::ops::Range;

use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::StatementReader;
use super::built_text::BuiltText;
use crate::sql::op::Op;
use crate::sql::statement::parse_tokens;
use crate::sql::tokens::{is_trivia, next_significant, outside_parentheses, unquoted_word};

/// `IF <condition> BEGIN … END [ELSE BEGIN … END]` and `IF <condition> <statement>`,
/// the usual guards around DDL: the statements they guard are what the migration
/// does.
pub(crate) fn guarded_statements(
    tokens: &[TokenWithSpan],
    reader: &StatementReader,
    built: &mut BuiltText,
) -> Option<Vec<Op>> {
    let blocks = begin_end_blocks(tokens)?;
    let guarded: Vec<&[TokenWithSpan]> = if blocks.is_empty() {
        vec![&tokens[statement_after_condition(tokens)?..]]
    } else {
        blocks.into_iter().map(|block| &tokens[block]).collect()
    };
    let mut ops = Vec::new();
    for statements in guarded {
        let lowerer = reader.lowerer();
        let parsed = parse_tokens(statements, lowerer.dialect(), lowerer).ok()?;
        ops.extend(parsed.into_iter().flat_map(|(range, ops)| reader.judge(built, &statements[range], ops)));
    }
    if let Some(named) = existence_test(tokens) {
        ops.iter_mut().for_each(|op| drop_only_if_it_exists(op, &named));
    }
    Some(ops)
}

/// When the condition of an `IF` tests that an object exists (`IF OBJECT_ID('v')
/// IS NOT NULL …`, `IF EXISTS (SELECT … FROM sys.views WHERE name = 'v') …`), the
/// names it mentions (its words and strings, unqualified, lower case).
fn existence_test(tokens: &[TokenWithSpan]) -> Option<Vec<String>> {
    let if_word = tokens.iter().position(|t| !is_trivia(&t.token))?;
    let condition_start = next_significant(tokens, if_word)?;
    let condition = &tokens[condition_start..statement_after_condition(tokens)?];
    let named: Vec<String> = condition
        .iter()
        .filter_map(|t| match &t.token {
            Token::Word(word) => Some(word.value.as_str()),
            Token::SingleQuotedString(text) | Token::NationalStringLiteral(text) => Some(text.as_str()),
            _ => None,
        })
        .map(|name| name.rsplit('.').next().unwrap_or(name).trim_matches(['[', ']']).to_lowercase())
        .collect();
    let has = |word: &str| named.iter().any(|name| name == word);
    let exists = unquoted_word(tokens, condition_start) == "EXISTS";
    let object_id_not_null = has("object_id") && has("is") && has("not") && has("null");
    (exists || object_id_not_null).then_some(named)
}

/// A drop guarded by a test that its object exists is `DROP … IF EXISTS`: where
/// no migration made the object, it drops nothing.
fn drop_only_if_it_exists(op: &mut Op, named: &[String]) {
    if let Op::DropView { name, if_exists }
    | Op::DropFunction { name, if_exists, .. }
    | Op::DropTrigger { name, if_exists } = op
    {
        let unqualified = name.key.rsplit('.').next().unwrap_or(&name.key);
        *if_exists |= named.iter().any(|mentioned| mentioned == unqualified);
    }
}

/// The token ranges inside each top-level `BEGIN … END` (not `BEGIN TRAN`);
/// `None` when they do not balance.
fn begin_end_blocks(tokens: &[TokenWithSpan]) -> Option<Vec<Range<usize>>> {
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

/// Words that start a statement, to find where an `IF` condition ends.
const STATEMENT_WORDS: [&str; 14] = [
    "ALTER", "CREATE", "DROP", "INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "EXEC", "EXECUTE", "SET",
    "PRINT", "DECLARE", "SELECT",
];

/// Where the statement an `IF` guards starts: the first statement word outside
/// parentheses after the condition (a condition's subqueries are parenthesised).
pub(crate) fn statement_after_condition(tokens: &[TokenWithSpan]) -> Option<usize> {
    let if_word = tokens.iter().position(|t| !is_trivia(&t.token))?;
    outside_parentheses(tokens.iter().map(|t| &t.token))
        .filter(|&index| index > if_word)
        .find(|&index| STATEMENT_WORDS.contains(&unquoted_word(tokens, index).as_str()))
}

#[cfg(test)]
mod tests {
    use crate::sql::Dialect;
    use crate::sql::op::Op;
    use crate::sql::parse::parsed_ops as ops;

    #[test]
    fn tsql_guards_are_judged_by_the_statements_inside() {
        let found = ops(
            "IF NOT EXISTS (SELECT 1 FROM sys.columns WHERE name = 'a')\nBEGIN\n  ALTER TABLE t ADD a int NULL;\n  DROP TABLE old\nEND\nGO\nDECLARE @n int",
            Dialect::Mssql,
        );
        assert!(matches!(found[0], Op::AddColumn { .. }), "{found:?}");
        assert!(matches!(found[1], Op::DropTable { .. }), "{found:?}");
        assert!(matches!(found[2], Op::SessionSetting), "{found:?}");
    }

    #[test]
    fn a_drop_guarded_by_an_existence_test_of_its_object_drops_only_if_it_exists() {
        let guarded = |sql: &str| match ops(sql, Dialect::Mssql).first() {
            Some(Op::DropView { if_exists, .. }) => *if_exists,
            other => panic!("{other:?}"),
        };
        assert!(guarded("IF OBJECT_ID('dbo.v_orders', 'V') IS NOT NULL DROP VIEW dbo.v_orders"));
        assert!(guarded(
            "IF EXISTS (SELECT * FROM sys.views WHERE name = 'v_orders')\nBEGIN\n  DROP VIEW dbo.v_orders\nEND"
        ));
        assert!(!guarded(
            "IF NOT EXISTS (SELECT * FROM sys.views WHERE name = 'v_orders') DROP VIEW dbo.v_orders"
        ));
        assert!(!guarded("IF OBJECT_ID('dbo.other') IS NOT NULL DROP VIEW dbo.v_orders"));
        // A name that only contains the dropped one is another object.
        assert!(!guarded("IF OBJECT_ID('dbo.v_orders_2024') IS NOT NULL DROP VIEW dbo.v_orders"));
    }
}
