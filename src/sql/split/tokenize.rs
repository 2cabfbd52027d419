//! Tokenizing a piece of a migration: sqlparser's tokenizer, with a faster path
//! for the PostgreSQL text most migrations are made of.
//!
//! sqlparser reads a character at a time through a peekable iterator, looks at
//! the dialect for each one and builds every literal a character at a time; on
//! the PostgreSQL corpus that is a fifth of all of `check`'s time. The fast path
//! reads bytes and slices: words, quoted names, strings, numbers, comments,
//! dollar quotes, punctuation and the plain operators. Anything else (escape and
//! bit strings, custom operators, parameters, `COPY … FROM STDIN`, characters
//! outside ASCII outside quotes and comments, an unterminated quote) gives the
//! piece back to sqlparser whole, so every token is exactly the one sqlparser
//! gives, span included (a unit test and a fuzz target compare the two).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use sqlparser::ast::DollarQuotedString;
use sqlparser::keywords::{ALL_KEYWORDS, ALL_KEYWORDS_INDEX, Keyword};
use sqlparser::tokenizer::{
    Location, Span, Token, TokenWithSpan, Tokenizer, TokenizerError, Whitespace, Word,
};

use super::Dialect;
use crate::sql::position::{Cursor, Position};

/// Tokens of a text, as sqlparser's tokenizer gives them.
pub(super) struct Tokenized {
    pub tokens: Vec<TokenWithSpan>,
    /// Where each token is in the text, as bytes, when the fast path read it
    /// (sqlparser gives lines and columns only).
    pub bytes: Option<Vec<Range<usize>>>,
    pub error: Option<TokenizerError>,
}

/// Tokenizes `text`, a piece of a file, without unescaping, each token through
/// `mapper`; `after_statement` when a `;` ends what comes before it (sqlparser
/// reads some tokens by the one before them).
pub(super) fn tokenize_piece(
    dialect: Dialect,
    text: &str,
    after_statement: bool,
    mapper: impl FnMut(TokenWithSpan) -> TokenWithSpan,
) -> Tokenized {
    read(dialect, text, Unescape::No, after_statement, mapper)
}

/// Tokenizes `text` as sqlparser's tokenizer does by default (quotes doubled
/// within a string or a quoted name read as one): how the text of a routine's
/// body or of built SQL is read.
pub(crate) fn tokenize(dialect: Dialect, text: &str) -> Result<Vec<TokenWithSpan>, TokenizerError> {
    let read = read(dialect, text, Unescape::Yes, false, |token| token);
    read.error.map_or(Ok(read.tokens), Err)
}

/// The fast path where it reads `text`, else sqlparser's tokenizer.
fn read(
    dialect: Dialect,
    text: &str,
    unescape: Unescape,
    after_statement: bool,
    mut mapper: impl FnMut(TokenWithSpan) -> TokenWithSpan,
) -> Tokenized {
    let mut tokens = Vec::new();
    if dialect == Dialect::Postgres {
        let mut bytes = Vec::new();
        // The fast path reads no token by the one before it. A piece's INSERT
        // rows after the first are only checked, not kept (see `LiteralRows`).
        let rows = if unescape == Unescape::No { Rows::Skipped } else { Rows::Kept };
        if postgres(text, unescape, rows, &mut tokens, &mut bytes, &mut mapper).is_some() {
            return Tokenized { tokens, bytes: Some(bytes), error: None };
        }
        tokens.clear();
    }
    if after_statement {
        tokens.push(TokenWithSpan::wrap(Token::SemiColon));
    }
    let error = Tokenizer::new(dialect.parser_dialect(), text)
        .with_unescape(unescape == Unescape::Yes)
        .tokenize_with_location_into_buf_with_mapper(&mut tokens, mapper)
        .err();
    if after_statement {
        tokens.remove(0);
    }
    Tokenized { tokens, bytes: None, error }
}

