//! `exclude` patterns: globs of paths to leave out, compiled once into one set
//! that every file of a release is matched against.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// Glob patterns of paths to leave out. `*` and `?` stay within a folder, `**`
/// crosses folders (`**/*.sql` matches `c.sql` too); `[ab]` and `{a,b}` work as in
/// a shell.
#[derive(Debug, Clone, Default)]
pub struct Exclude(GlobSet);

impl Exclude {
    /// Compiles `patterns`; the error names the pattern it is about, when it is
    /// about one.
    pub fn new<'p>(patterns: impl IntoIterator<Item = &'p str>) -> Result<Exclude, globset::Error> {
        let mut set = GlobSetBuilder::new();
        for pattern in patterns {
            set.add(GlobBuilder::new(pattern).literal_separator(true).build()?);
        }
        Ok(Exclude(set.build()?))
    }

    /// Whether a file is left out: its path inside the migrations folder or its full
    /// path (`/`-separated on every system) matches a pattern.
    pub fn excludes(&self, relative: &str, full: &str) -> bool {
        self.0.is_match(relative) || self.0.is_match(full.replace('\\', "/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, path: &str) -> bool {
        Exclude::new([pattern]).expect("valid pattern").excludes(path, path)
    }

    #[test]
    fn stars_stay_in_a_folder_and_double_stars_cross_them() {
        assert!(matches("**/*.sql", "a/b/c.sql") && matches("**/*.sql", "c.sql"));
        assert!(!matches("*.sql", "a/c.sql"));
        assert!(matches("legacy/**", "legacy/old/3_c.sql"));
        assert!(matches("2_?.sql", "2_b.sql") && !matches("2_?.sql", "2_/.sql"));
        assert!(matches("C:/db/**", "C:\\db\\1_a.sql"));
        assert!(!Exclude::default().excludes("1_a.sql", "1_a.sql"));
    }

    #[test]
    fn an_invalid_pattern_is_named_in_the_error() {
        let error = Exclude::new(["ok/**", "broken{"]).expect_err("unclosed alternates");
        assert_eq!(error.glob(), Some("broken{"));
    }
}
