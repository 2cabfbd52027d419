use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds dropped indexes.
    ///
    /// ## Why it matters for rollback
    /// A's queries still return the same rows, though ones that used the index may
    /// get slower. A dropped unique index also drops its uniqueness rule, which only
    /// loosens what the table accepts.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint, customer_id bigint); CREATE INDEX orders_customer_idx ON orders (customer_id);
    /// DROP INDEX orders_customer_idx;
    /// ```
    ///
    /// ## Do this instead
    /// Nothing for correctness; check that no query of A's depends on the index for
    /// its speed.
    static RULE = {
        id: "drop-index",
        class: crate::classify::Class::Safe,
        summary: "A dropped index: results do not change, some queries may slow down.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::DropIndex { name } = op else {
        return None;
    };
    Some(Finding::new(&RULE, format!("drops index `{}`", name.written)).at(name))
}
