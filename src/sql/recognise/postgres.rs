//! PostgreSQL statements sqlparser rejects or does not model.

use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::sql::lower::Lowerer;
use crate::sql::op::Op;
use crate::sql::respell::postgres::{column_type_reference, noise, procedure_as_function, spelling};
use crate::sql::respell::reparse_respelled;
use crate::sql::statement::{ends_here, parser_over};
use crate::sql::tokens::top_level_words;

/// DDL words worth naming when they appear inside dynamic SQL.
const DDL_MARKERS: [&str; 6] = ["ALTER", "DROP", "CREATE", "RENAME", "TRUNCATE", "DELETE"];

pub(super) fn before_parsing(tokens: &[TokenWithSpan], words: &[&str]) -> Option<Vec<Op>> {
    let op = match words {
        ["ALTER", "SEQUENCE", ..] if !top_level_words(tokens).iter().any(|w| w == "RENAME") => {
            Op::Housekeeping { what: "alter a sequence".into() }
        }
        ["REINDEX", ..] => Op::Housekeeping { what: "rebuild indexes".into() },
        ["CLUSTER", ..] => Op::Housekeeping { what: "reorder a table's rows on disk".into() },
        // sqlparser takes only some object kinds (not functions, constraints).
        ["COMMENT", "ON", ..] => Op::Comment,
        ["DO", ..] => Op::DynamicSql { what: describe_do_block(tokens) },
        _ => return None,
    };
    Some(vec![op])
}

pub(super) fn after_rejection(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    reparse_respelled(tokens, lowerer, noise)
        .or_else(|| set_schema(tokens, lowerer))
        .or_else(|| renamed_sequence_or_attribute(tokens, lowerer))
        .or_else(|| reparse_respelled(tokens, lowerer, spelling))
        .or_else(|| table_storage(tokens))
        .or_else(|| constraint_deferrability(tokens, lowerer))
        .or_else(|| reparse_respelled(tokens, lowerer, procedure_as_function))
        .or_else(|| reparse_respelled(tokens, lowerer, column_type_reference))
}

/// A `DO` block runs procedural code: say which DDL its body mentions.
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

/// `ALTER TABLE t ALTER CONSTRAINT c [NOT] DEFERRABLE [INITIALLY DEFERRED |
/// IMMEDIATE]`: when a constraint is checked, at each statement or at commit. It
/// rejects the same rows, only later in the transaction.
fn constraint_deferrability(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    let mut parser = parser_over(tokens.to_vec(), lowerer);
    parser.expect_keywords(&[Keyword::ALTER, Keyword::TABLE]).ok()?;
    let _if_exists = parser.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    let _only = parser.parse_keyword(Keyword::ONLY);
    parser.parse_object_name(false).ok()?;
    parser.expect_keywords(&[Keyword::ALTER, Keyword::CONSTRAINT]).ok()?;
    let constraint = parser.parse_identifier().ok()?;
    let mut said = Vec::new();
    while let Some(word) = parser.parse_one_of_keywords(&[
        Keyword::NOT,
        Keyword::DEFERRABLE,
        Keyword::INITIALLY,
        Keyword::DEFERRED,
        Keyword::IMMEDIATE,
    ]) {
        said.push(format!("{word:?}"));
    }
    (!said.is_empty() && ends_here(&mut parser)).then(|| {
        let when = said.join(" ");
        vec![Op::Housekeeping {
            what: format!(
                "make constraint `{}` {when} (when it is checked, not what it rejects)",
                constraint.value
            ),
        }]
    })
}

/// `ALTER TABLE | VIEW [IF EXISTS] [ONLY] t SET SCHEMA s`: the object moves to
/// another schema, so names that reach it the old way (A's) stop working: a rename.
fn set_schema(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    let mut parser = parser_over(tokens.to_vec(), lowerer);
    parser.expect_keyword(Keyword::ALTER).ok()?;
    let view = parser.expect_one_of_keywords(&[Keyword::TABLE, Keyword::VIEW]).ok()? == Keyword::VIEW;
    let _if_exists = parser.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    let _only = parser.parse_keyword(Keyword::ONLY);
    let name = parser.parse_object_name(false).ok()?;
    parser.expect_keywords(&[Keyword::SET, Keyword::SCHEMA]).ok()?;
    let schema = parser.parse_identifier().ok()?;
    if !ends_here(&mut parser) {
        return None;
    }
    let last = name.0.last()?.clone();
    let moved = ObjectName(vec![ObjectNamePart::Identifier(schema), last]);
    let (from, to) = (lowerer.name(&name), lowerer.name(&moved));
    Some(vec![if view { Op::RenameView { from, to } } else { Op::RenameTable { from, to } }])
}

