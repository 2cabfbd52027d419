use super::{Finding, declare_rule};

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
        class: super::Class::Safe,
        summary: "GRANT: more privileges, nothing breaks.",
        help: "Nothing to do.",
    }
}

pub(super) fn check() -> Finding {
    Finding::new(&RULE, "grants privileges")
}
