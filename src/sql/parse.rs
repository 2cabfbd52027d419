//! Reads the statements of a split file, one at a time, into the operations each
//! performs: first the recognisers and interpreters that read a statement before
//! the parser (`recognise`, `interpret`), then sqlparser and lowering
//! (`statement`), then, when sqlparser rejects it, the recognisers that read it
//! after all (respellings included). A statement nothing reads keeps its position
//! and the parser's message; the statements after it are still read. T-SQL
//! batches, without `;` between statements, are read a statement at a time when
//! they hold a guard or loop or one statement sqlparser rejects.

use std::ops::Range;

use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::dialect::Dialect;
use super::interpret::block;
use super::interpret::built_text::BuiltText;
use super::interpret::{StatementReader, guard, routine};
use super::lower::Lowerer;
use super::op::Op;
use super::position::Position;
use super::recognise;
use super::split::{PIECE_BYTES, Segment, SplitFile, StatementSource, split_in_pieces};
use super::statement::{head, parse_tokens};
use super::tokens::{first_significant, last_significant, leading_words};

/// One statement of a migration file, located, with what it does.
#[derive(Debug, Clone)]
pub struct ParsedStatement {
    pub range: Range<usize>,
    pub start: Position,
    pub end: Position,
    /// The first words, upper case: `ALTER TABLE`, `CREATE INDEX`.
    pub head: String,
    pub outcome: Outcome,
}

/// What reading a statement gave.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The statement parsed; these are its operations.
    Parsed(Vec<Op>),
    /// The parser rejected it; the message is the parser's.
    Rejected(String),
    /// Its text could not be read (unterminated quote, invalid UTF-8).
    Unreadable(String),
}

/// A migration file read: the segments that cover it and its statements, parsed.
/// Reading needs no schema, so files are read in parallel ahead of the judge; the
/// file's tokens are dropped once parsed, to hold less while waiting.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub segments: Vec<Segment>,
    pub statements: Vec<ParsedStatement>,
}

/// Splits and parses `bytes`, a whole migration file, a piece at a time: a big
/// file's tokens are dropped piece by piece once parsed, never all held at once.
pub fn parse_file(bytes: &[u8], dialect: Dialect) -> ParsedFile {
    let mut file = ParsedFile { segments: Vec::new(), statements: Vec::new() };
    parse_in_pieces(bytes, dialect, PIECE_BYTES, |piece| {
        file.segments.extend(piece.segments);
        file.statements.extend(piece.statements);
    });
    file
}

/// Splits and parses `bytes`, a whole migration file, handing `each` a piece of
/// at least `piece_bytes` of it at a time, in order (see [`split_in_pieces`]): the
/// pieces' segments and statements, one after another, are [`parse_file`]'s.
/// A file longer than a piece is split on a thread of its own while the pieces
/// before are parsed, on both cores: only the order of the pieces matters.
pub(crate) fn parse_in_pieces(
    bytes: &[u8],
    dialect: Dialect,
    piece_bytes: usize,
    mut each: impl FnMut(ParsedFile),
) {
    let mut reading = Reading::new(dialect);
    let parse = |piece: SplitFile| {
        let mut statements = Vec::new();
        reading.read(&piece, &mut statements);
        each(ParsedFile { segments: piece.segments, statements });
    };
    if bytes.len() > piece_bytes {
        pipelined(|send| split_in_pieces(bytes, dialect, piece_bytes, send), parse);
    } else {
        split_in_pieces(bytes, dialect, piece_bytes, parse);
    }
}

/// Runs `produce` on a thread of its own, handing what it sends to `consume` on
/// this one, in order; the producer waits for the consumer to take each item, so
/// that a big file's pieces are never all held at once.
fn pipelined<T: Send>(produce: impl FnOnce(&mut dyn FnMut(T)) + Send, mut consume: impl FnMut(T)) {
    std::thread::scope(|scope| {
        let (sender, received) = std::sync::mpsc::sync_channel(1);
        scope.spawn(move || {
            produce(&mut |item| {
                // Fails only once the consumer is gone (it panicked): no one to hand it to.
                let _unwanted = sender.send(item);
            });
        });
        received.into_iter().for_each(&mut consume);
    });
}

