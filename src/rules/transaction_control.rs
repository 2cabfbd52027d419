use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

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
        class: crate::classify::Class::Safe,
        summary: "Transaction control: BEGIN, COMMIT, ROLLBACK, SAVEPOINT.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::TransactionControl = op else {
        return None;
    };
    Some(Finding::new(&RULE, "controls the transaction"))
}
