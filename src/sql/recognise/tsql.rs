//! T-SQL statements sqlparser rejects.

use sqlparser::ast::{
    AlterColumnOperation, AlterTable, AlterTableOperation, ColumnOption, Statement,
    helpers::attached_token::AttachedToken,
};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::sql::dialect::Dialect;
use crate::sql::interpret::block::holds_one_statement;
use crate::sql::lower::Lowerer;
use crate::sql::op::Op;
use crate::sql::respell::tsql::{batch_limit, repeat_action_per_item, spelling};
use crate::sql::respell::{reparse_respelled, respelled};
use crate::sql::statement::{ends_here, parse_rewritten, parser_over};
use crate::sql::tokens::{first_significant, next_significant, token_like, top_level_words, unquoted_word};

/// `IF` guards and procedure definitions, read before parsing too, are code:
/// `interpret` reads them.
pub(super) fn before_parsing(tokens: &[TokenWithSpan], words: &[&str]) -> Option<Vec<Op>> {
    match words {
        ["UPDATE" | "DELETE", "TOP", ..] => {
            reparse_respelled(tokens, &Lowerer::new(Dialect::Mssql), batch_limit)
        }
        ["ENABLE" | "DISABLE", "TRIGGER", ..] => switched_trigger(tokens),
        // The rest are read from their first words: a batch of several statements
        // is read one statement at a time, each then recognised here on its own.
        _ => from_first_words(tokens, words).filter(|_| holds_one_statement(tokens)),
    }
}

/// Statements known by their first words alone.
fn from_first_words(tokens: &[TokenWithSpan], words: &[&str]) -> Option<Vec<Op>> {
    match words {
        // Declaring a variable changes no schema; what uses it is judged on its own.
        ["DECLARE", ..] => Some(vec![Op::SessionSetting]),
        ["ALTER", "SEQUENCE", ..] => housekeeping("alter a sequence"),
        ["CREATE" | "DROP" | "UPDATE", "STATISTICS", ..] => {
            housekeeping("keep the statistics the query planner uses")
        }
        ["ALTER", "INDEX", ..]
            if top_level_words(tokens)
                .iter()
                .any(|word| matches!(word.as_str(), "REBUILD" | "REORGANIZE")) =>
        {
            housekeeping("rebuild or reorganize an index")
        }
        ["DBCC", command, ..] => housekeeping(&format!("run `DBCC {command}` (database maintenance)")),
        ["CREATE", "SYNONYM", ..] => Some(vec![Op::CreateOther { kind: "synonym".into() }]),
        _ => None,
    }
}

fn housekeeping(what: &str) -> Option<Vec<Op>> {
    Some(vec![Op::Housekeeping { what: what.to_owned() }])
}