/// Compares the fast path with sqlparser on `text`, for tests and fuzzing:
/// `Ok(true)` when the fast path read it and gave exactly sqlparser's tokens and
/// spans, `Ok(false)` when it left it to sqlparser, `Err` with the first
/// difference otherwise.
pub fn compare_fast_path(text: &str) -> Result<bool, String> {
    let mut read = false;
    for unescape in [Unescape::No, Unescape::Yes] {
        read = compare_in(text, unescape)?;
    }
    if read {
        compare_skipped_rows(text)?;
    }
    Ok(read)
}

/// Checks that a piece's tokens with INSERT rows skipped (see [`Rows::Skipped`])
/// are all of the tokens, same spans and bytes, less some that are not the last.
fn compare_skipped_rows(text: &str) -> Result<(), String> {
    let read = |rows| {
        let (mut tokens, mut bytes) = (Vec::new(), Vec::new());
        postgres(text, Unescape::No, rows, &mut tokens, &mut bytes, &mut |token| token)
            .map(|()| tokens.into_iter().zip(bytes).collect::<Vec<_>>())
    };
    let (Some(skipped), Some(all)) = (read(Rows::Skipped), read(Rows::Kept)) else {
        return Err("the fast path read the text with INSERT rows skipped and not with all".to_owned());
    };
    type Read = (TokenWithSpan, Range<usize>);
    let same = |(a, b): (&Read, &Read)| a.0.token == b.0.token && a.0.span == b.0.span && a.1 == b.1;
    let mut rest = all.iter();
    for token in &skipped {
        if !rest.by_ref().any(|kept| same((kept, token))) {
            return Err(format!(
                "with INSERT rows skipped, {token:?} is not one of all the tokens, in order"
            ));
        }
    }
    match (skipped.last(), all.last()) {
        (Some(last), Some(all_last)) if !same((last, all_last)) => {
            Err(format!("with INSERT rows skipped, the last token is {last:?}, not {all_last:?}"))
        }
        _ => Ok(()),
    }
}

fn compare_in(text: &str, unescape: Unescape) -> Result<bool, String> {
    let (mut fast, mut bytes) = (Vec::new(), Vec::new());
    if postgres(text, unescape, Rows::Kept, &mut fast, &mut bytes, &mut |token| token).is_none() {
        return Ok(false);
    }
    let slow = Tokenizer::new(Dialect::Postgres.parser_dialect(), text)
        .with_unescape(unescape == Unescape::Yes)
        .tokenize_with_location()
        .map_err(|error| format!("the fast path read what sqlparser rejects: {error}"))?;
    // `TokenWithSpan` equality ignores spans: they are compared one by one.
    let differ =
        |(fast, slow): &(&TokenWithSpan, &TokenWithSpan)| fast.token != slow.token || fast.span != slow.span;
    match fast.iter().zip(&slow).find(differ) {
        Some((fast, slow)) => Err(format!("{unescape:?}: fast path {fast:?}, sqlparser {slow:?}")),
        None if fast.len() != slow.len() => Err(format!("{} tokens, sqlparser {}", fast.len(), slow.len())),
        None => {
            // The bytes each token covers are those its span covers (tokens come in order).
            let mut cursor = Cursor::new(text);
            let mut byte = |location| Position::from_location(location).map_or(0, |p| cursor.byte_of(p));
            match fast
                .iter()
                .zip(&bytes)
                .find(|(token, bytes)| (byte(token.span.start)..byte(token.span.end)) != **bytes)
            {
                Some((token, bytes)) => Err(format!("{token:?} said to cover bytes {bytes:?}")),
                None => Ok(true),
            }
        }
    }
}

/// Whether a quote doubled inside a string or quoted name is read as one
/// (sqlparser's `with_unescape`); PostgreSQL strings escape nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unescape {
    No,
    Yes,
}

impl Unescape {
    /// The text between two `quote`s as the token holds it.
    fn quoted<'t>(self, inner: &'t str, quote: &str) -> Cow<'t, str> {
        match self {
            Unescape::Yes if inner.contains(quote) => inner.replace(&quote.repeat(2), quote).into(),
            _ => inner.into(),
        }
    }
}

