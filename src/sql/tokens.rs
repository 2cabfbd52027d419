//! Walking a statement's tokens past whitespace and comments: shared by splitting,
//! parsing and the recognisers.

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
