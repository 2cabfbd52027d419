use crate::classify::{Context, Finding, declare_rule};
use crate::schema::Subject;
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds dropped sequences.
    ///
    /// ## Why it matters for rollback
    /// A's code (or a column default A's inserts rely on) draws numbers from the
    /// sequence; those inserts fail once it is gone, and its current value is lost.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE SEQUENCE invoice_numbers;
    /// DROP SEQUENCE invoice_numbers;
    /// ```
    ///
    /// ## Do this instead
    /// Keep the sequence until no code that uses it can be rolled back to.
    /// ```sql
    /// -- A's schema: CREATE SEQUENCE invoice_numbers;
    /// CREATE SEQUENCE invoice_numbers_v2;
    /// ```
    static RULE = {
        id: "drop-sequence",
        class: crate::classify::Class::Coupled,
        summary: "A dropped sequence: A's inserts that draw from it fail.",
        help: "Keep the sequence until no code that uses it can be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::DropSequence { name } = op else {
        return None;
    };
    Some(Finding::new(&RULE, format!("drops sequence `{}`", name.written)).on_object(
        name,
        Subject::Sequence(name.key.clone()),
        ctx.is_new_sequence(name),
        "sequence",
    ))
}