/// Where the fast path stands: a byte offset and sqlparser's location of it
/// (lines from 1, columns counted in characters from 1). It walks bytes to
/// locations, the way [`Cursor`] walks locations back to bytes.
#[derive(Clone)]
struct Scan<'t> {
    bytes: &'t [u8],
    at: usize,
    line: u64,
    column: u64,
}

impl Scan<'_> {
    fn location(&self) -> Location {
        Location { line: self.line, column: self.column }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.at + ahead).copied()
    }

    /// Moves past `len` bytes that hold no line break and only ASCII.
    fn skip_ascii(&mut self, len: usize) {
        self.at += len;
        self.column += len as u64;
    }

    /// Moves to `end`, past bytes of any kind: lines counted at `\n`, columns in
    /// characters (a UTF-8 continuation byte starts none).
    fn skip_to(&mut self, end: usize) {
        for &byte in &self.bytes[self.at..end] {
            if byte == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if byte & 0xC0 != 0x80 {
                self.column += 1;
            }
        }
        self.at = end;
    }
}

/// Bytes that may continue a PostgreSQL operator (sqlparser's
/// `is_custom_operator_part`): after one of them an operator may be more than
/// one character, which the fast path leaves to sqlparser.
fn continues_operator(byte: Option<u8>) -> bool {
    matches!(
        byte,
        Some(
            b'+' | b'-'
                | b'*'
                | b'/'
                | b'<'
                | b'>'
                | b'='
                | b'~'
                | b'!'
                | b'@'
                | b'#'
                | b'%'
                | b'^'
                | b'&'
                | b'|'
                | b'`'
                | b'?'
        )
    )
}

/// Continues an unquoted PostgreSQL name; anything not ASCII is left to sqlparser.
fn continues_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$'
}

/// The PostgreSQL fast path: `None` when the text holds anything it leaves to
/// sqlparser (what it pushed is then to be dropped).
fn postgres(
    text: &str,
    unescape: Unescape,
    rows: Rows,
    buf: &mut Vec<TokenWithSpan>,
    bytes: &mut Vec<Range<usize>>,
    mapper: &mut impl FnMut(TokenWithSpan) -> TokenWithSpan,
) -> Option<()> {
    let mut cursor = Scan { bytes: text.as_bytes(), at: 0, line: 1, column: 1 };
    let mut insert = LiteralRows::default();
    // Where the last row left without tokens starts, at its comma, while the
    // ones after it may be too. It is read again, its tokens kept, when no row
    // follows, so that its statement ends where it does.
    let mut last_skipped: Option<Scan<'_>> = None;
    loop {
        let byte = cursor.peek(0);
        if rows == Rows::Skipped && byte == Some(b',') && insert.between_rows() {
            if let Some(past) = past_literal_row(text, cursor.clone()) {
                last_skipped = Some(std::mem::replace(&mut cursor, past));
                continue;
            }
        }
        // Whitespace after a skipped row went with it: something else follows it.
        if let Some(at_comma) = last_skipped.take() {
            cursor = at_comma;
            insert.keep_rows();
            continue;
        }
        let Some(byte) = byte else {
            return Some(());
        };
        let (start, from) = (cursor.location(), cursor.at);
        let token = next_token(text, unescape, &mut cursor, byte)?;
        if rows == Rows::Skipped {
            insert.observe(&token);
        }
        buf.push(mapper(TokenWithSpan { token, span: Span::new(start, cursor.location()) }));
        bytes.push(from..cursor.at);
    }
}

/// Whether the rows of a multi-row INSERT after its first are kept as tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rows {
    Kept,
    /// The rows of literals (`, (1, 'a', NULL, -2, '…'::date)`, what
    /// `statement::literal_rows` reads as literal) between the first row and the
    /// last (or one that is not only literals) are read and checked but leave no
    /// token: an INSERT's rows tell nothing its first row and its head do not
    /// (the rest of the statement is read as before), and a single INSERT of a
    /// dump's millions of rows would otherwise hold tokens many times its size
    /// (1.35 GB for 50 MB) where a file is otherwise read a piece at a time.
    /// The statement's text and every position are unchanged.
    Skipped,
}