/// A migration file as the thread that reads ahead of the judge hands it over:
/// parsed, or, when it is longer than a piece, still to be read, a piece at a time
/// as it is judged, so that a big file's statements are never all held parsed.
#[derive(Debug)]
pub enum ReadAhead<'a> {
    Parsed(ParsedFile),
    InPieces { bytes: &'a [u8], dialect: Dialect },
}

impl<'a> ReadAhead<'a> {
    /// Reads `bytes`, a whole migration file, or leaves it for later when it is
    /// longer than a piece.
    pub fn read(bytes: &'a [u8], dialect: Dialect) -> Self {
        if bytes.len() > PIECE_BYTES {
            ReadAhead::InPieces { bytes, dialect }
        } else {
            ReadAhead::Parsed(parse_file(bytes, dialect))
        }
    }
}

/// A file's statements, handed over whole or a piece at a time: what a file is
/// judged or replayed from.
pub trait Pieces {
    /// Hands `each` the statements, in order, in one piece or several.
    fn each_piece(&self, each: impl FnMut(&ParsedFile));
}

impl Pieces for ParsedFile {
    fn each_piece(&self, mut each: impl FnMut(&ParsedFile)) {
        each(self);
    }
}

impl Pieces for ReadAhead<'_> {
    /// At once when read ahead, else a piece at a time, each piece read when
    /// `each` is done with the one before, and dropped.
    fn each_piece(&self, mut each: impl FnMut(&ParsedFile)) {
        match self {
            ReadAhead::Parsed(file) => each(file),
            // Parsed on a thread of its own while the pieces before are judged.
            ReadAhead::InPieces { bytes, dialect } => {
                pipelined(|send| parse_in_pieces(bytes, *dialect, PIECE_BYTES, send), |piece| each(&piece))
            }
        }
    }
}

/// Parses a file already split (for a caller that looks at the split first).
pub fn parse_split(split: SplitFile, dialect: Dialect) -> ParsedFile {
    let statements = parse(&split, dialect);
    ParsedFile { segments: split.segments, statements }
}

/// Parses every statement of `split`, a split file.
pub fn parse(split: &SplitFile, dialect: Dialect) -> Vec<ParsedStatement> {
    let mut parsed = Vec::with_capacity(split.statements.len());
    Reading::new(dialect).read(split, &mut parsed);
    parsed
}

/// The statements of one file, read in order.
struct Reading {
    reader: StatementReader,
    /// Text a statement builds for a later one to run, within this file.
    built: BuiltText,
}

impl Reading {
    fn new(dialect: Dialect) -> Self {
        Reading {
            reader: StatementReader::new(Lowerer::new(dialect), statement_ops),
            built: BuiltText::default(),
        }
    }

    /// Reads the statements of `split`, the file or its next piece, into `out`.
    fn read(&mut self, split: &SplitFile, out: &mut Vec<ParsedStatement>) {
        out.reserve(split.statements.len());
        for source in &split.statements {
            let (tokens, bytes) = (split.tokens_of(source), split.token_bytes_of(source));
            parse_source(source, tokens, bytes, &self.reader, &mut self.built, out);
        }
    }
}

