//! MySQL and MariaDB statements sqlparser rejects.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace, Word};

use super::{
    Lowerer, Op, is_trivia, leading_words, next_significant, parse_rewritten, reparse_without, token_like,
    unquoted_word,
};

pub(super) fn after_rejection(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    table_options(tokens)
        .or_else(|| super::routine::procedure(tokens, lowerer))
        .or_else(|| reparse_long_types(tokens, lowerer))
        .or_else(|| reparse_without(tokens, lowerer, noise))
        .or_else(|| rename_without_to(tokens, lowerer))
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
fn noise(tokens: &[TokenWithSpan], head: &[&str], index: usize) -> usize {
    let word = |i: usize| unquoted_word(tokens, i);
    match head {
        ["CREATE", "FULLTEXT" | "SPATIAL", "INDEX"]
            if matches!(word(index).as_str(), "FULLTEXT" | "SPATIAL") =>
        {
            1
        }
        ["ALTER", "TABLE", ..] if word(index) == "IF" => {
            let previous_is_column =
                super::last_significant(tokens, index).is_some_and(|p| word(p) == "COLUMN");
            let not = next_significant(tokens, index).filter(|&n| word(n) == "NOT");
            let exists = not.and_then(|n| next_significant(tokens, n)).filter(|&e| word(e) == "EXISTS");
            match exists {
                Some(exists) if previous_is_column => exists + 1 - index,
                _ => 0,
            }
        }
        _ => 0,
    }
}

/// `LONG VARCHAR` and `LONG VARBINARY`, MySQL's old names for `MEDIUMTEXT` and
/// `MEDIUMBLOB`.
fn reparse_long_types(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    let mut rewritten = Vec::with_capacity(tokens.len());
    let mut index = 0;
    let mut changed = false;
    while index < tokens.len() {
        let follower = next_significant(tokens, index);
        let replacement =
            match (unquoted_word(tokens, index).as_str(), follower.map(|f| unquoted_word(tokens, f))) {
                ("LONG", Some(next)) if next == "VARCHAR" => Some("MEDIUMTEXT"),
                ("LONG", Some(next)) if next == "VARBINARY" => Some("MEDIUMBLOB"),
                _ => None,
            };
        match (replacement, follower) {
            (Some(name), Some(follower)) => {
                rewritten.push(token_like(&tokens[index], Token::make_keyword(name)));
                changed = true;
                index = follower + 1;
            }
            _ => {
                rewritten.push(tokens[index].clone());
                index += 1;
            }
        }
    }
    if !changed {
        return None;
    }
    parse_rewritten(tokens, rewritten, lowerer)
}

/// `ALTER TABLE t RENAME new_name` (the `TO` is optional in MySQL).
fn rename_without_to(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    let significant: Vec<usize> = (0..tokens.len()).filter(|&i| !is_trivia(&tokens[i].token)).collect();
    let rename = significant
        .iter()
        .position(|&i| matches!(&tokens[i].token, Token::Word(w) if w.keyword == Keyword::RENAME))?;
    let next = *significant.get(rename + 1)?;
    let Token::Word(Word { keyword, .. }) = &tokens[next].token else { return None };
    if matches!(keyword, Keyword::TO | Keyword::AS | Keyword::COLUMN | Keyword::INDEX | Keyword::KEY) {
        return None;
    }
    let mut rewritten = tokens.to_vec();
    rewritten.insert(next, token_like(&tokens[next], Token::make_keyword("TO")));
    rewritten.insert(next + 1, token_like(&tokens[next], Token::Whitespace(Whitespace::Space)));
    parse_rewritten(tokens, rewritten, lowerer)
}
