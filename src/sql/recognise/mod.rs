//! Small recognisers for statements that migrations use all the time but that
//! sqlparser does not accept (or accepts without a model), so they are classified
//! instead of left `unknown`. One module per dialect; `server` holds statements
//! about roles, databases and replication, which read alike everywhere.

mod built_text;
mod mysql;
mod postgres;
mod routine;
mod server;
mod sqlite;
mod tsql;

use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::dialect::Dialect;
use super::lower::Lowerer;
use super::op::Op;
use super::tokens::{first_significant, is_trivia, last_significant, next_significant, outside_parentheses};

pub(super) use built_text::BuiltText;

/// Statements recognised from their tokens alone, before the parser sees them.
/// `built` holds the text earlier statements built, for guarded statements that run it.
pub(super) fn before_parsing(
    tokens: &[TokenWithSpan],
    dialect: Dialect,
    lowerer: &Lowerer,
    built: &mut BuiltText,
) -> Option<Vec<Op>> {
    let leading = leading_words(tokens, 4);
    let words: Vec<&str> = leading.iter().map(String::as_str).collect();
    if let Some(op) = server::recognise(tokens, &words) {
        return Some(vec![op]);
    }
    match dialect {
        Dialect::Postgres => postgres::before_parsing(tokens, &words),
        Dialect::Mssql => tsql::before_parsing(tokens, &words, lowerer, built),
        // `PREPARE s FROM @q` only names text for a later `EXECUTE s`, judged then.
        Dialect::Mysql => (words.first() == Some(&"PREPARE")).then(|| vec![Op::SessionSetting]),
        Dialect::Sqlite => sqlite::before_parsing(&words),
    }
}

/// Statements recognised after the parser rejected them.
pub(super) fn after_rejection(
    tokens: &[TokenWithSpan],
    dialect: Dialect,
    lowerer: &Lowerer,
) -> Option<Vec<Op>> {
    match dialect {
        Dialect::Postgres => postgres::after_rejection(tokens, lowerer),
        Dialect::Mysql => mysql::after_rejection(tokens, lowerer),
        Dialect::Mssql => tsql::after_rejection(tokens, lowerer),
        Dialect::Sqlite => sqlite::after_rejection(tokens, lowerer),
    }
}

/// The operations of one statement's tokens, recognisers included: what a
/// migration's statement would give, for text read from inside another one.
fn statement_ops(tokens: &[TokenWithSpan], lowerer: &Lowerer, built: &mut BuiltText) -> Option<Vec<Op>> {
    let dialect = lowerer.dialect();
    before_parsing(tokens, dialect, lowerer, built).or_else(|| {
        match super::parse::parse_tokens(tokens, dialect, lowerer) {
            Ok(parsed) => Some(
                parsed
                    .into_iter()
                    .flat_map(|(range, ops)| built.judge(&tokens[range], ops, lowerer))
                    .collect(),
            ),
            Err(_) => after_rejection(tokens, dialect, lowerer),
        }
    })
}

/// Words that start a statement, to find where an `IF` condition ends.
const STATEMENT_WORDS: [&str; 14] = [
    "ALTER", "CREATE", "DROP", "INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "EXEC", "EXECUTE", "SET",
    "PRINT", "DECLARE", "SELECT",
];

/// Where the statement an `IF` guards starts: the first statement word outside
/// parentheses after the condition (a condition's subqueries are parenthesised).
pub(super) fn statement_after_condition(tokens: &[TokenWithSpan]) -> Option<usize> {
    let if_word = tokens.iter().position(|t| !is_trivia(&t.token))?;
    outside_parentheses(tokens.iter().map(|t| &t.token))
        .filter(|&index| index > if_word)
        .find(|&index| STATEMENT_WORDS.contains(&unquoted_word(tokens, index).as_str()))
}

/// The first `n` words of a statement, upper case.
fn leading_words(tokens: &[TokenWithSpan], n: usize) -> Vec<String> {
    tokens
        .iter()
        .filter(|t| !is_trivia(&t.token))
        .take(n)
        .map(|t| match &t.token {
            Token::Word(word) => word.value.to_ascii_uppercase(),
            other => other.to_string(),
        })
        .collect()
}

/// The unquoted words outside parentheses, upper case: what a statement says it
/// does, without its arguments.
fn top_level_words(tokens: &[TokenWithSpan]) -> Vec<String> {
    outside_parentheses(tokens.iter().map(|t| &t.token))
        .map(|index| unquoted_word(tokens, index))
        .filter(|word| !word.is_empty())
        .collect()
}

/// The token at `index` if it is an unquoted word, upper case; else empty.
fn unquoted_word(tokens: &[TokenWithSpan], index: usize) -> String {
    match tokens.get(index).map(|t| &t.token) {
        Some(Token::Word(w)) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
        _ => String::new(),
    }
}

