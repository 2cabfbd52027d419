use crate::classify::{Context, Finding, declare_rule};
use crate::schema::Subject;
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds views replaced by a definition that no longer has some of their
    /// columns.
    ///
    /// ## Why it matters for rollback
    /// A's code reads the columns that disappeared.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint, total int); CREATE VIEW order_totals AS SELECT id, total FROM orders;
    /// CREATE OR REPLACE VIEW order_totals AS SELECT id FROM orders;
    /// ```
    ///
    /// ## Do this instead
    /// Keep the old columns in the view (computed from the new data if need be)
    /// until no code that reads them can be rolled back to.
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint, total int); CREATE VIEW order_totals AS SELECT id, total FROM orders;
    /// CREATE OR REPLACE VIEW order_totals AS SELECT id, total, total * 2 AS doubled FROM orders;
    /// ```
    static RULE = {
        id: "view-drops-columns",
        class: crate::classify::Class::Coupled,
        summary: "A view replaced without some of its columns: A's reads of them fail.",
        help: "Keep the old columns in the view until no code that reads them can be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::CreateView { name, columns, .. } = op else {
        return None;
    };
    let lost = ctx.view_columns_lost(name, columns.as_deref());
    if lost.is_empty() {
        return None;
    }
    Some(
        Finding::new(
            &RULE,
            format!(
                "replaces view `{}` without column(s) {}: A's code reads them",
                name.written,
                lost.join(", ")
            ),
        )
        .on_object(name, Subject::View(name.key.clone()), ctx.is_new_view(name), "view"),
    )
}
