use super::{Finding, declare_rule};

declare_rule! {
    /// ## What it does
    /// Finds `BEGIN`, `COMMIT`, `ROLLBACK`, savepoints and `LOCK TABLE`.
    ///
    /// ## Why it matters for rollback
    /// They group the migration's statements; they change no schema.
    ///
    /// ## Example
    /// ```sql
    /// BEGIN;
    /// ```
    ///
    /// ## Do this instead
    /// Nothing.
    static RULE = {
        id: "transaction-control",
        class: super::Class::Safe,
        summary: "Transaction control: BEGIN, COMMIT, ROLLBACK, SAVEPOINT.",
        help: "Nothing to do.",
    }
}

pub(super) fn check() -> Finding {
    Finding::new(&RULE, "controls the transaction")
}
