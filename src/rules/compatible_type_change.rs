use crate::classify::{Context, Finding, declare_rule};
use crate::schema::{TypeChange, convert};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds column type changes that keep every value: a longer `varchar`, `varchar`
    /// to `text`, `int` to `bigint`, a wider `numeric`, the same type restated, and
    /// the conversions a dialect's table knows to keep A's values (PostgreSQL
    /// `timestamp` to `timestamptz` and `json` to `jsonb`, SQL Server `datetime` to
    /// `datetime2`, MySQL `timestamp` to `datetime`), each with its reason.
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
        class: crate::classify::Class::Safe,
        summary: "A column type widened (or unchanged): A's values still fit.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::AlterColumnType { table, column, data_type: new } = op else {
        return None;
    };
    let old = ctx.schema.column(&table.key, &column.key)?.data_type.as_str();
    let conversion = convert(old, new, ctx.dialect);
    if conversion.change == TypeChange::NarrowedOrIncompatible {
        return None;
    }
    let message = if old == new {
        format!("keeps column `{}` of `{}` as {new}", column.written, table.written)
    } else if !conversion.across_kinds {
        format!("widens column `{}` of `{}` from {old} to {new}", column.written, table.written)
    } else {
        format!(
            "changes column `{}` of `{}` from {old} to {new}: {}",
            column.written, table.written, conversion.why
        )
    };
    Some(Finding::new(&RULE, message).at(column))
}