/// Where the tokens of a piece stand in a PostgreSQL `INSERT INTO … VALUES`,
/// watched token by token: between two rows of its VALUES list, after the first.
#[derive(Debug, Default)]
struct LiteralRows {
    state: InsertState,
    depth: usize,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum InsertState {
    /// At the start of a statement.
    #[default]
    Start,
    Insert,
    /// Past `INSERT INTO`, before `VALUES`.
    Head,
    Values,
    FirstRow,
    /// Past the first row's `)`.
    Rows,
    /// Anything else, up to the statement's end.
    Other,
}

impl LiteralRows {
    fn between_rows(&self) -> bool {
        self.state == InsertState::Rows && self.depth == 0
    }

    /// Every token kept up to the statement's end.
    fn keep_rows(&mut self) {
        self.state = InsertState::Other;
    }

    fn observe(&mut self, token: &Token) {
        use InsertState::{FirstRow, Head, Insert, Other, Rows, Start, Values};
        match token {
            Token::Whitespace(_) => return,
            Token::LParen => self.depth += 1,
            Token::RParen => self.depth = self.depth.saturating_sub(1),
            Token::SemiColon if self.depth == 0 => {
                self.state = Start;
                return;
            }
            _ => {}
        }
        // Most tokens are of other statements: only their end is looked for.
        if self.state == Other {
            return;
        }
        let keyword = match token {
            Token::Word(word) if word.quote_style.is_none() => word.keyword,
            _ => Keyword::NoKeyword,
        };
        self.state = match (self.state, keyword, token) {
            (Start, Keyword::INSERT, _) => Insert,
            (Insert, Keyword::INTO, _) => Head,
            (Head, Keyword::VALUES, _) if self.depth == 0 => Values,
            (Head, ..) => Head,
            (Values, _, Token::LParen) => FirstRow,
            (FirstRow, ..) if self.depth == 0 => Rows,
            (FirstRow, ..) => FirstRow,
            _ => Other,
        };
    }
}

/// The scan past `, (…)`, a row of literals and the comma before it, where
/// `scan` stands at that comma; `None` when something else is there.
fn past_literal_row<'t>(text: &str, mut scan: Scan<'t>) -> Option<Scan<'t>> {
    let mut next = || loop {
        let byte = scan.peek(0)?;
        match next_token(text, Unescape::No, &mut scan, byte)? {
            Token::Whitespace(_) => {}
            token => return Some(token),
        }
    };
    (next()? == Token::Comma && next()? == Token::LParen).then_some(())?;
    loop {
        let mut token = next()?;
        if token == Token::Minus {
            token = next()?;
            matches!(token, Token::Number(..)).then_some(())?;
        }
        match &token {
            Token::Number(..) | Token::SingleQuotedString(_) => {}
            Token::Word(word)
                if word.quote_style.is_none()
                    && matches!(word.keyword, Keyword::NULL | Keyword::TRUE | Keyword::FALSE) => {}
            _ => return None,
        }
        let mut after = next()?;
        if after == Token::DoubleColon {
            matches!(next()?, Token::Word(word) if word.quote_style.is_none()).then_some(())?;
            after = next()?;
        }
        match after {
            Token::Comma => {}
            Token::RParen => break,
            _ => return None,
        }
    }
    // And past the whitespace and comments after the row, up to what follows it.
    while let Some(byte) = scan.peek(0) {
        let mut ahead = scan.clone();
        match next_token(text, Unescape::No, &mut ahead, byte) {
            Some(Token::Whitespace(_)) => scan = ahead,
            _ => break,
        }
    }
    Some(scan)
}

