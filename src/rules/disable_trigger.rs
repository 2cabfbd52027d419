use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds triggers disabled (`ALTER TABLE … DISABLE TRIGGER name | ALL | USER`)
    /// on a table A's code writes. Enabling a trigger, or disabling one that is new
    /// in the window, is safe.
    ///
    /// ## Why it matters for rollback
    /// Like a dropped trigger: A's writes rely on what the trigger does for them (an
    /// `updated_at`, an audit row, a denormalised count); while it is disabled those
    /// writes succeed but leave the data wrong.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint); CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
    /// ALTER TABLE orders DISABLE TRIGGER orders_touch;
    /// ```
    ///
    /// ## Do this instead
    /// Enable it again in the same migration when it was only off for a bulk change;
    /// disable it for good once no code that relies on it can be rolled back to.
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint); CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
    /// ALTER TABLE orders ENABLE TRIGGER orders_touch;
    /// ```
    static RULE = {
        id: "disable-trigger",
        class: crate::classify::Class::Coupled,
        summary: "A disabled trigger: A's writes no longer get what it did for them.",
        help: "Enable it again in the same migration, or disable it once no code that relies on it can be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::SwitchTrigger { table, trigger, on } = op else {
        return None;
    };
    let trigger = trigger.as_ref();
    let on = *on;
    let what = match trigger {
        Some(trigger) => format!("trigger `{}`", trigger.written),
        None => format!("every trigger of `{}`", table.written),
    };
    let finding = Finding::new(
        &RULE,
        if on { format!("enables {what}") } else { format!("disables {what}: A's writes no longer fire it") },
    )
    .at(trigger.unwrap_or(table));
    if on {
        return Some(finding.into_safe());
    }
    let is_new = ctx.is_new_table(table) || trigger.is_some_and(|trigger| ctx.is_new_trigger(trigger));
    Some(finding.unless_new(is_new, &what))
}
