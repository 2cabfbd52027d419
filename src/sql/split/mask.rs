//! Text rewritten before tokenizing, every byte kept in place, so the tokenizer
//! reads what migration tools run: Flyway and Liquibase placeholders, and MySQL
//! client syntax (`DELIMITER`, Liquibase's `--changeset`).

use std::borrow::Cow;

/// Flyway and Liquibase `${name}` placeholders become identifiers of the same
/// length (`_name__`), so the SQL around them parses and every position stays put.
pub fn mask_placeholders(text: &str) -> Cow<'_, str> {
    static PLACEHOLDER: std::sync::LazyLock<Option<regex::Regex>> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\$\{([A-Za-z0-9_.:-]+)\}").ok());
    match PLACEHOLDER.as_ref() {
        Some(placeholder) if text.contains("${") => {
            placeholder.replace_all(text, |captures: &regex::Captures<'_>| {
                let name: String =
                    captures[1].chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
                format!("_{name}__")
            })
        }
        _ => Cow::Borrowed(text),
    }
}

/// What MySQL's migration tools read differently from its server, masked so the
/// tokenizer sees what they run, every position kept:
/// - after the client's `DELIMITER $$`, statements end at `$$`: each such delimiter
///   becomes spaces and a `;` (last, so the statement ends where the delimiter did);
///   routine bodies keep their own `;`;
/// - a line starting `--word` (Liquibase's `--changeset`) is a comment to the tools,
///   though the server wants a space after `--`: it starts `#-` instead.
pub(super) fn mask_mysql_client_syntax(text: &str) -> Cow<'_, str> {
    // The word itself, not a prefix: a column named `delimiter_kind` is no command.
    let is_delimiter_line =
        |line: &str| line.split_whitespace().next().is_some_and(|w| w.eq_ignore_ascii_case("DELIMITER"));
    let is_tight_dash_comment = |line: &str| {
        let rest = line.trim_start().strip_prefix("--");
        rest.and_then(|rest| rest.chars().next()).is_some_and(|c| !c.is_whitespace())
    };
    if !text.lines().any(|line| is_delimiter_line(line) || is_tight_dash_comment(line)) {
        return Cow::Borrowed(text);
    }
    let mut masked = String::with_capacity(text.len());
    let mut delimiter = ";".to_owned();
    let mut replacement = String::new();
    for line in text.split_inclusive('\n') {
        if is_delimiter_line(line) {
            if let Some(new) = line.split_whitespace().nth(1) {
                delimiter = new.to_owned();
                replacement = format!("{};", " ".repeat(delimiter.len() - 1));
            }
            masked.push_str(line);
        } else if is_tight_dash_comment(line) {
            let indent = line.len() - line.trim_start().len();
            masked.push_str(&line[..indent]);
            masked.push_str("#-");
            masked.push_str(&line[indent + 2..]);
        } else if delimiter == ";" {
            masked.push_str(line);
        } else {
            masked.push_str(&line.replace(&delimiter, &replacement));
        }
    }
    Cow::Owned(masked)
}

#[cfg(test)]
mod tests {
    use crate::sql::split::tests::{assert_covers, split_texts};
    use crate::sql::{Dialect, Position, SegmentKind, split};

    #[test]
    fn mysql_delimiter_lines_change_what_ends_a_statement() {
        let sql = "DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END$$\nCALL p()$$\nDELIMITER ;\nSELECT 3;\n\
                   CREATE TABLE t (id INT,\ndelimiter_kind INT,\nother INT, more INT);\n";
        let (split, texts) = split_texts(sql, Dialect::Mysql);
        assert_eq!(
            texts,
            [
                "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END$$",
                "CALL p()$$",
                "SELECT 3;",
                "CREATE TABLE t (id INT,\ndelimiter_kind INT,\nother INT, more INT);"
            ]
        );
        let commands: Vec<&str> = split
            .segments
            .iter()
            .filter(|s| s.kind == SegmentKind::ClientCommand)
            .map(|s| &sql[s.range.clone()])
            .collect();
        assert_eq!(commands, ["DELIMITER $$", "DELIMITER ;"]);
    }

    #[test]
    fn mysql_liquibase_directives_without_a_space_are_comments() {
        let sql = "--liquibase formatted sql\n--changeset core:1\nALTER TABLE t ADD c INT;\n--rollback ALTER TABLE t DROP c;\n";
        let (split, texts) = split_texts(sql, Dialect::Mysql);
        assert_eq!(texts, ["ALTER TABLE t ADD c INT;"]);
        let comments = split.segments.iter().filter(|s| s.kind == SegmentKind::Comment).count();
        assert_eq!(comments, 3);
    }

    #[test]
    fn placeholders_parse_and_keep_positions() {
        let sql = "ALTER TABLE ${ohdsiSchema}.cohort ADD COLUMN x int;\nDROP TABLE ${schema}.t;";
        let split = split(sql.as_bytes(), Dialect::Postgres);
        assert_covers(&split, sql.len());
        assert_eq!(split.statements[1].start, Position { line: 2, column: 1 });
        let parsed = crate::sql::parse(&split, Dialect::Postgres);
        assert!(parsed.iter().all(|p| matches!(p.outcome, crate::sql::Outcome::Parsed(_))), "{parsed:?}");
    }
}
