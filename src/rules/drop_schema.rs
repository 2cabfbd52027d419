use crate::classify::{Context, Finding, declare_rule};
use crate::schema::Subject;
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds dropped schemas (and MySQL databases).
    ///
    /// ## Why it matters for rollback
    /// Everything in the schema goes with it (with `CASCADE`, tables and their rows
    /// too): only a backup restore brings it back, and A's code that uses any of it
    /// fails.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE SCHEMA reporting;
    /// DROP SCHEMA reporting CASCADE;
    /// ```
    ///
    /// ## Do this instead
    /// Move or drop the objects one by one over several releases, then drop the
    /// empty schema.
    /// ```sql
    /// -- A's schema: CREATE SCHEMA reporting;
    /// COMMENT ON SCHEMA reporting IS 'retired in 1.5';
    /// ```
    static RULE = {
        id: "drop-schema",
        class: crate::classify::Class::Destructive,
        summary: "A dropped schema: everything in it is lost.",
        help: "Retire the schema's objects release by release; drop the schema once it is empty.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::DropSchema { name } = op else {
        return None;
    };
    Some(Finding::new(&RULE, format!("drops schema `{}` and everything in it", name.written)).on_object(
        name,
        Subject::Schema(name.key.clone()),
        ctx.is_new_schema(name),
        "schema",
    ))
}
