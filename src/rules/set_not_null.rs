use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds columns made `NOT NULL` (`SET NOT NULL`, or a MySQL `MODIFY`/T-SQL
    /// `ALTER COLUMN` that adds `NOT NULL`) when the column has no default.
    ///
    /// ## Why it matters for rollback
    /// A's code may insert rows without the column, or set it to NULL. Those writes
    /// fail once the column is `NOT NULL`.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE versions (id bigint, crate_size int);
    /// ALTER TABLE versions ALTER COLUMN crate_size SET NOT NULL;
    /// ```
    ///
    /// ## Do this instead
    /// Give the column a default first (A's inserts then still work), or wait
    /// until no code that writes NULLs can be rolled back to. In PostgreSQL, a
    /// `CHECK (c IS NOT NULL) NOT VALID` constraint validated later avoids a long
    /// lock.
    /// ```sql
    /// -- A's schema: CREATE TABLE versions (id bigint, crate_size int);
    /// ALTER TABLE versions ALTER COLUMN crate_size SET DEFAULT 0;
    /// ```
    static RULE = {
        id: "set-not-null",
        class: crate::classify::Class::Coupled,
        summary: "A column made NOT NULL: A's writes without it fail.",
        help: "Set a default first, or tighten only once no code that writes NULLs can be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::SetNotNull { table, column } = op else {
        return None;
    };
    let has_default = ctx.schema.column(&table.key, &column.key).is_some_and(|c| c.has_default);
    let mut finding = Finding::new(
        &RULE,
        format!(
            "makes column `{}` of `{}` NOT NULL: A's writes that leave it out fail",
            column.written, table.written
        ),
    )
    .on_column(ctx, table, column);
    if has_default && finding.breaks_code {
        finding.reconcile("it has a default, so inserts that leave it out still work");
    }
    Some(finding)
}

#[cfg(test)]
mod tests {
    use crate::classify::Class;
    use crate::classify::test_support::class_of;

    #[test]
    fn a_column_with_a_default_can_be_made_not_null() {
        let given = "CREATE TABLE t (id int, c int DEFAULT 0);";
        assert_eq!(
            class_of(given, "ALTER TABLE t ALTER COLUMN c SET NOT NULL;", "set-not-null"),
            Class::Safe
        );
    }
}
