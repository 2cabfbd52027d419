use super::{Context, Finding, declare_rule};
use crate::sql::Name;

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
        class: super::Class::Destructive,
        summary: "DELETE: the rows are lost to any database rollback.",
        help: "Copy the rows aside first so the way back can restore them.",
    }
}

pub(super) fn check(ctx: &Context<'_>, table: &Name, filtered: bool) -> Finding {
    let which = if filtered { "rows" } else { "every row" };
    Finding::new(
        &RULE,
        format!("deletes {which} of `{}`: they are lost to a database rollback", table.written),
    )
    .at(table)
    .keeps_code_working()
    .unless_new(ctx.is_new_table(table), &format!("table `{}`", table.written))
}
