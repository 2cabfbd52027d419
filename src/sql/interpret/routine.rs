//! Procedures whose body is SQL (MySQL `BEGIN … END`, T-SQL `AS …`): the body is
//! read for what a call would do, so `CALL p('orders', 'orders_idx')` is judged by
//! the statements it runs rather than left `unknown`.

use sqlparser::ast::Statement;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, Span, Token, TokenWithSpan, Whitespace};

use super::block;
use super::built_text::BuiltText;
use super::{StatementReader, forget_positions};
use crate::sql::dialect::Dialect;
use crate::sql::op::{Op, RoutineBody};
use crate::sql::respell::tsql::{output_parameters, procedure_header};
use crate::sql::split::tokenize;
use crate::sql::statement::{head, parser_over};
use crate::sql::tokens::{
    is_trivia, last_significant, leading_words, next_significant, outside_parentheses, token_like,
    unquoted_word,
};

/// Words that open or close a block around statements: what follows the last of
/// them in a piece of a body is a statement.
const BLOCK_WORDS: [&str; 7] = ["THEN", "DO", "ELSE", "BEGIN", "LOOP", "REPEAT", "END"];

/// Statements a body uses to work, which change no schema.
pub(super) const BOOKKEEPING: [&str; 12] = [
    "DECLARE",
    "SELECT",
    "DEALLOCATE",
    "PRINT",
    "RETURN",
    "LEAVE",
    "ITERATE",
    "OPEN",
    "CLOSE",
    "FETCH",
    "RAISERROR",
    "THROW",
];

/// `CREATE [OR ALTER] PROCEDURE name (params) <body>` (and T-SQL's `ALTER
/// PROCEDURE`), and MySQL's `CREATE FUNCTION name (params) RETURNS type … BEGIN …
/// END`: the routine, with what its body does. A body statement nothing reads
/// leaves the routine known by its name and parameters, the statement said.
pub(crate) fn procedure(tokens: &[TokenWithSpan], reader: &StatementReader) -> Option<Vec<Op>> {
    read_procedure(tokens, reader).ok()
}

/// Why a T-SQL procedure is not read, when its header is what sqlparser rejects:
/// the parser's message about the header as read, which names the token it
/// rejected rather than the first parameter.
pub(crate) fn header_rejection(tokens: &[TokenWithSpan], reader: &StatementReader) -> Option<String> {
    read_procedure(tokens, reader).err().flatten()
}

/// The routine's operations, or why not: the parser's message when it rejects
/// the header.
fn read_procedure(tokens: &[TokenWithSpan], reader: &StatementReader) -> Result<Vec<Op>, Option<String>> {
    let lowerer = reader.lowerer();
    let tsql = lowerer.dialect() == Dialect::Mssql;
    // The kind of routine comes before its parameters (after `DEFINER = u@h`, say).
    let kind = (0..tokens.len())
        .take_while(|&i| tokens[i].token != Token::LParen)
        .find(|&i| matches!(unquoted_word(tokens, i).as_str(), "PROCEDURE" | "PROC" | "FUNCTION"))
        .ok_or(None)?;
    let (mut header_end, body_start) = body_start(tokens).ok_or(None)?;
    let function = unquoted_word(tokens, kind) == "FUNCTION";
    if function {
        header_end = (kind..header_end).find(|&i| unquoted_word(tokens, i) == "RETURNS").ok_or(None)?;
    }
    let mut header = tokens[..header_end].to_vec();
    if function {
        // Read as a procedure: what it returns does not change what its body does.
        header[kind] = token_like(&tokens[kind], Token::make_keyword("PROCEDURE"));
    }
    // The header alone, with an empty body, is something sqlparser reads.
    let mut header = if tsql { procedure_header(header, kind) } else { header };
    let at = &tokens[body_start];
    for word in ["AS", "BEGIN", "END"] {
        header.push(token_like(at, Token::Whitespace(Whitespace::Space)));
        header.push(token_like(at, Token::make_keyword(word)));
    }
    let statement =
        parser_over(header, lowerer).parse_statement().map_err(|error| Some(error.to_string()))?;
    let Statement::CreateProcedure { params, .. } = &statement else { return Err(None) };
    let parameters: Vec<String> = params
        .iter()
        .flatten()
        .map(|param| lowerer.parameter(&param.name, &param.data_type, None).name)
        .collect();
    let body_tokens = &tokens[body_start..];
    let body = if tsql {
        block_body(body_tokens, parameters, reader)
    } else {
        let (mut ops, unread) = body_ops(body_tokens, parameters.clone(), reader);
        keep_what_outlives_the_call(&mut ops);
        RoutineBody { ops, parameters, unread }
    };
    let mut ops = lowerer.lower(&statement, &head(tokens));
    if let Some(Op::CreateFunction { body: slot, procedure, parameters, .. }) = ops.first_mut() {
        *slot = Some(body);
        // A function was read as a procedure above.
        *procedure = !function;
        if tsql {
            // The header was read without its `OUTPUT` words.
            let outputs = output_parameters(&tokens[..header_end], kind);
            for (parameter, output) in parameters.iter_mut().zip(outputs) {
                parameter.output = output;
            }
        }
    }
    Ok(ops)
}

