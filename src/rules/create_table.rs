use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds new tables.
    ///
    /// ## Why it matters for rollback
    /// A's code never heard of the table, so it keeps working while the table exists.
    /// Rolling the database back later drops the table and whatever was written to it.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE invoices (id bigint PRIMARY KEY, total numeric(12,2) NOT NULL);
    /// ```
    ///
    /// ## Do this instead
    /// Nothing: a new table is the first, safe step of expand/contract.
    static RULE = {
        id: "create-table",
        class: crate::classify::Class::Safe,
        summary: "A new table: A's code does not use it.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::CreateTable { table, .. } = op else {
        return None;
    };
    let message = if ctx.schema.table(&table.key).is_some() {
        format!("creates table `{}`, which already exists (no change if IF NOT EXISTS)", table.written)
    } else {
        format!("creates table `{}`", table.written)
    };
    Some(Finding::new(&RULE, message).at(table))
}
