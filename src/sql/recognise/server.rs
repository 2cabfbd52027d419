//! Statements about the server rather than the schema A's code reads: roles and
//! users, databases, replication, foreign servers, event triggers. They read alike
//! in every dialect, and sqlparser takes only some of their spellings.

use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::sql::op::Op;
use crate::sql::tokens::{is_trivia, top_level_words};

pub(super) fn recognise(tokens: &[TokenWithSpan], words: &[&str]) -> Option<Op> {
    let created = |kind: &str| Some(Op::CreateOther { kind: kind.to_owned() });
    match words {
        ["CREATE", "USER" | "ROLE" | "LOGIN", ..] => created("role"),
        ["CREATE", "DATABASE", ..] => created("database"),
        ["CREATE", "PUBLICATION", ..] => created("publication"),
        ["CREATE", "SUBSCRIPTION", ..] => created("subscription"),
        ["CREATE", "SERVER", ..] | ["CREATE", "FOREIGN", "DATA", "WRAPPER"] => created("foreign server"),
        ["CREATE", "EVENT", "TRIGGER", ..] => created("event trigger"),
        ["DROP", "EVENT", "TRIGGER", ..] => Some(Op::Housekeeping {
            what: "drop an event trigger (it fires on DDL, which A's code does not run)".into(),
        }),
        ["ALTER", "ROLE" | "USER", ..] => Some(alter_role(tokens)),
        ["DROP", "ROLE" | "USER", ..] => {
            Some(Op::Revoke { what: format!("drops role {}", object_name(tokens).unwrap_or_default().0) })
        }
        ["ALTER", "DATABASE", ..] => Some(alter_database(tokens)),
        _ => None,
    }
}

/// `ALTER ROLE r …`: settings and added attributes keep A's code working; taking
/// an attribute away, renaming the role or changing how it logs in may not.
fn alter_role(tokens: &[TokenWithSpan]) -> Op {
    let (role, rest) = object_name(tokens).unwrap_or_default();
    let attributes = top_level_words(rest);
    let narrowing = attributes.iter().find(|word| {
        (word.starts_with("NO") && word.len() > 2 && word.as_str() != "NONE")
            || matches!(
                word.as_str(),
                "RENAME" | "PASSWORD" | "VALID" | "CONNECTION" | "IDENTIFIED" | "ACCOUNT"
            )
    });
    match narrowing {
        Some(word) => Op::Revoke { what: format!("`{word}` on role {role}") },
        None if attributes.first().is_some_and(|w| w == "SET" || w == "RESET") => Op::SessionSetting,
        None => Op::Grant,
    }
}

/// `ALTER DATABASE d SET …` sets session defaults; a rename changes what A
/// connects to; an owner change is housekeeping.
fn alter_database(tokens: &[TokenWithSpan]) -> Op {
    let words = top_level_words(tokens);
    if words.iter().any(|w| w == "RENAME") {
        Op::Revoke { what: format!("renames database {}", object_name(tokens).unwrap_or_default().0) }
    } else if words.iter().any(|w| w == "OWNER") {
        Op::Housekeeping { what: "change the owner of a database".into() }
    } else {
        Op::SessionSetting
    }
}

/// The name after the statement's first two words and any `IF [NOT] EXISTS`
/// (`ALTER ROLE name`), as written, and the tokens after it.
fn object_name(tokens: &[TokenWithSpan]) -> Option<(String, &[TokenWithSpan])> {
    let (index, name) = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !is_trivia(&t.token))
        .skip(2)
        .find(|(_, t)| !matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && matches!(w.value.to_ascii_uppercase().as_str(), "IF" | "NOT" | "EXISTS")))?;
    Some((name.token.to_string(), &tokens[index + 1..]))
}

#[cfg(test)]
mod tests {
    use crate::sql::Dialect;
    use crate::sql::op::Op;
    use crate::sql::parse::parsed_ops as ops;

    #[test]
    fn server_statements_are_judged_by_what_they_give_or_take() {
        let found = ops(
            "CREATE USER app WITH LOGIN REPLICATION;\nCREATE DATABASE audit WITH OWNER = app;\n\
             ALTER ROLE app SET search_path TO public, extensions;\nALTER ROLE app INHERIT;\n\
             ALTER ROLE postgres NOSUPERUSER LOGIN;\nDROP ROLE IF EXISTS old_app;\n\
             CREATE EVENT TRIGGER watch ON ddl_command_end EXECUTE FUNCTION f();\n\
             DROP EVENT TRIGGER IF EXISTS watch;\nCREATE PUBLICATION p FOR ALL TABLES;",
            Dialect::Postgres,
        );
        assert!(matches!(&found[0], Op::CreateOther { kind } if kind == "role"), "{found:?}");
        assert!(matches!(&found[1], Op::CreateOther { kind } if kind == "database"), "{found:?}");
        assert!(matches!(found[2], Op::SessionSetting), "{found:?}");
        assert!(matches!(found[3], Op::Grant), "{found:?}");
        assert!(matches!(&found[4], Op::Revoke { what } if what.contains("NOSUPERUSER")), "{found:?}");
        assert!(matches!(&found[5], Op::Revoke { what } if what.contains("old_app")), "{found:?}");
        assert!(matches!(&found[6], Op::CreateOther { kind } if kind == "event trigger"), "{found:?}");
        assert!(matches!(found[7], Op::Housekeeping { .. }), "{found:?}");
        assert!(matches!(&found[8], Op::CreateOther { kind } if kind == "publication"), "{found:?}");
    }
}