/// `bytes`: the byte range in the file of each of the source's `tokens`.
fn parse_source(
    source: &StatementSource,
    tokens: &[TokenWithSpan],
    bytes: &[Range<usize>],
    reader: &StatementReader,
    built: &mut BuiltText,
    out: &mut Vec<ParsedStatement>,
) {
    let whole = |outcome| ParsedStatement {
        range: source.range.clone(),
        start: source.start,
        end: source.end,
        head: head(tokens),
        outcome,
    };
    if let Some(message) = &source.unreadable {
        out.push(whole(Outcome::Unreadable(message.clone())));
        return;
    }
    let lowerer = reader.lowerer();
    let dialect = lowerer.dialect();
    if starts_tsql_block(tokens, dialect) {
        push_tsql_statements(tokens, bytes, reader, built, out);
        return;
    }
    if let Some(ops) = before_parsing(tokens, reader, built) {
        built.observe(tokens, dialect);
        out.push(whole(Outcome::Parsed(ops)));
        return;
    }
    match parse_tokens(tokens, dialect, lowerer) {
        // The usual case: the source is one statement, its range the source's.
        Ok(mut statements) if statements.len() == 1 => {
            let (_, ops) = statements.remove(0);
            out.push(whole(Outcome::Parsed(reader.judge(built, tokens, ops))));
        }
        // T-SQL without semicolons: locate each statement within the source; a
        // guard or loop among them is read like one that starts a source.
        Ok(statements) => {
            for (range, ops) in statements {
                let statement = &tokens[range.clone()];
                if starts_tsql_block(statement, dialect) {
                    push_guard(tokens, bytes, range, reader, built, out);
                } else {
                    let ops = reader.judge(built, statement, ops);
                    out.push(located(tokens, bytes, range, Outcome::Parsed(ops)));
                }
            }
        }
        Err(error) => {
            if let Some(ops) = after_rejection(tokens, reader) {
                out.push(whole(Outcome::Parsed(ops)));
                return;
            }
            // A routine's body is the rest of its batch: never statements of the migration.
            if defines_tsql_routine(tokens, dialect) {
                let message = routine::header_rejection(tokens, reader).unwrap_or_else(|| error.to_string());
                out.push(whole(Outcome::Rejected(message)));
                return;
            }
            // T-SQL without semicolons, one statement rejected: the others still judged.
            let several = dialect == Dialect::Mssql && {
                let first = first_significant(tokens, 0).unwrap_or_default();
                first_significant(tokens, block::statement_end(tokens, first, reader).0).is_some()
            };
            if several {
                push_tsql_statements(tokens, bytes, reader, built, out);
            } else {
                out.push(whole(Outcome::Rejected(error.to_string())));
            }
        }
    }
}

/// The T-SQL statements of a source read one at a time, each its own change: a
/// guard or loop with the statements it guards, any other statement as the
/// migration's own.
fn push_tsql_statements(
    tokens: &[TokenWithSpan],
    bytes: &[Range<usize>],
    reader: &StatementReader,
    built: &mut BuiltText,
    out: &mut Vec<ParsedStatement>,
) {
    let dialect = reader.lowerer().dialect();
    let mut from = 0;
    while let Some(start) = first_significant(tokens, from) {
        if tokens[start].token == Token::SemiColon {
            from = start + 1;
            continue;
        }
        if starts_tsql_block(&tokens[start..], dialect) {
            let end = block::guard_end(tokens, start, reader).unwrap_or(tokens.len());
            push_guard(tokens, bytes, start..end, reader, built, out);
            from = end;
            continue;
        }
        let (end, rejected) = block::statement_end(tokens, start, reader);
        let outcome = match statement_ops(&tokens[start..end], reader, built) {
            Some(ops) => Outcome::Parsed(ops),
            None => Outcome::Rejected(rejected.unwrap_or_else(|| "nothing reads this statement".to_owned())),
        };
        out.push(located(tokens, bytes, start..end, outcome));
        from = end;
    }
}

/// Whether `tokens` define a T-SQL routine, view or trigger, whose body runs
/// later, not when the migration does.
fn defines_tsql_routine(tokens: &[TokenWithSpan], dialect: Dialect) -> bool {
    let leading = leading_words(tokens, 4);
    let words: Vec<&str> = leading.iter().map(String::as_str).collect();
    let routine = |word: &str| matches!(word, "PROCEDURE" | "PROC" | "FUNCTION" | "TRIGGER" | "VIEW");
    dialect == Dialect::Mssql
        && match words.as_slice() {
            ["CREATE", "OR", "ALTER", kind, ..] | ["CREATE" | "ALTER", kind, ..] => routine(kind),
            _ => false,
        }
}

/// Whether `tokens` start with T-SQL's `IF` or `WHILE`, whose statements are read
/// one by one.
fn starts_tsql_block(tokens: &[TokenWithSpan], dialect: Dialect) -> bool {
    dialect == Dialect::Mssql
        && matches!(leading_words(tokens, 1).first().map(String::as_str), Some("IF" | "WHILE"))
}

