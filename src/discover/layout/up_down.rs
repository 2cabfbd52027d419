//! golang-migrate and sqlx: `N_name.up.sql` goes forward and `N_name.down.sql` is its
//! way back; a file with neither suffix goes forward.

use super::{Direction, FilePath, Recognised, split_version};

pub(super) fn recognise(path: &FilePath) -> Option<Recognised> {
    let stem = path.stem()?;
    // In any case, as `.sql` is read in any case: `2_x.DOWN.SQL` is a way back.
    let suffixed = |suffix: &str| {
        let split = stem.len().checked_sub(suffix.len()).filter(|&at| stem.is_char_boundary(at))?;
        stem[split..].eq_ignore_ascii_case(suffix).then(|| &stem[..split])
    };
    let (stem, direction) = if let Some(stem) = suffixed(".up") {
        (stem, Direction::Forward)
    } else if let Some(stem) = suffixed(".down") {
        (stem, Direction::Back)
    } else {
        (stem, Direction::Forward)
    };
    // Authelia-style `V0001.Name.up.sql` puts a `V` before the version.
    let stem = match stem.strip_prefix(['V', 'v']) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => stem,
    };
    let (version, name) = split_version(stem)?;
    Some(Recognised { version, name, direction, repeatable: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn down_files_are_the_way_back() {
        let read = |path: &str| recognise(&FilePath::new(path)).map(|r| (r.version.to_string(), r.direction));
        assert_eq!(read("0003_x.down.sql"), Some(("0003".to_owned(), Direction::Back)));
        // Names come with `.sql` in lower case (see `as_sql_name`); the rest in any case.
        assert_eq!(read("0003_x.DOWN.sql"), Some(("0003".to_owned(), Direction::Back)));
        assert_eq!(read("0003_x.Up.sql"), Some(("0003".to_owned(), Direction::Forward)));
        // Authelia's `V` prefix is not part of the version.
        assert_eq!(read("V0001.Initial.up.sql"), Some(("0001".to_owned(), Direction::Forward)));
        assert_eq!(read("0004_y.sql"), Some(("0004".to_owned(), Direction::Forward)));
        assert_eq!(read("readme.up.sql"), None);
    }
}
