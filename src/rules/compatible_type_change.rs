use super::{Finding, declare_rule};
use crate::sql::Name;

declare_rule! {
    /// ## What it does
    /// Finds column type changes that keep every value: a longer `varchar`, `varchar`
    /// to `text`, `int` to `bigint`, a wider `numeric`, or the same type restated.
    ///
    /// ## Why it matters for rollback
    /// Everything A's code wrote still fits and reads back the same, so A's code
    /// keeps working. Note that some widenings rewrite the table (`int` to `bigint`
    /// in PostgreSQL) and lock it while they run.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint, email varchar(100));
    /// ALTER TABLE users ALTER COLUMN email TYPE varchar(320);
    /// ```
    ///
    /// ## Do this instead
    /// Nothing for rollback.
    static RULE = {
        id: "compatible-type-change",
        class: super::Class::Safe,
        summary: "A column type widened (or unchanged): A's values still fit.",
        help: "Nothing to do.",
    }
}

pub(super) fn check(table: &Name, column: &Name, old: &str, new: &str) -> Finding {
    let message = if old == new {
        format!("keeps column `{}` of `{}` as {new}", column.written, table.written)
    } else {
        format!("widens column `{}` of `{}` from {old} to {new}", column.written, table.written)
    };
    Finding::new(&RULE, message).at(column)
}
