//! dbmate keeps both directions in one file, in `-- migrate:up` and
//! `-- migrate:down` sections. Each direction is the file with the other section
//! blanked (every byte but line breaks becomes a space), so positions stay those of
//! the file.

use std::sync::Arc;

use super::blank_outside;

const UP: &[u8] = b"-- migrate:up";
const DOWN: &[u8] = b"-- migrate:down";

/// Whether the file uses dbmate sections.
pub(super) fn is_sectioned(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, UP).is_some()
}

/// The file as its up migration and as its down migration.
pub(super) fn sections(bytes: &[u8]) -> (Arc<[u8]>, Arc<[u8]>) {
    let down_start = memchr::memmem::find(bytes, DOWN).unwrap_or(bytes.len());
    let up_start = memchr::memmem::find(bytes, UP).unwrap_or(0);
    let (up_range, down_range) = if up_start <= down_start {
        (0..down_start, down_start..bytes.len())
    } else {
        (up_start..bytes.len(), 0..up_start)
    };
    (blank_outside(bytes, &up_range), blank_outside(bytes, &down_range))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_direction_keeps_its_section_at_its_place() {
        let file = b"-- migrate:up\nCREATE TABLE a (x int);\n\n-- migrate:down\nDROP TABLE a;\n";
        let (up, down) = sections(file);
        assert_eq!(up.len(), file.len());
        assert!(String::from_utf8_lossy(&up).contains("CREATE TABLE"));
        assert!(!String::from_utf8_lossy(&up).contains("DROP"));
        assert!(String::from_utf8_lossy(&down).contains("DROP TABLE a;"));
        assert_eq!(String::from_utf8_lossy(&down).lines().count(), 5);
    }

    #[test]
    fn a_section_marker_is_found_anywhere_even_at_the_very_end() {
        assert_eq!(memchr::memmem::find(b"-- migrate:up", UP), Some(0));
        assert_eq!(memchr::memmem::find(b"--- migrate:up", UP), Some(1));
        assert_eq!(memchr::memmem::find(b"-- migrate:u", UP), None);
        assert!(!is_sectioned(b"-- migrate: up\nSELECT 1;"));
    }
}
