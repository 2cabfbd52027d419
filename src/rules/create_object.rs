use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds new types, sequences, schemas, extensions, triggers, policies, roles
    /// and domains.
    ///
    /// ## Why it matters for rollback
    /// A's code does not use what did not exist. Two need a look: a new trigger runs
    /// on A's writes too, and a new row-level-security policy filters A's queries.
    ///
    /// ## Example
    /// ```sql
    /// CREATE SEQUENCE invoice_numbers START 1000;
    /// ```
    /// A SQL Server table type, which procedures take as a `READONLY` parameter:
    /// ```sql
    /// -- Dialect: mssql
    /// CREATE TYPE dbo.id_list AS TABLE (id int NOT NULL PRIMARY KEY);
    /// ```
    ///
    /// ## Do this instead
    /// Nothing for rollback; check new triggers and policies against A's writes.
    static RULE = {
        id: "create-object",
        class: crate::classify::Class::Safe,
        summary: "A new type, sequence, schema, extension, trigger or other object.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let (kind, name) = match op {
        Op::CreateType { name, .. } => ("type", name),
        Op::CreateSequence { name } => ("sequence", name),
        Op::CreateExtension { name } => ("extension", name),
        Op::CreateSchema { name } => ("schema", name),
        Op::CreateTrigger { name, .. } => ("trigger", name),
        Op::CreateOther { kind } => return Some(Finding::new(&RULE, format!("creates a {kind}"))),
        _ => return None,
    };
    Some(Finding::new(&RULE, format!("creates {kind} `{}`", name.written)).at(name))
}
