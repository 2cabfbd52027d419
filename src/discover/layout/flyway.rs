//! Flyway: `V<ver>__name.sql` goes forward, `U<ver>__name.sql` undoes it,
//! `R__name.sql` is repeatable (run after every versioned one), and a
//! `B<ver>__name.sql` baseline runs in version order like a versioned one.

use super::{Direction, FilePath, Recognised, Version};

pub(super) fn recognise(path: &FilePath) -> Option<Recognised> {
    let (prefix, rest) = path.stem()?.split_at_checked(1)?;
    let (version, name) = rest.split_once("__")?;
    match prefix {
        "R" | "r" if version.is_empty() => Some(Recognised {
            version: Version::parse(""),
            name: name.to_owned(),
            direction: Direction::Forward,
            repeatable: true,
        }),
        "V" | "v" | "U" | "u" | "B" | "b" if version.starts_with(|c: char| c.is_ascii_digit()) => {
            Some(Recognised {
                version: Version::parse(version),
                name: name.to_owned(),
                direction: if prefix.eq_ignore_ascii_case("u") {
                    Direction::Back
                } else {
                    Direction::Forward
                },
                repeatable: false,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::Layout;
    use super::*;

    #[test]
    fn undo_baseline_and_repeatable() {
        let undo = Layout::Flyway.recognise("U1_2__x.sql").expect("undo");
        assert_eq!(undo.direction, Direction::Back);
        let baseline = Layout::Flyway.recognise("B1_20_0__baseline.sql").expect("baseline");
        assert_eq!(baseline.direction, Direction::Forward);
        assert!(Layout::Flyway.recognise("R__views.sql").expect("repeatable").repeatable);
        assert_eq!(Layout::Flyway.recognise("Vx__nope.sql"), None);
    }
}