/// The token at the cursor, whose first byte is `byte`, and the cursor past it.
fn next_token(text: &str, unescape: Unescape, cursor: &mut Scan<'_>, byte: u8) -> Option<Token> {
    let start = cursor.at;
    let next = cursor.peek(1);
    let simple = |token: Token, cursor: &mut Scan<'_>| {
        cursor.skip_ascii(1);
        Some(token)
    };
    match byte {
        b' ' => simple(Token::Whitespace(Whitespace::Space), cursor),
        b'\t' => simple(Token::Whitespace(Whitespace::Tab), cursor),
        b'\n' => {
            cursor.skip_to(start + 1);
            Some(Token::Whitespace(Whitespace::Newline))
        }
        b'\r' => {
            // `\r\n` is one line break; `\r` alone one too, though it starts no line.
            let len = if next == Some(b'\n') { 2 } else { 1 };
            cursor.skip_to(start + len);
            Some(Token::Whitespace(Whitespace::Newline))
        }
        b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
            // A letter before a quote may start a literal of its own (E'…', B'…',
            // X'…', N'…', U&'…').
            if matches!(next, Some(b'\'' | b'"' | b'&')) && byte != b'_' {
                return None;
            }
            let len = text.as_bytes()[start..].iter().take_while(|&&b| continues_word(b)).count();
            if cursor.peek(len).is_some_and(|b| !b.is_ascii()) {
                return None;
            }
            let word = &text[start..start + len];
            // `COPY … FROM STDIN` data follows its statement's `;`: sqlparser's to read.
            if word.eq_ignore_ascii_case("stdin") {
                return None;
            }
            cursor.skip_ascii(len);
            Some(Token::Word(Word { value: word.to_owned(), quote_style: None, keyword: keyword(word) }))
        }
        b'"' => {
            let inner = quoted(text, start, b'"')?;
            cursor.skip_to(inner.end + 1);
            Some(Token::make_word(&unescape.quoted(&text[inner], "\""), Some('"')))
        }
        b'\'' => {
            let inner = quoted(text, start, b'\'')?;
            cursor.skip_to(inner.end + 1);
            Some(Token::SingleQuotedString(unescape.quoted(&text[inner], "'").into_owned()))
        }
        b'0'..=b'9' => number(text, cursor),
        b'(' => simple(Token::LParen, cursor),
        b')' => simple(Token::RParen, cursor),
        b',' => simple(Token::Comma, cursor),
        b';' => simple(Token::SemiColon, cursor),
        b'[' => simple(Token::LBracket, cursor),
        b']' => simple(Token::RBracket, cursor),
        b'+' => simple(Token::Plus, cursor),
        b'*' => simple(Token::Mul, cursor),
        b':' => match next {
            Some(b':') => {
                cursor.skip_ascii(2);
                Some(Token::DoubleColon)
            }
            Some(b'=') => None,
            _ => simple(Token::Colon, cursor),
        },
        b'.' => match next {
            Some(b'0'..=b'9' | b'_') => None,
            _ => simple(Token::Period, cursor),
        },
        b'=' => match next {
            Some(b'>' | b'=') => None,
            _ => simple(Token::Eq, cursor),
        },
        b'-' if next == Some(b'-') => {
            // To the end of the line, the line break left out (`\r` too, in PostgreSQL).
            let len = text.as_bytes()[start + 2..].iter().take_while(|&&b| b != b'\n' && b != b'\r').count();
            cursor.skip_to(start + 2 + len);
            Some(Token::Whitespace(Whitespace::SingleLineComment {
                comment: text[start + 2..start + 2 + len].to_owned(),
                prefix: "--".to_owned(),
            }))
        }
        b'/' if next == Some(b'*') => block_comment(text, cursor),
        b'{' => simple(Token::LBrace, cursor),
        b'}' => simple(Token::RBrace, cursor),
        b'-' | b'/' | b'<' | b'>' | b'!' | b'|' | b'%' | b'#' => operator(text, cursor),
        b'$' => dollar(text, cursor),
        _ => None,
    }
}

