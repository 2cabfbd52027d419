use super::{Finding, declare_rule};
use crate::sql::Name;

declare_rule! {
    /// ## What it does
    /// Finds new types, sequences, schemas, extensions, triggers, policies, roles
    /// and domains.
    ///
    /// ## Why it matters for rollback
    /// A's code does not use what did not exist. Two need a look: a new trigger runs
    /// on A's writes too, and a new row-level-security policy filters A's queries.
    ///
    /// ## Example
    /// ```sql
    /// CREATE SEQUENCE invoice_numbers START 1000;
    /// ```
    ///
    /// ## Do this instead
    /// Nothing for rollback; check new triggers and policies against A's writes.
    static RULE = {
        id: "create-object",
        class: super::Class::Safe,
        summary: "A new type, sequence, schema, extension, trigger or other object.",
        help: "Nothing to do.",
    }
}

pub(super) fn check(kind: &str, name: &Name) -> Finding {
    Finding::new(&RULE, format!("creates {kind} `{}`", name.written)).at(name)
}

pub(super) fn check_unnamed(kind: &str) -> Finding {
    Finding::new(&RULE, format!("creates a {kind}"))
}
