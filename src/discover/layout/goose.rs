//! goose: `NNN_name.sql` or `<timestamp>_name.sql` files run in version order, each
//! holding a `-- +goose Up` section and perhaps a `-- +goose Down` one, the way
//! back. `-- +goose StatementBegin` / `StatementEnd` and `-- +goose NO TRANSACTION`
//! are comments to the SQL read; only the up and down markers divide the file.
//! Like dbmate's, each direction is the file with the other section blanked.

use std::sync::Arc;

use super::blank_outside;

/// What a `-- +goose` line says, lower case (`up`, `down`, `statementbegin`);
/// goose reads its annotations in any case.
fn annotation(line: &[u8]) -> Option<String> {
    // A line without `--` holds no annotation: most are passed over unread as text.
    if !line.windows(2).any(|pair| matches!(pair, [b'-', b'-'])) {
        return None;
    }
    let text = String::from_utf8_lossy(line);
    let rest = text.trim().strip_prefix("--")?.trim_start();
    let word = rest.get(..6).filter(|word| word.eq_ignore_ascii_case("+goose"))?;
    Some(rest[word.len()..].trim().to_ascii_lowercase())
}

/// The byte offset of each line's start, with the annotation it holds.
fn annotations(bytes: &[u8]) -> impl Iterator<Item = (usize, String)> + '_ {
    let mut start = 0;
    bytes.split_inclusive(|&b| b == b'\n').filter_map(move |line| {
        let at = start;
        start += line.len();
        annotation(line).map(|said| (at, said))
    })
}

/// Whether the file uses goose sections.
pub(super) fn is_sectioned(bytes: &[u8]) -> bool {
    annotations(bytes).any(|(_, said)| said == "up")
}

/// The file as its up migration and as its down migration.
pub(super) fn sections(bytes: &[u8]) -> (Arc<[u8]>, Arc<[u8]>) {
    let at = |wanted: &str| annotations(bytes).find(|(_, said)| said == wanted).map(|(at, _)| at);
    let up = at("up").unwrap_or(0);
    let down = at("down").filter(|&down| down > up).unwrap_or(bytes.len());
    (blank_outside(bytes, &(up..down)), blank_outside(bytes, &(down..bytes.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_and_down_sections_whatever_the_case() {
        let file = b"-- +goose Up\n-- +goose StatementBegin\nCREATE TABLE a (x int);\n-- +goose StatementEnd\n\n-- +goose down\nDROP TABLE a;\n";
        assert!(is_sectioned(file));
        let (up, down) = sections(file);
        let (up, down) = (String::from_utf8_lossy(&up), String::from_utf8_lossy(&down));
        assert!(up.contains("CREATE TABLE") && !up.contains("DROP"), "{up}");
        assert!(down.contains("DROP TABLE a;") && !down.contains("CREATE"), "{down}");
        assert_eq!((up.len(), down.lines().count()), (file.len(), 7));
        assert!(!is_sectioned(b"-- migrate:up\nSELECT 1;\n"));
        assert_eq!(annotation(b"  --+GOOSE NO TRANSACTION\n").as_deref(), Some("no transaction"));
        // After any blank, a no-break space too; a line without `--` holds none.
        assert_eq!(annotation("\u{a0}-- +goose Up\n".as_bytes()).as_deref(), Some("up"));
        assert_eq!(annotation(b"SELECT 1; - - +goose up\n"), None);
    }
}
