use crate::classify::{Finding, declare_rule};
use crate::discover::Unread;

declare_rule! {
    /// ## What it does
    /// Reports a migration rollsafe cannot read: a file in a migrations folder that
    /// is named like a migration but written in another language (goose's
    /// `0004_x.go`, a Python data migration) or in a format rollsafe does not know
    /// (`0004_x.psql`, a Liquibase XML changelog), or a file named like a migration
    /// that could not be opened at all (`0004_x.sql` as a symbolic link to nothing,
    /// a link loop, a FIFO).
    ///
    /// ## Why it matters for rollback
    /// The migration tool runs it like any other, so it can drop or rename what A's
    /// code uses, and rollsafe sees none of it. Skipping it would pass the window as
    /// safe; instead the verdict is at least `review`. Edits to it after it shipped
    /// are `edited-migration`s like a SQL file's.
    ///
    /// ## Example
    /// ```text
    /// release A: 0003_orders.sql
    /// release B: 0003_orders.sql, 0004_drop_totals.go
    /// ```
    ///
    /// ## Do this instead
    /// Write schema changes as SQL migrations, and keep code migrations to data
    /// changes rollsafe does not need to see; review the file by hand before a
    /// rollback. A link to nothing or a FIFO: put the migration's file in its place
    /// (the migration tool cannot run it either).
    static RULE = {
        id: "unread-migration",
        class: crate::classify::Class::Unknown,
        summary: "A migration in another language or format: rollsafe cannot read it.",
        help: "Review it by hand, or write its schema changes as a SQL migration.",
    }
}

/// The finding for a migration rollsafe cannot read, for the reason `unread`.
pub(crate) fn finding(unread: &Unread) -> Finding {
    Finding::new(&RULE, format!("is {}: what it changes is not judged", unread.reason()))
}
