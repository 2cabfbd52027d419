use crate::classify::{Context, Finding, declare_rule};
use crate::schema::Subject;
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds dropped types (enums, composites, domains declared as types, SQL
    /// Server table types).
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
