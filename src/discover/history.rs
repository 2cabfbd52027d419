//! What release B did to the history of release A: migrations it edited, deleted or
//! renamed, the window of migrations it added, and which of those come before a
//! version A already shipped. Plain data; the analysis turns it into findings.
//!
//! Every lookup goes through a map keyed by path or content, so comparing two
//! histories costs one pass over each, not one pass over B per migration of A.

use std::collections::{HashMap, HashSet};

use super::{Direction, Migration, MigrationSet, Version};

/// A migration of A that B changed in place or removed.
#[derive(Debug, Clone, Copy)]
pub enum Rewrite<'a> {
    /// B's migration (`new`) at the path of one of A's (`old`), with other content.
    Edited { old: &'a Migration, new: &'a Migration },
    /// A's migration that B has neither at its path nor under another name.
    Deleted(&'a Migration),
}

/// How B relates to A's history.
#[derive(Debug)]
pub struct History<'a> {
    /// Edits and deletions, in the order of A's migrations (forward, then back).
    pub rewrites: Vec<Rewrite<'a>>,
    /// `(A's migration, B's migration)` pairs holding the same content under a new
    /// path, in the order of A's migrations.
    pub renamed: Vec<(&'a Migration, &'a Migration)>,
    /// B's forward migrations that A did not have (renamed ones aside), in run order.
    pub window: Vec<&'a Migration>,
    /// Window migrations whose version is older than the newest one A shipped, with
    /// that newest version.
    pub out_of_order: Vec<(&'a Migration, &'a Version)>,
}

impl<'a> History<'a> {
    /// Compares release A (`older`, the one to roll back to) with release B (`newer`).
    pub fn between(older: &'a MigrationSet, newer: &'a MigrationSet) -> History<'a> {
        let older_files = || older.forward.iter().chain(&older.back);
        let newer_files = newer.forward.iter().chain(&newer.back);
        let older_paths: HashSet<&str> = older_files().map(|m| m.relative.as_str()).collect();
        // The first of B's migrations at each path and direction, and the first at a
        // path A lacks for each content: the ones a rename or an edit is matched with.
        let mut newer_at: HashMap<(&str, Direction), &Migration> = HashMap::new();
        let mut newly_holding: HashMap<&[u8], &Migration> = HashMap::new();
        for new in newer_files {
            newer_at.entry((new.relative.as_str(), new.direction)).or_insert(new);
            if !older_paths.contains(new.relative.as_str()) {
                newly_holding.entry(&*new.bytes).or_insert(new);
            }
        }

        // Migration tools know a migration by its version: one that moved to a new path
        // (authelia's `V0002.Webauthn.mysql.up.sql` to `mysql/V0002.WebAuthn.up.sql`)
        // is the same migration, when the version names one migration on each side.
        let older_by_version = by_unique_version(older_files());
        let newer_by_version = by_unique_version(newer.forward.iter().chain(&newer.back));
        let moved_to = |old: &Migration| {
            older_by_version.get(&(&old.version, old.direction))?;
            newer_by_version
                .get(&(&old.version, old.direction))
                .filter(|new| !older_paths.contains(new.relative.as_str()))
                .copied()
        };

        let mut rewrites = Vec::new();
        let mut renamed = Vec::new();
        let mut moved = HashSet::new();
        for old in older_files() {
            if let Some(new) = newer_at.get(&(old.relative.as_str(), old.direction)) {
                if old.bytes != new.bytes {
                    rewrites.push(Rewrite::Edited { old, new });
                }
            } else if let Some(new) = newly_holding.get(&*old.bytes) {
                renamed.push((old, *new));
            } else if let Some(new) = moved_to(old) {
                moved.insert(new.relative.as_str());
                rewrites.push(Rewrite::Edited { old, new });
            } else {
                rewrites.push(Rewrite::Deleted(old));
            }
        }

        let shipped: HashSet<&str> = older.forward.iter().map(|m| m.relative.as_str()).collect();
        let renamed_to: HashSet<&str> = renamed.iter().map(|(_, new)| new.relative.as_str()).collect();
        let window: Vec<&Migration> = newer
            .forward
            .iter()
            .filter(|m| {
                let path = m.relative.as_str();
                !shipped.contains(path) && !renamed_to.contains(path) && !moved.contains(path)
            })
            .collect();

        let newest_shipped = older.forward.iter().filter(|m| !m.repeatable).map(|m| &m.version).max();
        let out_of_order = newest_shipped.map_or_else(Vec::new, |newest| {
            window.iter().filter(|m| !m.repeatable && m.version < *newest).map(|m| (*m, newest)).collect()
        });
        History { rewrites, renamed, window, out_of_order }
    }
}

