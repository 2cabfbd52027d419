use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds `TRUNCATE`.
    ///
    /// ## Why it matters for rollback
    /// Every row of the table is gone: rolling the database back cannot bring them
    /// back, only a backup restore can. A's code still runs against the empty
    /// table.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE sessions (id bigint, token text);
    /// TRUNCATE sessions;
    /// ```
    ///
    /// ## Do this instead
    /// Clear data from a job, not a schema migration, and keep a copy first if it
    /// may be needed.
    /// ```sql
    /// -- A's schema: CREATE TABLE sessions (id bigint, token text);
    /// CREATE TABLE sessions_archive AS SELECT * FROM sessions;
    /// ```
    static RULE = {
        id: "truncate",
        class: crate::classify::Class::Destructive,
        summary: "TRUNCATE: every row of the table is lost.",
        help: "Keep a copy first, and clear data from a job rather than a migration.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::Truncate { table } = op else {
        return None;
    };
    Some(
        Finding::new(&RULE, format!("truncates `{}`: all its rows are lost", table.written))
            .at(table)
            .keeps_code_working()
            .unless_new(ctx.is_new_table(table), &format!("table `{}`", table.written)),
    )
}
