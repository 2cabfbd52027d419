use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds `SELECT` statements in migrations.
    ///
    /// ## Why it matters for rollback
    /// A query changes no schema. (Functions it calls can have effects, such as `setval`; those are not judged.)
    ///
    /// ## Example
    /// ```sql
    /// SELECT 1;
    /// ```
    ///
    /// ## Do this instead
    /// Nothing.
    static RULE = {
        id: "read-only-query",
        class: crate::classify::Class::Safe,
        summary: "A query: reads, changes nothing.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::Query = op else {
        return None;
    };
    Some(finding())
}

pub(crate) fn finding() -> Finding {
    Finding::new(&RULE, "runs a query")
}
