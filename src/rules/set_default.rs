use super::{Context, Finding, declare_rule};
use crate::sql::Name;

declare_rule! {
    /// ## What it does
    /// Finds `ALTER COLUMN … SET DEFAULT`.
    ///
    /// ## Why it matters for rollback
    /// A default only fills in values that inserts leave out, so A's writes keep
    /// working; rows A's code inserts get the new default.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint, locale text);
    /// ALTER TABLE users ALTER COLUMN locale SET DEFAULT 'en';
    /// ```
    ///
    /// ## Do this instead
    /// Nothing for rollback.
    static RULE = {
        id: "set-default",
        class: super::Class::Safe,
        summary: "A column default set or changed: A's writes still work.",
        help: "Nothing to do.",
    }
}

pub(super) fn check(_ctx: &Context<'_>, table: &Name, column: &Name) -> Finding {
    Finding::new(&RULE, format!("sets a default on column `{}` of `{}`", column.written, table.written))
        .at(column)
}
