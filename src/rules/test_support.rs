//! Runs rules over SQL snippets: `given` is A's schema, `sql` the window.

use crate::rules::{Change, Class, Context, Finding, apply_suppressions, classify, reconcile};
use crate::schema::{Schema, Snapshot};
use crate::sql::{Dialect, Outcome, ParsedStatement, parse, split};

fn replay_into(
    schema: &mut Schema,
    snapshot: &mut Snapshot,
    sql: &str,
    dialect: Dialect,
    mut on_statement: impl FnMut(&Schema, &ParsedStatement),
) {
    for statement in parse(&split(sql.as_bytes(), dialect), dialect) {
        on_statement(schema, &statement);
        if let Outcome::Parsed(ops) = &statement.outcome {
            for op in ops {
                snapshot.record(schema, op);
                schema.apply(op);
            }
        }
    }
}

/// Every finding of the window `sql` after A's schema `given`, reconciled with the
/// net difference as the analysis does.
pub(crate) fn findings_in(dialect: Dialect, given: &str, sql: &str) -> Vec<Finding> {
    let mut schema = Schema::default();
    schema.begin_migration(0);
    replay_into(&mut schema, &mut Snapshot::default(), given, dialect, |_, _| {});
    schema.begin_migration(1);
    let mut snapshot = Snapshot::default();
    let mut changes = Vec::new();
    replay_into(&mut schema, &mut snapshot, sql, dialect, |schema, statement| {
        changes.push(Change::new(0, statement, classify(statement, &Context { schema, window_start: 1 })));
    });
    let split = split(sql.as_bytes(), dialect);
    let statements = parse(&split, dialect);
    let reports = apply_suppressions(0, sql.as_bytes(), &split.segments, &statements, &mut changes);
    changes.extend(reports);
    reconcile(changes.iter_mut().flat_map(Change::findings_mut), snapshot.before(), &schema);
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
