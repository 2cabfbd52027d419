use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds values added to an enum type (`ALTER TYPE … ADD VALUE`).
    ///
    /// ## Why it matters for rollback
    /// Every value A's code writes is still accepted. If B's code writes the new
    /// value, A's code may read a value it does not know: make sure it tolerates
    /// that before rolling back.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TYPE order_status AS ENUM ('open', 'paid');
    /// ALTER TYPE order_status ADD VALUE 'refunded';
    /// ```
    ///
    /// ## Do this instead
    /// Nothing for the schema.
    static RULE = {
        id: "add-enum-value",
        class: crate::classify::Class::Safe,
        summary: "A new enum value: A's values are still accepted.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::AddEnumValue { type_name, value } = op else {
        return None;
    };
    Some(Finding::new(&RULE, format!("adds value '{value}' to type `{}`", type_name.written)).at(type_name))
}
