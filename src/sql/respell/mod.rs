//! Respellings of sqlparser's gaps: spellings a dialect takes that sqlparser
//! 0.64 rejects, read as spellings it takes that mean the same to A's code
//! (`x ISNULL` as `x IS NULL`, `LONG VARCHAR` as `MEDIUMTEXT`, T-SQL's
//! `NONCLUSTERED` left out). They live here and nowhere else, one module per
//! dialect, and each has a canary test asserting sqlparser still rejects the
//! original spelling: once an upgrade parses it, the canary fails and the
//! respelling is deleted.

pub(super) mod mysql;
pub(super) mod postgres;
pub(super) mod tsql;

#[cfg(test)]
pub(super) mod canary;

use sqlparser::tokenizer::TokenWithSpan;

use super::lower::Lowerer;
use super::op::Op;
use super::statement::parse_rewritten;
use super::tokens::leading_words;

/// What a spelling rule reads in place of the tokens from an index on: `tokens`,
/// then on from `resume`.
pub(super) struct Respelling {
    tokens: Vec<TokenWithSpan>,
    resume: usize,
}

impl Respelling {
    /// The tokens up to `resume` left out: a clause that changes nothing A's code sees.
    fn dropped(resume: usize) -> Option<Respelling> {
        Some(Respelling { tokens: Vec::new(), resume })
    }
}

/// A spelling of a dialect sqlparser does not take: at token `index` of a
/// statement whose first words are `head`, what to read instead, if anything.
pub(super) type SpellingRule = fn(&[TokenWithSpan], &[&str], usize) -> Option<Respelling>;

/// `tokens` with `rule` applied wherever it applies; `None` where it applies nowhere.
pub(super) fn respelled(tokens: &[TokenWithSpan], rule: SpellingRule) -> Option<Vec<TokenWithSpan>> {
    let leading = leading_words(tokens, 3);
    let head: Vec<&str> = leading.iter().map(String::as_str).collect();
    let mut respelled = Vec::with_capacity(tokens.len());
    let mut changed = false;
    let mut index = 0;
    while index < tokens.len() {
        match rule(tokens, &head, index) {
            // A rule always moves on, so reading ends.
            Some(Respelling { tokens: replacement, resume }) if resume > index => {
                respelled.extend(replacement);
                changed = true;
                index = resume;
            }
            _ => {
                respelled.push(tokens[index].clone());
                index += 1;
            }
        }
    }
    changed.then_some(respelled)
}

/// The statement parsed again as `rule` respells it.
pub(super) fn reparse_respelled(
    tokens: &[TokenWithSpan],
    lowerer: &Lowerer,
    rule: SpellingRule,
) -> Option<Vec<Op>> {
    parse_rewritten(tokens, respelled(tokens, rule)?, lowerer)
}
