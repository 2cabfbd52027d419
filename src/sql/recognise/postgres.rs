//! PostgreSQL statements sqlparser rejects or does not model.

use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace, Word};

use super::{
    Lowerer, Op, Respelling, ends_here, last_significant, next_significant, parser_over, reparse_respelled,
    token_like, top_level_words, unquoted_word,
};

/// DDL words worth naming when they appear inside dynamic SQL.
const DDL_MARKERS: [&str; 6] = ["ALTER", "DROP", "CREATE", "RENAME", "TRUNCATE", "DELETE"];

pub(super) fn before_parsing(tokens: &[TokenWithSpan], words: &[&str]) -> Option<Vec<Op>> {
    let op = match words {
        ["ALTER", "SEQUENCE", ..] if !top_level_words(tokens).iter().any(|w| w == "RENAME") => {
            Op::Housekeeping { what: "alter a sequence".into() }
        }
        ["REINDEX", ..] => Op::Housekeeping { what: "rebuild indexes".into() },
        ["CLUSTER", ..] => Op::Housekeeping { what: "reorder a table's rows on disk".into() },
        ["ALTER", "DEFAULT", "PRIVILEGES", ..] => Op::Grant,
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

/// Words sqlparser rejects that change nothing A's code sees: `DROP INDEX
/// CONCURRENTLY` (locking), `… WITH NO DATA` (when a materialized view is filled),
/// `ALTER INDEX IF EXISTS` (an index rename either way), a function's planner
/// estimates (`COST n`, `ROWS n`).
fn noise(tokens: &[TokenWithSpan], head: &[&str], index: usize) -> Option<Respelling> {
    let word = |i: usize| unquoted_word(tokens, i);
    let next = |i: usize| next_significant(tokens, i);
    match head {
        ["DROP", "INDEX", "CONCURRENTLY"] if word(index) == "CONCURRENTLY" => Respelling::dropped(index + 1),
        ["ALTER", "INDEX", "IF"] if word(index) == "IF" => {
            Respelling::dropped(next(index).filter(|&exists| word(exists) == "EXISTS")? + 1)
        }
        ["CREATE", "FUNCTION", _] | ["CREATE", "OR", "REPLACE"]
            if matches!(word(index).as_str(), "COST" | "ROWS") =>
        {
            let estimate = next(index).filter(|&e| matches!(tokens[e].token, Token::Number(..)))?;
            Respelling::dropped(estimate + 1)
        }
        ["CREATE", "MATERIALIZED", "VIEW"] if word(index) == "WITH" => {
            let after = next(index)?;
            let data = if word(after) == "NO" { next(after)? } else { after };
            (word(data) == "DATA").then_some(())?;
            Respelling::dropped(data + 1)
        }
        _ => None,
    }
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

/// PostgreSQL spellings sqlparser does not take, read as ones it does: the
/// postfix `x ISNULL` / `x NOTNULL`, and string constants continued on the next
/// line (`'a'` newline `'b'` is `'ab'`).
fn spelling(tokens: &[TokenWithSpan], _head: &[&str], index: usize) -> Option<Respelling> {
    let token = &tokens[index];
    let keyword = |word: &str| token_like(token, Token::make_keyword(word));
    let space = || token_like(token, Token::Whitespace(Whitespace::Space));
    let called = next_significant(tokens, index).is_some_and(|n| tokens[n].token == Token::LParen);
    match (unquoted_word(tokens, index).as_str(), &token.token) {
        ("ISNULL", _) if !called => {
            Some(Respelling { tokens: vec![keyword("IS"), space(), keyword("NULL")], resume: index + 1 })
        }
        ("NOTNULL", _) if !called => Some(Respelling {
            tokens: vec![keyword("IS"), space(), keyword("NOT"), space(), keyword("NULL")],
            resume: index + 1,
        }),
        (_, Token::SingleQuotedString(first)) => {
            let mut joined = first.clone();
            let mut last = index;
            while let Some(next) = next_significant(tokens, last) {
                let Token::SingleQuotedString(continued) = &tokens[next].token else { break };
                let on_a_new_line = tokens[last + 1..next]
                    .iter()
                    .any(|t| matches!(t.token, Token::Whitespace(Whitespace::Newline)));
                if !on_a_new_line {
                    break;
                }
                joined.push_str(continued);
                last = next;
            }
            (last > index).then(|| Respelling {
                tokens: vec![token_like(token, Token::SingleQuotedString(joined))],
                resume: last + 1,
            })
        }
        _ => None,
    }
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

/// `CREATE [OR REPLACE] PROCEDURE p(args) LANGUAGE … AS $$…$$` reads like a
/// function without `RETURNS`, which is how it is modelled.
fn procedure_as_function(tokens: &[TokenWithSpan], head: &[&str], index: usize) -> Option<Respelling> {
    let follows_create = last_significant(tokens, index).is_some_and(|p| {
        let previous = unquoted_word(tokens, p);
        previous == "CREATE" || (previous == "REPLACE" && head.starts_with(&["CREATE", "OR"]))
    });
    (head.first() == Some(&"CREATE") && unquoted_word(tokens, index) == "PROCEDURE" && follows_create).then(
        || Respelling {
            tokens: vec![token_like(&tokens[index], Token::make_keyword("FUNCTION"))],
            resume: index + 1,
        },
    )
}

/// Arguments typed `table.column%TYPE` (PL/pgSQL) become one quoted type name, so
/// signatures still tell functions apart.
fn column_type_reference(tokens: &[TokenWithSpan], _head: &[&str], index: usize) -> Option<Respelling> {
    let is_reference_part = |t: &TokenWithSpan| matches!(t.token, Token::Word(_) | Token::Period);
    // The reference is the run of words and dots that starts here and ends at `%`.
    let starts_here = matches!(tokens[index].token, Token::Word(_))
        && !index.checked_sub(1).is_some_and(|previous| is_reference_part(&tokens[previous]));
    if !starts_here {
        return None;
    }
    let percent = index + tokens[index..].iter().take_while(|t| is_reference_part(t)).count();
    if tokens.get(percent)?.token != Token::Mod {
        return None;
    }
    let kind = unquoted_word(tokens, percent + 1);
    if !matches!(kind.as_str(), "TYPE" | "ROWTYPE") {
        return None;
    }
    let reference: String = tokens[index..percent].iter().map(|t| t.token.to_string()).collect();
    let word =
        Word { value: format!("{reference}%{kind}"), quote_style: Some('"'), keyword: Keyword::NoKeyword };
    let span = tokens[index].span.union(&tokens[percent + 1].span);
    Some(Respelling { tokens: vec![TokenWithSpan { token: Token::Word(word), span }], resume: percent + 2 })
}
