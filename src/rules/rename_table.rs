use crate::classify::{Context, Finding, Renamed, declare_rule};
use crate::schema::Subject;
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds renamed tables: `ALTER TABLE … RENAME TO`, MySQL `RENAME TABLE`, T-SQL
    /// `sp_rename`.
    ///
    /// ## Why it matters for rollback
    /// A's code queries the old name, which no longer exists.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE customers (id bigint PRIMARY KEY);
    /// ALTER TABLE customers RENAME TO clients;
    /// ```
    ///
    /// ## Do this instead
    /// Keep the old name working while code that uses it can still be rolled back
    /// to: rename, then create a view with the old name (simple views are
    /// updatable in PostgreSQL, MySQL and SQL Server), and drop the view later.
    /// ```sql
    /// -- A's schema: CREATE TABLE customers (id bigint PRIMARY KEY);
    /// CREATE TABLE clients (id bigint PRIMARY KEY);
    /// ```
    static RULE = {
        id: "rename-table",
        class: crate::classify::Class::Coupled,
        summary: "A renamed table: A's code still uses the old name.",
        help: "Rename, then create a view with the old name until no code that uses it can be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let (from, to) = match op {
        Op::RenameTable { from, to } if ctx.renamed_by_alter_table(from) == Renamed::Table => (from, to),
        _ => return None,
    };
    Some(
        Finding::new(
            &RULE,
            format!(
                "renames table `{}` to `{}`: A's code still uses `{}`",
                from.written, to.written, from.written
            ),
        )
        .on_object(from, Subject::Table(from.key.clone()), ctx.is_new_table(from), "table"),
    )
}

#[cfg(test)]
mod tests {
    use crate::classify::Class;
    use crate::classify::test_support::class_of_in;
    use crate::sql::Dialect;

    #[test]
    fn mysql_rename_table_is_a_rename() {
        let given = "CREATE TABLE a (id int);";
        assert_eq!(
            class_of_in(Dialect::Mysql, given, "RENAME TABLE a TO b;", "rename-table"),
            Class::Coupled
        );
        assert_eq!(
            class_of_in(Dialect::Mssql, given, "EXEC sp_rename 'a', 'b';", "rename-table"),
            Class::Coupled
        );
    }
}
