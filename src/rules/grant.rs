use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds `GRANT`.
    ///
    /// ## Why it matters for rollback
    /// More privileges never stop A's code.
    ///
    /// ## Example
    /// ```sql
    /// GRANT SELECT ON orders TO reporting;
    /// ```
    ///
    /// ## Do this instead
    /// Nothing.
    static RULE = {
        id: "grant",
        class: crate::classify::Class::Safe,
        summary: "GRANT: more privileges, nothing breaks.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::Grant = op else {
        return None;
    };
    Some(Finding::new(&RULE, "grants privileges"))
}
