//! Diesel: each migration is a folder `<version>_name/` holding `up.sql` and its way
//! back, `down.sql`.

use super::{Direction, FilePath, Recognised, Version};

pub(super) fn recognise(path: &FilePath) -> Option<Recognised> {
    let direction = match path.file_name.to_ascii_lowercase().as_str() {
        "up.sql" => Direction::Forward,
        "down.sql" => Direction::Back,
        _ => return None,
    };
    let (version, name) = diesel_version(path.folder)?;
    Some(Recognised { version, name, direction, repeatable: false })
}

/// Diesel versions come in three spellings (`20140926174020`, `2019-11-03-003946`,
/// `2026-06-07-120000-0000`); without dashes they are timestamps, so the first 14
/// digits order them and any further digits break ties.
fn diesel_version(folder: &str) -> Option<(Version, String)> {
    let (version, name) = folder.split_once('_').unwrap_or((folder, ""));
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    let digits: String = version.chars().filter(char::is_ascii_digit).collect();
    let (timestamp, rest) = digits.split_at(digits.len().min(14));
    let normalized = if rest.is_empty() { timestamp.to_owned() } else { format!("{timestamp}.{rest}") };
    let mut parsed = Version::parse(&normalized);
    parsed.written = version.to_owned();
    Some((parsed, name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diesel_version_spellings_order_by_time() {
        let version = |folder: &str| diesel_version(folder).map(|(v, _)| v);
        assert!(version("20140926174020_a") < version("2019-11-03-003946_b"));
        assert!(version("2019-11-03-003946_b") < version("2026-06-07-120000-0000_c"));
        assert!(version("2026-06-07-120000-0000_c") < version("2026-06-08-000000_d"));
        assert!(version("00000000000000_diesel_initial_setup") < version("20140926174020_a"));
    }
}
