//! Stage 4: classify every statement.
//!
//! The engine the rules plug into: a statement's operations go to the rules of
//! [`crate::rules`] (the first rule whose check claims an operation judges it),
//! procedure calls and column redefinitions are judged by the operations they
//! stand for, a file is judged statement by statement against the schema before
//! each ([`judge_file`]), findings are reconciled with the window's net
//! difference ([`reconcile`]) and suppressed where a comment accepts the risk
//! ([`apply_suppressions`]).

mod context;
mod finding;
mod judge;
mod reconcile;
mod rule;
mod suppress;
#[cfg(test)]
pub(crate) mod test_support;

pub use context::Context;
pub(crate) use context::Renamed;
pub(crate) use finding::column_subject;
pub use finding::{Change, Class, Finding, Severity};
pub use judge::{FileJudge, judge_file, replay_file};
pub use reconcile::reconcile;
pub(crate) use rule::declare_rule;
pub use rule::{Check, Rule};
pub use suppress::{apply_suppressions, rules_allowed_by};

use crate::rules;
use crate::schema::{TypeChange, compare_types};
use crate::sql::{Argument, ColumnSpec, Name, Op, Outcome, ParsedStatement};

/// Classifies one statement against the schema before it: one finding per
/// operation (a MySQL `CHANGE` can give several), and never none.
pub fn classify(statement: &ParsedStatement, context: &Context<'_>) -> Vec<Finding> {
    let findings = match &statement.outcome {
        // One operation, the usual case: its findings as made, exactly their size
        // (collecting keeps room for four, one change per statement of a big file).
        Outcome::Parsed(ops) if ops.len() == 1 => classify_op(&ops[0], context),
        Outcome::Parsed(ops) => ops.iter().flat_map(|op| classify_op(op, context)).collect(),
        Outcome::Rejected(message) => vec![rules::parse_error(message)],
        Outcome::Unreadable(message) => vec![rules::unreadable_text(message)],
    };
    if findings.is_empty() {
        return vec![rules::unmodelled_statement(&statement.head)];
    }
    findings
}

fn classify_op(op: &Op, ctx: &Context<'_>) -> Vec<Finding> {
    match op {
        Op::CallRoutine { name, arguments } => routine_call(ctx, name, arguments),
        Op::RedefineColumn { table, column, new } => {
            redefinition(ctx, table, column, new).iter().flat_map(|part| classify_op(part, ctx)).collect()
        }
        _ => vec![rules::judge(op, ctx)],
    }
}

/// A call is judged by what the procedure's body does with its arguments.
fn routine_call(ctx: &Context<'_>, name: &Name, arguments: &[Argument]) -> Vec<Finding> {
    let Some(ops) = ctx.schema.routine_call(name, arguments) else {
        let what = format!("calls procedure `{}`, whose body no migration before it shows", name.written);
        return vec![rules::dynamic_sql(&what).at(name)];
    };
    let mut findings: Vec<Finding> = ops.iter().flat_map(|op| classify_op(op, ctx)).collect();
    for finding in &mut findings {
        finding.message = format!("{} (in procedure `{}`)", finding.message, name.written).into();
        // The body's names carry no position: point at the procedure's name in the call.
        if finding.at.is_none() {
            finding.at = name.at;
            finding.end = name.end;
        }
    }
    if findings.is_empty() {
        findings.push(rules::read_only_query());
    }
    findings
}

