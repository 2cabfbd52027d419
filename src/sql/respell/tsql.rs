//! T-SQL spellings sqlparser rejects.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace, Word};

use super::Respelling;
use crate::sql::lower::Lowerer;
use crate::sql::op::Op;
use crate::sql::statement::parse_rewritten;
use crate::sql::tokens::{
    closing_paren, first_significant, last_significant, leading_words, next_significant, outside_parentheses,
    token_like, unquoted_word,
};

/// T-SQL spellings sqlparser does not take, read as ones it does:
/// `[NON]CLUSTERED` (storage), `WITH [NO]CHECK` before `ADD CONSTRAINT` (whether
/// existing rows are checked), index options `WITH (PAD_INDEX = OFF, …)` and
/// filegroups `ON [PRIMARY]` (storage), and `NEXT VALUE FOR seq`, read as a call.
pub(in crate::sql) fn spelling(tokens: &[TokenWithSpan], head: &[&str], index: usize) -> Option<Respelling> {
    let word = |i: usize| unquoted_word(tokens, i);
    let next = |i: usize| next_significant(tokens, i);
    let first_word = head.first().copied().unwrap_or_default();
    let after_paren = || last_significant(tokens, index).is_some_and(|p| tokens[p].token == Token::RParen);
    match word(index).as_str() {
        "CLUSTERED" | "NONCLUSTERED" if first_word != "SELECT" => Respelling::dropped(index + 1),
        "WITH"
            if first_word == "ALTER"
                && matches!(next(index).map(word).as_deref(), Some("CHECK" | "NOCHECK")) =>
        {
            Respelling::dropped(next(index)? + 1)
        }
        "WITH" if after_paren() && next(index).is_some_and(|p| tokens[p].token == Token::LParen) => {
            Respelling::dropped(closing_paren(tokens, next(index)?)? + 1)
        }
        "ON" | "TEXTIMAGE_ON" if first_word == "CREATE" && after_paren() => {
            // A filegroup ends a table or constraint: only its name follows.
            let name = next(index)?;
            let ends = next(name).is_none_or(|after| {
                matches!(tokens[after].token, Token::SemiColon | Token::RParen | Token::Comma)
                    || word(after) == "TEXTIMAGE_ON"
            });
            if ends { Respelling::dropped(name + 1) } else { None }
        }
        "NEXT" => next_value_for(tokens, index),
        // `CREATE VIEW v WITH SCHEMABINDING AS …`: options of the view's storage and
        // metadata, up to the `AS` of its query.
        "WITH"
            if matches!(
                next(index).map(word).as_deref(),
                Some("SCHEMABINDING" | "ENCRYPTION" | "VIEW_METADATA")
            ) =>
        {
            Respelling::dropped((index..tokens.len()).find(|&i| word(i) == "AS")?)
        }
        "CONSTRAINT" if first_word == "CREATE" => table_constraint_after_column(tokens, index),
        "EXEC" | "EXECUTE" if first_significant(tokens, 0) == Some(index) => return_code_kept(tokens, index),
        // `MERGE t WITH (HOLDLOCK) AS target …`, `INSERT INTO t WITH (TABLOCK) …`: a
        // table hint, how rows are locked.
        "WITH"
            if matches!(first_word, "MERGE" | "INSERT")
                && next(index).is_some_and(|p| tokens[p].token == Token::LParen) =>
        {
            Respelling::dropped(closing_paren(tokens, next(index)?)? + 1)
        }
        // `MERGE TOP (n) …`: a batch of the rows, like `UPDATE TOP (n)`.
        "TOP" if first_word == "MERGE" && last_significant(tokens, index) == first_significant(tokens, 0) => {
            let limit = closing_paren(tokens, next(index).filter(|&p| tokens[p].token == Token::LParen)?)?;
            let percent = next(limit).filter(|&p| word(p) == "PERCENT");
            Respelling::dropped(percent.unwrap_or(limit) + 1)
        }
        _ => None,
    }
}

