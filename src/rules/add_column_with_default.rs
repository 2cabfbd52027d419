use super::{Context, Finding, declare_rule};
use crate::sql::{ColumnSpec, Name};

declare_rule! {
    /// ## What it does
    /// Finds `NOT NULL` columns added with a default (or an identity, auto-increment
    /// or generated value).
    ///
    /// ## Why it matters for rollback
    /// A's inserts do not name the column, and the default fills it in, so A's code
    /// keeps working.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint PRIMARY KEY);
    /// ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;
    /// ```
    ///
    /// ## Do this instead
    /// Nothing. On large PostgreSQL tables before version 11, a volatile default
    /// rewrites the table: prefer a constant default.
    static RULE = {
        id: "add-column-with-default",
        class: super::Class::Safe,
        summary: "A new column with a default: A's inserts still work.",
        help: "Nothing to do.",
    }
}

pub(super) fn check(_ctx: &Context<'_>, table: &Name, column: &ColumnSpec) -> Option<Finding> {
    if column.nullable || !column.has_default {
        return None;
    }
    Some(
        Finding::new(
            &RULE,
            format!("adds column `{}` to `{}` with a default", column.name.written, table.written),
        )
        .at(&column.name),
    )
}