/// The T-SQL guard or loop at token `range` of a source, one statement of the
/// file: its operations, and each statement in it that nothing reads on its own,
/// located, with the parser's message. A guard of bookkeeping alone (`PRINT`,
/// `RAISERROR`) changes nothing.
fn push_guard(
    tokens: &[TokenWithSpan],
    bytes: &[Range<usize>],
    range: Range<usize>,
    reader: &StatementReader,
    built: &mut BuiltText,
    out: &mut Vec<ParsedStatement>,
) {
    let statement = &tokens[range.clone()];
    let mut statements = guard::guarded_statements(statement, reader, built);
    built.observe(statement, reader.lowerer().dialect());
    let ops = block::ops_of(&mut statements);
    // Located in the block; the block starts at `range.start` of the source.
    let unread: Vec<_> = statements
        .into_iter()
        .filter_map(|inner| Some((inner.tokens, inner.read.err()?)))
        .map(|(inner, message)| (inner.start + range.start..inner.end + range.start, message))
        .collect();
    if !ops.is_empty() || unread.is_empty() {
        let ops = if ops.is_empty() { vec![Op::Query] } else { ops };
        out.push(located(tokens, bytes, range, Outcome::Parsed(ops)));
    }
    for (inner, message) in unread {
        out.push(located(tokens, bytes, inner, Outcome::Rejected(message)));
    }
}

/// The statement at token `range` of a source, from its first significant token
/// to its last.
fn located(
    tokens: &[TokenWithSpan],
    bytes: &[Range<usize>],
    range: Range<usize>,
    outcome: Outcome,
) -> ParsedStatement {
    let last = last_significant(tokens, range.end).unwrap_or(range.start);
    let first = first_significant(tokens, range.start).unwrap_or(range.start).min(last);
    let byte = |index: usize| bytes.get(index).cloned().unwrap_or_default();
    ParsedStatement {
        range: byte(first).start..byte(last).end,
        start: token_start(&tokens[first]),
        end: token_end(&tokens[last]),
        head: head(&tokens[first..]),
        outcome,
    }
}

/// The operations of one statement's tokens, read like a migration's statement:
/// how the interpreters read what they find inside statements.
fn statement_ops(
    tokens: &[TokenWithSpan],
    reader: &StatementReader,
    built: &mut BuiltText,
) -> Option<Vec<Op>> {
    before_parsing(tokens, reader, built).or_else(|| {
        let lowerer = reader.lowerer();
        match parse_tokens(tokens, lowerer.dialect(), lowerer) {
            Ok(parsed) => Some(
                parsed
                    .into_iter()
                    .flat_map(|(range, ops)| reader.judge(built, &tokens[range], ops))
                    .collect(),
            ),
            Err(_) => after_rejection(tokens, reader),
        }
    })
}

/// Statements read from their tokens alone, before the parser sees them: the
/// recognisers', and T-SQL's code (`IF` guards, procedures), whose bodies
/// sqlparser does not read. `built` holds the text earlier statements built, for
/// guarded statements that run it.
fn before_parsing(
    tokens: &[TokenWithSpan],
    reader: &StatementReader,
    built: &mut BuiltText,
) -> Option<Vec<Op>> {
    let dialect = reader.lowerer().dialect();
    // Asked of every statement: the first word looked at in place, not copied.
    let first = first_significant(tokens, 0).map(|at| &tokens[at].token);
    if dialect == Dialect::Postgres
        && matches!(first, Some(Token::Word(w)) if w.value.eq_ignore_ascii_case("DO"))
    {
        if let Some(ops) = routine::do_block(tokens, reader) {
            return Some(ops);
        }
    }
    recognise::before_parsing(tokens, dialect).or_else(|| {
        if dialect != Dialect::Mssql {
            return None;
        }
        let leading = leading_words(tokens, 4);
        match leading.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["IF" | "WHILE", ..] => guard::guarded_ops(tokens, reader, built),
            ["CREATE" | "ALTER", "PROCEDURE" | "PROC", ..]
            | ["CREATE", "OR", "ALTER", "PROCEDURE" | "PROC"] => routine::procedure(tokens, reader),
            _ => None,
        }
    })
}

