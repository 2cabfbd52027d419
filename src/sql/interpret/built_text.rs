//! SQL built as text and then run: T-SQL `SET @sql = N'ALTER …' + …` and
//! `EXEC sp_executesql @sql` or `EXEC (@sql)`, MySQL `SET @q = CONCAT(…)`,
//! `PREPARE s FROM @q` and `EXECUTE s`. Where the text is made of literals (and,
//! inside a procedure, its parameters) it is judged like any statement; a part
//! computed at run time (a `CAST(@id AS …)`, a name read from the catalog) stands
//! in as an identifier that says so.

use std::collections::HashMap;

use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::sql::dialect::Dialect;
use crate::sql::op::Name;
use crate::sql::tokens::{is_trivia, outside_parentheses};

/// The texts statements of one file (or one procedure body) have built so far.
#[derive(Debug, Default)]
pub(crate) struct BuiltText {
    /// Variable or prepared-statement name, lower case → the text it holds.
    texts: HashMap<String, String>,
    /// A procedure's parameters, folded: they stay in the text as names, to be
    /// replaced by a call's arguments.
    parameters: Vec<String>,
}

impl BuiltText {
    pub(crate) fn with_parameters(parameters: Vec<String>) -> Self {
        BuiltText { texts: HashMap::new(), parameters }
    }

    /// Remembers the text `statement` assigns (`SET @v = …`, `SELECT @v = … FROM …`,
    /// `DECLARE @v type = …`) or prepares (`PREPARE s FROM @v`).
    pub(crate) fn observe(&mut self, statement: &[TokenWithSpan], dialect: Dialect) {
        // Most statements are neither: tell from the first two tokens, without copying.
        let mut leading = statement.iter().map(|t| &t.token).filter(|t| !is_trivia(t));
        let (first, second) = (leading.next(), leading.next());
        let assigns = matches!(first, Some(Token::Word(w)) if ["SET", "SELECT", "DECLARE"].iter().any(|k| w.value.eq_ignore_ascii_case(k)))
            && matches!(second, Some(Token::Word(w)) if w.value.starts_with('@'));
        let prepares = matches!(first, Some(Token::Word(w)) if w.value.eq_ignore_ascii_case("PREPARE"));
        if !assigns && !prepares {
            return;
        }
        let tokens = significant(statement);
        let word = |i: usize| word_at(&tokens, i);
        let assigned = match word(0).as_str() {
            "SET" | "SELECT" | "DECLARE" => {
                let equals = tokens.iter().position(|t| *t == Token::Eq);
                equals.and_then(|equals| {
                    let value = until_word(&tokens[equals + 1..], "FROM");
                    self.text_of(value, dialect)
                })
            }
            "PREPARE" if word(2) == "FROM" => tokens.get(3..).and_then(|value| self.text_of(value, dialect)),
            _ => None,
        };
        if let Some(name) = tokens.get(1) {
            let name = name.to_string().to_lowercase();
            match assigned {
                Some(text) => self.texts.insert(name, text),
                // Assigned something unknown: what it held before no longer counts.
                None => self.texts.remove(&name),
            };
        }
    }

    /// The text `statement` runs when it runs built text whose text is known:
    /// `EXEC sp_executesql <text>`, `EXEC (<text>)`, `EXECUTE s`.
    pub(crate) fn text_run_by(&self, statement: &[TokenWithSpan], dialect: Dialect) -> Option<String> {
        let first = statement.iter().find(|t| !is_trivia(&t.token))?;
        if !matches!(&first.token, Token::Word(w) if w.value.eq_ignore_ascii_case("EXEC") || w.value.eq_ignore_ascii_case("EXECUTE"))
        {
            return None;
        }
        let tokens = significant(statement);
        match tokens.get(1..)? {
            [Token::Word(procedure), arguments @ ..]
                if procedure.value.eq_ignore_ascii_case("sp_executesql") =>
            {
                let first = arguments.split(|t| *t == Token::Comma).next()?;
                self.text_of(first, dialect)
            }
            [Token::LParen, inner @ .., Token::RParen] => self.text_of(inner, dialect),
            [Token::LParen, inner @ .., Token::RParen, Token::SemiColon] => self.text_of(inner, dialect),
            [prepared] | [prepared, Token::SemiColon] => {
                self.texts.get(&prepared.to_string().to_lowercase()).cloned()
            }
            _ => None,
        }
    }

