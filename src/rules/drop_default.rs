use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds column defaults removed (`DROP DEFAULT`, or a MySQL `MODIFY` that
    /// leaves the default out).
    ///
    /// ## Why it matters for rollback
    /// A's inserts that leave the column out relied on the default: on a `NOT NULL`
    /// column they now fail, on a nullable one they store NULL instead of the value
    /// A's code expects.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint, status text NOT NULL DEFAULT 'active');
    /// ALTER TABLE users ALTER COLUMN status DROP DEFAULT;
    /// ```
    ///
    /// ## Do this instead
    /// Keep the default until no code that relies on it can be rolled back to.
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint, status text NOT NULL DEFAULT 'active');
    /// ALTER TABLE users ALTER COLUMN status SET DEFAULT 'pending';
    /// ```
    static RULE = {
        id: "drop-default",
        class: crate::classify::Class::Coupled,
        summary: "A column default removed: A's inserts that leave the column out change or fail.",
        help: "Keep the default until no code that relies on it can be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::DropDefault { table, column } = op else {
        return None;
    };
    Some(
        Finding::new(
            &RULE,
            format!(
                "removes the default of column `{}` of `{}`: A's inserts that leave it out change or fail",
                column.written, table.written
            ),
        )
        .on_column(ctx, table, column),
    )
}
