//! The documents the editor has open: their unsaved text, kept in step with
//! `didOpen`, `didChange` (whole text or ranges) and `didClose`.

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
        self.open.insert(uri.as_str().to_owned(), (uri.clone(), Document { path, text, version }));
        true
    }

    /// Applies an editor's changes, in order: a change without a range replaces the
    /// whole text. False when the document is not open.
    pub fn change(&mut self, uri: &Uri, changes: Vec<TextDocumentContentChangeEvent>, version: i32) -> bool {
        let Some((_, document)) = self.open.get_mut(uri.as_str()) else {
            return false;
        };
        for change in changes {
            match change.range {
                None => document.text = change.text,
                Some(range) => {
                    let start = byte_offset(&document.text, range.start);
                    let end = byte_offset(&document.text, range.end).max(start);
                    document.text.replace_range(start..end, &change.text);
                }
            }
        }
        document.version = version;
        true
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
        assert!(documents.change(&file, changes, 2));
        let document = documents.get(&file).expect("open");
        assert_eq!(document.text, "ALTER TABLE 𝔘ser DROP COLUMN old;\n");
        assert_eq!(document.version, 2);
        let whole =
            TextDocumentContentChangeEvent { range: None, range_length: None, text: "SELECT 1;".into() };
        assert!(documents.change(&file, vec![whole, edit((0, 7), (0, 8), "2")], 3));
        assert_eq!(documents.get(&file).expect("open").text, "SELECT 2;");
        assert!(documents.close(&file));
        assert!(!documents.change(&file, Vec::new(), 4), "closed");
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
