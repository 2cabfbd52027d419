//! Runs rules over SQL snippets: `given` is A's schema, `sql` the window.

use super::{Change, Class, Finding, judge_file, reconcile, replay_file};
use crate::schema::{Schema, Snapshot};
use crate::sql::{Dialect, parse_file};

/// Every finding of the window `sql` after A's schema `given`, judged and
/// reconciled with the net difference as the analysis does.
pub(crate) fn findings_in(dialect: Dialect, given: &str, sql: &str) -> Vec<Finding> {
    let mut schema = Schema::default();
    schema.begin_migration(0);
    replay_file(&mut schema, &parse_file(given.as_bytes(), dialect));
    schema.begin_migration(1);
    let mut snapshot = Snapshot::default();
    let parsed = parse_file(sql.as_bytes(), dialect);
    let mut changes = judge_file(0, sql.as_bytes(), &parsed, dialect, &mut schema, &mut snapshot, 1);
    reconcile(changes.iter_mut().flat_map(Change::findings_mut), snapshot.before(), &schema, dialect);
    changes.iter().flat_map(|c| c.findings().iter().cloned()).collect()
}

/// The class of the finding of rule `rule_id` (panics when the rule did not fire).
pub(crate) fn class_of_in(dialect: Dialect, given: &str, sql: &str, rule_id: &str) -> Class {
    let found = findings_in(dialect, given, sql);
    found.iter().find(|f| f.rule.id == rule_id).map(|f| f.class).unwrap_or_else(|| {
        let fired: Vec<_> = found.iter().map(|f| (f.rule.id, f.class, &f.message)).collect();
        panic!("rule {rule_id} did not fire on {sql:?}; found {fired:?}")
    })
}

pub(crate) fn class_of(given: &str, sql: &str, rule_id: &str) -> Class {
    class_of_in(Dialect::Postgres, given, sql, rule_id)
}
