use super::{Finding, declare_rule};
use crate::sql::Name;

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
        class: super::Class::Safe,
        summary: "INSERT: new rows, nothing lost.",
        help: "Nothing to do.",
    }
}

pub(super) fn check(table: &Name) -> Finding {
    Finding::new(&RULE, format!("inserts rows into `{}`", table.written)).at(table)
}
