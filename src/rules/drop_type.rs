use crate::classify::{Context, Finding, declare_rule};
use crate::schema::Subject;
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds dropped types (enums, composites, domains declared as types, SQL
    /// Server table types). A SQL Server table type dropped and re-created in the
    /// window (the only way to change one) is safe when A's rows still fit it, and
    /// coupled when a column A's rows fill is gone or a new one needs a value.
    ///
    /// ## Why it matters for rollback
    /// A's code casts to the type or writes columns of that type, or passes a table
    /// of it to a procedure's `READONLY` parameter; without it those statements fail.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TYPE mood AS ENUM ('sad', 'ok');
    /// DROP TYPE mood;
    /// ```
    /// ```sql
    /// -- Dialect: mssql
    /// -- A's schema: CREATE TYPE dbo.id_list AS TABLE (id int NOT NULL);
    /// DROP TYPE dbo.id_list;
    /// ```
    ///
    /// ## Do this instead
    /// Keep the type until no code that uses it can be rolled back to.
    /// ```sql
    /// -- A's schema: CREATE TYPE mood AS ENUM ('sad', 'ok');
    /// COMMENT ON TYPE mood IS 'unused since 1.5; drop in 1.7';
    /// ```
    static RULE = {
        id: "drop-type",
        class: crate::classify::Class::Coupled,
        summary: "A dropped type: A's statements that use it fail.",
        help: "Keep the type until no code that uses it can be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::DropType { name, if_exists } = op else {
        return None;
    };
    Some(Finding::new(&RULE, format!("drops type `{}`", name.written)).on_dropped_object(
        ctx,
        name,
        Subject::Type(ctx.type_as_a_knew_it(name)),
        ctx.is_new_type(name),
        "type",
        *if_exists,
    ))
}

#[cfg(test)]
mod tests {
    use crate::classify::Class;
    use crate::classify::test_support::findings_in;
    use crate::sql::Dialect;

    const GIVEN: &str = "CREATE TYPE dbo.id_list AS TABLE (id int NOT NULL, note nvarchar(50) NULL)";

    fn dropped_and_recreated(columns: &str) -> (Class, String) {
        let window = format!("DROP TYPE dbo.id_list\nGO\nCREATE TYPE dbo.id_list AS TABLE ({columns})");
        let found = findings_in(Dialect::Mssql, GIVEN, &window);
        let dropped = found.iter().find(|f| f.rule.id == "drop-type").expect("drop-type");
        (dropped.class, dropped.message.to_string())
    }

    #[test]
    fn a_table_type_recreated_in_another_shape_breaks_the_rows_a_passes() {
        let (class, message) = dropped_and_recreated("id bigint NOT NULL, kind int NOT NULL");
        assert_eq!(class, Class::Coupled, "{message}");
        assert!(message.contains("no longer has column `note` and requires new column `kind`"), "{message}");
        let (class, message) =
            dropped_and_recreated("id int NOT NULL, note nvarchar(50) NULL, kind int NOT NULL");
        assert_eq!(class, Class::Coupled, "{message}");
        // The same columns, or new ones A's rows may leave out: A's rows still fit.
        let (class, message) = dropped_and_recreated("id int NOT NULL, note nvarchar(100) NULL");
        assert_eq!(class, Class::Safe, "{message}");
        let (class, message) = dropped_and_recreated(
            "id int NOT NULL, note nvarchar(50) NULL, kind int NULL, at datetime2 NOT NULL DEFAULT SYSUTCDATETIME()",
        );
        assert_eq!(class, Class::Safe, "{message}");
    }
}
