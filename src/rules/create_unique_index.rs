use crate::classify::{Context, Finding, declare_rule};
use crate::schema::Subject;
use crate::sql::{ConstraintKind, Op};

declare_rule! {
    /// ## What it does
    /// Finds unique indexes created on a table that A's code writes.
    ///
    /// ## Why it matters for rollback
    /// A unique index is a constraint: A's code may insert duplicates, which are now
    /// rejected.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint, email text);
    /// CREATE UNIQUE INDEX users_email_key ON users (email);
    /// ```
    ///
    /// ## Do this instead
    /// Release code that never writes duplicates first; add the unique index once no
    /// code that might can be rolled back to. A plain index is always safe.
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint, email text);
    /// CREATE INDEX users_email_idx ON users (email);
    /// ```
    static RULE = {
        id: "create-unique-index",
        class: crate::classify::Class::Coupled,
        summary: "A new unique index on an existing table: A's duplicate writes are rejected.",
        help: "Release code that never writes duplicates first; add the unique index later.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::CreateIndex { name, table, unique, columns } = op else {
        return None;
    };
    let name = name.as_ref();
    let unique = *unique;
    if !unique {
        return None;
    }
    let label = name.map(|n| format!(" `{}`", n.written)).unwrap_or_default();
    Some(
        Finding::new(
            &RULE,
            format!(
                "creates unique index{label} on `{}`: duplicate writes from A's code are rejected",
                table.written
            ),
        )
        .at(name.unwrap_or(table))
        .about(Subject::WriteRules(table.key.clone()))
        .unless_new(ctx.is_new_table(table), &format!("table `{}`", table.written))
        .unless_writes_pass(ctx, table, ConstraintKind::Unique, columns),
    )
}
