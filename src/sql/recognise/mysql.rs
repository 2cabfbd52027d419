//! MySQL and MariaDB statements sqlparser rejects.

use sqlparser::tokenizer::TokenWithSpan;

use crate::sql::lower::Lowerer;
use crate::sql::op::Op;
use crate::sql::respell::mysql::{long_type, noise, rename_without_to};
use crate::sql::respell::reparse_respelled;
use crate::sql::tokens::leading_words;

pub(super) fn after_rejection(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    table_options(tokens)
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

#[cfg(test)]
mod tests {
    use crate::sql::Dialect;
    use crate::sql::op::Op;
    use crate::sql::parse::parsed_ops as ops;

    #[test]
    fn mysql_statements_the_parser_rejects() {
        let found = ops(
            "ALTER TABLE logs ENGINE=InnoDB, CONVERT TO CHARACTER SET utf8mb4;\nALTER TABLE totp RENAME _bkp_totp;",
            Dialect::Mysql,
        );
        assert!(matches!(found[0], Op::Housekeeping { .. }), "{found:?}");
        assert!(matches!(&found[1], Op::RenameTable { to, .. } if to.key == "_bkp_totp"), "{found:?}");
    }
}
