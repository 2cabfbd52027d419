use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds `ALTER COLUMN … DROP NOT NULL`.
    ///
    /// ## Why it matters for rollback
    /// Loosening a constraint accepts everything A's code wrote before. Only code
    /// that reads the column and assumes it is never NULL needs care, and A's code
    /// only sees NULLs if B's code writes them.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint, coupon text NOT NULL);
    /// ALTER TABLE orders ALTER COLUMN coupon DROP NOT NULL;
    /// ```
    ///
    /// ## Do this instead
    /// Nothing for rollback.
    static RULE = {
        id: "drop-not-null",
        class: crate::classify::Class::Safe,
        summary: "A column now accepts NULL: A's writes still work.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::DropNotNull { table, column } = op else {
        return None;
    };
    Some(
        Finding::new(&RULE, format!("lets column `{}` of `{}` be NULL", column.written, table.written))
            .at(column),
    )
}
