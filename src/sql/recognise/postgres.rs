//! PostgreSQL statements sqlparser rejects or does not model.

use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace, Word};

use super::{
    Lowerer, Op, is_trivia, next_significant, parse_rewritten, reparse_without, token_like, top_level_words,
    unquoted_word,
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
    reparse_without(tokens, lowerer, noise)
        .or_else(|| set_schema(tokens, lowerer))
        .or_else(|| renamed_sequence_or_attribute(tokens, lowerer))
        .or_else(|| reparse_spellings(tokens, lowerer))
        .or_else(|| table_storage(tokens))
        .or_else(|| procedure_as_function(tokens, lowerer))
        .or_else(|| column_type_references(tokens, lowerer))
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
fn noise(tokens: &[TokenWithSpan], head: &[&str], index: usize) -> usize {
    let word = |i: usize| unquoted_word(tokens, i);
    let next = |i: usize| next_significant(tokens, i);
    match head {
        ["DROP", "INDEX", "CONCURRENTLY"] if word(index) == "CONCURRENTLY" => 1,
        ["ALTER", "INDEX", "IF"] if word(index) == "IF" => match next(index) {
            Some(exists) if word(exists) == "EXISTS" => exists + 1 - index,
            _ => 0,
        },
        ["CREATE", "FUNCTION", _] | ["CREATE", "OR", "REPLACE"]
            if matches!(word(index).as_str(), "COST" | "ROWS") =>
        {
            match next(index) {
                Some(estimate) if matches!(tokens[estimate].token, Token::Number(..)) => estimate + 1 - index,
                _ => 0,
            }
        }
        ["CREATE", "MATERIALIZED", "VIEW"] if word(index) == "WITH" => match next(index) {
            Some(no) if word(no) == "NO" => match next(no) {
                Some(data) if word(data) == "DATA" => data + 1 - index,
                _ => 0,
            },
            Some(data) if word(data) == "DATA" => data + 1 - index,
            _ => 0,
        },
        _ => 0,
    }
}

/// `ALTER TABLE | VIEW [IF EXISTS] [ONLY] t SET SCHEMA s`: the object moves to
/// another schema, so names that reach it the old way (A's) stop working: a rename.
fn set_schema(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    let mut parser =
        Parser::new(lowerer.dialect().parser_dialect()).with_tokens_with_locations(tokens.to_vec());
    parser.expect_keyword(Keyword::ALTER).ok()?;
    let view = parser.expect_one_of_keywords(&[Keyword::TABLE, Keyword::VIEW]).ok()? == Keyword::VIEW;
    let _if_exists = parser.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    let _only = parser.parse_keyword(Keyword::ONLY);
    let name = parser.parse_object_name(false).ok()?;
    parser.expect_keywords(&[Keyword::SET, Keyword::SCHEMA]).ok()?;
    let schema = parser.parse_identifier().ok()?;
    let _semicolon = parser.consume_token(&Token::SemiColon);
    if parser.peek_token().token != Token::EOF {
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
    let mut parser =
        Parser::new(lowerer.dialect().parser_dialect()).with_tokens_with_locations(tokens.to_vec());
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
    let _semicolon = parser.consume_token(&Token::SemiColon);
    (parser.peek_token().token == Token::EOF).then(|| vec![op])
}

/// PostgreSQL spellings sqlparser does not take, rewritten to ones it does: the
/// postfix `x ISNULL` / `x NOTNULL`, and string constants continued on the next
/// line (`'a'` newline `'b'` is `'ab'`).
fn reparse_spellings(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    let mut rewritten: Vec<TokenWithSpan> = Vec::with_capacity(tokens.len());
    let mut changed = false;
    for (index, token) in tokens.iter().enumerate() {
        let called = next_significant(tokens, index).is_some_and(|n| tokens[n].token == Token::LParen);
        match unquoted_word(tokens, index).as_str() {
            "ISNULL" | "NOTNULL" if !called => {
                let not = unquoted_word(tokens, index) == "NOTNULL";
                let space = token_like(token, Token::Whitespace(Whitespace::Space));
                rewritten.push(token_like(token, Token::make_keyword("IS")));
                rewritten.push(space.clone());
                if not {
                    rewritten.push(token_like(token, Token::make_keyword("NOT")));
                    rewritten.push(space);
                }
                rewritten.push(token_like(token, Token::make_keyword("NULL")));
                changed = true;
                continue;
            }
            _ => {}
        }
        if let Token::SingleQuotedString(continued) = &token.token {
            let previous = rewritten.iter().rposition(|t| !is_trivia(&t.token));
            let on_a_new_line = previous.is_some_and(|p| {
                rewritten[p + 1..].iter().any(|t| matches!(t.token, Token::Whitespace(Whitespace::Newline)))
            });
            if let (Some(previous), true) = (previous, on_a_new_line) {
                if let Token::SingleQuotedString(first) = &rewritten[previous].token {
                    let joined = format!("{first}{continued}");
                    rewritten.truncate(previous);
                    rewritten.push(token_like(token, Token::SingleQuotedString(joined)));
                    changed = true;
                    continue;
                }
            }
        }
        rewritten.push(token.clone());
    }
    if !changed {
        return None;
    }
    parse_rewritten(tokens, rewritten, lowerer)
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
fn procedure_as_function(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    let words = top_level_words(tokens);
    let procedure = match words.as_slice() {
        [create, procedure, ..] if create == "CREATE" && procedure == "PROCEDURE" => 1,
        [create, or, replace, procedure, ..]
            if create == "CREATE" && or == "OR" && replace == "REPLACE" && procedure == "PROCEDURE" =>
        {
            3
        }
        _ => return None,
    };
    let index = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !is_trivia(&t.token))
        .nth(procedure)
        .map(|(index, _)| index)?;
    let mut rewritten = tokens.to_vec();
    rewritten[index].token = Token::make_keyword("FUNCTION");
    parse_rewritten(tokens, rewritten, lowerer)
}

/// Arguments typed `table.column%TYPE` (PL/pgSQL) become one quoted type name, so
/// signatures still tell functions apart.
fn column_type_references(tokens: &[TokenWithSpan], lowerer: &Lowerer) -> Option<Vec<Op>> {
    let mut rewritten: Vec<TokenWithSpan> = Vec::with_capacity(tokens.len());
    let mut replaced = false;
    let mut index = 0;
    while index < tokens.len() {
        let type_word = (tokens[index].token == Token::Mod)
            .then(|| index + 1)
            .filter(|&next| matches!(unquoted_word(tokens, next).as_str(), "TYPE" | "ROWTYPE"));
        let Some(type_word) = type_word else {
            rewritten.push(tokens[index].clone());
            index += 1;
            continue;
        };
        // The reference is the run of words and dots just before the `%`.
        let start = rewritten
            .iter()
            .rposition(|t| !matches!(t.token, Token::Word(_) | Token::Period))
            .map_or(0, |last_other| last_other + 1);
        if start == rewritten.len() {
            return None;
        }
        let reference: String = rewritten[start..].iter().map(|t| t.token.to_string()).collect();
        let span = rewritten[start].span.union(&tokens[type_word].span);
        rewritten.truncate(start);
        rewritten.push(TokenWithSpan {
            token: Token::Word(Word {
                value: format!("{reference}%{}", unquoted_word(tokens, type_word)),
                quote_style: Some('"'),
                keyword: Keyword::NoKeyword,
            }),
            span,
        });
        replaced = true;
        index = type_word + 1;
    }
    if !replaced {
        return None;
    }
    parse_rewritten(tokens, rewritten, lowerer)
}
