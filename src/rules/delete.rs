use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds `DELETE` statements in migrations.
    ///
    /// ## Why it matters for rollback
    /// The deleted rows are gone: undoing the migration cannot bring them back,
    /// only a backup restore can. A's code keeps working.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE consent (id bigint, subject text);
    /// DELETE FROM consent WHERE subject IS NULL;
    /// ```
    ///
    /// ## Do this instead
    /// Copy the rows aside first (so a down migration can restore them), or delete
    /// from a job with its own backup.
    /// ```sql
    /// -- A's schema: CREATE TABLE consent (id bigint, subject text);
    /// CREATE TABLE consent_orphans AS SELECT * FROM consent WHERE subject IS NULL;
    /// ```
    static RULE = {
        id: "delete",
        class: crate::classify::Class::Destructive,
        summary: "DELETE: the rows are lost to any database rollback.",
        help: "Copy the rows aside first so the way back can restore them.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::Delete { table, filtered } = op else {
        return None;
    };
    let filtered = *filtered;
    let which = if filtered { "rows" } else { "every row" };
    Some(
        Finding::new(
            &RULE,
            format!("deletes {which} of `{}`: they are lost to a database rollback", table.written),
        )
        .at(table)
        .keeps_code_working()
        .unless_new(ctx.is_new_table(table), &format!("table `{}`", table.written)),
    )
}