/// `ALTER SEQUENCE s RENAME TO t` (a sequence rename, in the same schema) and
/// `ALTER TYPE ty RENAME ATTRIBUTE a TO b` (a column of a composite type renamed).
fn renamed_sequence_or_attribute(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    let mut parser = parser_over(tokens.to_vec(), lowerer);
    parser.expect_keyword(Keyword::ALTER).ok()?;
    let kind = parser.expect_one_of_keywords(&[Keyword::SEQUENCE, Keyword::TYPE]).ok()?;
    let _if_exists = parser.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    let name = parser.parse_object_name(false).ok()?;
    parser.expect_keyword(Keyword::RENAME).ok()?;
    let op = if kind == Keyword::SEQUENCE {
        parser.expect_keyword(Keyword::TO).ok()?;
        let new = parser.parse_identifier().ok()?;
        let mut renamed = name.0.clone();
        *renamed.last_mut()? = ObjectNamePart::Identifier(new);
        Op::RenameSequence { from: lowerer.name(&name), to: lowerer.name(&ObjectName(renamed)) }
    } else {
        // `ATTRIBUTE` is no keyword to sqlparser.
        parser.parse_identifier().ok().filter(|word| word.value.eq_ignore_ascii_case("ATTRIBUTE"))?;
        let from = parser.parse_identifier().ok()?;
        parser.expect_keyword(Keyword::TO).ok()?;
        let to = parser.parse_identifier().ok()?;
        let column =
            |ident: &Ident| lowerer.name(&ObjectName(vec![ObjectNamePart::Identifier(ident.clone())]));
        Op::RenameColumn { table: lowerer.name(&name), from: column(&from), to: column(&to) }
    };
    ends_here(&mut parser).then(|| vec![op])
}

/// `ALTER TABLE t ALTER c SET STORAGE EXTERNAL`, `CLUSTER ON idx`, `SET WITHOUT
/// CLUSTER`: how rows are stored, not what A's code reads.
fn table_storage(tokens: &[TokenWithSpan]) -> Option<Vec<Op>> {
    let words = top_level_words(tokens);
    let single_action = !tokens.iter().any(|t| t.token == Token::Comma);
    let storage = words.windows(2).any(|pair| {
        matches!(pair, [a, b] if (a == "SET" && b == "STORAGE") || (a == "CLUSTER" && b == "ON") || (a == "WITHOUT" && b == "CLUSTER"))
    });
    (words.starts_with(&["ALTER".to_owned(), "TABLE".to_owned()]) && single_action && storage)
        .then(|| vec![Op::Housekeeping { what: "change how a table's rows are stored".into() }])
}

#[cfg(test)]
mod tests {
    use crate::sql::Dialect;
    use crate::sql::op::Op;
    use crate::sql::parse::parsed_ops as ops;
    use crate::sql::respell::canary::still_rejected;

    #[test]
    fn a_constraint_made_deferrable_is_housekeeping() {
        let sql = "ALTER TABLE orders ALTER CONSTRAINT orders_user_fk DEFERRABLE INITIALLY DEFERRED";
        still_rejected(Dialect::Postgres, sql);
        let found =
            ops(&format!("{sql};\nALTER TABLE ONLY t ALTER CONSTRAINT c NOT DEFERRABLE;"), Dialect::Postgres);
        assert!(
            matches!(&found[..], [Op::Housekeeping { what }, Op::Housekeeping { .. }] if what.contains("DEFERRABLE INITIALLY DEFERRED")),
            "{found:?}"
        );
    }

    #[test]
    fn a_do_block_of_static_sql_is_judged_by_the_statements_inside() {
        let found = ops(
            "DO $$\nDECLARE n int;\nBEGIN\n  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE column_name = 'total') THEN\n    ALTER TABLE orders RENAME COLUMN total TO amount;\n  END IF;\n  n := 1;\n  RAISE NOTICE 'done';\n  INSERT INTO users (id) VALUES (1);\nEND\n$$;\nDO $$ DECLARE r record; BEGIN FOR r IN SELECT 'DROP TABLE x' AS a LOOP EXECUTE r.a; END LOOP; END $$;\nDO LANGUAGE plv8 'plv8.execute(1)';\n\
             DO LANGUAGE 'plpgsql' $$ DECLARE n int; BEGIN FOR r IN SELECT 1 LOOP n = n + 1; CONTINUE; END LOOP; \
             IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'btree_gin') THEN CREATE EXTENSION btree_gin; END IF; END $$;",
            Dialect::Postgres,
        );
        assert!(matches!(&found[0], Op::RenameColumn { from, .. } if from.key == "total"), "{found:?}");
        // Names keep their place in the file, inside the body.
        let Op::RenameColumn { table, .. } = &found[0] else { unreachable!() };
        assert_eq!(table.at, Some(crate::sql::Position { line: 5, column: 17 }), "{found:?}");
        assert!(matches!(&found[1], Op::Insert { table, .. } if table.key == "users"), "{found:?}");
        assert!(matches!(&found[2], Op::DynamicSql { what } if what.starts_with("DO block")), "{found:?}");
        assert!(matches!(&found[3], Op::DynamicSql { what } if what.starts_with("DO block")), "{found:?}");
        assert!(matches!(&found[4], Op::CreateExtension { name } if name.key == "btree_gin"), "{found:?}");
        assert_eq!(found.len(), 5, "{found:?}");
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
}