    /// The text an expression builds: literals, known variables and parameters
    /// joined by `+` or `CONCAT(…)`; `None` when no part of it is known.
    fn text_of(&self, expression: &[Token], dialect: Dialect) -> Option<String> {
        let expression = match expression {
            [rest @ .., Token::SemiColon] => rest,
            whole => whole,
        };
        let parts: Vec<&[Token]> = match expression {
            [Token::Word(concat), Token::LParen, arguments @ .., Token::RParen]
                if concat.value.eq_ignore_ascii_case("CONCAT") =>
            {
                split_top_level(arguments, &Token::Comma)
            }
            _ => split_top_level(expression, &Token::Plus),
        };
        let mut known = false;
        let mut text = String::new();
        for part in parts {
            match part {
                [Token::SingleQuotedString(s) | Token::NationalStringLiteral(s)] => {
                    known = true;
                    text.push_str(s);
                }
                [Token::Word(word)] if self.texts.contains_key(&word.value.to_lowercase()) => {
                    known = true;
                    text.push_str(&self.texts[&word.value.to_lowercase()]);
                }
                // A parameter stays as its name (folded, T-SQL's without `@`), for a
                // call's argument to replace; quoted, so a parameter named like a
                // keyword (`@table`, `@column`) still reads as a name.
                [Token::Word(word)] if self.is_parameter(&word.value, dialect) => {
                    text.push_str(&quoted(
                        dialect,
                        &dialect.fold_identifier(word.value.trim_start_matches('@'), false),
                    ));
                }
                [Token::Word(function), Token::LParen, arguments @ .., Token::RParen]
                    if dialect == Dialect::Mssql && function.value.eq_ignore_ascii_case("QUOTENAME") =>
                {
                    match self.quoted_name(arguments, dialect) {
                        Some((name, literal)) => {
                            known |= literal;
                            text.push_str(&name);
                        }
                        None => text.push_str(&run_time_name(dialect)),
                    }
                }
                _ => text.push_str(&run_time_name(dialect)),
            }
        }
        known.then_some(text)
    }

    /// T-SQL's `QUOTENAME(name [, quote])` of a literal, a variable holding one, or
    /// a parameter: the name, delimited as the function does it (`]` doubled inside
    /// `[…]`), and whether it is known here; `None` for a name only known at run time.
    fn quoted_name(&self, arguments: &[Token], dialect: Dialect) -> Option<(String, bool)> {
        let (name, quote) = match split_top_level(arguments, &Token::Comma)[..] {
            [name] => (name, "["),
            [name, [Token::SingleQuotedString(quote) | Token::NationalStringLiteral(quote)]] => {
                (name, quote.as_str())
            }
            _ => return None,
        };
        let (open, close) = match quote {
            "[" | "]" => ('[', ']'),
            "\"" => ('"', '"'),
            _ => return None,
        };
        let delimited =
            |name: &str| format!("{open}{}{close}", name.replace(close, &format!("{close}{close}")));
        match name {
            [Token::SingleQuotedString(name) | Token::NationalStringLiteral(name)] => {
                Some((delimited(name), true))
            }
            // A variable that holds a known text (`DECLARE @t sysname = 'orders'`).
            [Token::Word(word)] if self.texts.contains_key(&word.value.to_lowercase()) => {
                Some((delimited(&self.texts[&word.value.to_lowercase()]), true))
            }
            // Quoted already the way a parameter is, to be replaced by a call's argument.
            [Token::Word(word)] if self.is_parameter(&word.value, dialect) => Some((
                quoted(dialect, &dialect.fold_identifier(word.value.trim_start_matches('@'), false)),
                false,
            )),
            _ => None,
        }
    }

