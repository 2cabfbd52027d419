use crate::classify::{Finding, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `rollsafe: allow` comments that match no finding of the statement
    /// after them (or, for `allow-file`, of the file).
    ///
    /// ## Why it matters for rollback
    /// Stale suppressions pile up and end up hiding a risk nobody accepted. The
    /// verdict is at least `review` until the comment is removed or fixed.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint);
    /// -- rollsafe: allow drop-column because the column is archived
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    ///
    /// ## Do this instead
    /// Remove the comment, or move it to the statement it is about.
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint);
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    static RULE = {
        id: "unused-suppression",
        class: crate::classify::Class::Unknown,
        summary: "A suppression comment that matches no finding.",
        help: "Remove the comment, or move it to the statement it is about.",
    }
}

pub(crate) fn finding(what: &str) -> Finding {
    Finding::new(&RULE, format!("this `rollsafe: {what}` matches no finding"))
}
