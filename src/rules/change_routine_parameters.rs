use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds a procedure or function redefined with parameters A's calls do not
    /// fit, in a dialect where a routine has one definition (SQL Server's
    /// `CREATE OR ALTER PROCEDURE`, `ALTER PROCEDURE`): a parameter it no longer
    /// has, a new one without a default, one that moved (a call passing
    /// arguments by position would reach the wrong parameter), one whose new type
    /// A's values may not convert to (narrowed, or another kind of type), or an
    /// `OUTPUT` parameter that is one no more (A's call asks for its value back).
    ///
    /// ## Why it matters for rollback
    /// SQL Server has no overloads: the new definition replaces the one A's code
    /// calls. A call that passes the removed parameter, or leaves out the new one,
    /// fails once the migration ran, and rolling the code back does not help.
    ///
    /// ## Example
    /// ```sql
    /// -- Dialect: mssql
    /// -- A's schema: CREATE PROCEDURE dbo.archive_orders @before date AS DELETE FROM orders WHERE created < @before;
    /// CREATE OR ALTER PROCEDURE dbo.archive_orders @before date, @batch int AS DELETE TOP (@batch) FROM orders WHERE created < @before;
    /// ```
    /// Headers with `READONLY` table-valued and `OUTPUT` parameters and `WITH`
    /// options are compared the same way:
    /// ```sql
    /// -- Dialect: mssql
    /// -- A's schema: CREATE TYPE dbo.id_list AS TABLE (id int); CREATE PROCEDURE dbo.close_orders @ids dbo.id_list READONLY, @closed int OUTPUT WITH EXECUTE AS OWNER AS BEGIN UPDATE orders SET status = 'closed' WHERE id IN (SELECT id FROM @ids) END
    /// ALTER PROCEDURE dbo.close_orders @ids dbo.id_list READONLY, @reason nvarchar(200), @closed int OUTPUT WITH EXECUTE AS OWNER AS BEGIN UPDATE orders SET status = 'closed' WHERE id IN (SELECT id FROM @ids) END
    /// ```
    /// A parameter narrowed, or an `OUTPUT` one that no longer is:
    /// ```sql
    /// -- Dialect: mssql
    /// -- A's schema: CREATE PROCEDURE dbo.count_orders @status varchar(20), @count int OUTPUT AS SELECT @count = 1;
    /// CREATE OR ALTER PROCEDURE dbo.count_orders @status varchar(5), @count int AS SELECT @count AS count;
    /// ```
    ///
    /// ## Do this instead
    /// Give a new parameter a default and add it last, and keep the old ones (in
    /// their places) until no code that passes them can be rolled back to:
    /// ```sql
    /// -- Dialect: mssql
    /// -- A's schema: CREATE PROCEDURE dbo.archive_orders @before date AS DELETE FROM orders WHERE created < @before;
    /// CREATE OR ALTER PROCEDURE dbo.archive_orders @before date, @batch int = 1000 AS DELETE TOP (@batch) FROM orders WHERE created < @before;
    /// ```
    /// ```sql
    /// -- Dialect: mssql
    /// -- A's schema: CREATE TYPE dbo.id_list AS TABLE (id int); CREATE PROCEDURE dbo.close_orders @ids dbo.id_list READONLY, @closed int OUTPUT WITH EXECUTE AS OWNER AS BEGIN UPDATE orders SET status = 'closed' WHERE id IN (SELECT id FROM @ids) END
    /// ALTER PROCEDURE dbo.close_orders @ids dbo.id_list READONLY, @closed int OUTPUT, @reason nvarchar(200) = NULL WITH EXECUTE AS OWNER AS BEGIN UPDATE orders SET status = 'closed' WHERE id IN (SELECT id FROM @ids) END
    /// ```
    static RULE = {
        id: "change-routine-parameters",
        class: crate::classify::Class::Coupled,
        summary: "A procedure redefined with parameters A's calls do not fit.",
        help: "Give new parameters a default, and drop old ones only once no code that passes them can be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::CreateFunction { name, parameters, .. } = op else {
        return None;
    };
    let breaks = ctx.calls_broken_by(name, parameters);
    if breaks.is_empty() {
        return None;
    }
    let message = format!("redefines `{}`: it {}: A's calls fail", name.written, breaks.join(", and "));
    Some(
        Finding::new(&RULE, message)
            .at(name)
            .unless_new(ctx.is_new_function(name), &format!("`{}`", name.written)),
    )
}

