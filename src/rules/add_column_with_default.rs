use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds `NOT NULL` columns added with a default (or an identity, auto-increment
    /// or generated value).
    ///
    /// ## Why it matters for rollback
    /// A's inserts do not name the column, and the default fills it in, so A's code
    /// keeps working.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint PRIMARY KEY);
    /// ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;
    /// ```
    ///
    /// ## Do this instead
    /// Nothing. On large PostgreSQL tables before version 11, a volatile default
    /// rewrites the table: prefer a constant default.
    static RULE = {
        id: "add-column-with-default",
        class: crate::classify::Class::Safe,
        summary: "A new column with a default: A's inserts still work.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::AddColumn { table, column } = op else {
        return None;
    };
    if column.nullable || !column.has_default {
        return None;
    }
    Some(
        Finding::new(
            &RULE,
            format!("adds column `{}` to `{}` with a default", column.name.written, table.written),
        )
        .at(&column.name),
    )
}
