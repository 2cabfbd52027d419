use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds dropped constraints (and MySQL `DROP FOREIGN KEY`/`DROP PRIMARY KEY`).
    ///
    /// ## Why it matters for rollback
    /// A looser table accepts everything A's code wrote before. The data may now
    /// hold rows the old constraint would have rejected; re-adding it on a database
    /// rollback can then fail.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint, total int, CONSTRAINT positive CHECK (total > 0));
    /// ALTER TABLE orders DROP CONSTRAINT positive;
    /// ```
    ///
    /// ## Do this instead
    /// Nothing for code rollback.
    static RULE = {
        id: "drop-constraint",
        class: crate::classify::Class::Safe,
        summary: "A dropped constraint: A's writes are still accepted.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::DropConstraint { table, name } = op else {
        return None;
    };
    Some(Finding::new(&RULE, format!("drops constraint `{}` of `{}`", name.written, table.written)).at(name))
}