/// A T-SQL body, read statement by statement, with or without `;`.
fn block_body(body: &[TokenWithSpan], parameters: Vec<String>, reader: &StatementReader) -> RoutineBody {
    let mut built = BuiltText::with_parameters(parameters.clone());
    let mut statements = block::statements(body, reader, &mut built);
    let unread = statements
        .iter()
        .filter_map(|statement| {
            let message = statement.read.as_ref().err()?;
            Some(unread_statement(&body[statement.tokens.clone()], Some(message)))
        })
        .collect();
    let mut ops = block::ops_of(&mut statements);
    keep_what_outlives_the_call(&mut ops);
    RoutineBody { ops, parameters, unread }
}

/// Table variables and temporary tables live as long as the call; the body's
/// positions are in the procedure's definition, not at the call.
fn keep_what_outlives_the_call(ops: &mut Vec<Op>) {
    ops.retain_mut(|op| !op.names_mut().first().is_some_and(|name| name.key.starts_with(['@', '#'])));
    forget_positions(ops);
}

/// Where the header ends and the body starts: at MySQL's first `BEGIN`, around
/// T-SQL's `AS` (not the one of `WITH EXECUTE AS OWNER`), outside parentheses.
fn body_start(tokens: &[TokenWithSpan]) -> Option<(usize, usize)> {
    let runs_as = |index: usize| {
        last_significant(tokens, index)
            .is_some_and(|before| matches!(unquoted_word(tokens, before).as_str(), "EXECUTE" | "EXEC"))
    };
    outside_parentheses(tokens.iter().map(|t| &t.token)).find_map(|index| {
        match unquoted_word(tokens, index).as_str() {
            "AS" if !runs_as(index) => Some(next_significant(tokens, index).map(|body| (index, body))),
            "BEGIN" => Some(Some((index, index))),
            _ => None,
        }
    })?
}

/// What a body whose statements end with `;` (MySQL's, PL/pgSQL's) does, read
/// statement by statement as if every branch ran, with text it builds and runs
/// read with the parameters in place; and each statement nothing reads, said.
fn body_ops(
    body: &[TokenWithSpan],
    parameters: Vec<String>,
    reader: &StatementReader,
) -> (Vec<Op>, Vec<String>) {
    let mut built = BuiltText::with_parameters(parameters);
    let (mut ops, mut unread) = (Vec::new(), Vec::new());
    for piece in body.split(|t| t.token == Token::SemiColon) {
        let Some(start) = statement_start(piece) else { continue };
        let statement = &piece[start..];
        let first = leading_words(statement, 2);
        // PL/pgSQL's `x := value` and `x = value` assign a variable.
        let assigns = first.get(1).is_some_and(|second| second == ":=" || second == "=");
        let bookkeeping = first.first().is_some_and(|word| {
            matches!(word.as_str(), "SET" | "PREPARE" | "RAISE" | "CONTINUE" | "EXIT")
                || BOOKKEEPING.contains(&word.as_str())
        });
        if bookkeeping || assigns {
            // It may build text a later statement runs.
            built.observe(statement, reader.lowerer().dialect());
            continue;
        }
        match reader.statement_ops(statement, &mut built) {
            Some(read) => ops.extend(read),
            None => unread.push(unread_statement(statement, None)),
        }
    }
    (ops, unread)
}

/// A body statement nothing reads, as a routine's description says it: its first
/// words and line, and why.
fn unread_statement(statement: &[TokenWithSpan], message: Option<&str>) -> String {
    let line = statement.iter().find(|t| !is_trivia(&t.token)).map_or(0, |t| t.span.start.line);
    let head = match head(statement) {
        head if head.is_empty() => leading_words(statement, 1).join(" "),
        head => head,
    };
    match message {
        Some(message) => format!("`{head}` at line {line} ({message})"),
        None => format!("`{head}` at line {line}"),
    }
}

