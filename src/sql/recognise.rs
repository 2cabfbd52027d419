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

/// The first `n` words of a statement, upper case.
fn leading_words(tokens: &[TokenWithSpan], n: usize) -> Vec<String> {
    tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .take(n)
        .map(|t| match &t.token {
            Token::Word(word) => word.value.to_ascii_uppercase(),
            other => other.to_string(),
        })
        .collect()
}

/// The token at `index` if it is an unquoted word, upper case; else empty.
fn unquoted_word(tokens: &[TokenWithSpan], index: usize) -> String {
    match tokens.get(index).map(|t| &t.token) {
        Some(Token::Word(w)) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
        _ => String::new(),
    }
}

/// Statements recognised from their tokens alone, before the parser sees them.
pub(super) fn before_parsing(
    tokens: &[TokenWithSpan],
    dialect: Dialect,
    lowerer: &Lowerer,
) -> Option<Vec<Op>> {
    let first = tokens.iter().find(|t| !matches!(t.token, Token::Whitespace(_)))?;
    let words = leading_words(tokens, 3);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    if dialect == Dialect::Mssql {
        match words.first().copied() {
            Some("IF") => return tsql_guarded_blocks(tokens, dialect, lowerer),
            // Declaring a variable changes no schema; what uses it is judged on its own.
            Some("DECLARE") => return Some(vec![Op::SessionSetting]),
            _ => {}
        }
    }
    if dialect == Dialect::Postgres {
        match words.as_slice() {
            ["ALTER", "SEQUENCE", ..] => {
                return Some(vec![Op::Housekeeping { what: "alter a sequence".into() }]);
            }
            ["REINDEX", ..] => return Some(vec![Op::Housekeeping { what: "rebuild indexes".into() }]),
            ["ALTER", "DEFAULT", "PRIVILEGES"] => return Some(vec![Op::Grant]),
            _ => {}
        }
    }
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
        Dialect::Postgres => reparse_without(tokens, dialect, lowerer, postgres_noise),
        Dialect::Mysql => {
            mysql_table_options(tokens).or_else(|| mysql_rename_without_to(tokens, dialect, lowerer))
        }
        Dialect::Mssql => tsql_alter_column(tokens, dialect, lowerer)
            .or_else(|| reparse_without(tokens, dialect, lowerer, tsql_noise))
            .or_else(|| tsql_add_columns(tokens, dialect, lowerer)),
        _ => None,
    }
}

/// Words sqlparser rejects in PostgreSQL statements that change nothing A's code
/// sees: `DROP INDEX CONCURRENTLY` (locking), `… WITH NO DATA` (when a materialized
/// view is filled).
fn postgres_noise(tokens: &[TokenWithSpan], head: &[&str], index: usize) -> usize {
    let word = |i: usize| unquoted_word(tokens, i);
    match head {
        ["DROP", "INDEX", "CONCURRENTLY"] if word(index) == "CONCURRENTLY" => 1,
        ["CREATE", "MATERIALIZED", "VIEW"] if word(index) == "WITH" => {
            let next: Vec<usize> = (index + 1..tokens.len())
                .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
                .take(2)
                .collect();
            match next.as_slice() {
                [no, data] if word(*no) == "NO" && word(*data) == "DATA" => data + 1 - index,
                [data, ..] if word(*data) == "DATA" => data + 1 - index,
                _ => 0,
            }
        }
        _ => 0,
    }
}

/// Parses the statement again without the tokens `noise` marks (it returns how
/// many tokens to drop at an index), for clauses that change nothing A's code sees.
fn reparse_without(
    tokens: &[TokenWithSpan],
    dialect: Dialect,
    lowerer: &Lowerer,
    noise: fn(&[TokenWithSpan], &[&str], usize) -> usize,
) -> Option<Vec<Op>> {
    let leading = leading_words(tokens, 3);
    let words: Vec<&str> = leading.iter().map(String::as_str).collect();
    let mut kept = Vec::with_capacity(tokens.len());
    let mut index = 0;
    let mut dropped = false;
    while index < tokens.len() {
        let skip = noise(tokens, &words, index);
        if skip > 0 {
            dropped = true;
            index += skip;
        } else {
            kept.push(tokens[index].clone());
            index += 1;
        }
    }
    if !dropped {
        return None;
    }
    parse_rewritten(tokens, kept, dialect, lowerer)
}

