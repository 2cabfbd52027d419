use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds statements that parse but that rollsafe has no model for.
    ///
    /// ## Why it matters for rollback
    /// rollsafe cannot say whether A's code survives them, so the verdict is at
    /// best `review`.
    ///
    /// ## Example
    /// ```sql
    /// ALTER SCHEMA analytics RENAME TO reporting;
    /// ```
    ///
    /// ## Do this instead
    /// Review the statement by hand.
    /// ```sql
    /// CREATE SCHEMA analytics;
    /// ```
    static RULE = {
        id: "unmodelled-statement",
        class: crate::classify::Class::Unknown,
        summary: "A statement rollsafe parses but has no model for.",
        help: "Review the statement by hand.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::Unmodelled { what } = op else {
        return None;
    };
    Some(finding(what))
}

pub(crate) fn finding(what: &str) -> Finding {
    let what = if what.is_empty() { "this statement" } else { what };
    Finding::new(&RULE, format!("rollsafe has no model for `{what}` statements"))
}
