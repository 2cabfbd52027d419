//! Synapse (a versioned-folders layout): `delta/<NN>/<name>.sql` runs after the
//! folders before it, and a migration may come as one variant per engine
//! (`.sql.postgres`, `.sql.sqlite`) beside the shared `.sql` files.

use super::{FilePath, Recognised, Version, is_dotted_number};
use crate::discover::ReleaseFile;
use crate::sql::Dialect;

pub(super) fn recognise(path: &FilePath) -> Option<Recognised> {
    let in_delta = path.parent == "delta" || path.parent.ends_with("/delta");
    (in_delta && is_dotted_number(path.folder))
        .then(|| Recognised::forward(Version::parse(path.folder), path.file_name.to_owned()))
}

/// Leaves out the variants for the other engine: SQLite's are kept for SQLite,
/// PostgreSQL's for every other dialect.
pub(in crate::discover) fn keep_engine_variants(files: &mut Vec<ReleaseFile>, dialect: Option<Dialect>) {
    let is_variant = |file: &ReleaseFile| {
        file.relative.ends_with(".sql.postgres") || file.relative.ends_with(".sql.sqlite")
    };
    if !files.iter().any(is_variant) {
        return;
    }
    let other = if dialect == Some(Dialect::Sqlite) { ".sql.postgres" } else { ".sql.sqlite" };
    files.retain(|file| !file.relative.ends_with(other));
}

#[cfg(test)]
mod tests {
    use super::super::Layout;
    use super::*;

    fn file(relative: &str) -> ReleaseFile {
        ReleaseFile {
            relative: relative.to_owned(),
            display: relative.to_owned(),
            bytes: b"SELECT 1;".as_slice().into(),
        }
    }

    #[test]
    fn delta_folders_and_engine_variants() {
        let delta = Layout::VersionedFolders.recognise("main/delta/73/01_users.sql.postgres").expect("delta");
        assert_eq!(
            (delta.version.to_string(), delta.name.as_str()),
            ("73".to_owned(), "01_users.sql.postgres")
        );
        assert_eq!(recognise(&FilePath::new("main/other/73/01_users.sql")), None);
        let mut files =
            vec![file("delta/1/a.sql"), file("delta/1/b.sql.postgres"), file("delta/1/b.sql.sqlite")];
        keep_engine_variants(&mut files, Some(Dialect::Sqlite));
        let kept: Vec<&str> = files.iter().map(|f| f.relative.as_str()).collect();
        assert_eq!(kept, ["delta/1/a.sql", "delta/1/b.sql.sqlite"]);
    }
}