/// `EXEC @rc = proc …`: the call of `proc`, its return code kept in a variable,
/// read as the call alone (`EXEC proc …`); the variable changes no schema.
fn return_code_kept(tokens: &[TokenWithSpan], index: usize) -> Option<Respelling> {
    let variable = next_significant(tokens, index)?;
    let is_variable = matches!(&tokens[variable].token, Token::Word(w) if w.quote_style.is_none() && w.value.starts_with('@'));
    let equals =
        next_significant(tokens, variable).filter(|&e| is_variable && tokens[e].token == Token::Eq)?;
    Some(Respelling { tokens: vec![tokens[index].clone()], resume: equals + 1 })
}

/// `a int NOT NULL CONSTRAINT pk PRIMARY KEY CLUSTERED (id)` in a `CREATE TABLE`:
/// SQL Server takes a key with its own column list right after a column, without
/// the comma that makes it a table constraint; the comma is added.
fn table_constraint_after_column(tokens: &[TokenWithSpan], index: usize) -> Option<Respelling> {
    let before = last_significant(tokens, index)?;
    if matches!(tokens[before].token, Token::Comma | Token::LParen) {
        return None;
    }
    let kind = next_significant(tokens, next_significant(tokens, index)?)?;
    let key = match unquoted_word(tokens, kind).as_str() {
        "PRIMARY" | "FOREIGN" => {
            next_significant(tokens, kind).filter(|&k| unquoted_word(tokens, k) == "KEY")?
        }
        "UNIQUE" => kind,
        _ => return None,
    };
    let mut columns = next_significant(tokens, key)?;
    if matches!(unquoted_word(tokens, columns).as_str(), "CLUSTERED" | "NONCLUSTERED") {
        columns = next_significant(tokens, columns)?;
    }
    (tokens[columns].token == Token::LParen).then(|| Respelling {
        tokens: vec![token_like(&tokens[index], Token::Comma), tokens[index].clone()],
        resume: index + 1,
    })
}

/// `UPDATE TOP (n) …`, `DELETE TOP (n) …`: a batch of the rows, read without the
/// limit, since each batch of a loop does what the whole statement does.
/// sqlparser misreads `UPDATE TOP (10) t` as an update of a table function `TOP`,
/// so this is read before parsing, not after a rejection.
pub(in crate::sql) fn batch_limit(
    tokens: &[TokenWithSpan],
    head: &[&str],
    index: usize,
) -> Option<Respelling> {
    let top = next_significant(tokens, first_significant(tokens, 0)?)?;
    if index != top
        || unquoted_word(tokens, top) != "TOP"
        || !matches!(head.first(), Some(&"UPDATE" | &"DELETE"))
    {
        return None;
    }
    let open = next_significant(tokens, top).filter(|&p| tokens[p].token == Token::LParen)?;
    let limit = closing_paren(tokens, open)?;
    let percent = next_significant(tokens, limit).filter(|&p| unquoted_word(tokens, p) == "PERCENT");
    Respelling::dropped(percent.unwrap_or(limit) + 1)
}

/// `NEXT VALUE FOR schema.seq` at `index`, read as the call `NEXT_VALUE_FOR(schema.seq)`.
fn next_value_for(tokens: &[TokenWithSpan], index: usize) -> Option<Respelling> {
    let value = next_significant(tokens, index).filter(|&v| unquoted_word(tokens, v) == "VALUE")?;
    let for_word = next_significant(tokens, value).filter(|&f| unquoted_word(tokens, f) == "FOR")?;
    let name_start = next_significant(tokens, for_word)?;
    let name_len =
        tokens[name_start..].iter().take_while(|t| matches!(t.token, Token::Period | Token::Word(_))).count();
    let name_end = name_start + name_len.max(1) - 1;
    let call = Word { value: "NEXT_VALUE_FOR".into(), quote_style: None, keyword: Keyword::NoKeyword };
    let mut replacement =
        vec![token_like(&tokens[index], Token::Word(call)), token_like(&tokens[index], Token::LParen)];
    replacement.extend(tokens[name_start..=name_end].iter().cloned());
    replacement.push(token_like(&tokens[name_end], Token::RParen));
    Some(Respelling { tokens: replacement, resume: name_end + 1 })
}