/// Words sqlparser rejects in T-SQL statements that change nothing A's code sees:
/// `[NON]CLUSTERED` in `CREATE [UNIQUE] … INDEX` (storage), `WITH [NO]CHECK` in
/// `ALTER TABLE t WITH NOCHECK ADD CONSTRAINT` (whether existing rows are checked).
fn tsql_noise(tokens: &[TokenWithSpan], head: &[&str], index: usize) -> usize {
    let word = |i: usize| unquoted_word(tokens, i);
    let next = (index + 1..tokens.len()).find(|&i| !matches!(tokens[i].token, Token::Whitespace(_)));
    match head {
        ["CREATE", ..] if matches!(word(index).as_str(), "CLUSTERED" | "NONCLUSTERED") => 1,
        ["ALTER", "TABLE", ..] if word(index) == "WITH" => match next {
            Some(next) if matches!(word(next).as_str(), "CHECK" | "NOCHECK") => next + 1 - index,
            _ => 0,
        },
        _ => 0,
    }
}

/// T-SQL `IF <condition> BEGIN … END [ELSE BEGIN … END]`, the usual guard around
/// DDL: the statements inside the blocks are what the migration does.
fn tsql_guarded_blocks(tokens: &[TokenWithSpan], dialect: Dialect, lowerer: &Lowerer) -> Option<Vec<Op>> {
    let is_word = |t: &TokenWithSpan, word: &str| matches!(&t.token, Token::Word(w) if w.value.eq_ignore_ascii_case(word) && w.quote_style.is_none());
    let mut ops = Vec::new();
    let mut depth = 0usize;
    let mut block_start = None;
    let mut blocks = 0;
    for (index, token) in tokens.iter().enumerate() {
        if is_word(token, "BEGIN") {
            let next = tokens[index + 1..].iter().find(|t| !matches!(t.token, Token::Whitespace(_)));
            let transaction = next.is_some_and(|t| is_word(t, "TRAN") || is_word(t, "TRANSACTION"));
            if !transaction {
                if depth == 0 {
                    block_start = Some(index + 1);
                }
                depth += 1;
            }
        } else if is_word(token, "END") && depth > 0 {
            depth -= 1;
            if depth == 0 {
                let inner = &tokens[block_start.take()?..index];
                let statements = super::parse::parse_tokens(inner, dialect, lowerer).ok()?;
                ops.extend(statements.into_iter().flat_map(|(_, ops)| ops));
                blocks += 1;
            }
        }
    }
    (blocks > 0 && depth == 0).then_some(ops)
}

/// MySQL `ALTER TABLE t ENGINE=InnoDB, CONVERT TO CHARACTER SET …` and other table
/// options: storage and collation, not names or types A's code uses.
fn mysql_table_options(tokens: &[TokenWithSpan]) -> Option<Vec<Op>> {
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

/// MySQL `ALTER TABLE t RENAME new_name` (the `TO` is optional in MySQL).
fn mysql_rename_without_to(tokens: &[TokenWithSpan], dialect: Dialect, lowerer: &Lowerer) -> Option<Vec<Op>> {
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_) | Token::EOF))
        .collect();
    let rename = significant
        .iter()
        .position(|&i| matches!(&tokens[i].token, Token::Word(w) if w.keyword == Keyword::RENAME))?;
    let next = *significant.get(rename + 1)?;
    let Token::Word(word) = &tokens[next].token else { return None };
    if matches!(word.keyword, Keyword::TO | Keyword::AS | Keyword::COLUMN | Keyword::INDEX | Keyword::KEY) {
        return None;
    }
    let mut rewritten = tokens.to_vec();
    let mut to = tokens[next].clone();
    to.token = Token::make_keyword("TO");
    rewritten.insert(next, to);
    rewritten.insert(
        next + 1,
        TokenWithSpan {
            token: Token::Whitespace(sqlparser::tokenizer::Whitespace::Space),
            span: tokens[next].span,
        },
    );
    parse_rewritten(tokens, rewritten, dialect, lowerer)
}

/// Parses `rewritten`, a recognised rewrite of `original`, and lowers it under
/// the original statement's head.
fn parse_rewritten(
    original: &[TokenWithSpan],
    rewritten: Vec<TokenWithSpan>,
    dialect: Dialect,
    lowerer: &Lowerer,
) -> Option<Vec<Op>> {
    let statement =
        Parser::new(dialect.parser_dialect()).with_tokens_with_locations(rewritten).parse_statement().ok()?;
    Some(lowerer.lower(&statement, &super::parse::head(original)))
}

