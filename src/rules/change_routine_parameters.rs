use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds a procedure or function redefined with parameters A's calls do not
    /// fit, in a dialect where a routine has one definition (SQL Server's
    /// `CREATE OR ALTER PROCEDURE`, `ALTER PROCEDURE`): a parameter it no longer
    /// has, a new one without a default, or one that moved (a call passing
    /// arguments by position would reach the wrong parameter).
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