/// `ALTER TABLE t ADD a int, b int` (T-SQL) and `DROP COLUMN a, b`: one action
/// word for several items, parsed as the action repeated before each item.
pub(in crate::sql) fn repeat_action_per_item(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
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
    let space = token_like(&tokens[action], Token::Whitespace(Whitespace::Space));
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

/// A T-SQL procedure's header as sqlparser reads it: `ALTER PROCEDURE` read as
/// `CREATE OR ALTER PROCEDURE` (both replace the one definition), without what
/// changes no call (`WITH RECOMPILE | ENCRYPTION | EXECUTE AS …`, `FOR
/// REPLICATION`; `OUTPUT`, `OUT`, `READONLY` and a cursor's `VARYING` after a
/// parameter's type, which the caller of [`output_parameters`] keeps), and with its
/// parameters in parentheses. `kind` is where `PROCEDURE` stands.
pub(in crate::sql) fn procedure_header(header: Vec<TokenWithSpan>, kind: usize) -> Vec<TokenWithSpan> {
    let (header, kind) = created_or_altered(header, kind);
    let options = outside_parentheses(header.iter().map(|t| &t.token))
        .find(|&index| index > kind && starts_options(&header, index));
    let kept = header
        .iter()
        .enumerate()
        .take(options.unwrap_or(header.len()))
        .filter(|&(index, _)| {
            index <= kind || !PARAMETER_MODES.contains(&unquoted_word(&header, index).as_str())
        })
        .map(|(_, token)| token.clone())
        .collect();
    parenthesised_parameters(kept, kind)
}

/// Words after a T-SQL parameter's type that say how it is passed.
const PARAMETER_MODES: [&str; 4] = ["OUTPUT", "OUT", "READONLY", "VARYING"];

/// Which parameters of a T-SQL procedure's header (`header[kind]` is `PROCEDURE`)
/// are `OUTPUT` (or `OUT`) ones, in order: a call passes a variable for each, and
/// reads what the procedure leaves in it.
pub(in crate::sql) fn output_parameters(header: &[TokenWithSpan], kind: usize) -> Vec<bool> {
    let is_parameter = |index: usize| matches!(&header[index].token, Token::Word(w) if w.quote_style.is_none() && w.value.starts_with('@'));
    let Some(first) = (kind..header.len()).find(|&index| is_parameter(index)) else { return Vec::new() };
    // The depth of the list: inside `( … )` when the parameters are parenthesised.
    let list = usize::from(last_significant(header, first).is_some_and(|p| header[p].token == Token::LParen));
    let (mut outputs, mut current, mut depth) = (Vec::new(), false, list);
    for index in first + 1..header.len() {
        match &header[index].token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Comma if depth == list => outputs.push(std::mem::take(&mut current)),
            Token::Word(_)
                if depth == 0 && (starts_options(header, index) || unquoted_word(header, index) == "AS") =>
            {
                break;
            }
            Token::Word(_)
                if depth == list && matches!(unquoted_word(header, index).as_str(), "OUTPUT" | "OUT") =>
            {
                current = true;
            }
            _ => {}
        }
    }
    outputs.push(current);
    outputs
}

/// Whether the word at `index` of a procedure's header starts its options: `WITH
/// RECOMPILE …`, `FOR REPLICATION`.
fn starts_options(header: &[TokenWithSpan], index: usize) -> bool {
    match unquoted_word(header, index).as_str() {
        "WITH" => true,
        "FOR" => next_significant(header, index).is_some_and(|r| unquoted_word(header, r) == "REPLICATION"),
        _ => false,
    }
}

/// `ALTER PROCEDURE …` as `CREATE OR ALTER PROCEDURE …`, and where `PROCEDURE` then stands.
fn created_or_altered(mut header: Vec<TokenWithSpan>, kind: usize) -> (Vec<TokenWithSpan>, usize) {
    let Some(first) = first_significant(&header, 0).filter(|&first| unquoted_word(&header, first) == "ALTER")
    else {
        return (header, kind);
    };
    let at = header[first].clone();
    let space = token_like(&at, Token::Whitespace(Whitespace::Space));
    let created =
        [Token::make_keyword("CREATE"), space.token.clone(), Token::make_keyword("OR"), space.token];
    let inserted = created.len();
    header.splice(first..first, created.into_iter().map(|token| token_like(&at, token)));
    (header, kind + inserted)
}

