use super::{Finding, declare_rule};

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
        class: super::Class::Safe,
        summary: "COMMENT ON: documentation only.",
        help: "Nothing to do.",
    }
}

pub(super) fn check() -> Finding {
    Finding::new(&RULE, "sets a comment")
}
