use crate::classify::{Context, Finding, declare_rule};
use crate::schema::Subject;
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds renamed enum values (`ALTER TYPE … RENAME VALUE`).
    ///
    /// ## Why it matters for rollback
    /// A's code writes and compares the old label, which the type no longer
    /// accepts.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TYPE order_status AS ENUM ('open', 'paid');
    /// ALTER TYPE order_status RENAME VALUE 'paid' TO 'settled';
    /// ```
    ///
    /// ## Do this instead
    /// Add the new value, migrate rows and code to it, and stop using the old one in
    /// a later release.
    /// ```sql
    /// -- A's schema: CREATE TYPE order_status AS ENUM ('open', 'paid');
    /// ALTER TYPE order_status ADD VALUE 'settled';
    /// ```
    static RULE = {
        id: "rename-enum-value",
        class: crate::classify::Class::Coupled,
        summary: "A renamed enum value: A's code writes the old label.",
        help: "Add the new value, migrate to it, and retire the old one in a later release.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::RenameEnumValue { type_name, from, to } = op else {
        return None;
    };
    Some(
        Finding::new(
            &RULE,
            format!(
                "renames value '{from}' of type `{}` to '{to}': A's code writes '{from}'",
                type_name.written
            ),
        )
        .at(type_name)
        .about(Subject::EnumValue { type_name: type_name.key.clone(), value: from.to_owned() })
        .unless_new(ctx.is_new_type(type_name), &format!("type `{}`", type_name.written)),
    )
}
