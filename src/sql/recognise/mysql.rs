//! MySQL and MariaDB statements sqlparser rejects.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace, Word};

use super::{
    Lowerer, Op, Respelling, last_significant, leading_words, next_significant, reparse_respelled,
    token_like, unquoted_word,
};

pub(super) fn after_rejection(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    table_options(tokens)
        .or_else(|| super::routine::procedure(tokens, lowerer))
        .or_else(|| reparse_respelled(tokens, lowerer, long_type))
        .or_else(|| reparse_respelled(tokens, lowerer, noise))
        .or_else(|| reparse_respelled(tokens, lowerer, rename_without_to))
}

/// `ALTER TABLE t ENGINE=InnoDB, CONVERT TO CHARACTER SET …` and other table
/// options: storage and collation, not names or types A's code uses.
fn table_options(tokens: &[TokenWithSpan]) -> Option<Vec<Op>> {
    let words = leading_words(tokens, 4);
    let is_option = |word: &str| {
        matches!(
            word,
            "ENGINE" | "CONVERT" | "DEFAULT" | "CHARSET" | "CHARACTER" | "COLLATE" | "ROW_FORMAT" | "COMMENT"
        )
    };
    match words.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["ALTER", "TABLE", _, option] if is_option(option) => {
            Some(vec![Op::Housekeeping { what: "change table options (engine, character set)".into() }])
        }
        _ => None,
    }
}

/// Words sqlparser rejects that do not change what A's code sees: the kind of an
/// index (`CREATE FULLTEXT | SPATIAL INDEX`) and MariaDB's `ADD COLUMN IF NOT
/// EXISTS` (the column is there afterwards either way).
fn noise(tokens: &[TokenWithSpan], head: &[&str], index: usize) -> Option<Respelling> {
    let word = |i: usize| unquoted_word(tokens, i);
    match head {
        ["CREATE", "FULLTEXT" | "SPATIAL", "INDEX"]
            if matches!(word(index).as_str(), "FULLTEXT" | "SPATIAL") =>
        {
            Respelling::dropped(index + 1)
        }
        ["ALTER", "TABLE", ..] if word(index) == "IF" => {
            let previous_is_column = last_significant(tokens, index).is_some_and(|p| word(p) == "COLUMN");
            let not = next_significant(tokens, index).filter(|&n| word(n) == "NOT")?;
            let exists = next_significant(tokens, not).filter(|&e| word(e) == "EXISTS")?;
            if previous_is_column { Respelling::dropped(exists + 1) } else { None }
        }
        _ => None,
    }
}

/// `LONG VARCHAR` and `LONG VARBINARY`, MySQL's old names for `MEDIUMTEXT` and
/// `MEDIUMBLOB`.
fn long_type(tokens: &[TokenWithSpan], _head: &[&str], index: usize) -> Option<Respelling> {
    if unquoted_word(tokens, index) != "LONG" {
        return None;
    }
    let follower = next_significant(tokens, index)?;
    let name = match unquoted_word(tokens, follower).as_str() {
        "VARCHAR" => "MEDIUMTEXT",
        "VARBINARY" => "MEDIUMBLOB",
        _ => return None,
    };
    Some(Respelling {
        tokens: vec![token_like(&tokens[index], Token::make_keyword(name))],
        resume: follower + 1,
    })
}

/// `ALTER TABLE t RENAME new_name` (the `TO` is optional in MySQL): a `TO` before
/// the name that follows the statement's first `RENAME`.
fn rename_without_to(tokens: &[TokenWithSpan], _head: &[&str], index: usize) -> Option<Respelling> {
    let Token::Word(Word { keyword, .. }) = &tokens[index].token else { return None };
    if matches!(keyword, Keyword::TO | Keyword::AS | Keyword::COLUMN | Keyword::INDEX | Keyword::KEY) {
        return None;
    }
    let is_rename = |t: &TokenWithSpan| matches!(&t.token, Token::Word(w) if w.keyword == Keyword::RENAME);
    let rename = last_significant(tokens, index).filter(|&r| is_rename(&tokens[r]))?;
    if tokens[..rename].iter().any(is_rename) {
        return None;
    }
    let to = [
        token_like(&tokens[index], Token::make_keyword("TO")),
        token_like(&tokens[index], Token::Whitespace(Whitespace::Space)),
        tokens[index].clone(),
    ];
    Some(Respelling { tokens: to.to_vec(), resume: index + 1 })
}
