//! Positions as the Language Server Protocol counts them: 0-based lines and
//! columns in UTF-16 code units, against rollsafe's 1-based lines and columns in
//! characters and its byte offsets. Lines end at `\n`; the `\r` of a `\r\n` is no
//! column a position can point past.

use lsp_types::Position as LspPosition;

use crate::sql::Position;

/// The byte offset of `position` in `text`. A column past the end of its line is
/// the end of the line, as the protocol says; a column inside a character that
/// takes two UTF-16 units is the start of that character. A line past the last
/// line is `None`: the position is not in this text (the editor's copy and this
/// one differ), and no offset in it would be more than a guess.
pub fn byte_offset(text: &str, position: LspPosition) -> Option<usize> {
    let line_start = line_start(text, position.line)?;
    let line = line_text(&text[line_start..]);
    let mut units = 0;
    for (offset, character) in line.char_indices() {
        units += character.len_utf16();
        if units > position.character as usize {
            return Some(line_start + offset);
        }
    }
    Some(line_start + line.len())
}

/// The protocol position of byte offset `byte` (clamped to the text, and to the
/// start of the character it falls in).
pub fn position_of_byte(text: &str, byte: usize) -> LspPosition {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    let before = &text[..byte];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let line = before.matches('\n').count();
    LspPosition { line: saturating_u32(line), character: utf16_len(&before[line_start..]) }
}

/// The protocol position of a 1-based line and character column, as rollsafe's
/// findings give them. A column past its line is the end of the line.
pub fn lsp_position(text: &str, position: Position) -> LspPosition {
    let line_number = position.line.saturating_sub(1);
    let Some(line_start) = line_start(text, line_number) else {
        return position_of_byte(text, text.len());
    };
    let characters = usize::try_from(position.column.saturating_sub(1)).unwrap_or(usize::MAX);
    let line_text = line_text(&text[line_start..]);
    let prefix_end = line_text.char_indices().nth(characters).map_or(line_text.len(), |(offset, _)| offset);
    LspPosition { line: line_number, character: utf16_len(&line_text[..prefix_end]) }
}

/// The byte offset where line `line` (0-based) starts, if the text has it.
pub(super) fn line_start(text: &str, line: u32) -> Option<usize> {
    if line == 0 {
        return Some(0);
    }
    text.match_indices('\n').nth(line as usize - 1).map(|(newline, _)| newline + 1)
}

/// A line's text from its start, without its line break.
fn line_text(from_line_start: &str) -> &str {
    let line = from_line_start.split('\n').next().unwrap_or("");
    line.strip_suffix('\r').unwrap_or(line)
}

/// `text`'s length in UTF-16 code units, the unit of LSP columns.
pub(super) fn utf16_len(text: &str) -> u32 {
    saturating_u32(text.chars().map(char::len_utf16).sum())
}

fn saturating_u32(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, character: u32) -> LspPosition {
        LspPosition { line, character }
    }

    #[test]
    fn columns_count_utf16_units_not_bytes_or_characters() {
        // `é` is two bytes and one unit; `𝔘` four bytes, one character, two units.
        let text = "ALTER TABLE é;\nDROP 𝔘sers x;\n";
        assert_eq!(byte_offset(text, at(0, 13)), Some("ALTER TABLE é".len()));
        let space = text.find(" x").expect("present");
        assert_eq!(byte_offset(text, at(1, 11)), Some(space));
        assert_eq!(position_of_byte(text, space), at(1, 11));
        let x = text.find("x;").expect("present");
        assert_eq!(lsp_position(text, Position { line: 2, column: 12 }), at(1, 12));
        assert_eq!(byte_offset(text, at(1, 12)), Some(x));
    }

    #[test]
    fn positions_past_a_line_are_clamped_and_past_the_last_line_are_none() {
        let text = "ab\r\ncd";
        assert_eq!(byte_offset(text, at(0, 99)), Some(2), "before the \\r");
        assert_eq!(byte_offset(text, at(1, 99)), Some(text.len()), "the last line's end");
        assert_eq!(byte_offset(text, at(2, 0)), None, "no line 2");
        assert_eq!(byte_offset(text, at(9, 0)), None);
        // After a final line break the last line is the empty one after it.
        assert_eq!(byte_offset("ab\n", at(1, 0)), Some(3));
        assert_eq!(byte_offset("ab\n", at(1, 5)), Some(3));
        assert_eq!(byte_offset("", at(0, 3)), Some(0));
        assert_eq!(byte_offset("", at(1, 0)), None);
        assert_eq!(lsp_position(text, Position { line: 1, column: 40 }), at(0, 2));
        assert_eq!(lsp_position(text, Position { line: 7, column: 1 }), at(1, 2));
        // Inside a surrogate pair: the start of its character.
        assert_eq!(byte_offset("𝔘x", at(0, 1)), Some(0));
        assert_eq!(position_of_byte("é", 1), at(0, 0));
    }
}
