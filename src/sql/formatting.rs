//! Whether two texts of a migration differ only in how they are written:
//! whitespace, comments, the case of keywords and unquoted names. A history
//! reformatted by a formatter runs the same statements, so it is not an edit.

use sqlparser::tokenizer::{Token, Tokenizer};

use super::{Dialect, mask_placeholders};

/// True when `old` and `new` hold the same tokens once trivia is set aside and
/// unquoted words are compared without case. Text that does not tokenize is
/// never called the same: an edit rollsafe cannot compare stays an edit.
pub fn differs_only_in_formatting(old: &str, new: &str, dialect: Dialect) -> bool {
    match (significant_tokens(old, dialect), significant_tokens(new, dialect)) {
        (Some(old), Some(new)) => old == new,
        _ => false,
    }
}

/// The tokens that mean something, unquoted words upper-cased (SQL folds them).
fn significant_tokens(text: &str, dialect: Dialect) -> Option<Vec<Token>> {
    let masked = mask_placeholders(text);
    let tokens = Tokenizer::new(dialect.parser_dialect(), &masked).tokenize().ok()?;
    Some(
        tokens
            .into_iter()
            .filter(|token| !matches!(token, Token::Whitespace(_)))
            .map(|token| match token {
                Token::Word(mut word) if word.quote_style.is_none() => {
                    word.value = word.value.to_uppercase();
                    Token::Word(word)
                }
                other => other,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_comments_and_keyword_case_are_formatting() {
        let old = "create table users (id int, -- the key\n  name text);";
        let new = "CREATE TABLE users (\n    id   INT,\n    /* renamed later */ name TEXT\n);\n";
        assert!(differs_only_in_formatting(old, new, Dialect::Postgres));
        assert!(differs_only_in_formatting(
            "ALTER TABLE Users ADD c int;",
            "alter table users add C INT;",
            Dialect::Postgres
        ));
    }

    #[test]
    fn names_values_quoted_names_and_statements_are_not() {
        let cases = [
            ("ALTER TABLE t ADD c int;", "ALTER TABLE t ADD c bigint;"),
            ("INSERT INTO t VALUES ('a');", "INSERT INTO t VALUES ('A');"),
            ("SELECT \"Name\" FROM t;", "SELECT \"name\" FROM t;"),
            ("CREATE TABLE t (c int);", "CREATE TABLE t (c int); DROP TABLE u;"),
        ];
        for (old, new) in cases {
            assert!(!differs_only_in_formatting(old, new, Dialect::Postgres), "{new}");
        }
    }

    #[test]
    fn text_that_does_not_tokenize_is_never_the_same() {
        assert!(!differs_only_in_formatting("SELECT 'open", "SELECT 'open", Dialect::Postgres));
    }
}
