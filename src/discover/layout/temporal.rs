//! temporal (a versioned-folders layout): `versioned/vX.Y/*.sql`, each version folder
//! listing its files in its `manifest.json` (`SchemaUpdateCqlFiles`): they run in
//! that order, after the folders of earlier versions.

use super::{FilePath, Recognised, Version, is_dotted_number};
use crate::discover::{Migration, ReleaseFile};

pub(super) fn recognise(path: &FilePath) -> Option<Recognised> {
    let version = path.folder.strip_prefix('v').filter(|v| is_dotted_number(v) && v.contains('.'))?;
    Some(Recognised::forward(Version::parse(version), path.file_name.to_owned()))
}

/// Gives each file a manifest lists its place in that list, as a last version part
/// (`1.14` → `1.14.0`, `1.14.1`, …), so that ordering by version runs them in the
/// manifest's order.
pub(in crate::discover) fn order_by_manifests(migrations: &mut [Migration], metadata: &[ReleaseFile]) {
    for manifest in metadata.iter().filter(|file| file.relative.ends_with("manifest.json")) {
        let Some((folder, _)) = manifest.relative.rsplit_once('/') else { continue };
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(&manifest.bytes) else { continue };
        let Some(listed) = json.get("SchemaUpdateCqlFiles").and_then(|v| v.as_array()) else { continue };
        for (position, file) in listed.iter().filter_map(|f| f.as_str()).enumerate() {
            let relative = format!("{folder}/{file}");
            if let Some(migration) = migrations.iter_mut().find(|m| m.relative == relative) {
                let written = migration.version.to_string();
                migration.version = Version::parse(&format!("{written}.{position}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::discover::{Layout, Options, discover};

    #[test]
    fn a_manifest_orders_its_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = dir.path().join("versioned/v1.2");
        std::fs::create_dir_all(&folder).expect("mkdir");
        for name in ["a.sql", "b.sql"] {
            std::fs::write(folder.join(name), "SELECT 1;").expect("write");
        }
        std::fs::write(folder.join("manifest.json"), r#"{"SchemaUpdateCqlFiles": ["b.sql", "a.sql"]}"#)
            .expect("write");
        let set = discover(dir.path(), &Options::default()).expect("discover");
        assert_eq!(set.layout, Layout::VersionedFolders);
        let order: Vec<String> =
            set.forward.iter().map(|m| format!("{} {}", m.relative, m.version)).collect();
        assert_eq!(order, ["versioned/v1.2/b.sql 1.2.0", "versioned/v1.2/a.sql 1.2.1"]);
    }
}
