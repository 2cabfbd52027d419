//! Small recognisers for statements that migrations use all the time but that
//! sqlparser does not accept, so they are classified instead of left `unknown`.

use sqlparser::ast::{AlterTable, AlterTableOperation, Statement};
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::dialect::Dialect;
use super::lower::Lowerer;
use super::op::Op;

/// DDL words worth naming when they appear inside dynamic SQL.
const DDL_MARKERS: [&str; 6] = ["ALTER", "DROP", "CREATE", "RENAME", "TRUNCATE", "DELETE"];

/// Statements recognised from their tokens alone, before the parser sees them.
pub(super) fn before_parsing(tokens: &[TokenWithSpan], dialect: Dialect) -> Option<Vec<Op>> {
    let first = tokens.iter().find(|t| !matches!(t.token, Token::Whitespace(_)))?;
    match &first.token {
        Token::Word(word) if dialect == Dialect::Postgres && word.keyword == Keyword::DO => {
            Some(vec![Op::DynamicSql { what: describe_do_block(tokens) }])
        }
        // SQLite's `PRAGMA foreign_keys = ON` (sqlparser only takes literal values).
        Token::Word(word) if dialect == Dialect::Sqlite && word.keyword == Keyword::PRAGMA => {
            Some(vec![Op::SessionSetting])
        }
        _ => None,
    }
}

/// A PostgreSQL `DO` block runs procedural code: say which DDL its body mentions.
fn describe_do_block(tokens: &[TokenWithSpan]) -> String {
    let body: String = tokens
        .iter()
        .filter_map(|t| match &t.token {
            Token::DollarQuotedString(s) => Some(s.value.to_uppercase()),
            Token::SingleQuotedString(s) => Some(s.to_uppercase()),
            _ => None,
        })
        .collect();
    let mentioned: Vec<&str> = DDL_MARKERS
        .iter()
        .copied()
        .filter(|marker| body.split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| w == *marker))
        .collect();
    if mentioned.is_empty() {
        "DO block".to_owned()
    } else {
        format!("DO block (its body mentions {})", mentioned.join(", "))
    }
}

/// Statements recognised after the parser rejected them.
pub(super) fn after_rejection(
    tokens: &[TokenWithSpan],
    dialect: Dialect,
    lowerer: &Lowerer,
) -> Option<Vec<Op>> {
    match dialect {
        Dialect::Mssql => tsql_alter_column(tokens, dialect, lowerer)
            .or_else(|| tsql_clustered_index(tokens, dialect, lowerer)),
        _ => None,
    }
}

/// T-SQL `CREATE [UNIQUE] [NON]CLUSTERED INDEX`: the clustering changes storage,
/// not what A's code sees, so the statement is parsed without it.
fn tsql_clustered_index(tokens: &[TokenWithSpan], dialect: Dialect, lowerer: &Lowerer) -> Option<Vec<Op>> {
    let is_clustering = |t: &TokenWithSpan| {
        matches!(&t.token, Token::Word(w) if w.quote_style.is_none()
            && (w.value.eq_ignore_ascii_case("clustered") || w.value.eq_ignore_ascii_case("nonclustered")))
    };
    let position = tokens.iter().position(is_clustering)?;
    let before: Vec<Keyword> = tokens[..position]
        .iter()
        .filter_map(|t| match &t.token {
            Token::Word(w) => Some(w.keyword),
            _ => None,
        })
        .collect();
    if !matches!(before.as_slice(), [Keyword::CREATE] | [Keyword::CREATE, Keyword::UNIQUE]) {
        return None;
    }
    let mut rest = tokens.to_vec();
    rest.remove(position);
    let statement =
        Parser::new(dialect.parser_dialect()).with_tokens_with_locations(rest).parse_statement().ok()?;
    Some(lowerer.lower(&statement, "CREATE INDEX"))
}

/// T-SQL `ALTER TABLE t ALTER COLUMN c <type> [NULL | NOT NULL]`: the column's
/// definition is replaced, like MySQL's `MODIFY`.
fn tsql_alter_column(tokens: &[TokenWithSpan], dialect: Dialect, lowerer: &Lowerer) -> Option<Vec<Op>> {
    let mut parser = Parser::new(dialect.parser_dialect()).with_tokens_with_locations(tokens.to_vec());
    parser.expect_keywords(&[Keyword::ALTER, Keyword::TABLE]).ok()?;
    let name = parser.parse_object_name(false).ok()?;
    parser.expect_keywords(&[Keyword::ALTER, Keyword::COLUMN]).ok()?;
    let column = parser.parse_identifier().ok()?;
    let data_type = parser.parse_data_type().ok()?;
    let mut options = Vec::new();
    if parser.parse_keywords(&[Keyword::NOT, Keyword::NULL]) {
        options.push(sqlparser::ast::ColumnOption::NotNull);
    } else if parser.parse_keyword(Keyword::NULL) {
        options.push(sqlparser::ast::ColumnOption::Null);
    }
    let _semicolon = parser.consume_token(&Token::SemiColon);
    if parser.peek_token().token != Token::EOF {
        return None;
    }
    let statement = Statement::AlterTable(AlterTable {
        name,
        if_exists: false,
        only: false,
        operations: vec![AlterTableOperation::ModifyColumn {
            col_name: column,
            data_type,
            options,
            column_position: None,
        }],
        location: None,
        on_cluster: None,
        table_type: None,
        end_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
    });
    Some(lowerer.lower(&statement, "ALTER TABLE"))
}
