//! Migration versions, ordered the way migration tools order them: numerically,
//! part by part (`V1_10` after `V1_9`, `10_x` after `9_x`).

use std::cmp::Ordering;
use std::fmt;

/// A version: numeric parts compared as numbers, text parts as text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    parts: Vec<Part>,
    pub(super) written: String,
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
        Version { parts, written: written.to_owned() }
    }
}

impl Version {
    /// A version compared as plain text: Prisma applies its migration folders in
    /// the lexical order of their names.
    pub fn lexical(written: &str) -> Version {
        Version { parts: vec![Part::Text(written.to_owned())], written: written.to_owned() }
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
    fn trailing_zero_parts_do_not_reorder() {
        assert!(Version::parse("1.0") < Version::parse("1.0.1"));
        assert!(Version::parse("1.0") < Version::parse("1.1"));
    }
}