/// The migrations whose version (in their direction) no other migration shares:
/// those a version alone names. Versionless and repeatable ones have none.
fn by_unique_version<'a>(
    migrations: impl Iterator<Item = &'a Migration>,
) -> HashMap<(&'a Version, Direction), &'a Migration> {
    let mut seen: HashMap<(&Version, Direction), Option<&Migration>> = HashMap::new();
    for migration in migrations.filter(|m| !m.repeatable && !m.version.to_string().is_empty()) {
        seen.entry((&migration.version, migration.direction))
            .and_modify(|shared| *shared = None)
            .or_insert(Some(migration));
    }
    seen.into_iter().filter_map(|(key, only)| Some((key, only?))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::{Options, discover};

    fn set(files: &[(&str, &str)]) -> MigrationSet {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        discover(dir.path(), &Options::default()).expect("discover")
    }

    fn paths<'a>(migrations: impl IntoIterator<Item = &'a Migration>) -> Vec<&'a str> {
        migrations.into_iter().map(|m| m.relative.as_str()).collect()
    }

    #[test]
    fn edited_deleted_renamed_window_and_out_of_order() {
        let older = set(&[
            ("1_a.up.sql", "CREATE TABLE a (x int);"),
            ("1_a.down.sql", "DROP TABLE a;"),
            ("3_c.up.sql", "CREATE TABLE c (x int);"),
            ("5_e.up.sql", "CREATE TABLE e (x int);"),
            ("7_g.up.sql", "CREATE TABLE g (x int);"),
        ]);
        let newer = set(&[
            ("1_a.up.sql", "CREATE TABLE a (x int);"),
            ("1_a.down.sql", "DROP TABLE a CASCADE;"),
            ("2_b.up.sql", "CREATE TABLE b (x int);"),
            ("3_c.up.sql", "CREATE TABLE c (x bigint);"),
            ("6_f.up.sql", "CREATE TABLE e (x int);"),
            ("8_h.up.sql", "CREATE TABLE h (x int);"),
        ]);
        let history = History::between(&older, &newer);
        let rewrites: Vec<(&str, &str)> = history
            .rewrites
            .iter()
            .map(|rewrite| match rewrite {
                Rewrite::Edited { new, .. } => ("edited", new.relative.as_str()),
                Rewrite::Deleted(m) => ("deleted", m.relative.as_str()),
            })
            .collect();
        // In A's order: its forward migrations first, then its way back.
        assert_eq!(
            rewrites,
            [("edited", "3_c.up.sql"), ("deleted", "7_g.up.sql"), ("edited", "1_a.down.sql")]
        );
        let renamed: Vec<(&str, &str)> =
            history.renamed.iter().map(|(from, to)| (from.relative.as_str(), to.relative.as_str())).collect();
        assert_eq!(renamed, [("5_e.up.sql", "6_f.up.sql")]);
        assert_eq!(paths(history.window.iter().copied()), ["2_b.up.sql", "8_h.up.sql"]);
        let late: Vec<(&str, String)> = history
            .out_of_order
            .iter()
            .map(|(m, newest)| (m.relative.as_str(), newest.to_string()))
            .collect();
        assert_eq!(late, [("2_b.up.sql", "7".to_owned())]);
    }

    #[test]
    fn a_migration_moved_keeps_its_version() {
        let older =
            set(&[("1_a.up.sql", "CREATE TABLE a (x int);"), ("2_b.up.sql", "CREATE TABLE b (x int);")]);
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("mysql")).expect("mkdir");
        for (name, text) in [
            ("mysql/1_a.up.sql", "CREATE TABLE a (x int);"),
            ("mysql/2_B.up.sql", "CREATE TABLE b (x bigint);"),
            ("mysql/3_c.up.sql", "CREATE TABLE c (x int);"),
        ] {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        let newer = discover(dir.path(), &Options::default()).expect("discover");
        let history = History::between(&older, &newer);
        // Same text: renamed; same version, other text: edited where it is now; only 3 is new.
        assert_eq!(history.renamed.len(), 1);
        assert!(
            matches!(history.rewrites.as_slice(), [Rewrite::Edited { new, .. }] if new.relative == "mysql/2_B.up.sql")
        );
        assert_eq!(paths(history.window.iter().copied()), ["mysql/3_c.up.sql"]);
        assert!(history.out_of_order.is_empty());
    }

    #[test]
    fn a_first_release_has_nothing_out_of_order() {
        let newer = set(&[("2_b.sql", "SELECT 1;"), ("1_a.sql", "SELECT 2;")]);
        let first = MigrationSet::empty("A", None);
        let history = History::between(&first, &newer);
        assert!(history.rewrites.is_empty() && history.renamed.is_empty());
        assert_eq!(paths(history.window.iter().copied()), ["1_a.sql", "2_b.sql"]);
        assert!(history.out_of_order.is_empty());
    }
}
