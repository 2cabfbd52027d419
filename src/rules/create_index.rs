use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds new non-unique indexes.
    ///
    /// ## Why it matters for rollback
    /// An index changes how fast queries run, not what they return: A's code keeps
    /// working. On large PostgreSQL tables prefer `CREATE INDEX CONCURRENTLY`, which
    /// does not block writes.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint, customer_id bigint);
    /// CREATE INDEX orders_customer_idx ON orders (customer_id);
    /// ```
    ///
    /// ## Do this instead
    /// Nothing for rollback.
    static RULE = {
        id: "create-index",
        class: crate::classify::Class::Safe,
        summary: "A new index: queries get faster, results do not change.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::CreateIndex { name, table, unique: false, .. } = op else {
        return None;
    };
    let name = name.as_ref();
    let label = name.map(|n| format!(" `{}`", n.written)).unwrap_or_default();
    Some(
        Finding::new(&RULE, format!("creates index{label} on `{}`", table.written)).at(name.unwrap_or(table)),
    )
}
