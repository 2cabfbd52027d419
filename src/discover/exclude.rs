//! `exclude` patterns: globs of paths to leave out, compiled once into one set
//! that every file of a release is matched against.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use super::{SkipKind, Skipped, lexically_normal};

/// Glob patterns of paths to leave out. `*` and `?` stay within a folder, `**`
/// crosses folders (`**/*.sql` matches `c.sql` too); `[ab]` and `{a,b}` work as in
/// a shell. A pattern is relative to the folder it was written for (the folder of
/// `rollsafe.toml`, as a `.gitignore` pattern is to its own), or to the migrations
/// folder, and may be spelled as in a `.gitignore` (see [`spellings`]).
#[derive(Debug, Clone, Default)]
pub struct Exclude {
    set: GlobSet,
    /// For each glob of `set`, the pattern it was made from (see [`spellings`]).
    pattern_of: Vec<usize>,
    patterns: Vec<String>,
    /// The folder the patterns are relative to, absolute.
    base: Option<PathBuf>,
}

impl Exclude {
    /// Compiles `patterns`; the error names the pattern it is about, when it is
    /// about one.
    pub fn new<'p>(patterns: impl IntoIterator<Item = &'p str>) -> Result<Exclude, globset::Error> {
        let mut set = GlobSetBuilder::new();
        let (mut written, mut pattern_of) = (Vec::new(), Vec::new());
        for (index, pattern) in patterns.into_iter().enumerate() {
            for glob in spellings(pattern) {
                set.add(GlobBuilder::new(&glob).literal_separator(true).build()?);
                pattern_of.push(index);
            }
            written.push(pattern.to_owned());
        }
        Ok(Exclude { set: set.build()?, pattern_of, patterns: written, base: None })
    }

    /// The same patterns, relative to `folder`.
    pub fn relative_to(self, folder: &Path) -> Exclude {
        Exclude { base: std::path::absolute(folder).ok().map(|base| lexically_normal(&base)), ..self }
    }

    /// Whether a file is left out: its path inside the migrations folder, its path
    /// from the patterns' folder, or its full path (`/`-separated on every system)
    /// matches a pattern.
    pub fn excludes(&self, relative: &str, full: &str) -> bool {
        !self.patterns.is_empty()
            && self.candidates(relative, full).iter().any(|path| self.set.is_match(path.as_ref()))
    }

    /// The patterns that left out none of the files in `skipped`: most likely
    /// written relative to another folder than the one they are taken from.
    pub fn unmatched(&self, skipped: &[Skipped]) -> Vec<&str> {
        let matched: BTreeSet<usize> = skipped
            .iter()
            .filter(|file| file.kind == SkipKind::Excluded)
            .flat_map(|file| self.candidates(&file.relative, &file.display))
            .flat_map(|path| self.set.matches(path.as_ref()))
            .map(|glob| self.pattern_of[glob])
            .collect();
        (0..self.patterns.len())
            .filter(|index| !matched.contains(index))
            .map(|index| self.patterns[index].as_str())
            .collect()
    }

    /// The paths a pattern may be written against. `full` is the file's path
    /// from the working directory (for a file read at a revision, its place in the
    /// working tree).
    fn candidates<'a>(&self, relative: &'a str, full: &'a str) -> Vec<Cow<'a, str>> {
        let mut paths = vec![Cow::Borrowed(relative), Cow::Owned(full.replace('\\', "/"))];
        let slashed = |path: &Path| path.to_string_lossy().replace('\\', "/");
        // `..` resolved as written: a migrations folder named `../proj/db` from
        // inside `proj` is `proj/db`, under the patterns' folder.
        if let Ok(absolute) = std::path::absolute(full).map(|absolute| lexically_normal(&absolute)) {
            let from_base = self.base.as_deref().and_then(|base| absolute.strip_prefix(base).ok());
            paths.extend(from_base.map(|path| Cow::Owned(slashed(path))));
            // An absolute pattern is matched against the file's absolute path.
            paths.push(Cow::Owned(slashed(&absolute)));
        }
        paths
    }
}

/// The globs a pattern stands for, read as a `.gitignore` pattern is: `./x` and
/// `/x` (anchored at the patterns' folder) are `x`, and a folder, written `x/`
/// or plain `x`, stands for everything under it (`x/**`); a pattern starting with
/// `/` also stands for itself, an absolute path.
fn spellings(pattern: &str) -> Vec<String> {
    let mut globs = Vec::new();
    if pattern.starts_with('/') {
        globs.push(pattern.trim_end_matches('/').to_owned());
    }
    let relative = pattern.trim_start_matches("./").trim_start_matches('/');
    let relative = relative.strip_suffix('/').unwrap_or(relative);
    globs.push(relative.to_owned());
    globs.extend(
        globs.clone().into_iter().filter(|glob| !glob.ends_with("**")).map(|glob| format!("{glob}/**")),
    );
    globs.sort();
    globs.dedup();
    globs
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
        // Spelled as in a `.gitignore`: a folder plain, with a trailing `/`, anchored.
        for pattern in ["legacy", "legacy/", "./legacy/**", "/legacy/**", "/legacy"] {
            assert!(matches(pattern, "legacy/old/3_c.sql"), "{pattern}");
        }
        assert!(!matches("legacy", "not_legacy/3_c.sql") && !matches("/legacy", "a/legacy/3_c.sql"));
        assert!(matches("2_?.sql", "2_b.sql") && !matches("2_?.sql", "2_/.sql"));
        assert!(matches("C:/db/**", "C:\\db\\1_a.sql"));
        assert!(!Exclude::default().excludes("1_a.sql", "1_a.sql"));
    }

    #[test]
    fn patterns_are_relative_to_their_folder() {
        let exclude =
            Exclude::new(["db/migrations/legacy/**"]).expect("valid").relative_to(Path::new("/repo"));
        assert!(exclude.excludes("legacy/3_c.sql", "/repo/db/migrations/legacy/3_c.sql"));
        assert!(!exclude.excludes("3_c.sql", "/repo/db/migrations/3_c.sql"));
    }

    #[test]
    fn patterns_match_a_folder_written_through_dot_dot() {
        let exclude = Exclude::new(["db/migrations/legacy/**"])
            .expect("valid")
            .relative_to(Path::new("/repo/proj/../proj"));
        assert!(exclude.excludes("legacy/2_b.sql", "/repo/proj/../proj/db/migrations/legacy/2_b.sql"));
        assert!(exclude.excludes("legacy/2_b.sql", "/repo/proj/db/./x/../migrations/legacy/2_b.sql"));
        assert!(!exclude.excludes("2_b.sql", "/repo/proj/../proj/db/migrations/2_b.sql"));
    }

    #[test]
    fn an_invalid_pattern_is_named_in_the_error() {
        let error = Exclude::new(["ok/**", "broken{"]).expect_err("unclosed alternates");
        assert_eq!(error.glob(), Some("broken{"));
    }
}
