//! T-SQL blocks: the statements of a procedure's body, of an `IF` or of a
//! `WHILE`, read one by one, with or without `;` between them, as if every
//! branch ran and every loop ran once. Control flow (`BEGIN … END`, `BEGIN TRY`,
//! `BEGIN CATCH`, `IF`, `ELSE`, `WHILE`, `BREAK`, labels) only leads to the
//! statements that matter; a statement nothing reads is kept with the parser's
//! message, and the statements after it are still read.

use std::ops::Range;

use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::StatementReader;
use super::built_text::BuiltText;
use super::routine::BOOKKEEPING;
use crate::sql::op::Op;
use crate::sql::statement::parser_over;
use crate::sql::tokens::{
    first_significant, is_trivia, next_significant, outside_parentheses, unquoted_word,
};

/// One statement of a block: its tokens within the block's, and its operations,
/// or the parser's message when nothing reads it.
#[derive(Debug)]
pub(crate) struct BlockStatement {
    pub(crate) tokens: Range<usize>,
    pub(crate) read: Result<Vec<Op>, String>,
}

/// Words that start a statement, where a condition ends and, at the start of a
/// line, where a statement the parser rejected ends. `SET`, `SELECT` and `WITH`
/// are left out: they continue an `UPDATE`, `INSERT` or `MERGE` on its next line.
const STATEMENT_WORDS: [&str; 30] = [
    "ALTER",
    "CREATE",
    "DROP",
    "INSERT",
    "UPDATE",
    "DELETE",
    "MERGE",
    "TRUNCATE",
    "EXEC",
    "EXECUTE",
    "PRINT",
    "DECLARE",
    "BEGIN",
    "END",
    "IF",
    "ELSE",
    "WHILE",
    "BREAK",
    "CONTINUE",
    "RETURN",
    "THROW",
    "RAISERROR",
    "COMMIT",
    "ROLLBACK",
    "OPEN",
    "CLOSE",
    "FETCH",
    "DEALLOCATE",
    "WAITFOR",
    "DBCC",
];

/// The statements of `tokens`, a block, in order.
pub(crate) fn statements(
    tokens: &[TokenWithSpan],
    reader: &StatementReader,
    built: &mut BuiltText,
) -> Vec<BlockStatement> {
    let mut read = Vec::new();
    // The `BEGIN`s whose `END` is still to come.
    let mut open = Vec::new();
    let mut index = 0;
    while let Some(start) = first_significant(tokens, index) {
        index = match control_flow_end(tokens, start) {
            Some(ControlFlow::Skip(next)) => {
                match unquoted_word(tokens, start).as_str() {
                    "BEGIN" => open.push(start),
                    "END" => {
                        open.pop();
                    }
                    _ => {}
                }
                next
            }
            Some(ControlFlow::Unread(message)) => {
                let end = recovery_end(tokens, start);
                read.push(BlockStatement { tokens: start..end, read: Err(message) });
                end
            }
            None => {
                let (end, rejected) = statement_end(tokens, start, reader);
                let statement = &tokens[start..end];
                if let Some(ops) = statement_ops(statement, reader, built, rejected) {
                    read.push(BlockStatement { tokens: start..end, read: ops });
                }
                end
            }
        };
    }
    // A block the batch ends inside: where it was meant to end is not known, so
    // what follows it may be guarded or not.
    read.extend(open.into_iter().map(|begin| {
        let line = tokens[begin].span.start.line;
        BlockStatement {
            tokens: begin..begin + 1,
            read: Err(format!("the `BEGIN` at line {line} has no `END` before the end of its batch")),
        }
    }));
    read
}

/// The operations of every statement read, in order.
pub(crate) fn ops_of(statements: &mut [BlockStatement]) -> Vec<Op> {
    statements.iter_mut().filter_map(|s| s.read.as_mut().ok()).flat_map(std::mem::take).collect()
}

enum ControlFlow {
    /// Control flow up to this token; the statements it leads to follow.
    Skip(usize),
    /// Control flow that cannot be followed (an `IF` without a statement after it).
    Unread(String),
}

