use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds dropped columns.
    ///
    /// ## Why it matters for rollback
    /// The column's data is gone: only a backup restore brings it back. A's code
    /// still reads and writes the column, so it fails against the new schema.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint PRIMARY KEY, legacy_code text);
    /// ALTER TABLE users DROP COLUMN legacy_code;
    /// ```
    ///
    /// ## Do this instead
    /// Stop using the column first: release code that no longer reads or writes it,
    /// and drop it in a later release, once no code that uses it can be rolled back
    /// to. Keep a copy if the data may be needed.
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint PRIMARY KEY, legacy_code text);
    /// ALTER TABLE users ALTER COLUMN legacy_code DROP NOT NULL;
    /// ```
    static RULE = {
        id: "drop-column",
        class: crate::classify::Class::Destructive,
        summary: "A dropped column: its data is lost and A's code that uses it breaks.",
        help: "Release code that stops using the column first; drop it in a later release.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::DropColumn { table, column } = op else {
        return None;
    };
    Some(
        Finding::new(
            &RULE,
            format!("drops column `{}` of `{}`: its data is lost", column.written, table.written),
        )
        .on_column(ctx, table, column),
    )
}

#[cfg(test)]
mod tests {
    use crate::classify::Class;
    use crate::classify::test_support::class_of;

    #[test]
    fn dropping_a_column_added_in_the_window_is_safe() {
        let given = "CREATE TABLE t (id int);";
        let sql = "ALTER TABLE t ADD COLUMN c int;\nALTER TABLE t DROP COLUMN c;";
        assert_eq!(class_of(given, sql, "drop-column"), Class::Safe);
    }
}
