use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds new functions and procedures, and bodies replaced with the same
    /// signature (`CREATE OR REPLACE FUNCTION`, `CREATE OR ALTER PROCEDURE`).
    ///
    /// ## Why it matters for rollback
    /// A's code calls functions by name and argument types; a new body with the same
    /// signature still answers those calls. Check that the body still returns what
    /// A's code expects.
    ///
    /// ## Example
    /// ```sql
    /// CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger AS $$
    /// BEGIN NEW.updated_at = now(); RETURN NEW; END;
    /// $$ LANGUAGE plpgsql;
    /// ```
    ///
    /// ## Do this instead
    /// Nothing for rollback.
    static RULE = {
        id: "create-function",
        class: crate::classify::Class::Safe,
        summary: "A new function, or a new body with the same signature.",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::CreateFunction { name, signature, parameters, body, procedure, .. } = op else {
        return None;
    };
    if !ctx.calls_broken_by(name, parameters).is_empty() {
        return None;
    }
    let replaces = ctx.schema.functions.get(&name.key).is_some_and(|f| f.signatures.contains_key(signature));
    let verb = if replaces { "replaces the body of" } else { "creates" };
    let kind = routine_kind(*procedure);
    let mut message = format!("{verb} {kind} `{}({signature})`", name.written);
    if let Some(unread) = body.as_ref().map(|body| &body.unread).filter(|unread| !unread.is_empty()) {
        message.push_str(&format!(
            "; rollsafe could not read {} of its body ({}): a migration that calls it is judged `unknown`",
            unread.len().to_string() + if unread.len() == 1 { " statement" } else { " statements" },
            unread.join("; ")
        ));
    }
    Some(Finding::new(&RULE, message).at(name))
}

/// What a message calls a routine: SQL Server's and PostgreSQL's procedures are
/// called with `EXEC` or `CALL`, not used in expressions like functions.
pub(crate) fn routine_kind(procedure: bool) -> &'static str {
    if procedure { "procedure" } else { "function" }
}
