//! Matching broken names in code: every spelling of every name the window breaks
//! goes into one Aho-Corasick automaton, so each file is scanned once whatever
//! the number of names. Matching is ASCII case-insensitive (SQL identifiers are),
//! and a match counts only as a whole word: `user` is not found in `username`,
//! but is in `"user"`, `[dbo].[user]` and `user.id`.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::Utf16Span;

/// The spellings of a SQL name as code writes it, lower case. `created_at` is also
/// `createdAt` and `CreatedAt` (its letters without underscores, matched without
/// regard to case); with `model_like` (tables and views, which ORMs name after one
/// row) `users` is also `user`/`User`, and `people` also `person`.
pub fn spellings(name: &str, model_like: bool) -> Vec<String> {
    let name = name.to_ascii_lowercase();
    let mut forms = vec![name.clone()];
    if model_like {
        let one = singular(&name);
        if one == name {
            forms.push(plural(&name));
        }
        forms.push(one);
    }
    let joined: Vec<String> = forms.iter().filter(|f| f.contains('_')).map(|f| f.replace('_', "")).collect();
    forms.extend(joined);
    // A one-letter spelling made from a longer name (`as` → `a`) would match
    // everywhere; the name itself is kept whatever its length: a column `a`
    // dropped while A's code reads it must not pass for unused (fresh-user trial).
    forms.retain(|form| form.len() >= 2 || *form == name);
    forms.sort();
    forms.dedup();
    forms
}

/// English plurals no rule makes, as Rails' inflector knows them (singular, plural).
/// Matched at the end of a name, so `app_people` is `app_person` too.
const IRREGULAR: [(&str, &str); 9] = [
    ("person", "people"),
    ("man", "men"),
    ("woman", "women"),
    ("child", "children"),
    ("mouse", "mice"),
    ("goose", "geese"),
    ("index", "indices"),
    ("datum", "data"),
    ("ox", "oxen"),
];

/// A name whose last word is an irregular noun, in the other number: `people` →
/// `person`; `None` for other names. `to_plural` says which way.
fn irregular(name: &str, to_plural: bool) -> Option<String> {
    IRREGULAR.iter().find_map(|&(one, many)| {
        let (from, to) = if to_plural { (one, many) } else { (many, one) };
        let stem = name.strip_suffix(from)?;
        // A whole last word only: `human` is not `humen`, `ox` not `box`'s end.
        (stem.is_empty() || stem.ends_with('_')).then(|| format!("{stem}{to}"))
    })
}

/// The English singular of a table name's last word: `categories` → `category`,
/// `addresses` → `address`, `users` → `user`, `people` → `person`; other names unchanged.
fn singular(name: &str) -> String {
    if let Some(one) = irregular(name, false) {
        return one;
    }
    if let Some(stem) = name.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for ending in ["sses", "shes", "ches", "xes"] {
        if name.ends_with(ending) {
            return name[..name.len() - 2].to_owned();
        }
    }
    match name.strip_suffix('s') {
        Some(stem) if !stem.ends_with('s') && !stem.ends_with('u') => stem.to_owned(),
        _ => name.to_owned(),
    }
}

/// The English plural of a name: `category` → `categories`, `box` → `boxes`.
pub fn plural(name: &str) -> String {
    if let Some(many) = irregular(name, true) {
        return many;
    }
    let vowel_before_y = name.len() >= 2 && "aeiou".contains(&name[name.len() - 2..name.len() - 1]);
    if let Some(stem) = name.strip_suffix('y').filter(|_| !vowel_before_y) {
        return format!("{stem}ies");
    }
    if ["s", "x", "ch", "sh"].iter().any(|ending| name.ends_with(ending)) {
        return format!("{name}es");
    }
    format!("{name}s")
}

/// Whether `byte` can be part of an identifier, so a match next to it is part of
/// a longer word.
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// Where a spelling was found in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// The spelling's index among those the matcher was built with.
    pub pattern: usize,
    pub start: usize,
    pub end: usize,
}

/// Finds whole-word occurrences of many spellings at once.
pub struct Matcher {
    automaton: AhoCorasick,
}

impl Matcher {
    /// A matcher of `patterns` (lower case), found in any case.
    pub fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Result<Matcher, aho_corasick::BuildError> {
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(patterns)?;
        Ok(Matcher { automaton })
    }

    /// Every whole-word occurrence of every pattern in `text`, in order.
    pub fn hits(&self, text: &[u8]) -> Vec<Hit> {
        self.automaton
            .find_overlapping_iter(text)
            .filter(|found| {
                let before = found.start().checked_sub(1).and_then(|i| text.get(i));
                let after = text.get(found.end());
                !before.is_some_and(|b| is_word_byte(*b)) && !after.is_some_and(|b| is_word_byte(*b))
            })
            .map(|found| Hit { pattern: found.pattern().as_usize(), start: found.start(), end: found.end() })
            .collect()
    }
}

