//! Liquibase formatted SQL: a file that starts with `--liquibase formatted sql`
//! holds `--changeset author:id` blocks, applied in file order. Its way back is the
//! `--rollback <sql>` comment lines: the file with everything but their SQL blanked
//! (line breaks kept), so positions stay those of the file. `includeAll` runs a
//! folder's files before its subfolders', paths in alphabetical order.

use std::sync::Arc;

use super::{FilePath, Recognised, Version};

const MARKER: &str = "--liquibase formatted sql";
const ROLLBACK: &str = "--rollback";

/// Any `.sql` file is a changelog; its name orders it within its folder.
pub(super) fn recognise(path: &FilePath) -> Option<Recognised> {
    let stem = path.stem()?;
    Some(Recognised::forward(Version::parse(stem), stem.to_owned()))
}

/// The folder a file runs with: all of a folder's files run before its subfolders'.
pub(super) fn run_folder(relative: &str) -> &str {
    relative.rsplit_once('/').map_or("", |(folder, _)| folder)
}

/// Whether the file is Liquibase formatted SQL.
pub(super) fn is_formatted(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]);
    let start = text.trim_start_matches('\u{feff}').trim_start().as_bytes();
    // The marker is in lower case ASCII: comparing as many bytes is enough.
    start.get(..MARKER.len()).is_some_and(|head| head.eq_ignore_ascii_case(MARKER.as_bytes()))
}

/// The file's way back: only the SQL of its `--rollback` lines.
pub(super) fn rollback(bytes: &[u8]) -> Arc<[u8]> {
    let mut out = Vec::with_capacity(bytes.len());
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let indent = line.iter().take_while(|b| b.is_ascii_whitespace() && **b != b'\n').count();
        let rest = &line[indent..];
        let is_rollback =
            rest.len() >= ROLLBACK.len() && rest[..ROLLBACK.len()].eq_ignore_ascii_case(ROLLBACK.as_bytes());
        for (i, &b) in line.iter().enumerate() {
            let keep = b == b'\n' || b == b'\r' || (is_rollback && i >= indent + ROLLBACK.len());
            out.push(if keep { b } else { b' ' });
        }
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::{Layout, Options, discover};

    #[test]
    fn rollback_lines_are_the_way_back_in_place() {
        let file = b"--liquibase formatted sql\n--changeset ana:1\nCREATE TABLE a (x int);\n--rollback DROP TABLE a;\n";
        assert!(is_formatted(file));
        let back = rollback(file);
        assert_eq!(back.len(), file.len());
        let text = String::from_utf8_lossy(&back);
        assert_eq!(text.lines().nth(3).map(str::trim), Some("DROP TABLE a;"));
        assert!(!text.contains("CREATE"));
    }

    #[test]
    fn the_header_is_found_after_a_byte_order_mark_and_blanks_in_any_case() {
        assert!(is_formatted("\u{feff}\u{feff}\n \u{a0}--Liquibase Formatted SQL\n".as_bytes()));
        assert!(!is_formatted(b"--liquibase formatted"));
        assert!(!is_formatted(b"SELECT 1; --liquibase formatted sql"));
    }

    #[test]
    fn runs_a_folder_before_its_subfolders() {
        let dir = tempfile::tempdir().expect("tempdir");
        for folder in ["procedures", "z-post-update"] {
            std::fs::create_dir(dir.path().join(folder)).expect("mkdir");
        }
        let changeset = "--liquibase formatted sql\n--changeset a:1\nSELECT 1;\n";
        for name in
            ["z-post-update/00010_grants.sql", "00030_tables.sql", "procedures/p_a.sql", "00010_init.sql"]
        {
            std::fs::write(dir.path().join(name), changeset).expect("write");
        }
        let set = discover(dir.path(), &Options::default()).expect("discover");
        assert_eq!(set.layout, Layout::Liquibase);
        let order: Vec<&str> = set.forward.iter().map(|m| m.relative.as_str()).collect();
        assert_eq!(
            order,
            ["00010_init.sql", "00030_tables.sql", "procedures/p_a.sql", "z-post-update/00010_grants.sql"]
        );
    }
}
