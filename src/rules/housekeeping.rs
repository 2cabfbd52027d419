use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds changes A's code cannot see: renamed indexes and constraints,
    /// validating a constraint added earlier, owners, storage settings, statistics.
    ///
    /// ## Why it matters for rollback
    /// None of them changes a name, type or rule A's code relies on.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint); CREATE INDEX orders_idx ON orders (id);
    /// ALTER INDEX orders_idx RENAME TO orders_id_idx;
    /// ```
    ///
    /// ## Do this instead
    /// Nothing.
    static RULE = {
        id: "housekeeping",
        class: crate::classify::Class::Safe,
        summary: "Housekeeping A's code does not see (index names, owners, storage).",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::Housekeeping { what } = op else {
        return None;
    };
    Some(Finding::new(&RULE, format!("{what}: A's code does not see it")))
}
