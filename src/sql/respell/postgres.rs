//! PostgreSQL spellings sqlparser rejects.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace, Word};

use super::Respelling;
use crate::sql::tokens::{last_significant, next_significant, token_like, unquoted_word};

/// Words sqlparser rejects that change nothing A's code sees: `DROP INDEX
/// CONCURRENTLY` (locking), `… WITH NO DATA` (when a materialized view is filled),
/// `ALTER INDEX IF EXISTS` (an index rename either way), a function's planner
/// estimates (`COST n`, `ROWS n`).
pub(in crate::sql) fn noise(tokens: &[TokenWithSpan], head: &[&str], index: usize) -> Option<Respelling> {
    let word = |i: usize| unquoted_word(tokens, i);
    let next = |i: usize| next_significant(tokens, i);
    match head {
        ["DROP", "INDEX", "CONCURRENTLY"] if word(index) == "CONCURRENTLY" => Respelling::dropped(index + 1),
        ["ALTER", "INDEX", "IF"] if word(index) == "IF" => {
            Respelling::dropped(next(index).filter(|&exists| word(exists) == "EXISTS")? + 1)
        }
        ["CREATE", "FUNCTION", _] | ["CREATE", "OR", "REPLACE"]
            if matches!(word(index).as_str(), "COST" | "ROWS") =>
        {
            let estimate = next(index).filter(|&e| matches!(tokens[e].token, Token::Number(..)))?;
            Respelling::dropped(estimate + 1)
        }
        ["CREATE", "MATERIALIZED", "VIEW"] if word(index) == "WITH" => {
            let after = next(index)?;
            let data = if word(after) == "NO" { next(after)? } else { after };
            (word(data) == "DATA").then_some(())?;
            Respelling::dropped(data + 1)
        }
        _ => None,
    }
}

/// PostgreSQL spellings sqlparser does not take, read as ones it does: the
/// postfix `x ISNULL` (sqlparser takes `x NOTNULL`), and string constants
/// continued on the next line (`'a'` newline `'b'` is `'ab'`).
pub(in crate::sql) fn spelling(tokens: &[TokenWithSpan], _head: &[&str], index: usize) -> Option<Respelling> {
    let token = &tokens[index];
    let keyword = |word: &str| token_like(token, Token::make_keyword(word));
    let space = || token_like(token, Token::Whitespace(Whitespace::Space));
    let called = next_significant(tokens, index).is_some_and(|n| tokens[n].token == Token::LParen);
    match (unquoted_word(tokens, index).as_str(), &token.token) {
        ("ISNULL", _) if !called => {
            Some(Respelling { tokens: vec![keyword("IS"), space(), keyword("NULL")], resume: index + 1 })
        }
        (_, Token::SingleQuotedString(first)) => {
            let mut joined = first.clone();
            let mut last = index;
            while let Some(next) = next_significant(tokens, last) {
                let Token::SingleQuotedString(continued) = &tokens[next].token else { break };
                let on_a_new_line = tokens[last + 1..next]
                    .iter()
                    .any(|t| matches!(t.token, Token::Whitespace(Whitespace::Newline)));
                if !on_a_new_line {
                    break;
                }
                joined.push_str(continued);
                last = next;
            }
            (last > index).then(|| Respelling {
                tokens: vec![token_like(token, Token::SingleQuotedString(joined))],
                resume: last + 1,
            })
        }
        _ => None,
    }
}

/// `CREATE [OR REPLACE] PROCEDURE p(args) LANGUAGE … AS $$…$$` reads like a
/// function without `RETURNS`, which is how it is modelled.
pub(in crate::sql) fn procedure_as_function(
    tokens: &[TokenWithSpan],
    head: &[&str],
    index: usize,
) -> Option<Respelling> {
    let follows_create = last_significant(tokens, index).is_some_and(|p| {
        let previous = unquoted_word(tokens, p);
        previous == "CREATE" || (previous == "REPLACE" && head.starts_with(&["CREATE", "OR"]))
    });
    (head.first() == Some(&"CREATE") && unquoted_word(tokens, index) == "PROCEDURE" && follows_create).then(
        || Respelling {
            tokens: vec![token_like(&tokens[index], Token::make_keyword("FUNCTION"))],
            resume: index + 1,
        },
    )
}

/// Arguments typed `table.column%TYPE` (PL/pgSQL) become one quoted type name, so
/// signatures still tell functions apart.
pub(in crate::sql) fn column_type_reference(
    tokens: &[TokenWithSpan],
    _head: &[&str],
    index: usize,
) -> Option<Respelling> {
    let is_reference_part = |t: &TokenWithSpan| matches!(t.token, Token::Word(_) | Token::Period);
    // The reference is the run of words and dots that starts here and ends at `%`.
    let starts_here = matches!(tokens[index].token, Token::Word(_))
        && !index.checked_sub(1).is_some_and(|previous| is_reference_part(&tokens[previous]));
    if !starts_here {
        return None;
    }
    let percent = index + tokens[index..].iter().take_while(|t| is_reference_part(t)).count();
    if tokens.get(percent)?.token != Token::Mod {
        return None;
    }
    let kind = unquoted_word(tokens, percent + 1);
    if !matches!(kind.as_str(), "TYPE" | "ROWTYPE") {
        return None;
    }
    let reference: String = tokens[index..percent].iter().map(|t| t.token.to_string()).collect();
    let word =
        Word { value: format!("{reference}%{kind}"), quote_style: Some('"'), keyword: Keyword::NoKeyword };
    let span = tokens[index].span.union(&tokens[percent + 1].span);
    Some(Respelling { tokens: vec![TokenWithSpan { token: Token::Word(word), span }], resume: percent + 2 })
}

#[cfg(test)]
mod tests {
    use crate::sql::Dialect::Postgres;
    use crate::sql::respell::canary::still_rejected;

    #[test]
    fn canary_noise() {
        still_rejected(Postgres, "DROP INDEX CONCURRENTLY a_idx");
        still_rejected(Postgres, "ALTER INDEX IF EXISTS a RENAME TO b");
        still_rejected(Postgres, "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql COST 100");
        still_rejected(
            Postgres,
            "CREATE FUNCTION f() RETURNS SETOF int AS $$ SELECT 1 $$ LANGUAGE sql ROWS 10",
        );
        still_rejected(Postgres, "CREATE MATERIALIZED VIEW v AS SELECT 1 AS a WITH NO DATA");
        still_rejected(Postgres, "CREATE MATERIALIZED VIEW v AS SELECT 1 AS a WITH DATA");
    }

    #[test]
    fn canary_spelling() {
        still_rejected(Postgres, "SELECT 1 FROM t WHERE a ISNULL");
        still_rejected(Postgres, "SELECT 1 FROM t WHERE a IN ('x'\n'y')");
    }

    #[test]
    fn canary_procedure_as_function() {
        still_rejected(Postgres, "CREATE PROCEDURE p(a text) LANGUAGE sql AS $$ SELECT 1 $$");
        still_rejected(Postgres, "CREATE OR REPLACE PROCEDURE p(a text) LANGUAGE sql AS $$ SELECT 1 $$");
    }

    #[test]
    fn canary_column_type_reference() {
        still_rejected(
            Postgres,
            "CREATE FUNCTION g(a users.id%TYPE) RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql",
        );
        still_rejected(
            Postgres,
            "CREATE FUNCTION g(r users%ROWTYPE) RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql",
        );
    }
}
