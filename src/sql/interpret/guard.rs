//! T-SQL's `IF` guards around DDL and `WHILE` loops around batched backfills, in a
//! migration or a procedure's body: the statements they guard are what runs, as
//! if every condition held and every loop ran once.

use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::StatementReader;
use super::block::{self, BlockStatement};
use super::built_text::BuiltText;
use crate::sql::op::Op;
use crate::sql::tokens::{is_trivia, next_significant, unquoted_word};

/// `IF <condition> BEGIN … END [ELSE …]`, `IF <condition> <statement>` and `WHILE
/// <condition> …`, the usual guards around DDL and batched updates: the statements
/// they guard, each with what it does or why nothing reads it.
pub(crate) fn guarded_statements(
    tokens: &[TokenWithSpan],
    reader: &StatementReader,
    built: &mut BuiltText,
) -> Vec<BlockStatement> {
    let mut statements = block::statements(tokens, reader, built);
    if let Some(named) = existence_test(tokens) {
        let ops = statements.iter_mut().filter_map(|statement| statement.read.as_mut().ok()).flatten();
        ops.for_each(|op| drop_only_if_it_exists(op, &named));
    }
    statements
}

/// The operations of a guard found inside another statement (built text): all of
/// them, or `None` when a statement in it is not read.
pub(crate) fn guarded_ops(
    tokens: &[TokenWithSpan],
    reader: &StatementReader,
    built: &mut BuiltText,
) -> Option<Vec<Op>> {
    let mut statements = guarded_statements(tokens, reader, built);
    statements.iter().all(|statement| statement.read.is_ok()).then(|| block::ops_of(&mut statements))
}

/// When the condition of an `IF` tests that an object exists (`IF OBJECT_ID('v')
/// IS NOT NULL …`, `IF EXISTS (SELECT … FROM sys.views WHERE name = 'v') …`), the
/// names it mentions (its words and strings, unqualified, lower case).
fn existence_test(tokens: &[TokenWithSpan]) -> Option<Vec<String>> {
    let if_word = tokens.iter().position(|t| !is_trivia(&t.token))?;
    let condition_start = next_significant(tokens, if_word)?;
    let condition = &tokens[condition_start..block::condition_end(tokens, if_word)?];
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
    fn guarded_statements_sqlparser_rejects_are_read_by_the_recognisers() {
        let found = ops(
            "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_a' AND object_id = OBJECT_ID('dbo.t'))\n    CREATE NONCLUSTERED INDEX ix_a ON dbo.t (a);\nGO\nIF EXISTS (SELECT 1 FROM sys.columns WHERE name = 'a')\nBEGIN\n  ALTER TABLE dbo.t ALTER COLUMN a bigint NOT NULL\n  ALTER TABLE dbo.t ADD b int NULL\nEND",
            Dialect::Mssql,
        );
        assert!(matches!(found[0], Op::CreateIndex { .. }), "{found:?}");
        assert!(matches!(found[1], Op::RedefineColumn { .. }), "{found:?}");
        assert!(matches!(found[2], Op::AddColumn { .. }), "{found:?}");
    }

    #[test]
    fn a_guarded_statement_nothing_reads_is_rejected_at_its_own_line() {
        let parsed = crate::sql::parse_file(
            b"IF 1 = 1\nBEGIN\n  ALTER TABLE t FROBNICATE a\n  DROP TABLE old\nEND",
            Dialect::Mssql,
        );
        let outcomes: Vec<_> = parsed.statements.iter().map(|s| (s.start.line, &s.outcome)).collect();
        assert!(
            matches!(&outcomes[..], [(1, crate::sql::Outcome::Parsed(ops)), (3, crate::sql::Outcome::Rejected(_))] if matches!(ops[..], [Op::DropTable { .. }])),
            "{outcomes:?}"
        );
    }

    #[test]
    fn what_follows_a_guard_in_the_same_batch_is_a_statement_of_its_own() {
        let found = crate::sql::ops_by_line(
            b"IF EXISTS (SELECT * FROM sys.views WHERE name = 'v')\nBEGIN\n  DROP VIEW v\nEND\nDROP VIEW v\nIF 1 = 1 DROP TABLE a ELSE DROP TABLE b;\nCREATE TABLE c (id int)",
            Dialect::Mssql,
        );
        assert!(
            matches!(&found[..], [
                (1, first),
                (5, second),
                (6, branches),
                (7, created),
            ] if matches!(first[..], [Op::DropView { if_exists: true, .. }])
                && matches!(second[..], [Op::DropView { if_exists: false, .. }])
                && matches!(branches[..], [Op::DropTable { .. }, Op::DropTable { .. }])
                && matches!(created[..], [Op::CreateTable { .. }])),
            "{found:?}"
        );
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