/// The operators the fast path reads, longest first: each is the token sqlparser
/// gives when no other operator character follows it (then an operator may be
/// longer, a PostgreSQL custom one, which is sqlparser's to read).
const OPERATORS: [(&str, Token); 13] = [
    ("->>", Token::LongArrow),
    ("->", Token::Arrow),
    ("<=", Token::LtEq),
    ("<>", Token::Neq),
    (">=", Token::GtEq),
    ("!=", Token::Neq),
    ("||", Token::StringConcat),
    ("-", Token::Minus),
    ("/", Token::Div),
    ("<", Token::Lt),
    (">", Token::Gt),
    ("%", Token::Mod),
    ("#", Token::Sharp),
];

/// The operator at the cursor (see [`OPERATORS`]).
fn operator(text: &str, cursor: &mut Scan<'_>) -> Option<Token> {
    let rest = &text.as_bytes()[cursor.at..];
    let (spelling, token) = OPERATORS.iter().find(|(spelling, _)| rest.starts_with(spelling.as_bytes()))?;
    // A longer operator's characters all continue one: a shorter one never
    // matches where a longer one is spelled but followed by more.
    if continues_operator(rest.get(spelling.len()).copied()) {
        return None;
    }
    cursor.skip_ascii(spelling.len());
    Some(token.clone())
}

/// sqlparser's keywords in a hash table: sqlparser finds a word's keyword by a
/// binary search over its 900 keywords, comparing a byte at a time, upper-cased
/// (4% of `check`'s time once the rest of the tokenizing was fast).
struct Keywords {
    /// Index + 1 in `ALL_KEYWORDS` of the keyword whose hash leads here, 0 for none;
    /// a full slot sends the search on to the next.
    slots: Box<[u16]>,
    longest: usize,
}

static KEYWORDS: LazyLock<Keywords> = LazyLock::new(|| {
    let mut slots = vec![0u16; (ALL_KEYWORDS.len() * 4).next_power_of_two()].into_boxed_slice();
    for (index, keyword) in (1..).zip(ALL_KEYWORDS) {
        let mut slot = keyword_hash(keyword.as_bytes()) & (slots.len() - 1);
        while slots[slot] != 0 {
            slot = (slot + 1) & (slots.len() - 1);
        }
        slots[slot] = index;
    }
    Keywords { slots, longest: ALL_KEYWORDS.iter().map(|k| k.len()).max().unwrap_or(0) }
});

/// FNV-1a of the upper-cased bytes.
fn keyword_hash(word: &[u8]) -> usize {
    let hash = word.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte.to_ascii_uppercase())).wrapping_mul(0x0100_0000_01b3)
    });
    // The table has far fewer slots than 2^32: the low bits are all that is used.
    hash as usize
}

/// The keyword an unquoted `word` spells, in any case, as sqlparser finds it.
fn keyword(word: &str) -> Keyword {
    let table = &*KEYWORDS;
    if word.len() > table.longest {
        return Keyword::NoKeyword;
    }
    let mask = table.slots.len() - 1;
    let mut slot = keyword_hash(word.as_bytes()) & mask;
    loop {
        let Some(index) = usize::from(table.slots[slot]).checked_sub(1) else {
            return Keyword::NoKeyword;
        };
        if ALL_KEYWORDS[index].eq_ignore_ascii_case(word) {
            return ALL_KEYWORDS_INDEX[index];
        }
        slot = (slot + 1) & mask;
    }
}

/// The bytes between the quote at `start` and the one that closes it, a doubled
/// quote kept as it is written (no unescaping); `None` when none closes it.
fn quoted(text: &str, start: usize, quote: u8) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let mut at = start + 1;
    loop {
        at += memchr::memchr(quote, &bytes[at..])?;
        if bytes.get(at + 1) == Some(&quote) {
            at += 2;
        } else {
            return Some(start + 1..at);
        }
    }
}

