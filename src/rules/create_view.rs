use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds new views and views replaced without losing a column (`CREATE OR
    /// REPLACE VIEW`, `ALTER VIEW … AS`, or a view dropped and re-created).
    ///
    /// ## Why it matters for rollback
    /// A tweaked view still offers every column A's code reads.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint, total int, status text); CREATE VIEW open_orders AS SELECT id, total FROM orders;
    /// CREATE OR REPLACE VIEW open_orders AS SELECT id, total, status FROM orders WHERE status = 'open';
    /// ```
    ///
    /// ## Do this instead
    /// Nothing for rollback.
    static RULE = {
        id: "create-view",
        class: crate::classify::Class::Safe,
        summary: "A new or tweaked view that keeps every column.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::CreateView { name, columns, .. } = op else {
        return None;
    };
    if !ctx.view_columns_lost(name, columns.as_deref()).is_empty() {
        return None;
    }
    let verb = if ctx.schema.views.contains_key(&name.key) { "replaces" } else { "creates" };
    Some(Finding::new(&RULE, format!("{verb} view `{}`", name.written)).at(name))
}
