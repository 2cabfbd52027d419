//! Prisma: each migration is a folder `<timestamp>_name/` holding `migration.sql`,
//! applied in the lexical order of the folder names; no way back.

use super::{FilePath, Recognised, Version, split_version};

pub(super) fn recognise(path: &FilePath) -> Option<Recognised> {
    if path.file_name != "migration.sql" {
        return None;
    }
    let (_, name) = split_version(path.folder)?;
    Some(Recognised::forward(Version::lexical(path.folder), name))
}
