use crate::classify::{Finding, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports migrations added by release B whose version sorts before the newest
    /// migration release A already shipped (common after merging a long-lived
    /// branch).
    ///
    /// ## Why it matters for rollback
    /// Databases that already ran A's migrations run this one late, after newer
    /// ones; fresh databases run it in version order. The two can end with different
    /// schemas, and Flyway refuses such a migration unless `outOfOrder` is on. The
    /// verdict is at least `review`, unless the migration names no object (table,
    /// view, type, function, sequence) that the migrations it comes before name:
    /// then either order gives the same schema, and the finding is safe.
    ///
    /// ## Example
    /// ```text
    /// release A: 0007_orders.sql, 0009_invoices.sql
    /// release B: 0007_orders.sql, 0008_coupons.sql, 0009_invoices.sql
    /// (0008 adds a column to `invoices`, which 0009 creates)
    /// ```
    ///
    /// ## Do this instead
    /// Give the migration a version after everything already shipped.
    static RULE = {
        id: "out-of-order-migration",
        class: crate::classify::Class::Unknown,
        summary: "A new migration whose version sorts before one already shipped: it runs late on existing databases.",
        help: "Renumber the migration after the newest one already shipped.",
    }
}

pub(crate) fn finding(version: &str, newest: &str) -> Finding {
    Finding::new(
        &RULE,
        format!(
            "version {version} sorts before {newest}, already shipped in the older release: existing databases run it out of order"
        ),
    )
}
