//! Positions in a migration file: 1-based line and column (in characters), and the
//! conversion from sqlparser's locations to byte offsets.

use serde::Serialize;
use sqlparser::tokenizer::Location;

/// A 1-based line and column. Columns count characters, as sqlparser and editors do.
/// Each is a `u32` (sqlparser's are `u64`), past which it stays at `u32::MAX`: a
/// big file's changes and findings keep positions until the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

impl Position {
    pub const START: Position = Position { line: 1, column: 1 };

    /// The position of a sqlparser location; `None` for the empty location (line 0)
    /// that sqlparser gives nodes it did not place.
    pub fn from_location(location: Location) -> Option<Position> {
        (location.line > 0 && location.column > 0)
            .then(|| Position { line: saturated(location.line), column: saturated(location.column) })
    }
}

fn saturated(number: u64) -> u32 {
    u32::try_from(number).unwrap_or(u32::MAX)
}

/// Walks a text forward, turning positions into byte offsets in one pass.
#[derive(Clone)]
pub(crate) struct Cursor<'a> {
    text: &'a str,
    byte: usize,
    position: Position,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Cursor { text, byte: 0, position: Position::START }
    }

    /// Advances to `target` (which must not lie behind the cursor) and returns its
    /// byte offset. Stops at the end of the text if `target` lies beyond it.
    pub(crate) fn byte_of(&mut self, target: Position) -> usize {
        while self.position < target && (self.skip_toward(target) || self.step()) {}
        self.byte
    }

    /// Advances toward `target` several characters at once where that is what
    /// stepping one at a time would do: past the rest of a line before the
    /// target's, or past ASCII characters before the target on its line. Whether
    /// it moved.
    fn skip_toward(&mut self, target: Position) -> bool {
        let rest = &self.text.as_bytes()[self.byte..];
        if self.position.line < target.line {
            let Some(newline) = memchr::memchr(b'\n', rest) else {
                return false;
            };
            self.byte += newline + 1;
            self.position.line = self.position.line.saturating_add(1);
            self.position.column = 1;
            return true;
        }
        let before =
            usize::try_from(target.column.saturating_sub(self.position.column)).unwrap_or(usize::MAX);
        let ascii = rest.iter().take(before).take_while(|&&b| b.is_ascii() && b != b'\n').count();
        self.byte += ascii;
        self.position.column = self.position.column.saturating_add(u32::try_from(ascii).unwrap_or(u32::MAX));
        ascii > 0
    }

    /// Advances to byte offset `target` and returns its position.
    pub(crate) fn position_of(&mut self, target: usize) -> Position {
        while self.byte < target && self.step() {}
        self.position
    }

    /// Moves past one character; false at the end of the text.
    fn step(&mut self) -> bool {
        let Some(c) = self.text[self.byte..].chars().next() else {
            return false;
        };
        self.byte += c.len_utf8();
        if c == '\n' {
            self.position.line = self.position.line.saturating_add(1);
            self.position.column = 1;
        } else {
            self.position.column = self.position.column.saturating_add(1);
        }
        true
    }
}

/// Finds byte offsets of arbitrary positions in a text (for labels, out of order).
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts }
    }

    /// The byte offset of `position` in `text`, clamped to the text.
    pub fn byte_of(&self, text: &str, position: Position) -> usize {
        let line = usize::try_from(position.line.saturating_sub(1)).unwrap_or(usize::MAX);
        let Some(&start) = self.line_starts.get(line) else {
            return text.len();
        };
        let skip = usize::try_from(position.column.saturating_sub(1)).unwrap_or(usize::MAX);
        text[start..].char_indices().take_while(|(_, c)| *c != '\n').nth(skip).map_or_else(
            || {
                let rest = &text[start..];
                start + rest.find('\n').unwrap_or(rest.len())
            },
            |(offset, _)| start + offset,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_counts_characters_not_bytes() {
        let text = "é;\nab";
        let mut cursor = Cursor::new(text);
        assert_eq!(cursor.byte_of(Position { line: 1, column: 2 }), 2);
        assert_eq!(cursor.byte_of(Position { line: 2, column: 2 }), 5);
    }

    #[test]
    fn cursor_skips_as_it_steps() {
        let text = "ab\ncdé fg\n\nhi";
        // Every target, reached from every position before it, one character at a
        // time and with skips: the same byte.
        for from in 0..=text.len() {
            for to in (1..=5).flat_map(|line| (1..=9).map(move |column| Position { line, column })) {
                let mut stepping = Cursor::new(text);
                stepping.position_of(from);
                if stepping.position > to {
                    continue;
                }
                let mut skipping = stepping.clone();
                while stepping.position < to && stepping.step() {}
                assert_eq!(skipping.byte_of(to), stepping.byte, "from byte {from} to {to:?}");
                assert_eq!(skipping.position, stepping.position, "from byte {from} to {to:?}");
            }
        }
    }

    #[test]
    fn a_location_past_u32_stays_at_the_largest_position() {
        let far = Position::from_location(Location::new(u64::MAX, 5));
        assert_eq!(far, Some(Position { line: u32::MAX, column: 5 }));
        assert_eq!(Position::from_location(Location::new(0, 1)), None, "sqlparser's empty location");
    }

    #[test]
    fn line_index_finds_positions_out_of_order() {
        let text = "ab\ncdé\nf";
        let index = LineIndex::new(text);
        assert_eq!(index.byte_of(text, Position { line: 3, column: 1 }), 8);
        assert_eq!(index.byte_of(text, Position { line: 2, column: 3 }), 5);
        assert_eq!(index.byte_of(text, Position { line: 9, column: 1 }), text.len());
    }
}
