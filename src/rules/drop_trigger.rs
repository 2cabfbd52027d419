use crate::classify::{Context, Finding, declare_rule};
use crate::schema::Subject;
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds dropped triggers. A trigger dropped and re-created in the same window
    /// (the usual way to change one) is safe, and so is `DROP TRIGGER IF EXISTS`
    /// of one no migration before it created.
    ///
    /// ## Why it matters for rollback
    /// A's writes rely on what the trigger does for them (an `updated_at`, an audit
    /// row, a denormalised count); after the drop those writes succeed but leave the
    /// data wrong.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint); CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
    /// DROP TRIGGER orders_touch ON orders;
    /// ```
    ///
    /// ## Do this instead
    /// Re-create the trigger in the same migration when changing it; drop it for good
    /// once no code that relies on it can be rolled back to.
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint); CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
    /// DROP TRIGGER orders_touch ON orders;
    /// CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch_v2();
    /// ```
    static RULE = {
        id: "drop-trigger",
        class: crate::classify::Class::Coupled,
        summary: "A dropped trigger: A's writes no longer get what it did for them.",
        help: "Re-create it in the same migration, or drop it once no code that relies on it can be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::DropTrigger { name, if_exists } = op else {
        return None;
    };
    let if_exists = *if_exists;
    Some(
        Finding::new(&RULE, format!("drops trigger `{}`: A's writes no longer fire it", name.written))
            .on_dropped_object(
                ctx,
                name,
                Subject::Trigger(name.key.clone()),
                ctx.is_new_trigger(name),
                "trigger",
                if_exists,
            ),
    )
}