/// MySQL `CHANGE`/`MODIFY` and T-SQL `ALTER COLUMN` replace a column's whole
/// definition: the parts that changed against the old definition, as the
/// operations that change each (all judged against the schema before the
/// statement, so they name the column by its old name).
fn redefinition(ctx: &Context<'_>, table: &Name, column: &Name, new: &ColumnSpec) -> Vec<Op> {
    let mut parts = Vec::new();
    if new.name.key != column.key {
        parts.push(Op::RenameColumn { table: table.clone(), from: column.clone(), to: new.name.clone() });
    }
    let retype = || Op::AlterColumnType {
        table: table.clone(),
        column: column.clone(),
        data_type: new.data_type.clone(),
    };
    let Some(old) = ctx.schema.column(&table.key, &column.key) else {
        parts.push(retype());
        return parts;
    };
    if compare_types(&old.data_type, &new.data_type, ctx.dialect) != TypeChange::Same || parts.is_empty() {
        parts.push(retype());
    }
    if old.nullable && !new.nullable {
        parts.push(Op::SetNotNull { table: table.clone(), column: column.clone() });
    }
    if old.has_default && !new.has_default {
        parts.push(Op::DropDefault { table: table.clone(), column: column.clone() });
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::test_support::findings_in;
    use super::*;
    use crate::sql::Dialect;

    #[test]
    fn dropping_code_objects_if_they_exist_is_safe_when_no_migration_made_them() {
        let window = "DROP FUNCTION IF EXISTS f;\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;\n\
            DROP VIEW IF EXISTS v;\nDROP TRIGGER IF EXISTS t ON orders;\nDROP TABLE IF EXISTS old_stuff;";
        let found = findings_in(Dialect::Postgres, "CREATE TABLE orders (id int);", window);
        let classes: Vec<(&str, Class)> = found.iter().map(|f| (f.rule.id, f.class)).collect();
        assert_eq!(
            classes,
            [
                ("drop-function", Class::Safe),
                ("create-function", Class::Safe),
                ("drop-view", Class::Safe),
                ("drop-trigger", Class::Safe),
                // Rows may live in a table the migrations never made: still destructive.
                ("drop-table", Class::Destructive),
            ]
        );
        // Without IF EXISTS, or when A's migrations made it, the drop counts.
        let made =
            findings_in(Dialect::Postgres, "CREATE VIEW v AS SELECT 1 AS a;", "DROP VIEW IF EXISTS v;");
        assert_eq!(made[0].class, Class::Coupled, "{made:?}");
        let expected = findings_in(Dialect::Postgres, "", "DROP VIEW v;");
        assert_eq!(expected[0].class, Class::Coupled, "{expected:?}");
    }

    #[test]
    fn procedure_calls_are_judged_by_the_body_with_their_arguments() {
        let given = "CREATE TABLE devices (id int, username varchar(64), CONSTRAINT devices_user_fk FOREIGN KEY (username) REFERENCES users (name));\n\
            CREATE PROCEDURE PROC_DROP_FOREIGN_KEY(IN tableName VARCHAR(64), IN constraintName VARCHAR(64))\n\
            BEGIN\n  IF EXISTS(SELECT * FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_NAME = tableName) THEN\n\
                SET @query = CONCAT('ALTER TABLE ', tableName, ' DROP FOREIGN KEY ', constraintName, ';');\n\
                PREPARE stmt FROM @query;\n    EXECUTE stmt;\n    DEALLOCATE PREPARE stmt;\n  END IF;\nEND;";
        let found =
            findings_in(Dialect::Mysql, given, "CALL PROC_DROP_FOREIGN_KEY('devices', 'devices_user_fk');");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule.id, "drop-constraint", "{found:?}");
        assert!(
            found[0].message.contains("devices_user_fk")
                && found[0].message.contains("PROC_DROP_FOREIGN_KEY")
        );

        let at_run_time = findings_in(
            Dialect::Mysql,
            given,
            "SET @t = 'devices';\nCALL PROC_DROP_FOREIGN_KEY(@t, 'devices_user_fk');",
        );
        assert!(at_run_time.iter().any(|f| f.message.contains("run-time value")), "{at_run_time:?}");

        let unknown = findings_in(Dialect::Mysql, "", "CALL elsewhere('devices');");
        assert_eq!((unknown[0].rule.id, unknown[0].class), ("dynamic-sql", Class::Unknown), "{unknown:?}");
    }

    #[test]
    fn tsql_procedure_bodies_count_what_their_loops_and_guards_run() {
        let given = "CREATE TABLE dbo.concept_set (id int, name varchar(255))";
        let window = "CREATE PROCEDURE dbo.rename_names AS\nBEGIN\n  DECLARE @dups TABLE (id int);\n  DECLARE @k int;\n\
            WHILE @k > 0\n  BEGIN\n    INSERT INTO @dups SELECT id FROM dbo.concept_set;\n\
            UPDATE dbo.concept_set SET name = name + ' (1)' WHERE id = 1;\n    SET @k = @k - 1;\n  END;\n\
            DELETE FROM @dups WHERE id = id;\n  ALTER TABLE dbo.concept_set ADD CONSTRAINT uq_name UNIQUE (name);\nEND;\nGO\n\
            EXEC dbo.rename_names;";
        let found = findings_in(Dialect::Mssql, given, window);
        let rules: Vec<&str> = found.iter().map(|f| f.rule.id).collect();
        assert_eq!(rules, ["create-function", "update", "add-constraint"], "{found:?}");

        let dynamic = "CREATE PROCEDURE dbo.drop_col @table sysname, @column sysname AS\nBEGIN\n\
            DECLARE @sql nvarchar(max) = N'ALTER TABLE ' + @table + N' DROP COLUMN ' + @column;\n\
            EXEC sp_executesql @sql;\nEND;\nGO\nEXEC dbo.drop_col 'dbo.concept_set', 'name';";
        let found = findings_in(Dialect::Mssql, given, dynamic);
        let dropped = found.iter().find(|f| f.rule.id == "drop-column").expect("the call drops the column");
        assert_eq!(dropped.class, Class::Destructive, "{found:?}");
        assert!(dropped.message.contains("`name`"), "{}", dropped.message);

        // Arguments may name their parameters, in any order.
        let named =
            dynamic.replace("'dbo.concept_set', 'name'", "@column = 'name', @table = 'dbo.concept_set'");
        let found = findings_in(Dialect::Mssql, given, &named);
        let dropped = found.iter().find(|f| f.rule.id == "drop-column").expect("the call drops the column");
        assert!(dropped.message.contains("`name` of `dbo.concept_set`"), "{}", dropped.message);
    }
}
