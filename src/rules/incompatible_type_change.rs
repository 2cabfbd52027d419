use crate::classify::{Context, Finding, declare_rule};
use crate::schema::{TypeChange, convert};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds column type changes that narrow the type (`varchar(200)` to
    /// `varchar(50)`, `bigint` to `int`) or change its kind (`int` to `text`), and
    /// type changes of columns whose old type rollsafe does not know. The message
    /// says exactly why, from the dialect's table of conversions where it has one:
    /// `integer` to `double precision` keeps every value but reads back as a
    /// floating-point number; `timestamptz` to `timestamp` drops the time zone.
    ///
    /// ## Why it matters for rollback
    /// A's code writes values the new type rejects or truncates, or reads values of
    /// a type it does not expect.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint, country varchar(64));
    /// ALTER TABLE users ALTER COLUMN country TYPE varchar(2);
    /// ```
    ///
    /// ## Do this instead
    /// Add a new column with the new type, write both and backfill, switch readers,
    /// and drop the old column in a later release. Widening is always safe.
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint, country varchar(64));
    /// ALTER TABLE users ADD COLUMN country_code varchar(2);
    /// ```
    static RULE = {
        id: "incompatible-type-change",
        class: crate::classify::Class::Coupled,
        summary: "A column type narrowed or changed in kind: A's values may not fit.",
        help: "Add a column with the new type, backfill and switch readers; drop the old column in a later release.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::AlterColumnType { table, column, data_type: new } = op else {
        return None;
    };
    let old = ctx.schema.column(&table.key, &column.key).map(|c| c.data_type.as_str());
    let conversion = old.map(|old| convert(old, new, ctx.dialect));
    if conversion.is_some_and(|conversion| conversion.change != TypeChange::NarrowedOrIncompatible) {
        return None;
    }
    let message = match old.zip(conversion) {
        Some((old, conversion)) => format!(
            "changes column `{}` of `{}` from {old} to {new}: {}",
            column.written, table.written, conversion.why
        ),
        None => format!(
            "changes column `{}` of `{}` to {new}; its old type is not in the migrations read",
            column.written, table.written
        ),
    };
    Some(Finding::new(&RULE, message).on_column(ctx, table, column))
}

#[cfg(test)]
mod tests {
    use crate::classify::Class;
    use crate::classify::test_support::class_of_in;
    use crate::sql::Dialect;

    const GIVEN: &str = "CREATE TABLE t (id int, code varchar(64));";

    #[test]
    fn mysql_modify_and_tsql_alter_column_narrowing_is_coupled() {
        let sql = "ALTER TABLE t MODIFY code varchar(2);";
        assert_eq!(class_of_in(Dialect::Mysql, GIVEN, sql, "incompatible-type-change"), Class::Coupled);
        let sql = "ALTER TABLE t ALTER COLUMN code varchar(2) NULL";
        assert_eq!(class_of_in(Dialect::Mssql, GIVEN, sql, "incompatible-type-change"), Class::Coupled);
    }

    #[test]
    fn mysql_modify_widening_is_compatible() {
        let sql = "ALTER TABLE t MODIFY code varchar(200);";
        assert_eq!(class_of_in(Dialect::Mysql, GIVEN, sql, "compatible-type-change"), Class::Safe);
    }
}
