use crate::classify::{Context, Finding, Renamed, declare_rule};
use crate::schema::Subject;
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds renamed sequences (`ALTER SEQUENCE … RENAME TO`). Renaming one created
    /// in the window is safe.
    ///
    /// ## Why it matters for rollback
    /// Column defaults follow the rename, but A's code that draws from the sequence
    /// by name (`nextval('order_numbers')`, an ORM's sequence generator) does not:
    /// its inserts fail.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE SEQUENCE order_numbers;
    /// ALTER SEQUENCE order_numbers RENAME TO order_no_seq;
    /// ```
    ///
    /// ## Do this instead
    /// Keep the old name until no code that uses it can be rolled back to; a
    /// sequence new in the window can be renamed freely.
    /// ```sql
    /// CREATE SEQUENCE invoice_numbers;
    /// ALTER SEQUENCE invoice_numbers RENAME TO invoice_no_seq;
    /// ```
    static RULE = {
        id: "rename-sequence",
        class: crate::classify::Class::Coupled,
        summary: "A renamed sequence: A's code that draws from it by name fails.",
        help: "Keep the old name until no code that uses it can be rolled back to.",
        check: check,
    }
}

/// `ALTER TABLE … RENAME` renames views and sequences too: this rule takes it
/// when it names a sequence.
fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let (from, to) = match op {
        Op::RenameTable { from, to } if ctx.renamed_by_alter_table(from) == Renamed::Sequence => (from, to),
        Op::RenameSequence { from, to } => (from, to),
        _ => return None,
    };
    Some(
        Finding::new(
            &RULE,
            format!(
                "renames sequence `{}` to `{}`: A's code draws from `{}`",
                from.written, to.written, from.written
            ),
        )
        .on_object(from, Subject::Sequence(from.key.clone()), ctx.is_new_sequence(from), "sequence"),
    )
}
