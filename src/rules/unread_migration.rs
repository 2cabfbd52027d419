use crate::classify::{Finding, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a migration rollsafe cannot read: a file in a migrations folder that
    /// is named like a migration but written in another language (goose's
    /// `0004_x.go`, a Python data migration) or in a format rollsafe does not know
    /// (`0004_x.psql`, a Liquibase XML changelog).
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
    /// rollback.
    static RULE = {
        id: "unread-migration",
        class: crate::classify::Class::Unknown,
        summary: "A migration in another language or format: rollsafe cannot read it.",
        help: "Review it by hand, or write its schema changes as a SQL migration.",
    }
}

/// The finding for a migration whose file has the extension `extension`.
pub(crate) fn finding(extension: &str) -> Finding {
    Finding::new(
        &RULE,
        format!(
            "is a migration in `.{extension}`, which rollsafe cannot read: what it changes is not judged"
        ),
    )
}
