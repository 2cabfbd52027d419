use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds `ALTER COLUMN … SET DEFAULT`.
    ///
    /// ## Why it matters for rollback
    /// A default only fills in values that inserts leave out, so A's writes keep
    /// working; rows A's code inserts get the new default.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint, locale text);
    /// ALTER TABLE users ALTER COLUMN locale SET DEFAULT 'en';
    /// ```
    ///
    /// ## Do this instead
    /// Nothing for rollback.
    static RULE = {
        id: "set-default",
        class: crate::classify::Class::Safe,
        summary: "A column default set or changed: A's writes still work.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::SetDefault { table, column } = op else {
        return None;
    };
    Some(
        Finding::new(&RULE, format!("sets a default on column `{}` of `{}`", column.written, table.written))
            .at(column),
    )
}
