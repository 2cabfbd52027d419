use crate::classify::{Finding, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports migrations that existed at release A and are gone at release B.
    ///
    /// ## Why it matters for rollback
    /// Databases that ran it still have its changes; fresh ones built from B's
    /// migrations do not. The verdict is at least `review`.
    ///
    /// ## Example
    /// ```text
    /// release A: 0003_orders.sql, 0004_totals.sql
    /// release B: 0003_orders.sql
    /// ```
    ///
    /// ## Do this instead
    /// Keep shipped migrations; undo their effect with a new migration.
    static RULE = {
        id: "deleted-migration",
        class: crate::classify::Class::Unknown,
        summary: "A migration that shipped in A was deleted: environments now differ.",
        help: "Restore the migration and undo its effect with a new one.",
    }
}

pub(crate) fn finding() -> Finding {
    Finding::new(
        &RULE,
        "was deleted after it shipped in the older release: databases that ran it now differ from fresh ones",
    )
}
