//! Walking a statement's tokens past whitespace and comments, and reading its
//! words: shared by splitting, parsing, the respellings, the recognisers and the
//! interpreters.

use sqlparser::tokenizer::{Token, TokenWithSpan};

/// Whitespace, comments and the end marker: what a statement's meaning skips.
pub(super) fn is_trivia(token: &Token) -> bool {
    matches!(token, Token::Whitespace(_) | Token::EOF)
}

/// The first significant token at or after `from`.
pub(super) fn first_significant(tokens: &[TokenWithSpan], from: usize) -> Option<usize> {
    (from..tokens.len()).find(|&i| !is_trivia(&tokens[i].token))
}

/// The first significant token after `index`.
pub(super) fn next_significant(tokens: &[TokenWithSpan], index: usize) -> Option<usize> {
    first_significant(tokens, index + 1)
}

/// The last significant token before `before`.
pub(super) fn last_significant(tokens: &[TokenWithSpan], before: usize) -> Option<usize> {
    (0..before.min(tokens.len())).rev().find(|&i| !is_trivia(&tokens[i].token))
}

/// The indices of the tokens outside any parentheses, the parentheses left out:
/// where a statement's own words are, not its arguments' or subqueries'.
pub(super) fn outside_parentheses<'t>(
    tokens: impl IntoIterator<Item = &'t Token>,
) -> impl Iterator<Item = usize> {
    tokens
        .into_iter()
        .enumerate()
        .scan(0usize, |depth, (index, token)| {
            let outside = match token {
                Token::LParen => {
                    *depth += 1;
                    false
                }
                Token::RParen => {
                    *depth = depth.saturating_sub(1);
                    false
                }
                _ => *depth == 0,
            };
            Some(outside.then_some(index))
        })
        .flatten()
}

/// The first `n` words of a statement, upper case.
pub(super) fn leading_words(tokens: &[TokenWithSpan], n: usize) -> Vec<String> {
    tokens
        .iter()
        .filter(|t| !is_trivia(&t.token))
        .take(n)
        .map(|t| match &t.token {
            Token::Word(word) => word.value.to_ascii_uppercase(),
            other => other.to_string(),
        })
        .collect()
}

/// The unquoted words outside parentheses, upper case: what a statement says it
/// does, without its arguments.
pub(super) fn top_level_words(tokens: &[TokenWithSpan]) -> Vec<String> {
    outside_parentheses(tokens.iter().map(|t| &t.token))
        .map(|index| unquoted_word(tokens, index))
        .filter(|word| !word.is_empty())
        .collect()
}

/// The token at `index` if it is an unquoted word, upper case; else empty.
pub(super) fn unquoted_word(tokens: &[TokenWithSpan], index: usize) -> String {
    match tokens.get(index).map(|t| &t.token) {
        Some(Token::Word(w)) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
        _ => String::new(),
    }
}

/// The index of the `)` that closes the `(` at `open`.
pub(super) fn closing_paren(tokens: &[TokenWithSpan], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (index, token) in tokens.iter().enumerate().skip(open) {
        match token.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

/// A token standing in for `original`'s text at its place.
pub(super) fn token_like(original: &TokenWithSpan, token: Token) -> TokenWithSpan {
    TokenWithSpan { token, span: original.span }
}
