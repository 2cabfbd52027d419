//! The documents the editor has open: their unsaved text, kept in step with
//! `didOpen`, `didChange` (whole text or ranges) and `didClose`.
//!
//! A change whose range lies past the last line of the text cannot be applied:
//! the editor's copy and this one differ. Clamping it to the end would make up
//! text the user never wrote, and every later change would land in the wrong
//! place. So the document stays as its last text that made sense, is marked out
//! of step, and takes no range changes until the editor sends its whole text
//! again (a change without a range, the file reopened, or saved: a saved file
//! is the editor's text). A column past its line's end is the line's end, as the
//! protocol says.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::text::byte_offset;

/// One open document.
#[derive(Debug, Clone)]
pub struct Document {
    /// Where it is (or will be) on disk.
    pub path: PathBuf,
    pub text: String,
    pub version: i32,
    /// The editor's text and this one differ: range changes are not applied
    /// until the whole text is known again.
    pub out_of_step: bool,
}

/// What became of an editor's changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    /// Applied; the document is in step with the editor.
    Applied,
    /// A change's range was past the last line: this batch put the document out of
    /// step; it keeps the text it had before that change.
    LostStep,
    /// Out of step since an earlier batch: range changes are still not applied.
    StillOutOfStep,
    /// The document is not open.
    NotOpen,
}

/// Open documents by URI. Only `file:` URIs name a file rollsafe can place in a
/// migrations folder; others are not kept.
#[derive(Debug, Default)]
pub struct Documents {
    open: BTreeMap<String, (Uri, Document)>,
}

impl Documents {
    /// Opens `uri` with `text`; false when it names no local file.
    pub fn open(&mut self, uri: &Uri, text: String, version: i32) -> bool {
        let Some(path) = path_of(uri) else {
            return false;
        };
        let document = Document { path, text, version, out_of_step: false };
        self.open.insert(uri.as_str().to_owned(), (uri.clone(), document));
        true
    }

    /// Applies an editor's changes, in order: a change without a range replaces the
    /// whole text. When one of them cannot be applied, none is: the document keeps
    /// the text and version it had, the last it knew in step with the editor.
    pub fn change(
        &mut self,
        uri: &Uri,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
    ) -> Changed {
        let Some((_, document)) = self.open.get_mut(uri.as_str()) else {
            return Changed::NotOpen;
        };
        let mut in_step = !document.out_of_step;
        let mut text = std::mem::take(&mut document.text);
        let before = changes.iter().any(|c| c.range.is_some()).then(|| text.clone());
        for change in changes {
            match change.range {
                None => {
                    text = change.text;
                    in_step = true;
                }
                Some(_) if !in_step => {}
                Some(range) => match (byte_offset(&text, range.start), byte_offset(&text, range.end)) {
                    (Some(start), Some(end)) => text.replace_range(start..end.max(start), &change.text),
                    _ => {
                        // The batch is one edit of the editor's: none of it is kept.
                        document.text = before.unwrap_or_default();
                        document.out_of_step = true;
                        return Changed::LostStep;
                    }
                },
            }
        }
        // Out of step still, every change had a range and was left unapplied.
        document.text = text;
        if !in_step {
            return Changed::StillOutOfStep;
        }
        document.out_of_step = false;
        document.version = version;
        Changed::Applied
    }

    /// Takes the text of a document the editor has just saved from its file, when
    /// it is out of step: the file is the editor's text. `Ok(true)` when it was out
    /// of step and is in step again, `Ok(false)` when it was in step; why not,
    /// when the file could not be read back and the document stays out of step.
    pub fn saved(&mut self, uri: &Uri) -> Result<bool, String> {
        let Some((_, document)) = self.open.get_mut(uri.as_str()).filter(|(_, d)| d.out_of_step) else {
            return Ok(false);
        };
        let bytes = std::fs::read(&document.path).map_err(|error| error.to_string())?;
        document.text = String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_owned())?;
        document.out_of_step = false;
        Ok(true)
    }

    /// Forgets a closed document; false when it was not open.
    pub fn close(&mut self, uri: &Uri) -> bool {
        self.open.remove(uri.as_str()).is_some()
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri.as_str()).map(|(_, document)| document)
    }

    /// Every open document, with its URI.
    pub fn iter(&self) -> impl Iterator<Item = (&Uri, &Document)> {
        self.open.values().map(|(uri, document)| (uri, document))
    }

    /// The open documents under `folder`.
    pub fn under<'a>(&'a self, folder: &'a Path) -> impl Iterator<Item = &'a Document> + 'a {
        self.iter().map(|(_, document)| document).filter(move |document| document.path.starts_with(folder))
    }
}

/// The local path a `file:` URI names, percent-decoded.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    // `file:///x` has an empty authority; `file://localhost/x` names this machine.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let bytes = percent_decode(path)?;
    let decoded = String::from_utf8(bytes).ok()?;
    // Windows drive paths come as `/C:/x`.
    let windows_drive = decoded.len() > 2 && decoded.as_bytes()[2] == b':';
    Some(PathBuf::from(if windows_drive && cfg!(windows) { &decoded[1..] } else { decoded.as_str() }))
}

/// The `file:` URI of an absolute path, percent-encoding what a URI path may not hold.
pub fn uri_of(path: &Path) -> Option<Uri> {
    let text = path.to_str()?.replace('\\', "/");
    let mut uri = String::from(if text.starts_with('/') { "file://" } else { "file:///" });
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~:@!$&'()*+,;=".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.parse().ok()
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = text.get(index + 1..index + 3)?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    Some(decoded)
}

