//! Migration versions, ordered the way migration tools order them: numerically,
//! part by part (`V1_10` after `V1_9`, `10_x` after `9_x`).

use std::cmp::Ordering;
use std::fmt;

/// A version: numeric parts compared as numbers, text parts as text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    parts: Vec<Part>,
    pub(super) written: String,
    /// A date spelled as one whose month or day is none (`2024-13-45`), as written.
    no_calendar_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Part {
    Number(u128),
    Text(String),
}

impl Version {
    /// Parses a version such as `0042`, `20240105120000`, `1.2.3` or `1_10`; digits
    /// runs are numbers, `.`, `_` and `-` separate parts.
    pub fn parse(written: &str) -> Version {
        let mut parts = Vec::new();
        let mut current = String::new();
        let flush = |current: &mut String, parts: &mut Vec<Part>| {
            if current.is_empty() {
                return;
            }
            let part = if current.bytes().all(|b| b.is_ascii_digit()) {
                current.parse::<u128>().map_or_else(|_| Part::Text(current.clone()), Part::Number)
            } else {
                Part::Text(current.to_lowercase())
            };
            parts.push(part);
            current.clear();
        };
        let mut last_digit = None;
        for c in written.chars() {
            if matches!(c, '.' | '_' | '-') {
                flush(&mut current, &mut parts);
                last_digit = None;
                continue;
            }
            let digit = c.is_ascii_digit();
            if last_digit.is_some_and(|d| d != digit) {
                flush(&mut current, &mut parts);
            }
            current.push(c);
            last_digit = Some(digit);
        }
        flush(&mut current, &mut parts);
        Version { parts, written: written.to_owned(), no_calendar_date: None }
    }

    /// What to tell the user about how the version was read, when its date is no
    /// calendar date: it is ordered by its digits.
    pub fn remark(&self) -> Option<String> {
        let date = self.no_calendar_date.as_ref()?;
        Some(format!(
            "version `{}`: `{date}` is no calendar date; it is ordered by its digits, after every real date of its year",
            self.written
        ))
    }
}

impl Version {
    /// The version a file name starts with, and the rest of the name after its
    /// separator. A date in any spelling (`2024-01-31`, `2024_01_31`, `2024.01.31`,
    /// `20240131`) and the sequence number or time after it (`_01`, `-1200`) are one
    /// version, ordered by date then sequence whatever the spelling; other names
    /// start with their leading digits (`0042_add_users`). `None` when the name
    /// starts with no digit.
    pub fn leading(stem: &str) -> Option<(Version, &str)> {
        let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let (version, rest) = match dated(stem) {
            Some((day, date_end)) => {
                let (sequence, end) = sequence_after(stem, date_end);
                let no_calendar_date =
                    (!is_date(&day[4..6], &day[6..8])).then(|| stem[..date_end].to_owned());
                let version = Version {
                    parts: as_timestamp(&day, sequence.unwrap_or(0)),
                    written: stem[..end].to_owned(),
                    no_calendar_date,
                };
                (version, &stem[end..])
            }
            None => (Version::parse(&stem[..digits]), &stem[digits..]),
        };
        Some((version, rest.trim_start_matches(['_', '-', '.'])))
    }

    /// A version compared as plain text: Prisma applies its migration folders in
    /// the lexical order of their names.
    pub fn lexical(written: &str) -> Version {
        Version {
            parts: vec![Part::Text(written.to_owned())],
            written: written.to_owned(),
            no_calendar_date: None,
        }
    }
}

/// A date (`YYYYMMDD`) and the sequence number after it as the timestamp
/// `YYYYMMDD000000` plus the sequence, so that dated names and 14-digit timestamps
/// (`20240201093000`) order by their day among each other, a timestamp after that
/// day's sequence numbers. A sequence too long for six digits comes after them.
fn as_timestamp(day: &str, sequence: u128) -> Vec<Part> {
    const DAY: u128 = 1_000_000;
    let day: u128 = day.parse().unwrap_or_default();
    if sequence < DAY {
        vec![Part::Number(day * DAY + sequence)]
    } else {
        vec![Part::Number(day * DAY + DAY - 1), Part::Number(sequence)]
    }
}

/// Whether `month` and `day`, two digits each, can be a calendar date's.
fn is_date(month: &str, day: &str) -> bool {
    matches!(month.parse::<u8>(), Ok(1..=12)) && matches!(day.parse::<u8>(), Ok(1..=31))
}

/// The date a name starts with, as `YYYYMMDD`, and where it ends: four digits of
/// a year, then month and day, each two digits, with one separator (`-`, `_`,
/// `.`) between all three or none. Eight digits with more after them are a
/// timestamp, not a date. A date spelled with separators whose month or day is
/// none (`2024-13-45`) is still the file's date, ordered by its digits: what it
/// was meant to be is not known, and the year alone would order it before every
/// other file of that year.
fn dated(stem: &str) -> Option<(String, usize)> {
    let bytes = stem.as_bytes();
    let digits_at = |from: usize, n: usize| {
        bytes.get(from..from + n).is_some_and(|run| run.iter().all(u8::is_ascii_digit))
    };
    let separator = bytes.get(4).copied().filter(|b| matches!(b, b'-' | b'_' | b'.'));
    let (month, day, end) = match separator {
        Some(sep) if bytes.get(7) == Some(&sep) => (5, 8, 10),
        Some(_) => return None,
        None => (4, 6, 8),
    };
    if !digits_at(0, 4)
        || !digits_at(month, 2)
        || !digits_at(day, 2)
        || bytes.get(end).is_some_and(u8::is_ascii_digit)
    {
        return None;
    }
    let (month_text, day_text) = (&stem[month..month + 2], &stem[day..day + 2]);
    let valid = separator.is_some() || is_date(month_text, day_text);
    valid.then(|| (format!("{}{month_text}{day_text}", &stem[..4]), end))
}