/// The index of the `)` that closes the `(` at `open`.
fn closing_paren(tokens: &[TokenWithSpan], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (index, token) in tokens.iter().enumerate().skip(open) {
        match token.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

/// A token standing in for `original`'s text at its place.
fn token_like(original: &TokenWithSpan, token: Token) -> TokenWithSpan {
    TokenWithSpan { token, span: original.span }
}

/// What a spelling rule reads in place of the tokens from an index on: `tokens`,
/// then on from `resume`.
struct Respelling {
    tokens: Vec<TokenWithSpan>,
    resume: usize,
}

impl Respelling {
    /// The tokens up to `resume` left out: a clause that changes nothing A's code sees.
    fn dropped(resume: usize) -> Option<Respelling> {
        Some(Respelling { tokens: Vec::new(), resume })
    }
}

/// A spelling of a dialect sqlparser does not take: at token `index` of a
/// statement whose first words are `head`, what to read instead, if anything.
type SpellingRule = fn(&[TokenWithSpan], &[&str], usize) -> Option<Respelling>;

/// `tokens` with `rule` applied wherever it applies; `None` where it applies nowhere.
fn respelled(tokens: &[TokenWithSpan], rule: SpellingRule) -> Option<Vec<TokenWithSpan>> {
    let leading = leading_words(tokens, 3);
    let head: Vec<&str> = leading.iter().map(String::as_str).collect();
    let mut respelled = Vec::with_capacity(tokens.len());
    let mut changed = false;
    let mut index = 0;
    while index < tokens.len() {
        match rule(tokens, &head, index) {
            // A rule always moves on, so reading ends.
            Some(Respelling { tokens: replacement, resume }) if resume > index => {
                respelled.extend(replacement);
                changed = true;
                index = resume;
            }
            _ => {
                respelled.push(tokens[index].clone());
                index += 1;
            }
        }
    }
    changed.then_some(respelled)
}

/// The statement parsed again as `rule` respells it.
fn reparse_respelled(tokens: &[TokenWithSpan], lowerer: &Lowerer, rule: SpellingRule) -> Option<Vec<Op>> {
    parse_rewritten(tokens, respelled(tokens, rule)?, lowerer)
}

/// A parser over `tokens` in the lowerer's dialect.
fn parser_over(tokens: Vec<TokenWithSpan>, lowerer: &Lowerer) -> Parser<'static> {
    Parser::new(lowerer.dialect().parser_dialect()).with_tokens_with_locations(tokens)
}

/// Whether the statement ends where `parser` stands: an optional `;`, then nothing.
fn ends_here(parser: &mut Parser<'_>) -> bool {
    let _semicolon = parser.consume_token(&Token::SemiColon);
    parser.peek_token().token == Token::EOF
}

/// Parses `rewritten`, a recognised rewrite of `original`, and lowers it under
/// the original statement's head.
fn parse_rewritten(
    original: &[TokenWithSpan],
    rewritten: Vec<TokenWithSpan>,
    lowerer: &Lowerer,
) -> Option<Vec<Op>> {
    let statement = parser_over(rewritten, lowerer).parse_statement().ok()?;
    Some(lowerer.lower(&statement, &super::parse::head(original)))
}

/// `ALTER TABLE t ADD a int, b int` (T-SQL) and `DROP COLUMN a, b`: one action
/// word for several items, parsed as the action repeated before each item.
fn repeat_action_per_item(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    let words = leading_words(tokens, 2);
    if words != ["ALTER", "TABLE"] {
        return None;
    }
    let action = tokens.iter().position(|t| {
        matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && (w.value.eq_ignore_ascii_case("ADD") || w.value.eq_ignore_ascii_case("DROP")))
    })?;
    let mut action_tokens = vec![tokens[action].clone()];
    if let Some(column) = next_significant(tokens, action).filter(|&i| unquoted_word(tokens, i) == "COLUMN") {
        action_tokens.extend(tokens[action + 1..=column].iter().cloned());
    }
    let space = token_like(&tokens[action], Token::Whitespace(sqlparser::tokenizer::Whitespace::Space));
    let commas: Vec<usize> = outside_parentheses(tokens.iter().map(|t| &t.token))
        .filter(|&index| index > action && tokens[index].token == Token::Comma)
        .collect();
    if commas.is_empty() {
        return None;
    }
    let mut rewritten = Vec::with_capacity(tokens.len() + 8);
    for (index, token) in tokens.iter().enumerate() {
        rewritten.push(token.clone());
        if commas.contains(&index) {
            rewritten.push(space.clone());
            rewritten.extend(action_tokens.iter().cloned());
        }
    }
    parse_rewritten(tokens, rewritten, lowerer)
}

