use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds SQL whose effect is decided when it runs: PostgreSQL `DO` blocks,
    /// `EXECUTE`/`EXEC` of strings, `PREPARE`, and calls of procedures whose body no
    /// migration before the call shows. A call of a procedure defined in the
    /// migrations (`CALL p('orders')`, `EXEC dbo.p`) is judged by what its body does
    /// with those arguments, every `IF` and loop taken as run; string building from
    /// literals and parameters (`SET @q = CONCAT(…)`, `PREPARE`, `EXECUTE`) is read
    /// with the arguments in place.
    ///
    /// ## Why it matters for rollback
    /// rollsafe never runs SQL, so it cannot know what such a statement changes. The
    /// verdict is at best `review`.
    ///
    /// ## Example
    /// ```sql
    /// DO $$ BEGIN EXECUTE 'ALTER TABLE users DROP COLUMN legacy'; END $$;
    /// ```
    ///
    /// ## Do this instead
    /// Write the DDL as plain statements so it can be checked, or review the block
    /// by hand.
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint, legacy text);
    /// ALTER TABLE users ALTER COLUMN legacy DROP NOT NULL;
    /// ```
    static RULE = {
        id: "dynamic-sql",
        class: crate::classify::Class::Unknown,
        summary: "Dynamic SQL (DO, EXECUTE): its effect is only known when it runs.",
        help: "Write the DDL as plain statements, or review the block by hand.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::DynamicSql { what } = op else {
        return None;
    };
    Some(finding(what))
}

pub(crate) fn finding(what: &str) -> Finding {
    Finding::new(&RULE, format!("{what}: its effect is only known when it runs"))
}