/// The sequence number or time after a date ending at `end` (`_01`, `-1200`): a run
/// of digits after one separator, followed by another separator or the end of the
/// name. Its value and where the version ends.
fn sequence_after(stem: &str, end: usize) -> (Option<u128>, usize) {
    let rest = &stem[end..];
    let Some(after_separator) = rest.strip_prefix(['_', '-', '.']) else { return (None, end) };
    let digits = after_separator.bytes().take_while(u8::is_ascii_digit).count();
    let followed =
        after_separator[digits..].is_empty() || after_separator[digits..].starts_with(['_', '-', '.']);
    match after_separator[..digits].parse::<u128>() {
        Ok(sequence) if digits > 0 && followed => (Some(sequence), end + 1 + digits),
        _ => (None, end),
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        // Trailing zero parts do not count: Flyway treats 1.0 and 1 as the same version.
        let trimmed = |parts: &[Part]| -> usize {
            parts.iter().rposition(|p| *p != Part::Number(0)).map_or(0, |i| i + 1)
        };
        let (a, b) = (&self.parts[..trimmed(&self.parts)], &other.parts[..trimmed(&other.parts)]);
        a.cmp(b).then_with(|| self.written.cmp(&other.written))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_numerically_not_as_text() {
        assert!(Version::parse("10") > Version::parse("9"));
        assert!(Version::parse("1_10") > Version::parse("1_9"));
        assert!(Version::parse("1.10.0") > Version::parse("1.9.3"));
        assert!(Version::parse("0010") > Version::parse("009"));
        assert!(Version::parse("20240105120000") > Version::parse("20231231235959"));
    }

    #[test]
    fn a_dated_name_is_versioned_by_its_whole_date_and_sequence() {
        let leading = |stem: &str| Version::leading(stem).map(|(v, rest)| (v.to_string(), rest.to_owned()));
        let read = |stem: &str| Version::leading(stem).map(|(v, _)| v);
        assert_eq!(leading("2024-01-31_01_orders"), Some(("2024-01-31_01".into(), "orders".into())));
        assert_eq!(leading("2024_01_31_02_orders"), Some(("2024_01_31_02".into(), "orders".into())));
        assert_eq!(leading("20240131_01_orders"), Some(("20240131_01".into(), "orders".into())));
        assert_eq!(leading("2024.01.31-orders"), Some(("2024.01.31".into(), "orders".into())));
        assert_eq!(leading("2024-01-31"), Some(("2024-01-31".into(), String::new())));
        // A number that is no date, a timestamp and a name after the date stay as they were.
        assert_eq!(leading("0042_add_users"), Some(("0042".into(), "add_users".into())));
        assert_eq!(leading("20240131120000_x"), Some(("20240131120000".into(), "x".into())));
        assert_eq!(leading("2024-01-31_2fa"), Some(("2024-01-31".into(), "2fa".into())));
        // A date that is none is still read as one, ordered by its digits.
        assert_eq!(leading("2024-13-45_01_x"), Some(("2024-13-45_01".into(), "x".into())));
        let remark = read("2024-13-45_01_x").and_then(|version| version.remark());
        assert!(remark.is_some_and(|remark| remark.contains("`2024-13-45` is no calendar date")));
        assert_eq!(read("2024-12-31_01_x").and_then(|version| version.remark()), None);
        assert!(read("2024-13-45_01_x") > read("2024-12-31_01_x"));
        assert!(read("2024-13-45_01_x") < read("2025-01-01_01_x"));
        assert_eq!(leading("20241345_x"), Some(("20241345".into(), "x".into())));
        assert_eq!(leading("orders"), None);
        // Ordered by date then sequence, whatever the spelling.
        assert!(read("2024-01-31_02_b") > read("20240131_01_a"));
        assert!(read("2024_02_01_a") > read("2024-01-31_10_b"));
        assert!(read("2024-01-31_10_b") > read("2024-01-31_9_a"));
        assert!(read("2024-01-31_01_a") > read("2024-01-31_a"));
        assert!(read("2024-12-01_a") > read("2024-02-01_a"));
        // A timestamp among dated names: by its day, then after that day's sequence.
        assert!(read("20240201093000_b") > read("2024-01-31_01_a"));
        assert!(read("20240201093000_b") < read("2024-02-02_01_c"));
        assert!(read("20240201093000_b") > read("2024-02-01_01_c"));
        // Timestamps that are no date (`10000000000000`, run first) keep their place.
        assert!(read("10000000000000_first") < read("20240101093000_b"));
        assert!(read("10000000000000_first") < read("2024-01-31_01_a"));
        assert!(read("20240105120000") > read("20231231235959"));
    }

    #[test]
    fn trailing_zero_parts_do_not_reorder() {
        assert!(Version::parse("1.0") < Version::parse("1.0.1"));
        assert!(Version::parse("1.0") < Version::parse("1.1"));
    }
}
