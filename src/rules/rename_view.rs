use crate::classify::{Context, Finding, Renamed, declare_rule};
use crate::schema::Subject;
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds renamed views.
    ///
    /// ## Why it matters for rollback
    /// A's code reads the view by its old name.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint); CREATE VIEW recent AS SELECT id FROM orders;
    /// ALTER VIEW recent RENAME TO recent_orders;
    /// ```
    ///
    /// ## Do this instead
    /// Create the view under its new name and keep the old one until no code that
    /// reads it can be rolled back to.
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint); CREATE VIEW recent AS SELECT id FROM orders;
    /// CREATE VIEW recent_orders AS SELECT id FROM orders;
    /// ```
    static RULE = {
        id: "rename-view",
        class: crate::classify::Class::Coupled,
        summary: "A renamed view: A's code reads the old name.",
        help: "Create the view under the new name and keep the old one for a release.",
        check: check,
    }
}

/// `ALTER TABLE … RENAME` renames views and sequences too: this rule takes it
/// when it names a view.
fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let (from, to) = match op {
        Op::RenameTable { from, to } if ctx.renamed_by_alter_table(from) == Renamed::View => (from, to),
        Op::RenameView { from, to } => (from, to),
        _ => return None,
    };
    Some(
        Finding::new(
            &RULE,
            format!("renames view `{}` to `{}`: A's code reads `{}`", from.written, to.written, from.written),
        )
        .on_object(from, Subject::View(from.key.clone()), ctx.is_new_view(from), "view"),
    )
}