/// A PostgreSQL `DO` block whose body is static SQL (`IF EXISTS (…) THEN ALTER …
/// END IF`, plain `INSERT`s): a guard like T-SQL's `IF`, judged by the statements
/// inside. `None` when a statement inside is not read (it builds SQL to
/// `EXECUTE`, say): the block's effect is then only known when it runs.
pub(crate) fn do_block(tokens: &[TokenWithSpan], reader: &StatementReader) -> Option<Vec<Op>> {
    // `LANGUAGE plpgsql` or `LANGUAGE 'plpgsql'`, or none (the default).
    let language = (0..tokens.len()).find(|&i| unquoted_word(tokens, i) == "LANGUAGE");
    let named = language.and_then(|i| next_significant(tokens, i));
    if let Some(named) = named {
        let name = match &tokens[named].token {
            Token::Word(word) => word.value.to_lowercase(),
            Token::SingleQuotedString(text) => text.to_lowercase(),
            _ => String::new(),
        };
        if name != "plpgsql" {
            return None;
        }
    }
    // The body, and where its first character is in the file when its text is
    // the file's (a `'…'` body may have had its quotes doubled).
    let not_the_language = |index: &usize| Some(*index) != named;
    let (body, at) =
        (0..tokens.len()).filter(not_the_language).map(|i| &tokens[i]).find_map(|t| match &t.token {
            Token::DollarQuotedString(body) => {
                let delimiter = body.tag.as_ref().map_or(0, String::len) + 2;
                let at = Location::new(t.span.start.line, t.span.start.column + delimiter as u64);
                Some((body.value.clone(), Some(at)))
            }
            Token::SingleQuotedString(body) => Some((body.clone(), None)),
            _ => None,
        })?;
    let mut body_tokens = tokenize(reader.lowerer().dialect(), &body).ok()?;
    if let Some(at) = at {
        body_tokens.iter_mut().for_each(|token| {
            token.span = Span::new(placed(token.span.start, at), placed(token.span.end, at))
        });
    }
    // The block itself: what runs starts after its `BEGIN` (declarations before it).
    let begin =
        body_tokens.iter().position(|t| matches!(&t.token, Token::Word(w) if w.keyword == Keyword::BEGIN))?;
    let block = &body_tokens[begin..];
    // PL/pgSQL's `EXECUTE text` and `PERFORM f()` run what is only known when they do.
    let runs_code = block.split(|t| t.token == Token::SemiColon).any(|piece| {
        statement_start(piece)
            .is_some_and(|start| matches!(unquoted_word(piece, start).as_str(), "EXECUTE" | "PERFORM"))
    });
    if runs_code {
        return None;
    }
    let (mut ops, unread) = body_ops(block, Vec::new(), reader);
    if !unread.is_empty() || ops.iter().any(|op| matches!(op, Op::DynamicSql { .. } | Op::Unmodelled { .. }))
    {
        return None;
    }
    if at.is_none() {
        forget_positions(&mut ops);
    }
    (!ops.is_empty()).then_some(ops)
}

/// Where `location`, in a body whose first character is at `at` in the file, is
/// in the file.
fn placed(location: Location, at: Location) -> Location {
    if location.line <= 1 {
        Location::new(at.line, at.column + location.column.saturating_sub(1))
    } else {
        Location::new(at.line + location.line - 1, location.column)
    }
}

/// Where the statement in a `;`-separated piece of a body starts: after the last
/// block word (`THEN`, `BEGIN`, `END`, … outside `CASE`), and after an `IF` or
/// `WHILE` condition. `None` when the piece holds no statement (`END IF`).
fn statement_start(piece: &[TokenWithSpan]) -> Option<usize> {
    let mut start = 0;
    let mut cases = 0usize;
    for index in outside_parentheses(piece.iter().map(|t| &t.token)) {
        match unquoted_word(piece, index).as_str() {
            "CASE" => cases += 1,
            "END" if cases > 0 => cases -= 1,
            word if cases == 0 && BLOCK_WORDS.contains(&word) => start = index + 1,
            _ => {}
        }
    }
    let first = (start..piece.len()).find(|&i| !is_trivia(&piece[i].token))?;
    match unquoted_word(piece, first).as_str() {
        "IF" | "WHILE" => block::condition_end(piece, first),
        "LOOP" | "REPEAT" | "CASE" => None,
        _ => Some(first),
    }
}

#[cfg(test)]
mod tests {
    use crate::sql::Dialect;
    use crate::sql::op::{Argument, Op, Parameter};
    use crate::sql::parse::parsed_ops as ops;

    fn parameter(name: &str, data_type: &str, has_default: bool, output: bool) -> Parameter {
        Parameter { name: name.to_owned(), has_default, data_type: data_type.to_owned(), output }
    }

