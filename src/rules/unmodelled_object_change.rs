use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds drops and changes of objects rollsafe does not model: policies,
    /// domains.
    ///
    /// ## Why it matters for rollback
    /// A's code may rely on them (a policy that lets it see rows, a domain its
    /// columns use), and rollsafe cannot tell.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint);
    /// DROP POLICY orders_by_tenant ON orders;
    /// ```
    ///
    /// ## Do this instead
    /// Check by hand whether A's code relies on the object; keep it until no code
    /// that does can be rolled back to.
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint);
    /// CREATE INDEX orders_id_idx ON orders (id);
    /// ```
    static RULE = {
        id: "unmodelled-object-change",
        class: crate::classify::Class::Unknown,
        summary: "A dropped or changed policy, domain or other object rollsafe does not model.",
        help: "Check whether A's code relies on it.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::ChangeOther { kind } = op else {
        return None;
    };
    Some(Finding::new(
        &RULE,
        format!("statement would {kind}; rollsafe cannot tell whether A's code relies on it"),
    ))
}
