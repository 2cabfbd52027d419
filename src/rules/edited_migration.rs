use crate::classify::{Finding, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports migrations that existed at release A and were changed by release B.
    ///
    /// ## Why it matters for rollback
    /// History is append-only: every environment that already ran the old text now
    /// has a different schema from a fresh one, and rollsafe's replay of A no longer
    /// matches what A's databases hold. The verdict is at least `review`.
    ///
    /// ## Example
    /// ```text
    /// release A: 0003_orders.sql  CREATE TABLE orders (id bigint);
    /// release B: 0003_orders.sql  CREATE TABLE orders (id bigint, total int);
    /// ```
    ///
    /// ## Do this instead
    /// Leave shipped migrations alone; put the change in a new migration.
    static RULE = {
        id: "edited-migration",
        class: crate::classify::Class::Unknown,
        summary: "A migration that shipped in A was edited: environments now differ.",
        help: "Restore the shipped text and put the change in a new migration.",
    }
}

pub(crate) fn finding() -> Finding {
    Finding::new(
        &RULE,
        "was edited after it shipped in the older release: databases that ran the old text now differ from fresh ones",
    )
}
