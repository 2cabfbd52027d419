use crate::classify::{Finding, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports text that cannot be read as SQL at all: an unterminated string,
    /// quoted name, comment or dollar quote, or bytes that are not UTF-8. Everything
    /// from the statement where the trouble starts to the end of the file becomes
    /// this one change.
    ///
    /// ## Why it matters for rollback
    /// rollsafe cannot see the statements in that text, so the verdict is at best
    /// `review`. The database may read the file differently (or refuse it).
    ///
    /// ## Example
    /// ```sql
    /// CREATE FUNCTION f() RETURNS int AS $$ SELECT 1;
    /// ```
    ///
    /// ## Do this instead
    /// Close the quote, or save the file as UTF-8.
    /// ```sql
    /// CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;
    /// ```
    static RULE = {
        id: "unreadable-text",
        class: crate::classify::Class::Unknown,
        summary: "Text that cannot be read: an unterminated quote or invalid UTF-8.",
        help: "Close the quote, or save the file as UTF-8.",
    }
}

pub(crate) fn finding(message: &str) -> Finding {
    Finding::new(&RULE, message.to_owned())
}
