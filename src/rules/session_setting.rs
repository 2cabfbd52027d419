use super::{Finding, declare_rule};

declare_rule! {
    /// ## What it does
    /// Finds `SET`, SQLite `PRAGMA`, `USE` and T-SQL `DECLARE`.
    ///
    /// ## Why it matters for rollback
    /// They configure the migration's own session (lock timeouts, search path); A's code is not affected.
    ///
    /// ## Example
    /// ```sql
    /// SET lock_timeout = '5s';
    /// ```
    ///
    /// ## Do this instead
    /// Nothing.
    static RULE = {
        id: "session-setting",
        class: super::Class::Safe,
        summary: "A session setting: SET, PRAGMA, USE, DECLARE.",
        help: "Nothing to do.",
    }
}

pub(super) fn check() -> Finding {
    Finding::new(&RULE, "changes a session setting")
}
