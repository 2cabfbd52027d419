//! The check every respelling's canary makes.

use sqlparser::parser::Parser;

use crate::sql::Dialect;

/// Fails when sqlparser parses `sql`, the spelling a respelling exists for: the
/// respelling is then dead and should be deleted, its canary with it.
pub(in crate::sql) fn still_rejected(dialect: Dialect, sql: &str) {
    let parsed = Parser::parse_sql(dialect.parser_dialect(), sql);
    assert!(
        parsed.is_err(),
        "sqlparser now parses {sql:?}: delete the respelling this canary guards ({parsed:?})"
    );
}
