use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds `REVOKE`.
    ///
    /// ## Why it matters for rollback
    /// A's code may rely on the privilege taken away; its statements then fail with
    /// a permission error.
    ///
    /// ## Example
    /// ```sql
    /// REVOKE UPDATE ON orders FROM app;
    /// ```
    ///
    /// ## Do this instead
    /// Revoke once no code that needs the privilege can be rolled back to.
    /// ```sql
    /// GRANT SELECT ON orders TO app;
    /// ```
    static RULE = {
        id: "revoke",
        class: crate::classify::Class::Coupled,
        summary: "REVOKE: A's code may need the privilege.",
        help: "Revoke once no code that needs the privilege can be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::Revoke { what } = op else {
        return None;
    };
    Some(Finding::new(&RULE, format!("{what}: A's code may rely on the privilege")))
}