    fn is_parameter(&self, name: &str, dialect: Dialect) -> bool {
        let folded = dialect.fold_identifier(name.trim_start_matches('@'), false);
        self.parameters.contains(&folded)
    }
}

/// The run-time stand-in, quoted the dialect's way so it reads as one name.
fn run_time_name(dialect: Dialect) -> String {
    quoted(dialect, Name::RUN_TIME)
}

/// `name` quoted the dialect's way.
fn quoted(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Mssql => format!("[{name}]"),
        Dialect::Mysql => format!("`{name}`"),
        Dialect::Postgres | Dialect::Sqlite => format!("\"{name}\""),
    }
}

fn significant(tokens: &[TokenWithSpan]) -> Vec<Token> {
    tokens.iter().map(|t| t.token.clone()).filter(|t| !is_trivia(t)).collect()
}

fn word_at(tokens: &[Token], index: usize) -> String {
    match tokens.get(index) {
        Some(Token::Word(word)) if word.quote_style.is_none() => word.value.to_ascii_uppercase(),
        _ => String::new(),
    }
}

/// `tokens` up to the word `word` outside parentheses.
fn until_word<'t>(tokens: &'t [Token], word: &str) -> &'t [Token] {
    let found = outside_parentheses(tokens).find(|&index| word_at(tokens, index).eq_ignore_ascii_case(word));
    &tokens[..found.unwrap_or(tokens.len())]
}

/// `tokens` split at `separator` outside parentheses.
fn split_top_level<'t>(tokens: &'t [Token], separator: &Token) -> Vec<&'t [Token]> {
    let mut parts = Vec::new();
    let mut start = 0;
    for index in outside_parentheses(tokens).filter(|&index| tokens[index] == *separator) {
        parts.push(&tokens[start..index]);
        start = index + 1;
    }
    parts.push(&tokens[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use crate::sql::Dialect;
    use crate::sql::op::{Name, Op};
    use crate::sql::parse::parsed_ops as ops;

    #[test]
    fn a_parameter_named_like_a_keyword_stays_a_name_in_built_text() {
        let found = ops(
            "CREATE PROCEDURE dbo.add_column @Table sysname, @Column sysname AS\n\
             EXEC('ALTER TABLE ' + @Table + ' ADD ' + @Column + ' nvarchar(200) NULL')\nGO\n\
             EXEC dbo.add_column 'dbo.orders', 'note'",
            Dialect::Mssql,
        );
        let [Op::CreateFunction { body: Some(body), .. }, Op::CallRoutine { arguments, .. }] = &found[..]
        else {
            panic!("{found:?}")
        };
        let called = body.called_with(arguments);
        assert!(
            matches!(&called[..], [Op::AddColumn { table, column }] if table.key == "orders" && column.name.key == "note"),
            "{called:?}"
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
        // QUOTENAME of a literal is that name, delimited; of anything else, a run-time value.
        let quoted = ops(
            "DECLARE @sql nvarchar(max);\nSET @sql = N'ALTER TABLE dbo.orders DROP COLUMN ' + QUOTENAME('legacy]x');\n\
             EXEC sp_executesql @sql;\nSET @sql = N'DROP TABLE ' + QUOTENAME(N'old', '\"') + ';';\nEXEC (@sql);\n\
             SET @sql = N'DROP TABLE ' + QUOTENAME(@name);\nEXEC (@sql);\n\
             DECLARE @table sysname = N'legacy';\nSET @sql = N'DROP TABLE dbo.' + QUOTENAME(@table);\nEXEC (@sql);",
            Dialect::Mssql,
        );
        assert!(
            matches!(&quoted[2], Op::DropColumn { table, column } if table.key == "orders" && column.key == "legacy]x"),
            "{quoted:?}"
        );
        assert!(matches!(&quoted[4], Op::DropTable { table } if table.key == "old"), "{quoted:?}");
        assert!(matches!(&quoted[6], Op::DropTable { table } if table.key == Name::RUN_TIME), "{quoted:?}");
        assert!(matches!(&quoted[9], Op::DropTable { table } if table.key == "legacy"), "{quoted:?}");
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
}