/// Statements read after the parser rejected them: MySQL's routines, whose
/// `BEGIN … END` bodies sqlparser does not read, and the recognisers'.
fn after_rejection(tokens: &[TokenWithSpan], reader: &StatementReader) -> Option<Vec<Op>> {
    let lowerer = reader.lowerer();
    let routine = match lowerer.dialect() {
        Dialect::Mysql => true,
        // T-SQL functions whose body is a `BEGIN … END` block.
        Dialect::Mssql => {
            let leading = leading_words(tokens, 4);
            matches!(
                leading.iter().map(String::as_str).collect::<Vec<_>>().as_slice(),
                ["CREATE" | "ALTER", "FUNCTION", ..] | ["CREATE", "OR", "ALTER", "FUNCTION"]
            )
        }
        Dialect::Postgres | Dialect::Sqlite => false,
    };
    let routine = routine.then(|| routine::procedure(tokens, reader));
    routine.flatten().or_else(|| recognise::after_rejection(tokens, lowerer))
}

/// The operations of every statement of `sql`, for the tests of what reads them.
#[cfg(test)]
pub(super) fn parsed_ops(sql: &str, dialect: Dialect) -> Vec<Op> {
    parse_file(sql.as_bytes(), dialect)
        .statements
        .into_iter()
        .flat_map(|statement| match statement.outcome {
            Outcome::Parsed(ops) => ops,
            other => panic!("not recognised: {other:?}"),
        })
        .collect()
}

fn token_start(token: &TokenWithSpan) -> Position {
    Position::from_location(token.span.start).unwrap_or(Position::START)
}

fn token_end(token: &TokenWithSpan) -> Position {
    Position::from_location(token.span.end).unwrap_or(Position::START)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::split::split;

    fn parse_sql(sql: &str, dialect: Dialect) -> Vec<ParsedStatement> {
        parse(&split(sql.as_bytes(), dialect), dialect)
    }

    #[test]
    fn rejected_statement_keeps_its_line_and_the_next_still_parses() {
        let parsed =
            parse_sql("CREATE TABLE a (x int);\nALTER TABLE a FROB x;\nDROP TABLE a;", Dialect::Postgres);
        assert_eq!(parsed.len(), 3);
        assert!(matches!(&parsed[1].outcome, Outcome::Rejected(m) if m.contains("FROB")));
        assert_eq!(parsed[1].start.line, 2);
        assert!(matches!(&parsed[2].outcome, Outcome::Parsed(ops) if matches!(ops[0], Op::DropTable { .. })));
    }

    #[test]
    fn tsql_statements_without_semicolons_get_their_own_positions() {
        let sql = "CREATE TABLE a (x int)\nDROP TABLE b\nGO\n";
        let parsed = parse_sql(sql, Dialect::Mssql);
        assert_eq!(parsed.len(), 2, "{parsed:?}");
        assert_eq!(parsed[1].start, Position { line: 2, column: 1 });
        assert_eq!(&sql[parsed[1].range.clone()], "DROP TABLE b");
    }

    #[test]
    fn a_tsql_procedure_whose_header_is_not_read_stays_one_statement() {
        let sql =
            "CREATE PROCEDURE dbo.p\n  @a int = ,\n  @b int\nAS\nBEGIN\n  DROP TABLE t\n  SELECT 1\nEND";
        let parsed = parse_sql(sql, Dialect::Mssql);
        assert_eq!(parsed.len(), 1, "{parsed:?}");
        assert!(
            matches!(&parsed[0].outcome, Outcome::Rejected(m) if m.contains("Line: 2, Column: 12")),
            "{parsed:?}"
        );
    }

    #[test]
    fn names_carry_their_exact_position() {
        let parsed = parse_sql("ALTER TABLE users\n  DROP COLUMN email;", Dialect::Postgres);
        let Outcome::Parsed(ops) = &parsed[0].outcome else { panic!("{parsed:?}") };
        let Op::DropColumn { column, .. } = &ops[0] else { panic!("{ops:?}") };
        assert_eq!(column.at, Some(Position { line: 2, column: 15 }));
    }

    #[test]
    fn deep_or_chains_and_parentheses_are_rejected_not_crashed() {
        let chain = vec!["a = 1"; 10_000].join(" OR ");
        let parsed = parse_sql(&format!("DELETE FROM t WHERE {chain};"), Dialect::Postgres);
        assert_eq!(parsed.len(), 1);
        let deep = format!("SELECT {}1{};", "(".repeat(10_000), ")".repeat(10_000));
        let parsed = parse_sql(&deep, Dialect::Postgres);
        assert!(matches!(&parsed[0].outcome, Outcome::Rejected(m) if m.contains("recursion")));
    }
}
