use super::{Finding, declare_rule};

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
        class: super::Class::Safe,
        summary: "A query: reads, changes nothing.",
        help: "Nothing to do.",
    }
}

pub(super) fn check() -> Finding {
    Finding::new(&RULE, "runs a query")
}
