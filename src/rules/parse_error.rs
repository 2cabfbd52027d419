use sqlparser::tokenizer::Location;

use crate::classify::{Finding, declare_rule};
use crate::sql::Position;

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

/// The finding points at the token the parser rejected, which its message names
/// (`… found: OUTPUT at Line: 3, Column: 17`), not at the start of the statement.
pub(crate) fn finding(message: &str) -> Finding {
    let mut finding = Finding::new(&RULE, format!("the statement could not be parsed: {message}"));
    finding.at = rejected_at(message);
    // Underlined as long as the token it found, when that fits on its line.
    let found = message.rsplit_once(" at Line: ").and_then(|(before, _)| before.rsplit_once("found: "));
    finding.end = finding.at.zip(found).and_then(|(at, (_, token))| {
        (!token.contains('\n')).then(|| Position {
            line: at.line,
            column: at.column.saturating_add(token.chars().count().try_into().unwrap_or(u32::MAX)),
        })
    });
    finding
}

/// Where sqlparser's message says the rejected token is.
fn rejected_at(message: &str) -> Option<Position> {
    let (_, location) = message.rsplit_once(" at Line: ")?;
    let (line, column) = location.split_once(", Column: ")?;
    let column: String = column.chars().take_while(char::is_ascii_digit).collect();
    Position::from_location(Location::new(line.parse().ok()?, column.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_the_token_the_parser_rejected() {
        let found = finding("sql parser error: Expected: ',' or ')', found: OUTPUT at Line: 3, Column: 17");
        assert_eq!(found.at, Some(Position { line: 3, column: 17 }));
        assert_eq!(found.end, Some(Position { line: 3, column: 23 }));
        assert_eq!(finding("sql parser error: Expected: ), found: EOF").at, None);
    }
}
