//! Release folders (memos): `<release>/<NN>__name.sql`, a folder per release
//! (`0.24/00__add_x.sql`). They run release by release, releases in version order
//! (`0.3` before `0.24`), then by file number. `LATEST.sql` beside the folders is
//! the whole schema a fresh install starts from, not a migration.

use super::{FilePath, Recognised, Version, is_dotted_number, split_version};

/// How many parts a release's version is widened to, so that every file's
/// version compares release first and file number second (`0.24` and `0.24.1`
/// are `0.24.0.0` and `0.24.1.0`).
const RELEASE_PARTS: usize = 4;

pub(super) fn recognise(path: &FilePath) -> Option<Recognised> {
    let release = path.folder;
    if !(is_dotted_number(release) && release.contains('.')) {
        return None;
    }
    let (number, name) = split_version(path.stem()?)?;
    let padding = RELEASE_PARTS.saturating_sub(release.split('.').count());
    let mut version = Version::parse(&format!("{release}{}.{number}", ".0".repeat(padding)));
    version.written = format!("{release}/{number}");
    Some(Recognised::forward(version, name))
}

/// Why a file beside the release folders is not a migration, when it is the
/// fresh-install schema.
pub(super) fn not_a_migration(path: &FilePath) -> Option<&'static str> {
    path.file_name
        .eq_ignore_ascii_case("LATEST.sql")
        .then_some("the whole schema a fresh install starts from, not a migration: existing databases run the release folders")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_first_then_file_number() {
        let version = |path: &str| recognise(&FilePath::new(path)).map(|r| r.version);
        let order =
            ["0.3/00__a.sql", "0.24/00__b.sql", "0.24/01__c.sql", "0.24.1/00__d.sql", "0.25/00__e.sql"];
        let versions: Vec<Version> = order.iter().filter_map(|path| version(path)).collect();
        assert_eq!(versions.len(), order.len());
        assert!(versions.windows(2).all(|pair| pair[0] < pair[1]), "{versions:?}");
        assert_eq!(versions[1].to_string(), "0.24/00");
        assert_eq!(version("v1.2/00__a.sql"), None);
        assert_eq!(version("LATEST.sql"), None);
        assert!(not_a_migration(&FilePath::new("postgres/LATEST.sql")).is_some());
    }
}