/// When token `start` opens control flow rather than a statement, where the
/// statements it leads to start.
fn control_flow_end(tokens: &[TokenWithSpan], start: usize) -> Option<ControlFlow> {
    let next = |index: usize| next_significant(tokens, index).unwrap_or(tokens.len());
    let after_word = |word: &[&str]| {
        let following = next(start);
        if word.contains(&unquoted_word(tokens, following).as_str()) { next(following) } else { following }
    };
    if tokens[start].token == Token::SemiColon {
        return Some(ControlFlow::Skip(start + 1));
    }
    // A label (`retry:`) names a place to jump to.
    if matches!(tokens[start].token, Token::Word(_))
        && tokens.get(next(start)).is_some_and(|t| t.token == Token::Colon)
    {
        return Some(ControlFlow::Skip(next(start) + 1));
    }
    let skip = match unquoted_word(tokens, start).as_str() {
        "BEGIN" if opens_transaction(tokens, start) => return None,
        "BEGIN" | "END" => after_word(&["TRY", "CATCH"]),
        "ELSE" | "BREAK" | "CONTINUE" => next(start),
        "GOTO" => next(next(start)),
        "IF" | "WHILE" => {
            return Some(match condition_end(tokens, start) {
                Some(end) => ControlFlow::Skip(end),
                None => ControlFlow::Unread(format!(
                    "no statement follows the condition of `{}`",
                    unquoted_word(tokens, start)
                )),
            });
        }
        _ => return None,
    };
    Some(ControlFlow::Skip(skip))
}

/// Where the condition of the `IF` or `WHILE` at `start` ends: at the first
/// statement word outside parentheses after it (a condition's subqueries are
/// parenthesised).
pub(crate) fn condition_end(tokens: &[TokenWithSpan], start: usize) -> Option<usize> {
    outside_parentheses(tokens.get(start..)?.iter().map(|t| &t.token))
        .map(|offset| start + offset)
        .filter(|&index| index > start)
        .find(|&index| STATEMENT_WORDS.contains(&unquoted_word(tokens, index).as_str()))
}

/// Where the `IF` or `WHILE` statement at `start` ends: after the statement or
/// `BEGIN … END` block its condition guards, and for an `IF` after its `ELSE`
/// branch. What follows it in the same batch is not guarded. `None` when no
/// statement follows the condition.
pub(crate) fn guard_end(tokens: &[TokenWithSpan], start: usize, reader: &StatementReader) -> Option<usize> {
    nested_guard_end(tokens, start, reader, 0)
}

/// Guards nested deeper than this end at the end of the batch, rather than
/// recursing without bound on a hostile file.
const DEEPEST_GUARD: usize = 64;

fn nested_guard_end(
    tokens: &[TokenWithSpan],
    start: usize,
    reader: &StatementReader,
    depth: usize,
) -> Option<usize> {
    if depth > DEEPEST_GUARD {
        return None;
    }
    let branch_end = |at: usize| branch_end(tokens, at, reader, depth);
    let mut end = branch_end(condition_end(tokens, start)?)?;
    if unquoted_word(tokens, start) == "IF" {
        if let Some(other) = first_significant(tokens, end).filter(|&e| unquoted_word(tokens, e) == "ELSE") {
            end = branch_end(next_significant(tokens, other)?)?;
        }
    }
    Some(end)
}

/// Where the branch (a block, a guard or one statement) at `start` ends, its `;`
/// included.
fn branch_end(
    tokens: &[TokenWithSpan],
    start: usize,
    reader: &StatementReader,
    depth: usize,
) -> Option<usize> {
    let end = match unquoted_word(tokens, start).as_str() {
        "BEGIN" if !opens_transaction(tokens, start) => block_end(tokens, start)?,
        "IF" | "WHILE" => nested_guard_end(tokens, start, reader, depth + 1)?,
        _ => statement_end(tokens, start, reader).0,
    };
    let semicolon = first_significant(tokens, end).filter(|&next| tokens[next].token == Token::SemiColon);
    Some(semicolon.map_or(end, |semicolon| semicolon + 1))
}