/// 1-based line and column (in characters) of byte offsets in a text, asked for
/// in increasing order.
pub struct Lines<'t> {
    text: &'t [u8],
    line: u64,
    line_start: usize,
    scanned: usize,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t [u8]) -> Self {
        Lines { text, line: 1, line_start: 0, scanned: 0 }
    }

    /// The line and column of `offset`, which is at least the last one asked for.
    pub fn position(&mut self, offset: usize) -> (u64, u64) {
        let offset = offset.min(self.text.len());
        if offset >= self.scanned {
            for newline in memchr::memchr_iter(b'\n', &self.text[self.scanned..offset]) {
                self.line += 1;
                self.line_start = self.scanned + newline + 1;
            }
            self.scanned = offset;
        }
        let column = String::from_utf8_lossy(&self.text[self.line_start..offset]).chars().count() as u64 + 1;
        (self.line, column)
    }

    /// The text of the line holding `offset`, trimmed.
    pub fn line_text(&self, offset: usize) -> String {
        let start = self.line_start_of(offset);
        let end = memchr::memchr(b'\n', &self.text[start..]).map_or(self.text.len(), |i| start + i);
        let line = String::from_utf8_lossy(&self.text[start..end]);
        let line = line.trim();
        // A minified line can be very long: the reference needs only its start.
        line.chars().take(160).collect()
    }

    /// Where the bytes `start..end` (on one line) sit on their line, in UTF-16 units.
    pub fn utf16_span(&self, start: usize, end: usize) -> Utf16Span {
        let end = end.min(self.text.len());
        let start = start.min(end);
        let line_start = self.line_start_of(start);
        let before = String::from_utf8_lossy(&self.text[line_start..start]);
        Utf16Span::of(&before, &String::from_utf8_lossy(&self.text[start..end]))
    }

    fn line_start_of(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_cover_orm_conventions() {
        assert_eq!(spellings("created_at", false), vec!["created_at", "createdat"]);
        assert_eq!(spellings("a", false), vec!["a"]);
        assert_eq!(spellings("as", true), vec!["as"]);
        assert_eq!(spellings("users", true), vec!["user", "users"]);
        assert_eq!(spellings("categories", true), vec!["categories", "category"]);
        assert_eq!(
            spellings("user_sessions", true),
            vec!["user_session", "user_sessions", "usersession", "usersessions"]
        );
        assert_eq!(spellings("address", true), vec!["address", "addresses"]);
        assert_eq!(spellings("people", true), vec!["people", "person"]);
        assert_eq!(spellings("person", true), vec!["people", "person"]);
        assert_eq!(
            spellings("app_children", true),
            vec!["app_child", "app_children", "appchild", "appchildren"]
        );
        assert_eq!(spellings("indices", true), vec!["index", "indices"]);
        assert_eq!(spellings("humans", true), vec!["human", "humans"], "no irregular inside a word");
        assert_eq!(spellings("User_ReadById", false), vec!["user_readbyid", "userreadbyid"]);
    }

    #[test]
    fn only_whole_words_match_in_any_case() {
        let matcher = Matcher::new(&["user", "createdat"]).expect("builds");
        let text = b"username user [dbo].[User] \"user\" user.id createdAt CreatedAt_x";
        let found: Vec<&str> = matcher
            .hits(text)
            .iter()
            .map(|hit| std::str::from_utf8(&text[hit.start..hit.end]).expect("ascii"))
            .collect();
        assert_eq!(found, vec!["user", "User", "user", "user", "createdAt"]);
    }

    #[test]
    fn positions_are_one_based_lines_and_character_columns() {
        let text = "a\n  é user\nx".as_bytes();
        let mut lines = Lines::new(text);
        let offset = text.windows(4).position(|w| w == b"user").expect("present");
        assert_eq!(lines.position(offset), (2, 5));
        assert_eq!(lines.line_text(offset), "é user");
        assert_eq!(lines.position(text.len() - 1), (3, 1));
    }

    #[test]
    fn spans_count_utf16_units_where_columns_count_characters() {
        // `ä`, `é`: one unit each; `😀`: one character, two units.
        let text = "x
const q = `SELECT \"nämé\", /* 😀 */ legacy FROM users`;
"
        .as_bytes();
        let mut lines = Lines::new(text);
        let start = text.windows(6).position(|w| w == b"legacy").expect("present");
        assert_eq!(lines.position(start), (2, 35), "the 35th character");
        assert_eq!(lines.utf16_span(start, start + 6), Utf16Span { column: 35, length: 6 });
        let smile = text.windows(4).position(|w| w == "😀".as_bytes()).expect("present");
        assert_eq!(lines.utf16_span(smile, smile + 4), Utf16Span { column: 29, length: 2 });
    }
}
