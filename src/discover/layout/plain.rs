//! Plain numbered files: `NNN_name.sql` or `<timestamp>_name.sql`, run in version
//! order, with no way back. dbmate names its files the same way.

use super::{FilePath, Recognised, split_version};

pub(super) fn recognise(path: &FilePath) -> Option<Recognised> {
    let (version, name) = split_version(path.stem()?)?;
    Some(Recognised::forward(version, name))
}
