use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds renamed columns, in every spelling: `RENAME COLUMN`, MySQL `CHANGE`,
    /// T-SQL `sp_rename … 'COLUMN'`.
    ///
    /// ## Why it matters for rollback
    /// A's code uses the old name. After the rename every query that names it fails,
    /// so the code cannot roll back on its own.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint PRIMARY KEY, name text);
    /// ALTER TABLE users RENAME COLUMN name TO full_name;
    /// ```
    /// Guarded in a PostgreSQL `DO` block, it is the same rename:
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint PRIMARY KEY, name text);
    /// DO $$ BEGIN
    ///   IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'name') THEN
    ///     ALTER TABLE users RENAME COLUMN name TO full_name;
    ///   END IF;
    /// END $$;
    /// ```
    ///
    /// ## Do this instead
    /// Expand/contract: add the new column, write both and backfill, move readers to
    /// the new column, and drop the old one in a later release. Or keep the old name
    /// available through a view.
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint PRIMARY KEY, name text);
    /// ALTER TABLE users ADD COLUMN full_name text;
    /// UPDATE users SET full_name = name WHERE full_name IS NULL;
    /// ```
    static RULE = {
        id: "rename-column",
        class: crate::classify::Class::Coupled,
        summary: "A renamed column: A's code still uses the old name.",
        help: "Add the new column, write both and backfill, switch readers, and drop the old column in a later release.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::RenameColumn { table, from, to } = op else {
        return None;
    };
    Some(
        Finding::new(
            &RULE,
            format!(
                "renames column `{}` of `{}` to `{}`: A's code still uses `{}`",
                from.written, table.written, to.written, from.written
            ),
        )
        .on_column(ctx, table, from),
    )
}

#[cfg(test)]
mod tests {
    use crate::classify::Class;
    use crate::classify::test_support::{class_of, class_of_in};
    use crate::sql::Dialect;

    const GIVEN: &str = "CREATE TABLE users (id int, name varchar(50));";

    #[test]
    fn mysql_change_and_tsql_sp_rename_are_renames() {
        let sql = "ALTER TABLE users CHANGE name full_name varchar(50);";
        assert_eq!(class_of_in(Dialect::Mysql, GIVEN, sql, "rename-column"), Class::Coupled);
        let sql = "EXEC sp_rename 'users.name', 'full_name', 'COLUMN';";
        assert_eq!(class_of_in(Dialect::Mssql, GIVEN, sql, "rename-column"), Class::Coupled);
        let sql = "ALTER TABLE users RENAME COLUMN name TO full_name;";
        assert_eq!(class_of_in(Dialect::Sqlite, GIVEN, sql, "rename-column"), Class::Coupled);
    }

    #[test]
    fn renaming_a_column_added_in_the_window_is_safe() {
        let sql = "ALTER TABLE users ADD COLUMN tmp int;\nALTER TABLE users RENAME COLUMN tmp TO age;";
        assert_eq!(class_of(GIVEN, sql, "rename-column"), Class::Safe);
    }
}
