use crate::classify::{Context, Finding, column_subject, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds `NOT NULL` columns added without a default to a table that A's code
    /// writes.
    ///
    /// ## Why it matters for rollback
    /// A's code inserts rows without the new column. Once the column is `NOT NULL`
    /// with no default, every one of those inserts fails: the code cannot be rolled
    /// back without rolling the database back too. (On a non-empty table the
    /// migration itself also fails.)
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint PRIMARY KEY);
    /// ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;
    /// ```
    ///
    /// ## Do this instead
    /// Expand, then contract: add the column nullable (or with a default), backfill
    /// it, and set `NOT NULL` in a later release.
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint PRIMARY KEY);
    /// ALTER TABLE users ADD COLUMN tenant_id bigint;
    /// UPDATE users SET tenant_id = 1 WHERE tenant_id IS NULL;
    /// ```
    static RULE = {
        id: "add-not-null-column",
        class: crate::classify::Class::Coupled,
        summary: "A new NOT NULL column without a default: A's inserts fail.",
        help: "Add the column nullable or with a default, backfill it, and set NOT NULL in a later release.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::AddColumn { table, column } = op else {
        return None;
    };
    if column.nullable || column.has_default {
        return None;
    }
    Some(
        Finding::new(
            &RULE,
            format!(
                "adds NOT NULL column `{}` to `{}` without a default: inserts from A's code fail",
                column.name.written, table.written
            ),
        )
        .at(&column.name)
        .about(column_subject(table, &column.name))
        .unless_new(ctx.is_new_table(table), &format!("table `{}`", table.written)),
    )
}

#[cfg(test)]
mod tests {
    use crate::classify::Class;
    use crate::classify::test_support::class_of;

    #[test]
    fn safe_on_a_table_created_in_the_window() {
        let sql = "CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN c int NOT NULL;";
        assert_eq!(class_of("", sql, "add-not-null-column"), Class::Safe);
    }
}
