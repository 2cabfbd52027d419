use crate::classify::{Context, Finding, declare_rule};
use crate::schema::Subject;
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds dropped tables.
    ///
    /// ## Why it matters for rollback
    /// The table's rows are gone: only a backup restore brings them back, and A's
    /// code that uses the table fails. A SQLite-style rebuild (create a new table,
    /// copy the rows, drop the old one, rename the new one to the old name) that
    /// keeps every column is recognised and is safe.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE audit_log (id bigint, entry text);
    /// DROP TABLE audit_log;
    /// ```
    ///
    /// ## Do this instead
    /// Release code that no longer uses the table, keep the table for at least one
    /// release (or rename it to mark it retired), and drop it once no code that uses
    /// it can be rolled back to.
    /// ```sql
    /// -- A's schema: CREATE TABLE audit_log (id bigint, entry text);
    /// COMMENT ON TABLE audit_log IS 'retired in 1.5; drop in 1.7';
    /// ```
    static RULE = {
        id: "drop-table",
        class: crate::classify::Class::Destructive,
        summary: "A dropped table: its rows are lost and A's code that uses it breaks.",
        help: "Stop using the table in one release; drop it once no code that uses it can be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::DropTable { table } = op else {
        return None;
    };
    let mut finding = Finding::new(&RULE, format!("drops table `{}`: its rows are lost", table.written))
        .on_object(table, Subject::Table(table.key.clone()), ctx.is_new_table(table), "table");
    finding.set_dropped_table(ctx.schema.table(&table.key).map(|t| t.id));
    Some(finding)
}
