use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds `COMMENT ON`.
    ///
    /// ## Why it matters for rollback
    /// Comments document the schema; they change nothing A's code does.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint);
    /// COMMENT ON TABLE orders IS 'one row per checkout';
    /// ```
    ///
    /// ## Do this instead
    /// Nothing.
    static RULE = {
        id: "comment",
        class: crate::classify::Class::Safe,
        summary: "COMMENT ON: documentation only.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::Comment = op else {
        return None;
    };
    Some(Finding::new(&RULE, "sets a comment"))
}