#[cfg(test)]
mod tests {
    use crate::classify::Class;
    use crate::classify::test_support::findings_in;
    use crate::sql::Dialect;

    const GIVEN: &str = "CREATE PROCEDURE dbo.archive @before date, @dry_run bit = 0 AS SELECT 1;";

    fn judged(window: &str) -> Vec<(&'static str, Class)> {
        findings_in(Dialect::Mssql, GIVEN, window).iter().map(|f| (f.rule.id, f.class)).collect()
    }

    #[test]
    fn a_parameter_removed_breaks_the_calls_that_pass_it() {
        let removed = judged("CREATE OR ALTER PROCEDURE dbo.archive @before date AS SELECT 1;");
        assert_eq!(removed, [("change-routine-parameters", Class::Coupled)]);
        let kept = judged(
            "CREATE OR ALTER PROCEDURE dbo.archive @before date, @dry_run bit = 1, @batch int = 10 AS SELECT 2;",
        );
        assert_eq!(kept, [("create-function", Class::Safe)]);
        // PostgreSQL overloads: a new signature is a new function beside the old.
        let overload = findings_in(
            Dialect::Postgres,
            "CREATE FUNCTION f(a int) RETURNS int AS $$ SELECT a $$ LANGUAGE sql;",
            "CREATE OR REPLACE FUNCTION f(a int, b int) RETURNS int AS $$ SELECT a + b $$ LANGUAGE sql;",
        );
        assert_eq!(overload[0].rule.id, "create-function", "{overload:?}");
    }

    #[test]
    fn a_parameter_retyped_or_no_longer_output_breaks_the_calls_that_pass_it() {
        let given = "CREATE PROCEDURE dbo.p @a int, @name varchar(20), @ids dbo.id_list READONLY, @n int OUTPUT AS SELECT 1;";
        let judged = |window: &str| -> Vec<(&'static str, Class, String)> {
            findings_in(Dialect::Mssql, given, window)
                .into_iter()
                .map(|f| (f.rule.id, f.class, f.message.into()))
                .collect()
        };
        let narrowed = judged(
            "CREATE OR ALTER PROCEDURE dbo.p @a int, @name varchar(5), @ids id_list READONLY, @n int OUTPUT AS SELECT 1;",
        );
        assert_eq!(narrowed[0].0, "change-routine-parameters", "{narrowed:?}");
        assert!(narrowed[0].2.contains("takes `@name` as varchar(5) instead of varchar(20)"), "{narrowed:?}");
        let other_type = judged(
            "CREATE OR ALTER PROCEDURE dbo.p @a int, @name varchar(20), @ids dbo.id_list_v2 READONLY, @n int OUTPUT AS SELECT 1;",
        );
        assert!(other_type[0].2.contains("takes `@ids` as id_list_v2 instead of id_list"), "{other_type:?}");
        let not_output = judged(
            "ALTER PROCEDURE dbo.p @a int, @name varchar(20), @ids dbo.id_list READONLY, @n int AS SELECT 1;",
        );
        assert_eq!(not_output[0].1, Class::Coupled, "{not_output:?}");
        assert!(not_output[0].2.contains("no longer returns `@n`"), "{not_output:?}");
        // Widened, spelled with delimiters, or made `OUTPUT`: A's calls still fit.
        let fits = judged(
            "ALTER PROCEDURE [dbo].[p] @a [bigint] OUTPUT, @name varchar(50), @ids [dbo].[id_list] READONLY, @n int OUT AS SELECT 1;",
        );
        assert_eq!(
            fits.iter().map(|f| (f.0, f.1)).collect::<Vec<_>>(),
            [("create-function", Class::Safe)],
            "{fits:?}"
        );
    }

    #[test]
    fn parameters_that_move_break_positional_calls() {
        let swapped = judged("ALTER PROCEDURE dbo.archive @dry_run bit = 0, @before date AS SELECT 1;");
        assert_eq!(swapped, [("change-routine-parameters", Class::Coupled)]);
        let inserted = judged(
            "ALTER PROCEDURE dbo.archive @before date, @batch int = 10, @dry_run bit = 0 AS SELECT 1;",
        );
        assert_eq!(inserted, [("change-routine-parameters", Class::Coupled)]);
        let appended = judged(
            "ALTER PROCEDURE dbo.archive @before date, @dry_run bit = 0, @batch int = 10 AS SELECT 1;",
        );
        assert_eq!(appended, [("create-function", Class::Safe)]);
    }
}
