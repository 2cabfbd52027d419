use crate::classify::{Finding, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `rollsafe: allow` comments that cannot suppress anything: no reason
    /// after `because`, no rule, or a rule id rollsafe does not have.
    ///
    /// ## Why it matters for rollback
    /// Accepting a rollback risk is a decision the team owns; without a reason
    /// nobody can tell later why it was accepted. Such a comment suppresses nothing,
    /// and the verdict is at least `review` until it is fixed.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint, legacy text);
    /// -- rollsafe: allow drop-column
    /// ALTER TABLE users DROP COLUMN legacy;
    /// ```
    ///
    /// ## Do this instead
    /// Say why the risk is accepted.
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint, legacy text);
    /// -- rollsafe: allow drop-column because legacy has been unused since 1.2 and is archived in cold storage
    /// ALTER TABLE users DROP COLUMN legacy;
    /// ```
    static RULE = {
        id: "invalid-suppression",
        class: crate::classify::Class::Unknown,
        summary: "A suppression comment without a reason or a known rule: it suppresses nothing.",
        help: "Write `-- rollsafe: allow <rule> because <reason>`.",
    }
}

pub(crate) fn finding(problem: &str) -> Finding {
    Finding::new(&RULE, format!("this `rollsafe: allow` comment {problem}; it suppresses nothing"))
}
