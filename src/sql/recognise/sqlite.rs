//! SQLite statements sqlparser rejects.

use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::sql::ColumnSpec;
use crate::sql::lower::Lowerer;
use crate::sql::op::Op;
use crate::sql::tokens::is_trivia;

pub(super) fn before_parsing(words: &[&str]) -> Option<Vec<Op>> {
    // `PRAGMA foreign_keys = ON`: sqlparser only takes literal values.
    (words.first() == Some(&"PRAGMA")).then(|| vec![Op::SessionSetting])
}

pub(super) fn after_rejection(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    virtual_table(tokens, lowerer)
}

/// `CREATE VIRTUAL TABLE t USING fts5(a, b, content='x', tokenize="…")`: a table
/// whose columns are the arguments that are bare names (the others configure the
/// module).
fn virtual_table(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    let significant: Vec<&Token> = tokens.iter().map(|t| &t.token).filter(|t| !is_trivia(t)).collect();
    fn word(token: &Token) -> Option<&sqlparser::tokenizer::Word> {
        match token {
            Token::Word(w) => Some(w),
            _ => None,
        }
    }
    let is = |token: &Token, keyword: &str| {
        word(token).is_some_and(|w| w.quote_style.is_none() && w.value.eq_ignore_ascii_case(keyword))
    };
    if !(is(significant.first()?, "CREATE")
        && is(significant.get(1)?, "VIRTUAL")
        && is(significant.get(2)?, "TABLE"))
    {
        return None;
    }
    let using = significant.iter().position(|t| is(t, "USING"))?;
    // The name is the words and dots between `TABLE [IF NOT EXISTS]` and `USING`.
    let name_start = if is(significant.get(3)?, "IF") { 6 } else { 3 };
    let parts: Vec<&str> = significant
        .get(name_start..using)?
        .iter()
        .filter_map(|t| word(t))
        .map(|w| w.value.as_str())
        .collect();
    // `USING module(arguments)`: arguments that start with a name and set nothing are columns.
    let open = using + 2;
    if significant.get(open) != Some(&&Token::LParen) {
        return None;
    }
    let close = significant.iter().rposition(|t| **t == Token::RParen)?;
    let mut columns = Vec::new();
    for argument in significant.get(open + 1..close)?.split(|t| **t == Token::Comma) {
        let sets_an_option = argument.iter().any(|t| **t == Token::Eq);
        if let (Some(Token::Word(name)), false) = (argument.first().copied(), sets_an_option) {
            columns.push(ColumnSpec::untyped(lowerer.plain_name(&[name.value.as_str()], None)));
        }
    }
    let table = lowerer.plain_name(&parts, None);
    Some(vec![Op::CreateTable {
        table,
        columns,
        constraints: Vec::new(),
        if_not_exists: false,
        copied_from: None,
    }])
}

#[cfg(test)]
mod tests {
    use crate::sql::Dialect;
    use crate::sql::op::Op;
    use crate::sql::parse::parsed_ops as ops;

    #[test]
    fn sqlite_virtual_tables_are_tables_of_their_named_columns() {
        let found = ops(
            "CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5 (title, body UNINDEXED, content='docs', tokenize=\"unicode61\");",
            Dialect::Sqlite,
        );
        let [Op::CreateTable { table, columns, .. }] = &found[..] else { panic!("{found:?}") };
        assert_eq!(table.key, "docs_fts");
        let names: Vec<&str> = columns.iter().map(|c| c.name.key.as_str()).collect();
        assert_eq!(names, ["title", "body"]);
    }
}
