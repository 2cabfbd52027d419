use crate::classify::{Context, Finding, declare_rule};
use crate::schema::Subject;
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds dropped views (materialized ones included). A view dropped and then
    /// re-created in the same window with the same columns is a tweak, and safe;
    /// so is `DROP VIEW IF EXISTS` of a view no migration before it created.
    ///
    /// ## Why it matters for rollback
    /// A's code reads the view; without it those queries fail. A view holds no data
    /// of its own (a materialized one can be refreshed), so nothing is lost.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint); CREATE VIEW recent_orders AS SELECT id FROM orders;
    /// DROP VIEW recent_orders;
    /// ```
    ///
    /// ## Do this instead
    /// Replace the view in place (`CREATE OR REPLACE VIEW`), or re-create it in the
    /// same migration with the same columns; drop it for good once no code that
    /// reads it can be rolled back to.
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint); CREATE VIEW recent_orders AS SELECT id FROM orders;
    /// DROP VIEW recent_orders;
    /// CREATE VIEW recent_orders AS SELECT id FROM orders WHERE id > 100;
    /// ```
    static RULE = {
        id: "drop-view",
        class: crate::classify::Class::Coupled,
        summary: "A dropped view: A's reads of it fail.",
        help: "Replace the view in place, or drop it once no code that reads it can be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::DropView { name, if_exists } = op else {
        return None;
    };
    let if_exists = *if_exists;
    Some(Finding::new(&RULE, format!("drops view `{}`: A's code reads it", name.written)).on_dropped_object(
        ctx,
        name,
        Subject::View(name.key.clone()),
        ctx.is_new_view(name),
        "view",
        if_exists,
    ))
}
