use crate::classify::{Finding, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports statements the SQL parser rejects, with the parser's message. The
    /// rest of the file is still analysed.
    ///
    /// ## Why it matters for rollback
    /// An unparsed statement may change anything, so the verdict is at best
    /// `review`. Often the dialect is wrong: pass `--dialect`.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users FROBNICATE email;
    /// ```
    ///
    /// ## Do this instead
    /// Check `--dialect`; if the statement is valid for your database, review it by
    /// hand and report the parser gap.
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint, email text);
    /// ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
    /// ```
    static RULE = {
        id: "parse-error",
        class: crate::classify::Class::Unknown,
        summary: "A statement the parser rejects: it could change anything.",
        help: "Check --dialect; otherwise review the statement by hand.",
    }
}

pub(crate) fn finding(message: &str) -> Finding {
    Finding::new(&RULE, format!("the statement could not be parsed: {message}"))
}
