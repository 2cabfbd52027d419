//! MySQL and MariaDB spellings sqlparser rejects.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace, Word};

use super::Respelling;
use crate::sql::tokens::{last_significant, next_significant, token_like, unquoted_word};

/// Words sqlparser rejects that do not change what A's code sees: the kind of an
/// index (`CREATE FULLTEXT | SPATIAL INDEX`) and MariaDB's `ADD COLUMN IF NOT
/// EXISTS` (the column is there afterwards either way).
pub(in crate::sql) fn noise(tokens: &[TokenWithSpan], head: &[&str], index: usize) -> Option<Respelling> {
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
pub(in crate::sql) fn long_type(
    tokens: &[TokenWithSpan],
    _head: &[&str],
    index: usize,
) -> Option<Respelling> {
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
pub(in crate::sql) fn rename_without_to(
    tokens: &[TokenWithSpan],
    _head: &[&str],
    index: usize,
) -> Option<Respelling> {
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

#[cfg(test)]
mod tests {
    use crate::sql::Dialect;
    use crate::sql::Dialect::Mysql;
    use crate::sql::op::Op;
    use crate::sql::parse::parsed_ops as ops;
    use crate::sql::respell::canary::still_rejected;

    #[test]
    fn canary_noise() {
        still_rejected(Mysql, "CREATE FULLTEXT INDEX ft ON t (a)");
        still_rejected(Mysql, "CREATE SPATIAL INDEX sp ON t (a)");
        still_rejected(Mysql, "ALTER TABLE t ADD COLUMN IF NOT EXISTS c INT NULL");
    }

    #[test]
    fn canary_long_type() {
        still_rejected(Mysql, "CREATE TABLE t (a LONG VARCHAR)");
        still_rejected(Mysql, "CREATE TABLE t (a LONG VARBINARY)");
    }

    #[test]
    fn canary_rename_without_to() {
        still_rejected(Mysql, "ALTER TABLE totp RENAME _bkp_totp");
    }

    #[test]
    fn mysql_spellings_sqlparser_rejects() {
        let found = ops(
            "CREATE TABLE t (a LONG VARCHAR, b LONG VARBINARY);\nCREATE FULLTEXT INDEX ft ON t (a);\n\
             ALTER TABLE t ADD COLUMN IF NOT EXISTS c INT NULL;\n\
             CREATE PROCEDURE p(IN t VARCHAR(64)) BEGIN SELECT 1; END;\n\
             CREATE DEFINER=`root`@`%` FUNCTION f(x INT) RETURNS INT DETERMINISTIC BEGIN RETURN x + 1; END;",
            Dialect::Mysql,
        );
        assert!(matches!(&found[0], Op::CreateTable { columns, .. } if columns.len() == 2), "{found:?}");
        assert!(matches!(found[1], Op::CreateIndex { .. }), "{found:?}");
        assert!(matches!(&found[2], Op::AddColumn { column, .. } if column.name.key == "c"), "{found:?}");
        assert!(matches!(&found[3], Op::CreateFunction { name, .. } if name.key == "p"), "{found:?}");
        assert!(
            matches!(&found[4], Op::CreateFunction { name, signature, .. } if name.key == "f" && signature == "int"),
            "{found:?}"
        );
    }
}