/// T-SQL may list parameters without parentheses (`CREATE PROCEDURE p @a int AS`);
/// sqlparser wants them, so they are added. `kind` is where `PROCEDURE` stands.
fn parenthesised_parameters(mut header: Vec<TokenWithSpan>, kind: usize) -> Vec<TokenWithSpan> {
    let Some(name_start) = next_significant(&header, kind) else { return header };
    let name_end = name_start
        + header[name_start..]
            .iter()
            .take_while(|t| matches!(t.token, Token::Word(_) | Token::Period))
            .count();
    let (Some(first), Some(last)) =
        (first_significant(&header, name_end), last_significant(&header, header.len()))
    else {
        return header;
    };
    if header[first].token != Token::LParen {
        header.insert(last + 1, token_like(&header[last], Token::RParen));
        header.insert(first, token_like(&header[first], Token::LParen));
    }
    header
}

#[cfg(test)]
mod tests {
    use crate::sql::Dialect;
    use crate::sql::Dialect::Mssql;
    use crate::sql::op::Op;
    use crate::sql::parse::parsed_ops as ops;
    use crate::sql::respell::canary::still_rejected;

    #[test]
    fn canary_spelling() {
        // `PRIMARY KEY CLUSTERED` parses now, but its `clustered` would then be part
        // of the constraint's text, which tells constraints apart: still dropped.
        still_rejected(Mssql, "CREATE UNIQUE NONCLUSTERED INDEX ix ON t (a)");
        still_rejected(Mssql, "CREATE CLUSTERED INDEX ix ON t (a)");
        still_rejected(Mssql, "ALTER TABLE t WITH NOCHECK ADD CONSTRAINT c CHECK (a > 0)");
        still_rejected(Mssql, "ALTER TABLE t WITH CHECK ADD CONSTRAINT c CHECK (a > 0)");
        still_rejected(
            Mssql,
            "CREATE TABLE t (id int, CONSTRAINT pk PRIMARY KEY (id) WITH (PAD_INDEX = OFF))",
        );
        still_rejected(Mssql, "CREATE INDEX ix ON t (a) WITH (ONLINE = ON)");
        still_rejected(Mssql, "CREATE TABLE t (id int) ON [PRIMARY]");
        still_rejected(Mssql, "CREATE TABLE t (id int) TEXTIMAGE_ON [PRIMARY]");
        still_rejected(Mssql, "SELECT NEXT VALUE FOR s.seq");
        still_rejected(Mssql, "CREATE TABLE t (id int NOT NULL CONSTRAINT pk PRIMARY KEY (id))");
        still_rejected(Mssql, "CREATE VIEW v WITH SCHEMABINDING AS SELECT a FROM dbo.t");
        still_rejected(Mssql, "EXEC @rc = dbo.p 'x'");
        still_rejected(Mssql, "INSERT INTO dbo.t WITH (TABLOCK) (id) VALUES (1)");
        still_rejected(
            Mssql,
            "MERGE dbo.t WITH (HOLDLOCK) AS t USING dbo.s AS s ON t.id = s.id WHEN MATCHED THEN DELETE;",
        );
        still_rejected(
            Mssql,
            "MERGE TOP (10) INTO dbo.t USING dbo.s ON t.id = s.id WHEN MATCHED THEN DELETE;",
        );
    }

    #[test]
    fn a_merge_or_insert_with_a_table_hint_or_a_batch_limit_is_read() {
        let found = ops(
            "MERGE dbo.t WITH (HOLDLOCK) AS target\nUSING (VALUES (1, 2)) AS source (id, a) ON target.id = source.id\n\
             WHEN MATCHED THEN UPDATE SET target.a = source.a\n\
             WHEN NOT MATCHED THEN INSERT (id, a) VALUES (source.id, source.a)\nOUTPUT $action, inserted.id;\nGO\n\
             MERGE TOP (10) PERCENT INTO dbo.t AS target USING dbo.s AS source ON 1 = 0 WHEN NOT MATCHED BY SOURCE THEN DELETE;\nGO\n\
             INSERT INTO dbo.t WITH (TABLOCK) (id, a) SELECT id, a FROM dbo.s",
            Dialect::Mssql,
        );
        assert!(
            matches!(&found[..], [
                Op::Update { table, .. },
                Op::Insert { copied_from: None, .. },
                Op::Delete { filtered: true, .. },
                Op::Insert { copied_from: Some(source), .. },
            ] if table.key == "t" && source.key == "s"),
            "{found:?}"
        );
    }