/// T-SQL `ALTER TABLE t ADD a int, b int` adds several columns after one `ADD`:
/// parsed as `ADD a int, ADD b int`.
fn tsql_add_columns(tokens: &[TokenWithSpan], dialect: Dialect, lowerer: &Lowerer) -> Option<Vec<Op>> {
    let words = leading_words(tokens, 4);
    if !(words.first().is_some_and(|w| w == "ALTER") && words.get(1).is_some_and(|w| w == "TABLE")) {
        return None;
    }
    let add = tokens.iter().position(|t| matches!(&t.token, Token::Word(w) if w.keyword == Keyword::ADD))?;
    let add_token = tokens[add].clone();
    let mut rewritten = Vec::with_capacity(tokens.len() + 8);
    let mut depth = 0i32;
    for (index, token) in tokens.iter().enumerate() {
        rewritten.push(token.clone());
        match token.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::Comma if depth == 0 && index > add => rewritten.push(add_token.clone()),
            _ => {}
        }
    }
    parse_rewritten(tokens, rewritten, dialect, lowerer)
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

#[cfg(test)]
mod tests {
    use crate::sql::{Dialect, Op, Outcome, parse, split};

    fn ops(sql: &str, dialect: Dialect) -> Vec<Op> {
        let split = split(sql.as_bytes(), dialect);
        parse(sql.as_bytes(), &split, dialect)
            .into_iter()
            .flat_map(|statement| match statement.outcome {
                Outcome::Parsed(ops) => ops,
                other => panic!("not recognised: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn postgres_statements_the_parser_rejects() {
        let found = ops(
            "DROP INDEX CONCURRENTLY IF EXISTS a_idx;\nALTER SEQUENCE s AS bigint;\nREINDEX TABLE t;\n\
             ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO r;\n\
             CREATE MATERIALIZED VIEW mv AS SELECT 1 AS a WITH NO DATA;",
            Dialect::Postgres,
        );
        assert!(matches!(&found[0], Op::DropIndex { name } if name.key == "a_idx"), "{found:?}");
        assert!(matches!(found[1], Op::Housekeeping { .. }));
        assert!(matches!(found[2], Op::Housekeeping { .. }));
        assert!(matches!(found[3], Op::Grant));
        assert!(matches!(&found[4], Op::CreateView { materialized: true, .. }), "{found:?}");
    }

    #[test]
    fn tsql_statements_the_parser_rejects() {
        let found = ops(
            "CREATE UNIQUE NONCLUSTERED INDEX ix ON t (a)\nGO\nALTER TABLE t WITH NOCHECK ADD CONSTRAINT c CHECK (a > 0)\nGO\nALTER TABLE t ALTER COLUMN a bigint NOT NULL",
            Dialect::Mssql,
        );
        assert!(matches!(found[0], Op::CreateIndex { unique: true, .. }), "{found:?}");
        assert!(matches!(found[1], Op::AddConstraint { .. }), "{found:?}");
        assert!(matches!(found[2], Op::RedefineColumn { .. }), "{found:?}");
    }

    #[test]
    fn tsql_guards_are_judged_by_the_statements_inside() {
        let found = ops(
            "IF NOT EXISTS (SELECT 1 FROM sys.columns WHERE name = 'a')\nBEGIN\n  ALTER TABLE t ADD a int NULL;\n  DROP TABLE old\nEND\nGO\nDECLARE @n int",
            Dialect::Mssql,
        );
        assert!(matches!(found[0], Op::AddColumn { .. }), "{found:?}");
        assert!(matches!(found[1], Op::DropTable { .. }), "{found:?}");
        assert!(matches!(found[2], Op::SessionSetting), "{found:?}");
    }

    #[test]
    fn mysql_statements_the_parser_rejects() {
        let found = ops(
            "ALTER TABLE logs ENGINE=InnoDB, CONVERT TO CHARACTER SET utf8mb4;\nALTER TABLE totp RENAME _bkp_totp;",
            Dialect::Mysql,
        );
        assert!(matches!(found[0], Op::Housekeeping { .. }), "{found:?}");
        assert!(matches!(&found[1], Op::RenameTable { to, .. } if to.key == "_bkp_totp"), "{found:?}");
    }

    #[test]
    fn tsql_adds_several_columns_after_one_add() {
        let found = ops("ALTER TABLE [dbo].t ADD a bit, b varchar(10) NOT NULL DEFAULT 'x'", Dialect::Mssql);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|op| matches!(op, Op::AddColumn { .. })), "{found:?}");
    }
}
