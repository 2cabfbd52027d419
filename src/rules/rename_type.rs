use crate::classify::{Context, Finding, declare_rule};
use crate::schema::Subject;
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds renamed types (`ALTER TYPE … RENAME TO`). A rename followed by a new
    /// type under the old name with the same values (the usual enum swap) is safe.
    ///
    /// ## Why it matters for rollback
    /// A's code casts to the type, or writes columns of it, by its old name.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TYPE order_status AS ENUM ('open', 'paid');
    /// ALTER TYPE order_status RENAME TO order_state;
    /// ```
    ///
    /// ## Do this instead
    /// Create the type under its new name and keep the old one until no code that
    /// uses it can be rolled back to.
    /// ```sql
    /// -- A's schema: CREATE TYPE order_status AS ENUM ('open', 'paid');
    /// CREATE TYPE order_state AS ENUM ('open', 'paid');
    /// ```
    static RULE = {
        id: "rename-type",
        class: crate::classify::Class::Coupled,
        summary: "A renamed type: A's code uses the old name.",
        help: "Create the type under the new name; drop the old one once no code that uses it can be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::RenameType { from, to } = op else {
        return None;
    };
    Some(
        Finding::new(
            &RULE,
            format!("renames type `{}` to `{}`: A's code uses `{}`", from.written, to.written, from.written),
        )
        .on_object(from, Subject::Type(from.key.clone()), ctx.is_new_type(from), "type"),
    )
}
