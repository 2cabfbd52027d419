//! What every fuzz target checks: reading any bytes never panics, every byte
//! lands in exactly one segment, statements lie in order inside the file, a
//! statement's line and column lead back to its first byte, and splitting a file
//! in pieces gives exactly what splitting it whole gives. `tests/properties.rs`
//! checks the same on generated text with proptest; this runs them for longer.

use rollsafe::sql::{Dialect, LineIndex, SplitFile, parse_file, parse_split, split, split_in_pieces};

/// The dialect a fuzz input's selector byte picks.
pub fn dialect_of(selector: u8) -> Dialect {
    match selector % 4 {
        0 => Dialect::Postgres,
        1 => Dialect::Mysql,
        2 => Dialect::Sqlite,
        _ => Dialect::Mssql,
    }
}

/// Splits and parses `bytes` as a migration file of `dialect`, whole and in small
/// pieces, and panics (the fuzzer's finding) where an invariant breaks.
pub fn check_reading(bytes: &[u8], dialect: Dialect) {
    let whole = split(bytes, dialect);
    if let Some(error) = whole.coverage_error(bytes.len()) {
        panic!("{dialect:?}: {error}");
    }
    check_statement_order(&whole, bytes.len());
    if let Ok(text) = std::str::from_utf8(bytes) {
        let lines = LineIndex::new(text);
        for statement in whole.statements.iter().filter(|s| s.unreadable.is_none()) {
            let first_byte = lines.byte_of(text, statement.start);
            assert_eq!(first_byte, statement.range.start, "{dialect:?}: position of {statement:?}");
        }
    }

    // Cutting at 16-byte pieces forces a cut at nearly every statement end, where
    // the real pieces (`PIECE_BYTES`, 256 KiB) make one in thousands: the same
    // cutting rules, far more often.
    let mut pieces = SplitFile::default();
    split_in_pieces(bytes, dialect, 16, |piece| {
        pieces.segments.extend(piece.segments);
        pieces.statements.extend(piece.statements);
    });
    assert_eq!(outline(&pieces), outline(&whole), "{dialect:?}: pieces differ from the whole file");

    let parsed_whole = parse_split(whole, dialect);
    let parsed_in_pieces = parse_file(bytes, dialect);
    let ranges = |statements: &[rollsafe::sql::ParsedStatement]| {
        statements.iter().map(|s| (s.range.clone(), s.start, s.end, s.head.clone())).collect::<Vec<_>>()
    };
    assert_eq!(
        ranges(&parsed_in_pieces.statements),
        ranges(&parsed_whole.statements),
        "{dialect:?}: parsed statements"
    );
}

fn check_statement_order(split: &SplitFile, len: usize) {
    let mut end = 0;
    for statement in &split.statements {
        let range = &statement.range;
        assert!(
            range.start >= end && range.start <= range.end && range.end <= len,
            "statement out of order: {range:?}"
        );
        end = range.end;
    }
}

/// A split file's segments and statements, without its tokens (which pieces
/// number apart).
fn outline(split: &SplitFile) -> String {
    let segments: Vec<_> = split.segments.iter().map(|s| (s.kind, s.range.clone())).collect();
    let statements: Vec<_> =
        split.statements.iter().map(|s| (s.range.clone(), s.start, s.end, s.unreadable.clone())).collect();
    format!("{segments:?}\n{statements:?}")
}