/// A decimal number (`12`, `1.5`, `3.`); anything sqlparser reads further (an
/// exponent, `0x…`, `1_000`, a name glued on) is left to it.
fn number(text: &str, cursor: &mut Scan<'_>) -> Option<Token> {
    let bytes = text.as_bytes();
    let start = cursor.at;
    let digits = |from: usize| bytes[from..].iter().take_while(|b| b.is_ascii_digit()).count();
    let mut end = start + digits(start);
    if bytes.get(end) == Some(&b'.') {
        end += 1 + digits(end + 1);
    }
    if bytes.get(end).is_some_and(|&b| continues_word(b) || b == b'.' || !b.is_ascii()) {
        return None;
    }
    cursor.skip_ascii(end - start);
    Some(Token::Number(text[start..end].to_owned(), false))
}

/// A `/* … */` comment, nested ones within it (PostgreSQL's), kept as written.
fn block_comment(text: &str, cursor: &mut Scan<'_>) -> Option<Token> {
    let bytes = text.as_bytes();
    let start = cursor.at;
    let (mut at, mut depth) = (start + 2, 1);
    while depth > 0 {
        at += memchr::memchr2(b'/', b'*', &bytes[at..])?;
        match (bytes[at], bytes.get(at + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                at += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                at += 2;
            }
            _ => at += 1,
        }
    }
    cursor.skip_to(at);
    Some(Token::Whitespace(Whitespace::MultiLineComment(text[start + 2..at - 2].to_owned())))
}