/// Just after the `END [TRY | CATCH]` that closes the `BEGIN` at `start`.
fn block_end(tokens: &[TokenWithSpan], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    for index in start..tokens.len() {
        match unquoted_word(tokens, index).as_str() {
            "BEGIN" if !opens_transaction(tokens, index) => depth += 1,
            "CASE" => depth += 1,
            "END" => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    let after = next_significant(tokens, index);
                    let names_block =
                        after.filter(|&a| matches!(unquoted_word(tokens, a).as_str(), "TRY" | "CATCH"));
                    return Some(names_block.unwrap_or(index) + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether the `BEGIN` at `index` starts a statement (`BEGIN TRAN`, Service
/// Broker's `BEGIN DIALOG` and `BEGIN CONVERSATION TIMER`), not a block.
fn opens_transaction(tokens: &[TokenWithSpan], index: usize) -> bool {
    next_significant(tokens, index).is_some_and(|next| {
        matches!(
            unquoted_word(tokens, next).as_str(),
            "TRAN" | "TRANSACTION" | "DISTRIBUTED" | "DIALOG" | "CONVERSATION"
        )
    })
}

/// Where the statement at `start` ends, and the parser's message when it rejected
/// it: where sqlparser stopped, or else at the next top-level `;` or the next line
/// that starts with a statement word.
pub(crate) fn statement_end(
    tokens: &[TokenWithSpan],
    start: usize,
    reader: &StatementReader,
) -> (usize, Option<String>) {
    // A statement ends at the latest at the next `;` outside parentheses: the
    // parser need not see past it.
    let semicolon = outside_parentheses(tokens[start..].iter().map(|t| &t.token))
        .map(|offset| start + offset)
        .find(|&index| tokens[index].token == Token::SemiColon);
    let mut parser =
        parser_over(tokens[start..semicolon.map_or(tokens.len(), |s| s + 1)].to_vec(), reader.lowerer());
    let parsed = parser.parse_statement().map(|_| (start + parser.index()).min(tokens.len()));
    match parsed {
        // sqlparser stops where it finds no more of the statement: the next one
        // must start there, or it stopped early (`DECLARE c CURSOR` before `LOCAL`).
        Ok(end) if end > start => match first_significant(tokens, end) {
            Some(next) if !starts_statement(tokens, next) => {
                let found = &tokens[next];
                let at = found.span.start;
                let message =
                    format!("sql parser error: Expected: end of statement, found: {}{at}", found.token);
                (recovery_end(tokens, start), Some(message))
            }
            _ => (end, None),
        },
        Ok(_) => (recovery_end(tokens, start), None),
        Err(error) => (recovery_end(tokens, start), Some(error.to_string())),
    }
}

/// Whether token `index` can start the statement after another: `;`, a statement
/// word, or one that starts a statement only within others (`SET`, `SELECT`, `WITH`).
fn starts_statement(tokens: &[TokenWithSpan], index: usize) -> bool {
    let word = unquoted_word(tokens, index);
    tokens[index].token == Token::SemiColon
        || STATEMENT_WORDS.contains(&word.as_str())
        || matches!(word.as_str(), "SET" | "SELECT" | "WITH" | "GOTO")
}

/// The end of a statement the parser rejected: the next top-level `;`, or the
/// next statement word that starts a line.
fn recovery_end(tokens: &[TokenWithSpan], start: usize) -> usize {
    let line_start = |index: usize| {
        tokens[..index]
            .iter()
            .rev()
            .take_while(|t| is_trivia(&t.token))
            .any(|t| t.token.to_string().contains('\n'))
    };
    outside_parentheses(tokens[start..].iter().map(|t| &t.token))
        .map(|offset| start + offset)
        .filter(|&index| index > start)
        .find(|&index| {
            tokens[index].token == Token::SemiColon
                || (line_start(index) && STATEMENT_WORDS.contains(&unquoted_word(tokens, index).as_str()))
        })
        .unwrap_or(tokens.len())
}

/// Whether `tokens` hold one statement alone: nothing but a `;` follows where it
/// ends (at its first `;`, or at the next line that starts with a statement word).
/// A recogniser that reads a statement from its first words alone must not take a
/// whole T-SQL batch for it.
pub(crate) fn holds_one_statement(tokens: &[TokenWithSpan]) -> bool {
    let Some(first) = first_significant(tokens, 0) else { return true };
    let end = recovery_end(tokens, first);
    let after = if tokens.get(end).is_some_and(|t| t.token == Token::SemiColon) { end + 1 } else { end };
    first_significant(tokens, after).is_none()
}

/// What a statement of a block does: nothing for the bookkeeping a block does to
/// work (`None`), its operations, or the parser's message.
fn statement_ops(
    statement: &[TokenWithSpan],
    reader: &StatementReader,
    built: &mut BuiltText,
    rejected: Option<String>,
) -> Option<Result<Vec<Op>, String>> {
    let first = unquoted_word(statement, first_significant(statement, 0)?);
    if first == "SET" || BOOKKEEPING.contains(&first.as_str()) {
        // It may build text a later statement runs.
        built.observe(statement, reader.lowerer().dialect());
        return None;
    }
    match reader.statement_ops(statement, built) {
        Some(ops) => Some(Ok(ops)),
        None => Some(Err(rejected.unwrap_or_else(|| format!("nothing reads this `{first}` statement")))),
    }
}

#[cfg(test)]
mod tests {
    use crate::sql::Dialect;
    use crate::sql::op::Op;
    use crate::sql::parse::parsed_ops as ops;

    #[test]
    fn deeply_nested_guards_are_read_without_crashing() {
        let sql = format!("{}DROP TABLE t", "IF 1 = 1 ".repeat(10_000));
        let parsed = crate::sql::parse_file(sql.as_bytes(), Dialect::Mssql);
        assert!(!parsed.statements.is_empty());
    }

    #[test]
    fn a_block_without_its_end_is_said_at_its_begin() {
        let parsed = crate::sql::parse_file(
            b"IF 1 = 1\nBEGIN\n  ALTER TABLE dbo.t ADD b int NULL\nGO\nCREATE PROCEDURE dbo.p AS\nBEGIN\n  BEGIN DIALOG @h FROM SERVICE s TO SERVICE 't'\n  BEGIN TRY\n    DROP TABLE dbo.old\n  END TRY\n  BEGIN CATCH\n    THROW\n  END CATCH\nGO\nIF 1 = 1 BEGIN DROP TABLE dbo.x END",
            Dialect::Mssql,
        );
        let outcomes: Vec<_> = parsed.statements.iter().map(|s| (s.start.line, &s.outcome)).collect();
        assert!(
            matches!(&outcomes[..], [
                (1, crate::sql::Outcome::Parsed(guarded)),
                (2, crate::sql::Outcome::Rejected(unended)),
                (5, crate::sql::Outcome::Parsed(procedure)),
                (15, crate::sql::Outcome::Parsed(closed)),
            ] if matches!(guarded[..], [Op::AddColumn { .. }])
                && unended.contains("no `END`")
                // Service Broker's `BEGIN DIALOG` is a statement (unread), not a block.
                && matches!(&procedure[..], [Op::CreateFunction { body: Some(body), .. }]
                    if body.unread.len() == 2
                        && body.unread.iter().any(|u| u.contains("line 7"))
                        && body.unread.iter().any(|u| u.contains("the `BEGIN` at line 6 has no `END`")))
                && matches!(closed[..], [Op::DropTable { .. }])),
            "{outcomes:?}"
        );
    }

    #[test]
    fn a_batched_backfill_is_judged_by_its_update() {
        let found = ops(
            "WHILE 1 = 1\nBEGIN\n  UPDATE TOP (5000) dbo.orders SET currency = 'EUR' WHERE currency IS NULL\n  IF @@ROWCOUNT = 0 BREAK\nEND",
            Dialect::Mssql,
        );
        assert!(matches!(&found[..], [Op::Update { table, .. }] if table.key == "orders"), "{found:?}");
    }

    #[test]
    fn try_catch_transactions_and_labels_lead_to_the_statements_inside() {
        let found = ops(
            "IF 1 = 1\nBEGIN\n  BEGIN TRY\n    BEGIN TRANSACTION\n    ALTER TABLE t ADD a int NULL\n    COMMIT\n  END TRY\n  BEGIN CATCH\n    IF @@TRANCOUNT > 0 ROLLBACK\n    ;THROW\n  END CATCH\nEND\nELSE\n  DROP TABLE old",
            Dialect::Mssql,
        );
        assert!(matches!(found[0], Op::TransactionControl), "{found:?}");
        assert!(matches!(found[1], Op::AddColumn { .. }), "{found:?}");
        assert!(matches!(found.last(), Some(Op::DropTable { .. })), "{found:?}");
    }
}
