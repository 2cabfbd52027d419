use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds dropped extensions (`DROP EXTENSION pg_trgm`). Dropping one created in
    /// the same window is safe.
    ///
    /// ## Why it matters for rollback
    /// An extension brings functions, types and operators (`ltree`, `similarity()`,
    /// `gen_random_uuid()` before PostgreSQL 13). A's queries and columns may use
    /// them; after the drop those queries fail, and `CASCADE` also drops the
    /// columns and indexes built on them.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE EXTENSION pg_trgm;
    /// DROP EXTENSION pg_trgm;
    /// ```
    ///
    /// ## Do this instead
    /// Drop it once no code that uses it can be rolled back to; an extension new
    /// in the window can go.
    /// ```sql
    /// CREATE EXTENSION IF NOT EXISTS ltree;
    /// DROP EXTENSION ltree;
    /// ```
    static RULE = {
        id: "drop-extension",
        class: crate::classify::Class::Coupled,
        summary: "A dropped extension: A's queries may use its functions and types.",
        help: "Drop it once no code that uses it can be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::DropExtension { name } = op else {
        return None;
    };
    Some(
        Finding::new(
            &RULE,
            format!("drops extension `{}`: A's queries may use its functions and types", name.written),
        )
        .at(name)
        .unless_new(ctx.is_new_extension(name), &format!("extension `{}`", name.written)),
    )
}
