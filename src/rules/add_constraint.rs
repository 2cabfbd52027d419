use crate::classify::{Context, Finding, declare_rule};
use crate::schema::Subject;
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds unique, check, foreign-key and primary-key constraints added to a table
    /// that A's code writes, `NOT VALID` (PostgreSQL) and `WITH NOCHECK` (SQL
    /// Server) included.
    ///
    /// ## Why it matters for rollback
    /// A's code was never written to respect the new constraint: some of its writes
    /// (a duplicate, a value out of range, an orphan row) are now rejected.
    /// `NOT VALID` only skips checking existing rows; new writes are still checked.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint, email text);
    /// ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
    /// ```
    ///
    /// ## Do this instead
    /// Release code that already respects the rule (deduplicates, validates) first;
    /// add the constraint once no code that breaks it can be rolled back to.
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint, email text);
    /// CREATE INDEX users_email_idx ON users (email);
    /// ```
    static RULE = {
        id: "add-constraint",
        class: crate::classify::Class::Coupled,
        summary: "A new constraint on an existing table: some of A's writes may be rejected.",
        help: "Release code that respects the constraint first; add it once no code that breaks it can be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::AddConstraint { table, constraint } = op else {
        return None;
    };
    let name = constraint.name.as_ref().map(|n| format!(" `{}`", n.written)).unwrap_or_default();
    let unchecked = if constraint.not_valid { " (NOT VALID still checks new writes)" } else { "" };
    let mut finding = Finding::new(
        &RULE,
        format!(
            "adds {}{name} to `{}`: writes from A's code may be rejected{unchecked}",
            constraint.kind.describe(),
            table.written
        ),
    )
    .at(constraint.name.as_ref().unwrap_or(table))
    .about(Subject::WriteRules(table.key.clone()))
    .unless_new(ctx.is_new_table(table), &format!("table `{}`", table.written))
    .unless_writes_pass(ctx, table, constraint.kind, &constraint.columns);
    if finding.at.is_none() {
        finding = finding.at(table);
    }
    Some(finding)
}