/// `$$ … $$`, `$tag$ … $tag$` (the body as written, up to the first closing
/// delimiter) or a `$1` parameter.
fn dollar(text: &str, cursor: &mut Scan<'_>) -> Option<Token> {
    let bytes = text.as_bytes();
    let start = cursor.at;
    let tag_len = bytes[start + 1..].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count();
    let tag_end = start + 1 + tag_len;
    match bytes.get(tag_end) {
        Some(b'$') => {}
        // The tag's characters may go on outside ASCII: sqlparser's to read.
        Some(b) if !b.is_ascii() => return None,
        _ => {
            cursor.skip_ascii(tag_end - start);
            return Some(Token::Placeholder(text[start..tag_end].to_owned()));
        }
    }
    let delimiter = &text[start..=tag_end];
    let body = tag_end + 1;
    let close = body + memchr::memmem::find(&bytes[body..], delimiter.as_bytes())?;
    cursor.skip_to(close + delimiter.len());
    let tag = (tag_len > 0).then(|| text[start + 1..tag_end].to_owned());
    Some(Token::DollarQuotedString(DollarQuotedString { value: text[body..close].to_owned(), tag }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_same(text: &str) -> bool {
        compare_fast_path(text).unwrap_or_else(|difference| panic!("{text:?}: {difference}"))
    }

    #[test]
    fn the_fast_path_reads_what_migrations_are_made_of_as_sqlparser_does() {
        for text in [
            "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL DEFAULT '');\n",
            "ALTER TABLE \"Quoted \"\"Name\"\"\" ADD COLUMN x numeric(10, 2) DEFAULT 1.5;\r\n",
            "-- a comment\r\n/* block /* nested */ still */ SELECT 1., 2.25, 3 - 4 / 5 * 6 + 7;",
            "INSERT INTO t (a, b) VALUES (1, 'it''s'), (2, 'naïve ☃'), (3, NULL);",
            "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN $1; END $$ LANGUAGE plpgsql;",
            "DO $body$ SELECT '$$' $x$ $body$; SELECT a::text, b[1] FROM s.t WHERE c < d;",
            "SELECT a < b, c > d, e = f, g:h, $1, $2x, a <= b, c >= d, e <> f, g != h, i || j;",
            "SELECT a->'b', c->>'d', e % f, v%TYPE, g # h, ${schema}.t, {x};",
            "comment on column t.c is 'é\n\nline';\n\tend",
            "",
        ] {
            assert!(assert_same(text), "the fast path left {text:?} to sqlparser");
        }
    }

    /// The significant tokens a piece's tokenizing keeps of `text`, each checked
    /// to be, span included, one of those sqlparser gives.
    fn kept_of_piece(text: &str) -> Vec<String> {
        let kept = read(Dialect::Postgres, text, Unescape::No, false, |token| token);
        let all = Tokenizer::new(Dialect::Postgres.parser_dialect(), text).tokenize_with_location().unwrap();
        let significant = kept.tokens.iter().filter(|t| !matches!(t.token, Token::Whitespace(_)));
        significant
            .map(|token| {
                assert!(all.iter().any(|t| t.token == token.token && t.span == token.span), "{token:?}");
                token.token.to_string()
            })
            .collect()
    }

    #[test]
    fn a_pieces_insert_rows_of_literals_between_the_first_and_the_last_leave_no_token() {
        let sql = "INSERT INTO t (a, b) VALUES (1, 'x'),\n  (-2, NULL), /* c */ ('it''s', '2024-01-01'::date),(TRUE, 2.5) ;";
        // The first row and the last are kept, the rows between them are not.
        assert_eq!(kept_of_piece(sql).concat(), "INSERTINTOt(a,b)VALUES(1,'x'),(TRUE,2.5);");
        // The statement is still the whole text, however many of its tokens are
        // kept, with or without a `;`.
        for sql in [sql, sql.trim_end_matches(" ;")] {
            let split = crate::sql::split::split(sql.as_bytes(), Dialect::Postgres);
            let statements: Vec<_> = split.statements.iter().map(|s| (s.range.clone(), s.end)).collect();
            assert_eq!(statements, [(0..sql.len(), Cursor::new(sql).position_of(sql.len()))], "{sql}");
        }
        // The row before one that is not only literals is kept, and every token after.
        assert_eq!(
            kept_of_piece("INSERT INTO t VALUES (1), (2), (3), (now()), (4), (5);").concat(),
            "INSERTINTOtVALUES(1),(3),(now()),(4),(5);",
        );
        // Each statement of a piece is watched from its start; only INSERT … VALUES rows go.
        assert_eq!(
            kept_of_piece("SELECT (1), (2); INSERT INTO t SELECT (1), (2); INSERT INTO u VALUES (1), (2);")
                .concat(),
            "SELECT(1),(2);INSERTINTOtSELECT(1),(2);INSERTINTOuVALUES(1),(2);",
        );
        // Rows are all kept where text is read whole (a routine's body, built SQL).
        let text = "INSERT INTO t VALUES (1), (2);";
        let all = Tokenizer::new(Dialect::Postgres.parser_dialect(), text).tokenize_with_location().unwrap();
        assert_eq!(tokenize(Dialect::Postgres, text).unwrap(), all);
    }

    #[test]
    fn every_keyword_is_found_as_sqlparser_finds_it() {
        let words = ALL_KEYWORDS.iter().flat_map(|k| [k.to_string(), k.to_lowercase(), format!("{k}_x")]);
        for word in words.chain(["", "users", "x", "Select", "ALTERx"].map(str::to_owned)) {
            let Token::Word(expected) = Token::make_word(&word, None) else { unreachable!() };
            assert_eq!(keyword(&word), expected.keyword, "{word}");
        }
    }

    #[test]
    fn what_the_fast_path_does_not_read_is_left_to_sqlparser() {
        for text in [
            "SELECT E'\\n'",
            "SELECT B'101', X'ff', N'n', U&'d\\0061t'",
            "SELECT c @> d, e ||/ f, g <=> h, 1e5, 0x1F, 1_000, a ~~ b, c <-> d",
            "COPY t FROM STDIN;\n1\t2\n\\.\n",
            "SELECT 'unterminated",
            "SELECT \"unterminated",
            "SELECT $$ unterminated",
            "/* unterminated",
            "SELECT naïve",
            "SELECT .5, a._b, x := 1",
        ] {
            assert!(!assert_same(text), "the fast path read {text:?}");
        }
    }
}
