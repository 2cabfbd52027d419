use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

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
        class: crate::classify::Class::Safe,
        summary: "A session setting: SET, PRAGMA, USE, DECLARE.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::SessionSetting = op else {
        return None;
    };
    Some(Finding::new(&RULE, "changes a session setting"))
}