/// `ENABLE | DISABLE TRIGGER { name | ALL } ON { table | DATABASE | ALL SERVER }`:
/// a table's triggers switched on or off; those on the database or server fire
/// on DDL, which A's code does not run.
fn switched_trigger(tokens: &[TokenWithSpan]) -> Option<Vec<Op>> {
    let lowerer = Lowerer::new(Dialect::Mssql);
    let mut parser = parser_over(tokens.to_vec(), &lowerer);
    let on = parser.parse_identifier().ok()?.value.eq_ignore_ascii_case("ENABLE");
    parser.expect_keyword(Keyword::TRIGGER).ok()?;
    let trigger =
        if parser.parse_keyword(Keyword::ALL) { None } else { Some(parser.parse_object_name(false).ok()?) };
    parser.expect_keyword(Keyword::ON).ok()?;
    if parser.parse_keyword(Keyword::DATABASE) || parser.parse_keyword(Keyword::ALL) {
        let verb = if on { "enable" } else { "disable" };
        return housekeeping(&format!("{verb} a trigger on DDL (A's code runs none)"));
    }
    let table = parser.parse_object_name(false).ok()?;
    ends_here(&mut parser).then(|| {
        let trigger = trigger.map(|name| lowerer.name(&name));
        vec![Op::SwitchTrigger { table: lowerer.name(&table), trigger, on }]
    })
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
        .or_else(|| table_type(spelled, lowerer))
        .or_else(|| repeat_action_per_item(spelled, lowerer))
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

/// `CREATE TYPE t AS TABLE (…)`: a table type, which procedures take as a
/// `READONLY` parameter and A's code passes, with its columns (read as those of
/// `CREATE TABLE t (…)`): the shape of the rows A's code passes.
fn table_type(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    let mut parser = parser_over(tokens.to_vec(), lowerer);
    parser.expect_keywords(&[Keyword::CREATE, Keyword::TYPE]).ok()?;
    let name = parser.parse_object_name(false).ok()?;
    parser.expect_keywords(&[Keyword::AS, Keyword::TABLE]).ok()?;
    if parser.peek_token().token != Token::LParen {
        return None;
    }
    // Columns sqlparser cannot read leave the type known by its name alone.
    let read = as_table(tokens).and_then(|table| parse_rewritten(tokens, table, lowerer));
    let table_columns = match read.as_deref() {
        Some([Op::CreateTable { columns, .. }]) => Some(columns.clone()),
        _ => None,
    };
    Some(vec![Op::CreateType { name: lowerer.name(&name), enum_values: None, table_columns }])
}

/// `CREATE TYPE t AS TABLE (…)` respelled `CREATE TABLE t (…)`.
fn as_table(tokens: &[TokenWithSpan]) -> Option<Vec<TokenWithSpan>> {
    let type_word = next_significant(tokens, first_significant(tokens, 0)?)?;
    let as_word = (type_word..tokens.len()).find(|&index| unquoted_word(tokens, index) == "AS")?;
    let table_word = next_significant(tokens, as_word)?;
    let mut table = tokens[..type_word].to_vec();
    table.push(token_like(&tokens[type_word], Token::make_keyword("TABLE")));
    table.extend(tokens[type_word + 1..as_word].iter().cloned());
    table.extend(tokens[table_word + 1..].iter().cloned());
    Some(table)
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

#[cfg(test)]
mod tests {
    use crate::sql::Dialect;
    use crate::sql::op::Op;
    use crate::sql::parse::parsed_ops as ops;

    #[test]
    fn tsql_statements_the_parser_rejects() {
        let found = ops(
            "CREATE UNIQUE NONCLUSTERED INDEX ix ON t (a)\nGO\nALTER TABLE t WITH NOCHECK ADD CONSTRAINT c CHECK (a > 0)\nGO\nALTER TABLE t ALTER COLUMN a bigint NOT NULL",
            Dialect::Mssql,
        );
        assert!(matches!(found[0], Op::CreateIndex { unique: true, .. }), "{found:?}");
        assert!(matches!(found[1], Op::AddConstraint { .. }), "{found:?}");
        assert!(matches!(found[2], Op::RedefineColumn { .. }), "{found:?}");
    }

    #[test]
    fn script_messages_maintenance_and_trigger_switches() {
        let found = ops(
            "PRINT 'adding'\nGO\nRAISERROR('x', 10, 1) WITH NOWAIT\nGO\nCREATE STATISTICS st ON dbo.t (a)\nGO\n\
             UPDATE STATISTICS dbo.t\nGO\nALTER INDEX ALL ON dbo.t REBUILD\nGO\nDBCC CHECKIDENT ('dbo.t', RESEED, 1)\nGO\n\
             CREATE SYNONYM dbo.s FOR dbo.t\nGO\nDISABLE TRIGGER dbo.trg ON dbo.t\nGO\nENABLE TRIGGER ALL ON DATABASE",
            Dialect::Mssql,
        );
        assert!(found[..6].iter().all(|op| matches!(op, Op::Housekeeping { .. })), "{found:?}");
        assert!(matches!(&found[6], Op::CreateOther { kind } if kind == "synonym"), "{found:?}");
        assert!(
            matches!(&found[7], Op::SwitchTrigger { table, trigger: Some(_), on: false } if table.key == "t"),
            "{found:?}"
        );
        assert!(matches!(found[8], Op::Housekeeping { .. }), "{found:?}");
        let waits = ops("WAITFOR DELAY '00:00:05'\nGO\nWAITFOR TIME '22:00';", Dialect::Mssql);
        assert!(
            matches!(&waits[..], [Op::Housekeeping { what }, Op::Housekeeping { .. }] if what.contains("WAITFOR")),
            "{waits:?}"
        );
        // An index disabled is not maintenance: a disabled clustered index makes its table unreadable.
        let disabled = crate::sql::parse_file(b"ALTER INDEX ix ON dbo.t DISABLE", Dialect::Mssql);
        assert!(matches!(disabled.statements[0].outcome, crate::sql::Outcome::Rejected(_)), "{disabled:?}");
    }

    #[test]
    fn a_statement_read_from_its_first_words_does_not_take_the_rest_of_its_batch() {
        let found = crate::sql::ops_by_line(
            b"DECLARE @n int = 1\nDROP TABLE dbo.t\nGO\nWAITFOR DELAY '00:00:01'\nALTER TABLE dbo.t ADD a int NULL\nGO\nDECLARE @c CURSOR\nDBCC CHECKIDENT ('dbo.t')",
            Dialect::Mssql,
        );
        assert!(
            matches!(&found[..], [
                (1, declared),
                (2, dropped),
                (4, waited),
                (5, added),
                (7, cursor),
                (8, checked),
            ] if matches!(declared[..], [Op::SessionSetting])
                && matches!(dropped[..], [Op::DropTable { .. }])
                && matches!(waited[..], [Op::Housekeeping { .. }])
                && matches!(added[..], [Op::AddColumn { .. }])
                && matches!(cursor[..], [Op::SessionSetting])
                && matches!(checked[..], [Op::Housekeeping { .. }])),
            "{found:?}"
        );
    }

    #[test]
    fn a_table_type_is_a_type() {
        let found = ops("CREATE TYPE dbo.id_list AS TABLE (id int NOT NULL PRIMARY KEY)", Dialect::Mssql);
        assert!(
            matches!(&found[..], [Op::CreateType { name, enum_values: None, table_columns: Some(columns) }]
                if name.key == "id_list" && columns.len() == 1 && !columns[0].nullable),
            "{found:?}"
        );
        crate::sql::respell::canary::still_rejected(Dialect::Mssql, "CREATE TYPE t AS TABLE (id int)");
    }
}
