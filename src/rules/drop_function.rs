use crate::classify::{Context, Finding, declare_rule};
use crate::schema::Subject;
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds dropped functions and procedures. `DROP FUNCTION IF EXISTS` of one no
    /// migration before it created (the usual start of a re-runnable definition)
    /// is safe.
    ///
    /// ## Why it matters for rollback
    /// A's code (or a trigger A's schema relies on) calls the function; those calls
    /// fail once it is gone. Dropping and re-creating it with the same signature in
    /// the same window is a body change, and safe.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE FUNCTION order_total(bigint) RETURNS numeric AS $$ SELECT 1 $$ LANGUAGE sql;
    /// DROP FUNCTION order_total(bigint);
    /// ```
    ///
    /// ## Do this instead
    /// Replace the body with `CREATE OR REPLACE`, or keep the function until no code
    /// that calls it can be rolled back to.
    /// ```sql
    /// -- A's schema: CREATE FUNCTION order_total(bigint) RETURNS numeric AS $$ SELECT 1 $$ LANGUAGE sql;
    /// CREATE OR REPLACE FUNCTION order_total(bigint) RETURNS numeric AS $$ SELECT 2 $$ LANGUAGE sql;
    /// ```
    static RULE = {
        id: "drop-function",
        class: crate::classify::Class::Coupled,
        summary: "A dropped function or procedure: A's calls to it fail.",
        help: "Replace the body in place, or keep the function until no code that calls it can be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::DropFunction { name, if_exists, procedure, .. } = op else {
        return None;
    };
    let if_exists = *if_exists;
    let kind = super::create_function::routine_kind(*procedure);
    Some(
        Finding::new(&RULE, format!("drops {kind} `{}`: calls from A's code fail", name.written))
            .on_dropped_object(
                ctx,
                name,
                Subject::Function(name.key.clone()),
                ctx.is_new_function(name),
                kind,
                if_exists,
            ),
    )
}

#[cfg(test)]
mod tests {
    use crate::classify::test_support::findings_in;
    use crate::sql::Dialect;

    #[test]
    fn procedures_are_called_procedures() {
        let messages = |given: &str, sql: &str| -> Vec<String> {
            findings_in(Dialect::Mssql, given, sql).into_iter().map(|f| f.message.into()).collect()
        };
        let dropped = messages("CREATE PROCEDURE dbo.p @a int AS SELECT 1", "DROP PROCEDURE dbo.p");
        assert_eq!(dropped, ["drops procedure `dbo.p`: calls from A's code fail"]);
        let created = messages("", "CREATE PROCEDURE dbo.q @a int AS SELECT 1");
        assert_eq!(created, ["creates procedure `dbo.q(int)`"]);
        let function = messages(
            "CREATE FUNCTION dbo.f (@a int) RETURNS int AS BEGIN RETURN 1 END",
            "DROP FUNCTION dbo.f\nGO\nCREATE FUNCTION dbo.g (@a int) RETURNS int AS BEGIN RETURN 1 END",
        );
        assert_eq!(function[0], "drops function `dbo.f`: calls from A's code fail");
        assert_eq!(function[1], "creates function `dbo.g(int)`");
    }
}