#[cfg(test)]
mod tests {
    use crate::sql::{Dialect, Op, Outcome, parse, split};

    fn ops(sql: &str, dialect: Dialect) -> Vec<Op> {
        let split = split(sql.as_bytes(), dialect);
        parse(&split, dialect)
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
    fn postgres_statements_sqlparser_does_not_model() {
        let found = ops(
            "ALTER INDEX IF EXISTS a RENAME TO b;\nCOMMENT ON FUNCTION f(int4) IS 'x';\n\
             ALTER TABLE t ALTER COLUMN c SET STORAGE EXTERNAL;\nCLUSTER t USING t_idx;\n\
             CREATE OR REPLACE PROCEDURE p(a text) LANGUAGE plpgsql AS $$ BEGIN END $$;\n\
             CREATE FUNCTION g(p_id users.id%TYPE) RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;\n\
             ALTER FUNCTION f(text) OWNER TO admin;\nALTER SCHEMA s OWNER TO admin;\n\
             create function h() returns trigger as $f$ begin return new; end; $f$ language plpgsql volatile cost 100;\n\
             ALTER TABLE IF EXISTS public.orders SET SCHEMA archive;\n\
             ALTER SEQUENCE app.order_numbers RENAME TO order_no_seq;\n\
             ALTER TYPE address RENAME ATTRIBUTE zip TO postcode;\n\
             UPDATE t SET kind = 'a' WHERE kind ISNULL AND note NOTNULL AND code IN ('x'\n'y');",
            Dialect::Postgres,
        );
        assert!(matches!(&found[0], Op::Housekeeping { what } if what.contains("index")), "{found:?}");
        assert!(matches!(found[1], Op::Comment), "{found:?}");
        assert!(matches!(found[2], Op::Housekeeping { .. }), "{found:?}");
        assert!(matches!(found[3], Op::Housekeeping { .. }), "{found:?}");
        assert!(
            matches!(&found[4], Op::CreateFunction { name, or_replace: true, .. } if name.key == "p"),
            "{found:?}"
        );
        assert!(
            matches!(&found[5], Op::CreateFunction { signature, .. } if signature.contains("users.id%type")),
            "{found:?}"
        );
        assert!(matches!(found[6], Op::Housekeeping { .. }), "{found:?}");
        assert!(matches!(found[7], Op::Housekeeping { .. }), "{found:?}");
        assert!(matches!(&found[8], Op::CreateFunction { name, .. } if name.key == "h"), "{found:?}");
        assert!(
            matches!(&found[9], Op::RenameTable { from, to } if from.key == "orders" && to.key == "archive.orders"),
            "{found:?}"
        );
        assert!(
            matches!(&found[10], Op::RenameSequence { from, to } if from.key == "app.order_numbers" && to.key == "app.order_no_seq"),
            "{found:?}"
        );
        assert!(
            matches!(&found[11], Op::RenameColumn { table, to, .. } if table.key == "address" && to.key == "postcode"),
            "{found:?}"
        );
        assert!(matches!(&found[12], Op::Update { filtered: true, .. }), "{found:?}");
    }

    #[test]
    fn server_statements_are_judged_by_what_they_give_or_take() {
        let found = ops(
            "CREATE USER app WITH LOGIN REPLICATION;\nCREATE DATABASE audit WITH OWNER = app;\n\
             ALTER ROLE app SET search_path TO public, extensions;\nALTER ROLE app INHERIT;\n\
             ALTER ROLE postgres NOSUPERUSER LOGIN;\nDROP ROLE IF EXISTS old_app;\n\
             CREATE EVENT TRIGGER watch ON ddl_command_end EXECUTE FUNCTION f();\n\
             DROP EVENT TRIGGER IF EXISTS watch;\nCREATE PUBLICATION p FOR ALL TABLES;",
            Dialect::Postgres,
        );
        assert!(matches!(&found[0], Op::CreateOther { kind } if kind == "role"), "{found:?}");
        assert!(matches!(&found[1], Op::CreateOther { kind } if kind == "database"), "{found:?}");
        assert!(matches!(found[2], Op::SessionSetting), "{found:?}");
        assert!(matches!(found[3], Op::Grant), "{found:?}");
        assert!(matches!(&found[4], Op::Revoke { what } if what.contains("NOSUPERUSER")), "{found:?}");
        assert!(matches!(&found[5], Op::Revoke { what } if what.contains("old_app")), "{found:?}");
        assert!(matches!(&found[6], Op::CreateOther { kind } if kind == "event trigger"), "{found:?}");
        assert!(matches!(found[7], Op::Housekeeping { .. }), "{found:?}");
        assert!(matches!(&found[8], Op::CreateOther { kind } if kind == "publication"), "{found:?}");
    }

    #[test]
    fn tsql_spellings_sqlparser_rejects() {
        let found = ops(
            "INSERT INTO s.perm (id, value) SELECT NEXT VALUE FOR s.perm_seq, 'x'\nGO\n\
             CREATE TABLE [dbo].[t] ([id] [int] NOT NULL, CONSTRAINT [pk_t] PRIMARY KEY CLUSTERED ([id] ASC) \
             WITH (PAD_INDEX = OFF) ON [PRIMARY]) ON [PRIMARY]\nGO\n\
             ALTER TABLE t DROP COLUMN a, b\nGO\n\
             ALTER TABLE t ADD CONSTRAINT df_kind DEFAULT 'x' FOR kind\nGO\n\
             IF OBJECT_ID(N'dbo.old', N'U') IS NOT NULL DROP TABLE dbo.old;\n\
             EXEC sp_rename dbo.tags, 'tag', 'OBJECT';\n\
             EXEC sp_rename 'app.orders', 'purchases';\n\
             EXEC sp_rename @objname = 'dbo.t.a', @newname = 'b', @objtype = 'COLUMN';",
            Dialect::Mssql,
        );
        assert!(matches!(&found[0], Op::Insert { table, .. } if table.key == "s.perm"), "{found:?}");
        assert!(
            matches!(&found[1], Op::CreateTable { constraints, .. } if constraints.len() == 1),
            "{found:?}"
        );
        assert!(
            matches!((&found[2], &found[3]), (Op::DropColumn { .. }, Op::DropColumn { .. })),
            "{found:?}"
        );
        assert!(matches!(&found[4], Op::SetDefault { column, .. } if column.key == "kind"), "{found:?}");
        assert!(matches!(&found[5], Op::DropTable { table } if table.key == "old"), "{found:?}");
        assert!(
            matches!(&found[6], Op::RenameTable { from, to } if from.key == "tags" && to.key == "tag"),
            "{found:?}"
        );
        assert!(
            matches!(&found[7], Op::RenameTable { from, to } if from.key == "app.orders" && to.key == "app.purchases"),
            "{found:?}"
        );
        assert!(
            matches!(&found[8], Op::RenameColumn { from, to, .. } if from.key == "a" && to.key == "b"),
            "{found:?}"
        );
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

    #[test]
    fn built_text_that_is_run_is_judged_as_its_statement() {
        let found = ops(
            "DECLARE @sql NVARCHAR(MAX);\nSELECT @id = coalesce(MAX(id), 1) FROM dbo.t;\n\
             SET @sql = N'ALTER SEQUENCE dbo.t_seq RESTART WITH ' + CAST(@id AS NVARCHAR(20)) + ';'\n\
             EXEC sp_executesql @sql;\n\
             select @command = 'ALTER TABLE dbo.t DROP CONSTRAINT ' + d.name from sys.default_constraints d;\n\
             execute (@command)\nGO\nSET @sql = @other;\nEXEC sp_executesql @sql;",
            Dialect::Mssql,
        );
        assert!(matches!(&found[3], Op::Housekeeping { what } if what.contains("sequence")), "{found:?}");
        assert!(
            matches!(&found[5], Op::DropConstraint { table, name } if table.key == "t" && name.key == "run-time value"),
            "{found:?}"
        );
        // Reassigned from something unknown: the earlier text no longer counts.
        assert!(matches!(found.last(), Some(Op::DynamicSql { .. })), "{found:?}");

        let guarded =
            ops("IF @pk IS NOT NULL EXEC('ALTER TABLE dbo.t DROP CONSTRAINT ' + @pk);", Dialect::Mssql);
        assert!(
            matches!(&guarded[..], [Op::DropConstraint { table, .. }] if table.key == "t"),
            "{guarded:?}"
        );

        let mysql = ops(
            "SET @q = CONCAT('ALTER TABLE ', 'users', ' DROP INDEX ', 'users_name_idx');\n\
             PREPARE s FROM @q;\nEXECUTE s;\nDEALLOCATE PREPARE s;",
            Dialect::Mysql,
        );
        assert!(matches!(&mysql[2], Op::DropIndex { name } if name.key == "users_name_idx"), "{mysql:?}");
    }

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

    #[test]
    fn tsql_adds_several_columns_after_one_add() {
        let found = ops("ALTER TABLE [dbo].t ADD a bit, b varchar(10) NOT NULL DEFAULT 'x'", Dialect::Mssql);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|op| matches!(op, Op::AddColumn { .. })), "{found:?}");
    }
}
