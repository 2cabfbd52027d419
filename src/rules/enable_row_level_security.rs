use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds row-level security switched on (`ENABLE` or `FORCE ROW LEVEL SECURITY`)
    /// for a table A's code uses. Switching it on for a table new in the window, or
    /// off (`DISABLE`, `NO FORCE`), is safe.
    ///
    /// ## Why it matters for rollback
    /// With row-level security on, a role sees and writes only the rows some policy
    /// allows, and no policy means no rows. A's code was written before the policies
    /// existed: it may not set what they check (a tenant setting, a JWT claim), and
    /// then its queries silently return nothing and its writes fail.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint, tenant_id bigint);
    /// ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
    /// ```
    ///
    /// ## Do this instead
    /// Ship policies that let A's role through first (or grant it `BYPASSRLS`), and
    /// switch row-level security on once no code that does not know the policies
    /// can be rolled back to. A table created in the same window is safe.
    /// ```sql
    /// CREATE TABLE invoices (id bigint, tenant_id bigint);
    /// ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
    /// ```
    static RULE = {
        id: "enable-row-level-security",
        class: crate::classify::Class::Coupled,
        summary: "Row-level security switched on for a table A's code uses: its queries see only what policies allow.",
        help: "Make sure policies let A's role through, or switch it on once A can no longer be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::SwitchRowLevelSecurity { table, on } = op else {
        return None;
    };
    let on = *on;
    if !on {
        return Some(
            Finding::new(
                &RULE,
                format!(
                    "switches row-level security of `{}` off: A's queries see at least the rows they saw",
                    table.written
                ),
            )
            .at(table)
            .into_safe(),
        );
    }
    Some(
        Finding::new(
            &RULE,
            format!(
                "switches row-level security of `{}` on: A's queries see only the rows a policy allows",
                table.written
            ),
        )
        .at(table)
        .unless_new(ctx.is_new_table(table), &format!("table `{}`", table.written)),
    )
}
