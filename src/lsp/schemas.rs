//! The schema replayed before each migration, kept between checks: an edit to
//! the last migration of a long history replays nothing, an edit to an earlier
//! one replays from the checkpoint before it.
//!
//! A checkpoint is the schema before migration `i`, stored with a fingerprint of
//! migrations `0..i` (their paths and text, unsaved buffers included). When a
//! fingerprint no longer matches, a migration before the checkpoint changed
//! (edited, added, removed or reordered) and the checkpoint is dropped.

use std::collections::{BTreeMap, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::analysis::each_parsed;
use crate::classify::replay_file;
use crate::discover::Migration;
use crate::schema::{Epoch, Schema};
use crate::sql::Dialect;

/// Checkpoints are kept every this many migrations, so a change in the middle of
/// a history replays at most this many files before the one judged.
const CHECKPOINT_EVERY: usize = 64;

/// How many checkpoints at judged files (between the regular ones) are kept: the
/// files a user has been editing last.
const RECENT_TARGETS: usize = 4;

#[derive(Debug)]
struct Checkpoint {
    /// Fingerprint of the migrations before it.
    prefix: u64,
    schema: Schema,
}

/// The replayed schemas of one migrations folder.
#[derive(Debug, Default)]
pub struct SchemaCache {
    /// The dialect the checkpoints were replayed in.
    dialect: Option<Dialect>,
    checkpoints: BTreeMap<usize, Checkpoint>,
    recent: VecDeque<usize>,
}

impl SchemaCache {
    /// The schema `forward[..target]` leaves, replaying only what no valid
    /// checkpoint covers.
    pub fn before(&mut self, forward: &[Migration], target: usize, dialect: Dialect) -> &Schema {
        let target = target.min(forward.len());
        if self.dialect != Some(dialect) {
            self.checkpoints.clear();
            self.recent.clear();
            self.dialect = Some(dialect);
        }
        let prefixes = prefix_fingerprints(forward);
        self.checkpoints.retain(|&at, checkpoint| prefixes.get(at) == Some(&checkpoint.prefix));
        self.recent.retain(|at| self.checkpoints.contains_key(at));

        let replayed = (!self.checkpoints.contains_key(&target))
            .then(|| self.replay(forward, target, &prefixes, dialect));
        if replayed.is_some() && target % CHECKPOINT_EVERY != 0 {
            self.recent.push_back(target);
            if self.recent.len() > RECENT_TARGETS {
                if let Some(oldest) = self.recent.pop_front() {
                    self.checkpoints.remove(&oldest);
                }
            }
        }
        let prefix = prefixes[target];
        let checkpoint = self
            .checkpoints
            .entry(target)
            .or_insert_with(|| Checkpoint { prefix, schema: replayed.unwrap_or_default() });
        &checkpoint.schema
    }

    /// Replays `forward[..target]` from the nearest checkpoint before `target`,
    /// keeping a checkpoint at every multiple of [`CHECKPOINT_EVERY`] on the way.
    fn replay(&mut self, forward: &[Migration], target: usize, prefixes: &[u64], dialect: Dialect) -> Schema {
        let (start, mut schema) = self
            .checkpoints
            .range(..target)
            .next_back()
            .map_or((0, Schema::default()), |(&at, checkpoint)| (at, checkpoint.schema.clone()));
        each_parsed(&forward[start..target], dialect, |offset, _, parsed| {
            let index = start + offset as usize;
            schema.begin_migration(epoch(index));
            replay_file(&mut schema, &parsed);
            let after = index + 1;
            if after % CHECKPOINT_EVERY == 0 && after < target {
                self.checkpoints
                    .insert(after, Checkpoint { prefix: prefixes[after], schema: schema.clone() });
            }
        });
        schema
    }

    /// How many checkpoints are held (for tests).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.checkpoints.len()
    }
}

/// A migration's position as the epoch it replays in.
pub fn epoch(index: usize) -> Epoch {
    Epoch::try_from(index).unwrap_or(Epoch::MAX)
}

/// `fingerprints[i]` stands for migrations `0..i`: their paths, whether they are
/// read, and their text.
fn prefix_fingerprints(forward: &[Migration]) -> Vec<u64> {
    let mut fingerprints = Vec::with_capacity(forward.len() + 1);
    let mut running = 0_u64;
    fingerprints.push(running);
    for migration in forward {
        let mut hasher = DefaultHasher::new();
        running.hash(&mut hasher);
        migration.relative.hash(&mut hasher);
        migration.unread.hash(&mut hasher);
        migration.sql().hash(&mut hasher);
        running = hasher.finish();
        fingerprints.push(running);
    }
    fingerprints
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::discover::{Options, discover};
    use crate::sql::parse_file;

    /// A history of `count` migrations, each adding a table.
    fn history(count: usize) -> Vec<Migration> {
        let dir = tempfile::tempdir().expect("tempdir");
        for n in 1..=count {
            let sql = format!("CREATE TABLE t{n} (id int);\nALTER TABLE t{n} ADD COLUMN c text;\n");
            std::fs::write(dir.path().join(format!("{n:04}_t{n}.sql")), sql).expect("write");
        }
        discover(dir.path(), &Options::default()).expect("discover").forward
    }

    fn replayed_from_scratch(forward: &[Migration], target: usize) -> Schema {
        let mut schema = Schema::default();
        for (index, migration) in forward[..target].iter().enumerate() {
            schema.begin_migration(epoch(index));
            replay_file(&mut schema, &parse_file(migration.sql(), Dialect::Postgres));
        }
        schema
    }

    #[test]
    fn cached_schemas_equal_a_replay_from_scratch() {
        let forward = history(150);
        let mut cache = SchemaCache::default();
        for target in [149, 149, 70, 0, 150] {
            let cached = cache.before(&forward, target, Dialect::Postgres).clone();
            assert_eq!(cached, replayed_from_scratch(&forward, target), "before migration {target}");
        }
        // Regular checkpoints at 64 and 128, and the targets judged last.
        assert!(cache.checkpoints.contains_key(&64) && cache.checkpoints.contains_key(&128));
        assert!(cache.len() <= 2 + RECENT_TARGETS + 1, "{:?}", cache.checkpoints.keys());
    }

    #[test]
    fn a_change_before_a_checkpoint_drops_it() {
        let mut forward = history(140);
        let mut cache = SchemaCache::default();
        cache.before(&forward, 139, Dialect::Postgres);
        // Migration 100 now also drops t1: every checkpoint after it is stale.
        let edited = format!("{}DROP TABLE t1;\n", String::from_utf8_lossy(&forward[100].bytes));
        forward[100].bytes = Arc::from(edited.into_bytes());
        let cached = cache.before(&forward, 139, Dialect::Postgres).clone();
        assert!(cached.table("t1").is_none(), "the edit is replayed");
        assert_eq!(cached, replayed_from_scratch(&forward, 139));
        assert!(cache.checkpoints.contains_key(&64), "the checkpoint before the edit stays");
        assert!(
            !cache.checkpoints.contains_key(&128)
                || cache.checkpoints[&128].prefix == prefix_fingerprints(&forward)[128]
        );
    }
}
