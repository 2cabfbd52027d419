//! Small recognisers for statements that migrations use all the time but that
//! sqlparser does not accept (or accepts without a model), so they are classified
//! instead of left `unknown`. One module per dialect; `server` holds statements
//! about roles, databases and replication, which read alike everywhere. Where a
//! statement only needs respelling for sqlparser to read it, the recogniser asks
//! `respell` for it; code inside statements (routine bodies, guards, built text)
//! is `interpret`'s.

mod mysql;
mod postgres;
mod server;
mod sqlite;
mod tsql;

use sqlparser::tokenizer::TokenWithSpan;

use super::dialect::Dialect;
use super::lower::Lowerer;
use super::op::Op;
use super::tokens::leading_words;

/// Statements recognised from their tokens alone, before the parser sees them.
pub(super) fn before_parsing(tokens: &[TokenWithSpan], dialect: Dialect) -> Option<Vec<Op>> {
    let leading = leading_words(tokens, 4);
    let words: Vec<&str> = leading.iter().map(String::as_str).collect();
    if let Some(op) = server::recognise(tokens, &words) {
        return Some(vec![op]);
    }
    match dialect {
        Dialect::Postgres => postgres::before_parsing(tokens, &words),
        Dialect::Mssql => tsql::before_parsing(tokens, &words),
        // `PREPARE s FROM @q` only names text for a later `EXECUTE s`, judged then.
        Dialect::Mysql => (words.first() == Some(&"PREPARE")).then(|| vec![Op::SessionSetting]),
        Dialect::Sqlite => sqlite::before_parsing(&words),
    }
}

/// Statements recognised after the parser rejected them.
pub(super) fn after_rejection(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    match lowerer.dialect() {
        Dialect::Postgres => postgres::after_rejection(tokens, lowerer),
        Dialect::Mysql => mysql::after_rejection(tokens, lowerer),
        Dialect::Mssql => tsql::after_rejection(tokens, lowerer),
        Dialect::Sqlite => sqlite::after_rejection(tokens, lowerer),
    }
}
