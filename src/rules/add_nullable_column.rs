use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds columns added without `NOT NULL`.
    ///
    /// ## Why it matters for rollback
    /// A's code does not name the column: its inserts leave it NULL and its reads
    /// ignore it. The code can roll back while the column stays.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint PRIMARY KEY);
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    ///
    /// ## Do this instead
    /// Nothing: this is the safe way to add a column. Tighten it to `NOT NULL` in a
    /// later release, once no code that writes the table can be rolled back to.
    static RULE = {
        id: "add-nullable-column",
        class: crate::classify::Class::Safe,
        summary: "A new nullable column: A's inserts leave it NULL.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::AddColumn { table, column } = op else {
        return None;
    };
    if !column.nullable {
        return None;
    }
    Some(
        Finding::new(&RULE, format!("adds nullable column `{}` to `{}`", column.name.written, table.written))
            .at(&column.name),
    )
}
