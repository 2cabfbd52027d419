use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds `INSERT` statements: seed and reference data, and copies of rows.
    ///
    /// ## Why it matters for rollback
    /// Adding rows keeps A's code working and loses nothing.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE roles (id int, name text);
    /// INSERT INTO roles (id, name) VALUES (3, 'auditor');
    /// ```
    ///
    /// ## Do this instead
    /// Nothing.
    static RULE = {
        id: "insert",
        class: crate::classify::Class::Safe,
        summary: "INSERT: new rows, nothing lost.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::Insert { table, .. } = op else {
        return None;
    };
    Some(Finding::new(&RULE, format!("inserts rows into `{}`", table.written)).at(table))
}