    #[test]
    fn tsql_headers_sqlparser_rejects_are_read_for_their_parameters() {
        let found = ops(
            "CREATE OR ALTER PROCEDURE dbo.close_orders\n  @ids dbo.id_list READONLY,\n  @by nvarchar(50) = N'system',\n  @closed int OUTPUT,\n  @left int OUT\nWITH RECOMPILE, EXECUTE AS OWNER\nAS\nBEGIN\n  UPDATE dbo.orders SET status = 'closed' WHERE id IN (SELECT id FROM @ids)\nEND\nGO\nALTER PROCEDURE dbo.p @a int WITH ENCRYPTION AS SELECT 1",
            Dialect::Mssql,
        );
        let [
            Op::CreateFunction { parameters, signature, body: Some(body), .. },
            Op::CreateFunction { or_replace: true, .. },
        ] = &found[..]
        else {
            panic!("{found:?}")
        };
        let expected = [
            parameter("ids", "id_list", false, false),
            parameter("by", "nvarchar(50)", true, false),
            parameter("closed", "int", false, true),
            parameter("left", "int", false, true),
        ];
        assert_eq!(parameters, &expected);
        assert!(signature.starts_with("dbo.id_list, nvarchar(50)"), "{signature}");
        assert!(matches!(&body.ops[..], [Op::Update { .. }]), "{body:?}");
    }

    #[test]
    fn cursor_parameters_and_replication_procedures_are_read() {
        let found = ops(
            "CREATE PROCEDURE dbo.open_cursor @c CURSOR VARYING OUTPUT, @amount decimal(10, 2) = 0 AS\nBEGIN\n  SET @c = CURSOR FOR SELECT 1; OPEN @c\nEND\nGO\n\
             CREATE PROCEDURE dbo.repl (@a int OUTPUT) WITH ENCRYPTION FOR REPLICATION AS DELETE FROM dbo.t\nGO\n\
             ALTER PROCEDURE dbo.repl2 @a int FOR REPLICATION AS SELECT 1",
            Dialect::Mssql,
        );
        let [
            Op::CreateFunction { parameters: cursor, .. },
            Op::CreateFunction { parameters: replicated, body: Some(body), .. },
            Op::CreateFunction { parameters: altered, .. },
        ] = &found[..]
        else {
            panic!("{found:?}")
        };
        assert_eq!(
            cursor,
            &[parameter("c", "cursor", false, true), parameter("amount", "decimal(10,2)", true, false)]
        );
        assert_eq!(replicated, &[parameter("a", "int", false, true)]);
        assert!(matches!(&body.ops[..], [Op::Delete { .. }]), "{body:?}");
        assert_eq!(altered, &[parameter("a", "int", false, false)]);
    }

    #[test]
    fn tsql_functions_with_a_block_body_and_schema_bound_views_are_read() {
        let function = "CREATE FUNCTION dbo.total (@id int) RETURNS int AS BEGIN RETURN (SELECT 1) END";
        crate::sql::respell::canary::still_rejected(Dialect::Mssql, function);
        let found = ops(
            &format!(
                "{function}\nGO\nCREATE OR ALTER VIEW dbo.v WITH SCHEMABINDING, VIEW_METADATA AS SELECT id FROM dbo.t"
            ),
            Dialect::Mssql,
        );
        assert!(
            matches!(&found[..], [Op::CreateFunction { parameters, .. }, Op::CreateView { .. }] if parameters == &[parameter("id", "int", false, false)]),
            "{found:?}"
        );
    }

    #[test]
    fn a_body_statement_nothing_reads_is_said_and_the_others_are_judged() {
        let found = ops(
            "CREATE PROCEDURE dbo.p @t sysname AS\nBEGIN\n  SET NOCOUNT ON\n  DECLARE c CURSOR LOCAL FOR SELECT id FROM dbo.orders\n  ALTER TABLE dbo.orders FROBNICATE x\n  BEGIN TRY\n    DROP TABLE dbo.old\n  END TRY\n  BEGIN CATCH\n    THROW\n  END CATCH\nEND",
            Dialect::Mssql,
        );
        let [Op::CreateFunction { body: Some(body), .. }] = &found[..] else { panic!("{found:?}") };
        assert!(matches!(&body.ops[..], [Op::DropTable { .. }]), "{body:?}");
        assert_eq!(body.unread.len(), 1, "{body:?}");
        assert!(body.unread[0].starts_with("`ALTER TABLE` at line 5"), "{body:?}");
        let called = body.called_with(&[Argument { parameter: None, value: None }]);
        assert!(
            matches!(&called[..], [Op::DropTable { .. }, Op::DynamicSql { what }] if what.contains("line 5"))
        );
    }
}
