//! Properties of reading any text, checked on generated migrations: every byte
//! lands in exactly one segment, statements lie inside the file and in order, a
//! statement's line and column lead back to its first byte, and a file split in
//! pieces of any size is split as it is whole. Nothing panics.
//! (`fuzz/` runs the same checks under libFuzzer for longer.)

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

use proptest::prelude::*;
use rollsafe::sql::{Dialect, LineIndex, SplitFile, parse_split, split, split_in_pieces};

const DIALECTS: [Dialect; 4] = [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite, Dialect::Mssql];

/// Text made of the pieces splitters care about: quotes of every kind, comments,
/// dollar quotes, batch separators, delimiters, keywords that open blocks, and
/// characters wider than a byte.
fn migration_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("CREATE TABLE t (a int);".to_owned()),
        Just("ALTER TABLE t DROP COLUMN a;".to_owned()),
        Just("CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql;".to_owned()),
        Just("CREATE PROCEDURE p AS BEGIN SELECT 1; END".to_owned()),
        Just("IF OBJECT_ID('v') IS NOT NULL DROP VIEW v".to_owned()),
        Just("DELIMITER //".to_owned()),
        Just("DELIMITER ;".to_owned()),
        Just("GO".to_owned()),
        Just("BEGIN".to_owned()),
        Just("END".to_owned()),
        Just("$$".to_owned()),
        Just("$tag$".to_owned()),
        Just("'".to_owned()),
        Just("\"".to_owned()),
        Just("`".to_owned()),
        Just("[".to_owned()),
        Just("--".to_owned()),
        Just("/*".to_owned()),
        Just("*/".to_owned()),
        Just("${placeholder}".to_owned()),
        // MySQL's conditional comments, empty ones too (whose bytes the tokenizer
        // makes no token of: found by this test).
        Just("/*!50100*/".to_owned()),
        Just("/*!50100 SET x = 1 */".to_owned()),
        Just(";".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\t".to_owned()),
        Just(" ".to_owned()),
        Just("é".to_owned()),
        Just("名前".to_owned()),
        Just("🦀".to_owned()),
        "[a-z_]{1,8}",
        "[0-9]{1,4}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.join(""))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_byte_is_in_exactly_one_segment(text in migration_text(), dialect in 0..4usize) {
        let split = split(text.as_bytes(), DIALECTS[dialect]);
        prop_assert_eq!(split.coverage_error(text.len()), None);
    }

    #[test]
    fn statements_lie_inside_the_file_in_order(text in migration_text(), dialect in 0..4usize) {
        let split = split(text.as_bytes(), DIALECTS[dialect]);
        let mut end = 0;
        for statement in &split.statements {
            prop_assert!(statement.range.start >= end && statement.range.end <= text.len(), "{:?}", statement.range);
            end = statement.range.end;
        }
    }

    #[test]
    fn a_statements_position_leads_back_to_its_first_byte(text in migration_text(), dialect in 0..4usize) {
        let split = split(text.as_bytes(), DIALECTS[dialect]);
        let lines = LineIndex::new(&text);
        for statement in split.statements.iter().filter(|s| s.unreadable.is_none()) {
            prop_assert_eq!(lines.byte_of(&text, statement.start), statement.range.start, "{:?}", statement);
        }
    }

    #[test]
    fn a_file_split_in_pieces_is_split_as_whole(text in migration_text(), dialect in 0..4usize, piece in 1..64usize) {
        let dialect = DIALECTS[dialect];
        let mut pieces = SplitFile::default();
        split_in_pieces(text.as_bytes(), dialect, piece, |split| {
            pieces.segments.extend(split.segments);
            pieces.statements.extend(split.statements);
        });
        prop_assert_eq!(outline(&pieces), outline(&split(text.as_bytes(), dialect)));
    }

    #[test]
    fn any_bytes_split_and_parse_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..512), dialect in 0..4usize) {
        let dialect = DIALECTS[dialect];
        let split = split(&bytes, dialect);
        prop_assert_eq!(split.coverage_error(bytes.len()), None);
        let _parsed = parse_split(split, dialect);
    }
}

/// A split file's segments and statements without its tokens, which pieces
/// number apart.
fn outline(split: &SplitFile) -> String {
    let segments: Vec<_> = split.segments.iter().map(|s| (s.kind, s.range.clone())).collect();
    let statements: Vec<_> =
        split.statements.iter().map(|s| (s.range.clone(), s.start, s.end, s.unreadable.clone())).collect();
    format!("{segments:?}\n{statements:?}")
}