    #[test]
    fn a_call_that_keeps_its_return_code_is_the_call() {
        let found = ops(
            "DECLARE @rc int\nEXEC @rc = dbo.add_col 'orders', @kind = 'x'\nGO\nEXECUTE @rc = sp_rename 'dbo.a', 'b'",
            Dialect::Mssql,
        );
        assert!(
            matches!(&found[1], Op::CallRoutine { name, arguments } if name.key == "add_col" && arguments.len() == 2),
            "{found:?}"
        );
        assert!(matches!(&found[2], Op::RenameTable { to, .. } if to.key == "b"), "{found:?}");
    }

    #[test]
    fn canary_batch_limit() {
        still_rejected(Mssql, "DELETE TOP (10) FROM t WHERE a = 1");
        // Misread rather than rejected: the table would be a function `TOP`.
        let parsed =
            sqlparser::parser::Parser::parse_sql(Mssql.parser_dialect(), "UPDATE TOP (10) t SET a = 1");
        let Ok([sqlparser::ast::Statement::Update(update)]) = parsed.as_deref() else { panic!("{parsed:?}") };
        assert_eq!(update.table.relation.to_string(), "TOP(10) t", "sqlparser reads UPDATE TOP now");
    }

    #[test]
    fn batches_are_judged_like_the_whole_statement() {
        let found = ops(
            "UPDATE TOP (500) orders SET a = 1 WHERE a IS NULL\nGO\nDELETE TOP (10) PERCENT FROM orders WHERE a = 2",
            Mssql,
        );
        assert!(
            matches!(&found[0], Op::Update { table, filtered: true, .. } if table.key == "orders"),
            "{found:?}"
        );
        assert!(
            matches!(&found[1], Op::Delete { table, filtered: true } if table.key == "orders"),
            "{found:?}"
        );
    }

    #[test]
    fn canary_repeat_action_per_item() {
        still_rejected(Mssql, "ALTER TABLE t DROP COLUMN a, b");
        still_rejected(Mssql, "ALTER TABLE t ADD a int, b int");
    }

    #[test]
    fn canary_procedure_header() {
        still_rejected(Mssql, "CREATE PROCEDURE p @a int AS BEGIN END");
        still_rejected(Mssql, "CREATE PROCEDURE p (@a int OUTPUT) AS BEGIN SELECT 1 END");
        still_rejected(Mssql, "CREATE PROCEDURE p (@a int OUT) AS BEGIN SELECT 1 END");
        still_rejected(Mssql, "CREATE PROCEDURE p (@ids dbo.id_list READONLY) AS BEGIN SELECT 1 END");
        still_rejected(Mssql, "CREATE PROCEDURE p (@a int) WITH RECOMPILE AS BEGIN SELECT 1 END");
        still_rejected(Mssql, "CREATE PROCEDURE p (@a int) WITH EXECUTE AS OWNER AS BEGIN SELECT 1 END");
        still_rejected(Mssql, "ALTER PROCEDURE p (@a int) AS BEGIN SELECT 1 END");
        still_rejected(Mssql, "CREATE PROCEDURE p (@c CURSOR VARYING) AS BEGIN SELECT 1 END");
        still_rejected(Mssql, "CREATE PROCEDURE p (@a int) FOR REPLICATION AS BEGIN SELECT 1 END");
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
    fn a_key_right_after_a_column_is_a_table_constraint() {
        let found = ops(
            "CREATE TABLE t (id int IDENTITY(1,1) NOT NULL, a int NULL\n CONSTRAINT [pk_t] PRIMARY KEY CLUSTERED ([id] ASC) WITH (PAD_INDEX = OFF) ON [PRIMARY], b int CONSTRAINT df_b DEFAULT 0)",
            Dialect::Mssql,
        );
        let [Op::CreateTable { columns, constraints, .. }] = &found[..] else { panic!("{found:?}") };
        assert_eq!((columns.len(), constraints.len()), (3, 1), "{found:?}");
        assert_eq!(constraints[0].columns, ["id"], "{found:?}");
    }

    #[test]
    fn tsql_adds_several_columns_after_one_add() {
        let found = ops("ALTER TABLE [dbo].t ADD a bit, b varchar(10) NOT NULL DEFAULT 'x'", Dialect::Mssql);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|op| matches!(op, Op::AddColumn { .. })), "{found:?}");
    }
}
