//! The objects a window touches, as they were before it.
//!
//! The net difference only needs the objects the window's statements touched, so
//! instead of cloning the whole schema before every judged file (quadratic on long
//! histories), each operation copies what it is about to change, once.

use std::collections::HashSet;

use crate::sql::Op;

use super::model::Schema;

/// A partial copy of the schema before a window: every object the window touched.
#[derive(Debug, Default)]
pub struct Snapshot {
    before: Schema,
    seen: HashSet<(Kind, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Table,
    View,
    Index,
    Function,
    Type,
    Sequence,
    Trigger,
    Schema,
}

impl Snapshot {
    /// The schema before the window, restricted to what the window touched.
    pub fn before(&self) -> &Schema {
        &self.before
    }

    /// Copies the objects of `current` that `op` is about to change, the first
    /// time the window touches them.
    pub fn record(&mut self, current: &Schema, op: &Op) {
        for (kind, key) in touched(current, op) {
            self.copy(current, kind, key);
        }
    }

    fn copy(&mut self, current: &Schema, kind: Kind, key: String) {
        if !self.seen.insert((kind, key.clone())) {
            return;
        }
        let before = &mut self.before;
        match kind {
            Kind::Table => {
                if let Some(table) = current.tables.get(&key) {
                    before.tables.insert(key.clone(), table.clone());
                }
                for (name, index) in current.indexes.on_table(&key) {
                    before.indexes.insert_new(name, index);
                }
            }
            Kind::View => copy_entry(&current.views, &mut before.views, key),
            Kind::Index => {
                if let Some(index) = current.indexes.get(&key) {
                    before.indexes.insert(key, index.clone());
                }
            }
            Kind::Function => copy_entry(&current.functions, &mut before.functions, key),
            Kind::Type => copy_entry(&current.types, &mut before.types, key),
            Kind::Sequence => copy_entry(&current.sequences, &mut before.sequences, key),
            Kind::Trigger => copy_entry(&current.triggers, &mut before.triggers, key),
            Kind::Schema => {
                copy_entry(&current.schemas, &mut before.schemas, key.clone());
                let prefix = format!("{key}.");
                let inside = |name: &String| name.starts_with(&prefix);
                for name in current.tables.keys().filter(|n| inside(n)).cloned().collect::<Vec<_>>() {
                    self.copy(current, Kind::Table, name);
                }
                for name in current.views.keys().filter(|n| inside(n)).cloned().collect::<Vec<_>>() {
                    self.copy(current, Kind::View, name);
                }
                for name in current.types.keys().filter(|n| inside(n)).cloned().collect::<Vec<_>>() {
                    self.copy(current, Kind::Type, name);
                }
                for name in current.functions.keys().filter(|n| inside(n)).cloned().collect::<Vec<_>>() {
                    self.copy(current, Kind::Function, name);
                }
                for name in current.sequences.keys().filter(|n| inside(n)).cloned().collect::<Vec<_>>() {
                    self.copy(current, Kind::Sequence, name);
                }
            }
        }
    }
}

fn copy_entry<V: Clone>(
    from: &std::collections::BTreeMap<String, V>,
    to: &mut std::collections::BTreeMap<String, V>,
    key: String,
) {
    if let Some(value) = from.get(&key) {
        to.insert(key, value.clone());
    }
}

/// The objects `op` may change.
fn touched(current: &Schema, op: &Op) -> Vec<(Kind, String)> {
    let one = |kind: Kind, key: &str| vec![(kind, key.to_owned())];
    match op {
        Op::CreateTable { table, .. }
        | Op::DropTable { table }
        | Op::AddColumn { table, .. }
        | Op::DropColumn { table, .. }
        | Op::RenameColumn { table, .. }
        | Op::AlterColumnType { table, .. }
        | Op::SetNotNull { table, .. }
        | Op::DropNotNull { table, .. }
        | Op::SetDefault { table, .. }
        | Op::DropDefault { table, .. }
        | Op::RedefineColumn { table, .. }
        | Op::AddConstraint { table, .. }
        | Op::DropConstraint { table, .. }
        | Op::CreateIndex { table, .. }
        | Op::Truncate { table }
        | Op::Delete { table, .. }
        | Op::Update { table, .. }
        | Op::Insert { table, .. } => one(Kind::Table, &table.key),
        Op::RenameTable { from, to } | Op::RenameView { from, to } => vec![
            (Kind::Table, from.key.clone()),
            (Kind::Table, to.key.clone()),
            (Kind::View, from.key.clone()),
            (Kind::View, to.key.clone()),
        ],
        Op::DropIndex { name } => {
            let mut keys = one(Kind::Index, &name.key);
            if let Some(index) = current.indexes.get(&name.key) {
                keys.push((Kind::Table, index.table.clone()));
            }
            keys
        }
        Op::CreateView { name, .. } | Op::DropView { name, .. } => one(Kind::View, &name.key),
        Op::CallRoutine { name, arguments } => current
            .routine_call(name, arguments)
            .unwrap_or_default()
            .iter()
            .flat_map(|op| touched(current, op))
            .collect(),
        Op::CreateFunction { name, .. } | Op::DropFunction { name, .. } => one(Kind::Function, &name.key),
        Op::CreateType { name, .. } | Op::DropType { name, .. } => one(Kind::Type, &name.key),
        Op::AddEnumValue { type_name, .. } | Op::RenameEnumValue { type_name, .. } => {
            one(Kind::Type, &type_name.key)
        }
        Op::CreateSequence { name } | Op::DropSequence { name } => one(Kind::Sequence, &name.key),
        Op::RenameSequence { from, to } => {
            vec![(Kind::Sequence, from.key.clone()), (Kind::Sequence, to.key.clone())]
        }
        Op::CreateTrigger { name, .. } | Op::DropTrigger { name, .. } => one(Kind::Trigger, &name.key),
        Op::RenameType { from, to } => {
            // Its columns take the new name: copy their tables as they were.
            let of_type =
                current.tables.iter().filter(|(_, t)| t.columns.iter().any(|c| c.is_of_type(&from.key)));
            let mut touched: Vec<(Kind, String)> =
                of_type.map(|(name, _)| (Kind::Table, name.clone())).collect();
            touched.extend([(Kind::Type, from.key.clone()), (Kind::Type, to.key.clone())]);
            touched
        }
        Op::CreateSchema { name } | Op::DropSchema { name } => one(Kind::Schema, &name.key),
        // Extensions are judged statement by statement, not by the net difference.
        Op::CreateExtension { .. } | Op::DropExtension { .. } => Vec::new(),
        // The rest touches no object the schema holds (`Op::changes_schema`).
        untouched => {
            debug_assert!(!untouched.changes_schema(), "the snapshot has no case for {untouched:?}");
            Vec::new()
        }
    }
}