#[cfg(test)]
mod tests {
    use lsp_types::{Position, Range};

    use super::*;

    fn uri(text: &str) -> Uri {
        text.parse().expect("a valid URI")
    }

    fn edit(start: (u32, u32), end: (u32, u32), text: &str) -> TextDocumentContentChangeEvent {
        let range = Range::new(Position::new(start.0, start.1), Position::new(end.0, end.1));
        TextDocumentContentChangeEvent { range: Some(range), range_length: None, text: text.to_owned() }
    }

    #[test]
    fn incremental_changes_apply_in_order_at_utf16_positions() {
        let mut documents = Documents::default();
        let file = uri("file:///db/migrations/2_drop.sql");
        assert!(documents.open(&file, "ALTER TABLE 𝔘sers DROP COLUMN legacy;\n".to_owned(), 1));
        // `𝔘` is two UTF-16 units: `sers` starts at column 14.
        let changes = vec![edit((0, 14), (0, 18), "ser"), edit((0, 30), (0, 36), "old")];
        assert_eq!(documents.change(&file, changes, 2), Changed::Applied);
        let document = documents.get(&file).expect("open");
        assert_eq!(document.text, "ALTER TABLE 𝔘ser DROP COLUMN old;\n");
        assert_eq!(document.version, 2);
        let whole =
            TextDocumentContentChangeEvent { range: None, range_length: None, text: "SELECT 1;".into() };
        assert_eq!(documents.change(&file, vec![whole, edit((0, 7), (0, 8), "2")], 3), Changed::Applied);
        assert_eq!(documents.get(&file).expect("open").text, "SELECT 2;");
        assert!(documents.close(&file));
        assert_eq!(documents.change(&file, Vec::new(), 4), Changed::NotOpen);
    }

    #[test]
    fn a_range_past_the_last_line_puts_the_document_out_of_step_until_its_whole_text_comes() {
        let folder = tempfile::tempdir().expect("tempdir");
        let path = folder.path().join("2_drop.sql");
        let file = uri_of(&path).expect("a file URI");
        let mut documents = Documents::default();
        assert!(documents.open(&file, "SELECT 1;\nSELECT 2;".to_owned(), 1));
        // Past a line's end: the line's end.
        assert_eq!(documents.change(&file, vec![edit((0, 40), (0, 99), " -- one")], 2), Changed::Applied);
        assert_eq!(documents.get(&file).expect("open").text, "SELECT 1; -- one\nSELECT 2;");
        // The second change is past the last line (line 1 is the last): none of the
        // batch is kept, and no later range change is applied to a text that is not
        // the editor's.
        let changes =
            vec![edit((1, 7), (1, 8), "3"), edit((2, 0), (2, 0), "DROP TABLE t;"), edit((0, 0), (0, 0), "x")];
        assert_eq!(documents.change(&file, changes, 3), Changed::LostStep);
        let document = documents.get(&file).expect("open");
        assert_eq!((document.text.as_str(), document.version), ("SELECT 1; -- one\nSELECT 2;", 2));
        assert_eq!(documents.change(&file, vec![edit((0, 0), (0, 0), "y")], 4), Changed::StillOutOfStep);
        assert_eq!(documents.get(&file).expect("open").text, "SELECT 1; -- one\nSELECT 2;");

        // Saved, but not read back (no file there): still out of step, and why.
        assert!(documents.saved(&file).is_err(), "nothing to read back");
        assert_eq!(documents.change(&file, vec![edit((0, 0), (0, 0), "y")], 5), Changed::StillOutOfStep);

        // Saved: the file is the editor's text.
        std::fs::write(&path, "SELECT 4;\n").expect("write");
        assert_eq!(documents.saved(&file), Ok(true));
        assert_eq!(documents.saved(&file), Ok(false), "in step already");
        assert_eq!(documents.change(&file, vec![edit((1, 0), (1, 0), "SELECT 5;")], 5), Changed::Applied);
        assert_eq!(documents.get(&file).expect("open").text, "SELECT 4;\nSELECT 5;");

        // Or the whole text comes, and the range changes after it apply to it.
        assert_eq!(documents.change(&file, vec![edit((7, 0), (7, 0), "z")], 6), Changed::LostStep);
        let whole =
            TextDocumentContentChangeEvent { range: None, range_length: None, text: "SELECT 6;".into() };
        assert_eq!(documents.change(&file, vec![whole, edit((0, 7), (0, 8), "7")], 7), Changed::Applied);
        let document = documents.get(&file).expect("open");
        assert_eq!((document.text.as_str(), document.version, document.out_of_step), ("SELECT 7;", 7, false));
    }

    #[test]
    fn only_file_uris_are_kept_and_paths_round_trip() {
        let mut documents = Documents::default();
        assert!(!documents.open(&uri("untitled:Untitled-1"), String::new(), 1));
        let path = path_of(&uri("file:///work/my%20db/1_%C3%A9t%C3%A9.sql")).expect("a file");
        assert_eq!(path, PathBuf::from("/work/my db/1_été.sql"));
        assert_eq!(uri_of(&path).expect("encodable").as_str(), "file:///work/my%20db/1_%C3%A9t%C3%A9.sql");
        assert_eq!(path_of(&uri("file://localhost/x.sql")), Some(PathBuf::from("/x.sql")));
    }
}
