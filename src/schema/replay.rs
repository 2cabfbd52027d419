//! Applies operations to a schema, in migration order.

use crate::sql::{ColumnSpec, ConstraintSpec, Op};

use std::collections::{BTreeMap, BTreeSet};

use super::model::{
    Column, Constraint, Epoch, Function, Index, ObjectId, Schema, Table, UserType, View, push_snug,
    unqualified_type,
};

impl Schema {
    /// Applies one operation. Operations on objects the schema does not know (created
    /// outside the migrations rollsafe read) change nothing.
    pub fn apply(&mut self, op: &Op) {
        let epoch = self.epoch;
        match op {
            Op::CreateTable { table, columns, constraints, if_not_exists, copied_from } => {
                let exists = self.tables.get(&table.key).map(|table| table.outside);
                if *if_not_exists && exists == Some(false) {
                    return;
                }
                let source = copied_from.as_ref().and_then(|s| self.tables.get(&s.key)).map(|s| s.id);
                // Sized for the inline constraints too, pushed below.
                let inline = columns.iter().map(|c| c.inline_constraints.len()).sum::<usize>();
                let mut table_constraints = Vec::with_capacity(constraints.len() + inline);
                table_constraints.extend(constraints.iter().map(|c| self.constraint(c)));
                let mut created = Table {
                    id: self.new_id(),
                    created: epoch,
                    columns: columns.iter().map(|c| self.column_state(c)).collect(),
                    constraints: table_constraints,
                    copied_from: source.into_iter().collect(),
                    outside: false,
                    former_names: Vec::new(),
                };
                if source.is_some() {
                    self.copy_holders.insert(table.key.clone());
                }
                for column in columns {
                    self.own_serial_sequence(&table.key, column);
                    for kind in &column.inline_constraints {
                        created.constraints.push(Constraint {
                            name: None,
                            kind: *kind,
                            columns: vec![column.name.key.clone()],
                            text: format!("{kind:?} ({})", column.name.key),
                            created: epoch,
                        });
                    }
                }
                if let Some(outside) = self.tables.get(&table.key).filter(|table| table.outside) {
                    // The statement describes a table that predates the migrations
                    // (IF NOT EXISTS finds it): its columns are as old, but the ones
                    // a migration added keep their age.
                    created.created = outside.created;
                    created.columns.iter_mut().for_each(|column| column.created = outside.created);
                    for added in &outside.columns {
                        created.columns.retain(|column| column.name != added.name);
                        push_snug(&mut created.columns, added.clone());
                    }
                }
                self.tables.insert(table.key.clone(), created);
            }
            Op::DropTable { table } => {
                if let Some(mut dropped) = self.tables.remove(&table.key) {
                    self.copy_holders.remove(&table.key);
                    let copies: Vec<String> = (self.copy_holders.iter())
                        .filter(|name| {
                            self.tables.get(*name).is_some_and(|t| t.copied_from.contains(&dropped.id))
                        })
                        .cloned()
                        .collect();
                    if !copies.is_empty() {
                        push_snug(&mut dropped.former_names, (table.key.clone(), epoch));
                        let id = dropped.id;
                        self.rebuild_sources.insert(id, dropped);
                        // Renamed away first, then copied into a table of its old name.
                        for copy in copies {
                            self.continue_rebuilt_table(&copy);
                        }
                    }
                }
                self.indexes.remove_table(&table.key);
            }
            Op::RenameTable { from, to } => {
                if rename_entry(&mut self.tables, &from.key, &to.key) {
                    self.indexes.rename_table(&from.key, &to.key);
                    if let Some(renamed) = self.tables.get_mut(&to.key) {
                        push_snug(&mut renamed.former_names, (from.key.clone(), epoch));
                        self.copy_holders.remove(&from.key);
                        if !renamed.copied_from.is_empty() {
                            self.copy_holders.insert(to.key.clone());
                        }
                    }
                    self.continue_rebuilt_table(&to.key);
                } else if !rename_entry(&mut self.views, &from.key, &to.key) {
                    // MySQL's RENAME TABLE and T-SQL's sp_rename rename views too, and
                    // sp_rename sequences.
                    rename_entry(&mut self.sequences, &from.key, &to.key);
                }
            }
            Op::AddColumn { table, column } => {
                let column_state = self.column_state(column);
                if !self.tables.contains_key(&table.key) {
                    // A table no migration read created; of its columns, the schema
                    // knows the ones the migrations add.
                    let id = self.new_id();
                    self.tables.insert(table.key.clone(), Table::made_outside(id));
                }
                let Some(known) = self.tables.get_mut(&table.key) else {
                    return;
                };
                known.columns.retain(|c| c.name != column.name.key);
                push_snug(&mut known.columns, column_state);
                self.own_serial_sequence(&table.key, column);
            }
            Op::DropColumn { table, column } => {
                if let Some(table) = self.tables.get_mut(&table.key) {
                    table.columns.retain(|c| c.name != column.key);
                    table.constraints.retain(|c| !c.columns.contains(&column.key));
                }
            }
            Op::RenameColumn { table, from, to } => {
                if let Some(table) = self.tables.get_mut(&table.key) {
                    if let Some(column) = table.column_mut(&from.key) {
                        column.name = to.key.clone();
                    }
                    for constraint in &mut table.constraints {
                        for name in constraint.columns.iter_mut().filter(|c| **c == from.key) {
                            *name = to.key.clone();
                        }
                    }
                }
            }
            Op::AlterColumnType { table, column, data_type } => {
                self.with_column(&table.key, &column.key, |c| c.data_type = data_type.clone());
            }
            Op::SetNotNull { table, column } => {
                self.with_column(&table.key, &column.key, |c| c.nullable = false)
            }
            Op::DropNotNull { table, column } => {
                self.with_column(&table.key, &column.key, |c| c.nullable = true)
            }
            Op::SetDefault { table, column } => {
                self.with_column(&table.key, &column.key, |c| c.has_default = true)
            }
            Op::DropDefault { table, column } => {
                self.with_column(&table.key, &column.key, |c| c.has_default = false);
            }
            Op::RedefineColumn { table, column, new } => {
                if let Some(table) = self.tables.get_mut(&table.key) {
                    if let Some(existing) = table.column_mut(&column.key) {
                        existing.name = new.name.key.clone();
                        existing.data_type = new.data_type.clone();
                        existing.nullable = new.nullable;
                        existing.has_default = new.has_default;
                    }
                }
            }
            Op::Update { table, copies, filtered: false, .. } => {
                let Some(table) = self.tables.get_mut(&table.key) else {
                    return;
                };
                for copy in copies.iter().filter(|copy| copy.to != copy.from) {
                    if let Some(column) = table.column_mut(&copy.to) {
                        column.copied_from = Some(copy.from.clone());
                    }
                }
            }
            Op::AddConstraint { table, constraint } => {
                let added = self.constraint(constraint);
                if let Some(table) = self.tables.get_mut(&table.key) {
                    if added.kind == crate::sql::ConstraintKind::PrimaryKey {
                        for column in table.columns.iter_mut().filter(|c| added.columns.contains(&c.name)) {
                            column.nullable = false;
                        }
                    }
                    push_snug(&mut table.constraints, added);
                }
            }
            Op::DropConstraint { table, name } => {
                if let Some(table) = self.tables.get_mut(&table.key) {
                    let is_primary_key = name.key == "primary key";
                    table.constraints.retain(|c| {
                        c.name.as_deref() != Some(name.key.as_str())
                            && !(is_primary_key && c.kind == crate::sql::ConstraintKind::PrimaryKey)
                    });
                }
            }
            Op::CreateIndex { name, table, unique, .. } => {
                let key = name
                    .as_ref()
                    .map_or_else(|| format!("{}#{}", table.key, self.indexes.count()), |n| n.key.clone());
                self.indexes.insert(key, Index { table: table.key.clone(), unique: *unique, created: epoch });
            }
            Op::DropIndex { name } => {
                self.indexes.remove(&name.key);
            }
            Op::CreateView { name, columns, over, .. } => {
                let over = over.as_ref().map(|table| table.key.clone());
                self.views.insert(name.key.clone(), View { columns: columns.clone(), created: epoch, over });
            }
            Op::DropView { name, .. } => {
                self.views.remove(&name.key);
            }
            Op::RenameView { from, to } => {
                rename_entry(&mut self.views, &from.key, &to.key);
            }
            Op::CreateFunction { name, signature, parameters, body, .. } => {
                let function = self.functions.entry(name.key.clone()).or_insert_with(|| Function {
                    signatures: Default::default(),
                    body: None,
                    parameters: Vec::new(),
                });
                function.signatures.insert_new(signature, epoch);
                function.body = body.clone();
                function.parameters = parameters.clone();
            }
            Op::CallRoutine { name, arguments } => {
                for op in self.routine_call(name, arguments).unwrap_or_default() {
                    self.apply(&op);
                }
            }
            Op::DropFunction { name, signature, .. } => match signature {
                Some(signature) => {
                    if let Some(function) = self.functions.get_mut(&name.key) {
                        function.signatures.remove(signature);
                        if function.signatures.is_empty() {
                            self.functions.remove(&name.key);
                        }
                    }
                }
                None => {
                    self.functions.remove(&name.key);
                }
            },
            Op::CreateType { name, enum_values, table_columns } => {
                self.types.insert(
                    name.key.clone(),
                    UserType {
                        enum_values: enum_values.clone(),
                        table_columns: table_columns.clone(),
                        created: epoch,
                        former_names: Vec::new(),
                    },
                );
            }
            Op::AddEnumValue { type_name, value } => {
                if let Some(values) = self.types.get_mut(&type_name.key).and_then(|t| t.enum_values.as_mut())
                {
                    if !values.contains(value) {
                        push_snug(values, value.clone());
                    }
                }
            }
            Op::RenameEnumValue { type_name, from, to } => {
                if let Some(values) = self.types.get_mut(&type_name.key).and_then(|t| t.enum_values.as_mut())
                {
                    for value in values.iter_mut().filter(|v| *v == from) {
                        *value = to.clone();
                    }
                }
            }
            Op::DropType { name, .. } => {
                self.types.remove(&name.key);
            }
            Op::RenameType { from, to } => {
                if rename_entry(&mut self.types, &from.key, &to.key) {
                    if let Some(renamed) = self.types.get_mut(&to.key) {
                        push_snug(&mut renamed.former_names, (from.key.clone(), epoch));
                    }
                    self.retype_columns(&from.key, &to.key);
                }
            }
            Op::CreateExtension { name } => {
                self.extensions.entry(name.key.clone()).or_insert(epoch);
            }
            Op::DropExtension { name } => {
                self.extensions.remove(&name.key);
            }
            Op::CreateTrigger { name, .. } => {
                self.triggers.insert(name.key.clone(), epoch);
            }
            Op::DropTrigger { name, .. } => {
                self.triggers.remove(&name.key);
            }
            Op::CreateSequence { name } => {
                self.sequences.entry(name.key.clone()).or_insert(epoch);
            }
            Op::DropSequence { name } => {
                self.sequences.remove(&name.key);
            }
            Op::RenameSequence { from, to } => {
                rename_entry(&mut self.sequences, &from.key, &to.key);
            }
            Op::CreateSchema { name } => {
                self.schemas.entry(name.key.clone()).or_insert(epoch);
            }
            Op::DropSchema { name } => {
                self.schemas.remove(&name.key);
                let prefix = format!("{}.", name.key);
                self.tables.retain(|key, _| !key.starts_with(&prefix));
                self.views.retain(|key, _| !key.starts_with(&prefix));
                self.types.retain(|key, _| !key.starts_with(&prefix));
                self.functions.retain(|key, _| !key.starts_with(&prefix));
                self.sequences.retain(|key, _| !key.starts_with(&prefix));
            }
            Op::Insert { table, copied_from: Some(source) } => {
                if let Some(source_id) = self.tables.get(&source.key).map(|t| t.id) {
                    if let Some(target) = self.tables.get_mut(&table.key) {
                        target.copied_from.insert(source_id);
                        self.copy_holders.insert(table.key.clone());
                    }
                }
            }
            // The rest changes rows, privileges or settings, which the schema does not
            // hold; `Op::changes_schema` decides which those are.
            unchanged => debug_assert!(!unchanged.changes_schema(), "replay has no case for {unchanged:?}"),
        }
    }

    fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// A PostgreSQL `serial` column comes with a sequence named
    /// `<table>_<column>_seq`, in the table's schema, that no statement names:
    /// dropping it later is dropping an object this migration made.
    fn own_serial_sequence(&mut self, table: &str, column: &ColumnSpec) {
        let serial = ["serial", "serial2", "serial4", "serial8", "smallserial", "bigserial"];
        if !serial.contains(&column.data_type.to_ascii_lowercase().as_str()) {
            return;
        }
        let (schema, table) = table.rsplit_once('.').map_or(("", table), |(schema, table)| (schema, table));
        let dot = if schema.is_empty() { "" } else { "." };
        let sequence = format!("{schema}{dot}{table}_{}_seq", column.name.key);
        self.sequences.entry(sequence).or_insert(self.epoch);
    }

    fn column_state(&self, spec: &ColumnSpec) -> Column {
        Column {
            name: spec.name.key.clone(),
            data_type: spec.data_type.clone(),
            nullable: spec.nullable,
            has_default: spec.has_default,
            created: self.epoch,
            copied_from: None,
        }
    }

    fn constraint(&self, spec: &ConstraintSpec) -> Constraint {
        Constraint {
            name: spec.name.as_ref().map(|n| n.key.clone()),
            kind: spec.kind,
            columns: spec.columns.clone(),
            text: spec.text.clone(),
            created: self.epoch,
        }
    }

    fn with_column(&mut self, table: &str, column: &str, change: impl FnOnce(&mut Column)) {
        if let Some(column) = self.tables.get_mut(table).and_then(|t| t.column_mut(column)) {
            change(column);
        }
    }
}

/// Moves the entry `from` of `map` to the key `to`; whether there was one.
impl Schema {
    /// Columns of a renamed type are of the type under its new name: a column
    /// refers to its type, not to the type's name.
    fn retype_columns(&mut self, from: &str, to: &str) {
        let to = unqualified_type(to);
        for column in self.tables.values_mut().flat_map(|table| table.columns.iter_mut()) {
            if column.is_of_type(from) {
                let array = column.data_type.find('[').map_or("", |at| &column.data_type[at..]);
                let name = if column.data_type.contains('"') { format!("\"{to}\"") } else { to.clone() };
                column.data_type = format!("{name}{array}");
            }
        }
    }

    /// A copy that holds a name of the dropped table it was copied from (create
    /// `t_new`, copy the rows, drop `t`, rename `t_new` to `t`; or rename `t` to
    /// `t_old`, create `t`, copy, drop `t_old`; or copy `t` into a backup, drop
    /// `t`, create `t`, copy the backup back, drop the backup) is `t` rebuilt: the
    /// same table, as old as it and with the age of each column it had, so what
    /// the window does to it next is judged against what A's code knew.
    fn continue_rebuilt_table(&mut self, name: &str) {
        let Some(table) = self.tables.get_mut(name) else {
            return;
        };
        let original = rebuilt_original(&self.rebuild_sources, &table.copied_from, name, self.epoch);
        let Some(original) = original.and_then(|id| self.rebuild_sources.remove(&id)) else {
            return;
        };
        table.id = original.id;
        table.created = original.created;
        table.outside = original.outside;
        for column in &mut table.columns {
            if let Some(old) = original.column(&column.name) {
                column.created = old.created;
            }
        }
        // The copy's own temporary name is not one the table ever had for A.
        table.former_names = original.former_names;
    }
}

/// Of the tables a copy named `name` was copied from, the dropped one that left
/// that name in this very migration (`epoch`): a table that took its name in an
/// earlier one (`new_t` renamed to `t` long ago) is no copy of the next `new_t`.
/// A source that is itself a copy dropped in this migration (the backup a round
/// trip copies `t` into and back out of) passes on the tables it was copied from.
fn rebuilt_original(
    sources: &BTreeMap<ObjectId, Table>,
    copied_from: &BTreeSet<ObjectId>,
    name: &str,
    epoch: Epoch,
) -> Option<ObjectId> {
    let dropped_here = |table: &Table, as_name: Option<&str>| {
        table.former_names.iter().any(|(n, e)| *e == epoch && as_name.is_none_or(|as_name| n == as_name))
    };
    let mut seen = BTreeSet::new();
    let mut pending: Vec<ObjectId> = copied_from.iter().copied().collect();
    while let Some(id) = pending.pop() {
        let Some(source) = sources.get(&id).filter(|_| seen.insert(id)) else {
            continue;
        };
        if dropped_here(source, Some(name)) {
            return Some(id);
        }
        if dropped_here(source, None) {
            pending.extend(source.copied_from.iter().copied());
        }
    }
    None
}

fn rename_entry<V>(map: &mut BTreeMap<String, V>, from: &str, to: &str) -> bool {
    match map.remove(from) {
        Some(value) => {
            map.insert(to.to_owned(), value);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::Schema;
    use crate::sql::{Dialect, Outcome, parse, split};

    pub(crate) fn replay(sql: &str) -> Schema {
        let mut schema = Schema::default();
        apply_sql(&mut schema, sql);
        schema
    }

    fn apply_sql(schema: &mut Schema, sql: &str) {
        for statement in parse(&split(sql.as_bytes(), Dialect::Postgres), Dialect::Postgres) {
            if let Outcome::Parsed(ops) = statement.outcome {
                ops.iter().for_each(|op| schema.apply(op));
            }
        }
    }

    #[test]
    fn replays_tables_columns_and_renames() {
        let schema = replay(
            "CREATE TABLE Public.Users (id serial PRIMARY KEY, \"Email\" varchar(50));
             ALTER TABLE users RENAME COLUMN \"Email\" TO email;
             ALTER TABLE users ALTER COLUMN email SET NOT NULL, ADD COLUMN age int DEFAULT 0;
             ALTER TABLE users RENAME TO members;",
        );
        let members = schema.table("members").expect("renamed table");
        let email = members.column("email").expect("renamed column");
        assert!(!email.nullable);
        assert!(members.column("age").is_some_and(|c| c.has_default));
        assert!(members.column("id").is_some_and(|c| !c.nullable && c.has_default));
        assert!(schema.table("users").is_none());
    }

    #[test]
    fn follows_table_rebuilds_through_copies() {
        let schema = replay(
            "CREATE TABLE t (a int, b int);
             CREATE TABLE t_new (a int, b int);
             INSERT INTO t_new SELECT a, b FROM t;
             DROP TABLE t;
             ALTER TABLE t_new RENAME TO t;",
        );
        let rebuilt = schema.table("t").expect("rebuilt");
        assert_eq!(rebuilt.copied_from.len(), 1);
    }

    /// Replays `given` as migration 0, then `window` as migration 1.
    fn replay_window(given: &str, window: &str) -> Schema {
        let mut schema = Schema::default();
        schema.begin_migration(0);
        apply_sql(&mut schema, given);
        schema.begin_migration(1);
        apply_sql(&mut schema, window);
        schema
    }

    #[test]
    fn a_rebuilt_table_keeps_the_age_of_the_table_and_of_its_columns() {
        let given = "CREATE TABLE t (a int, b int);";
        let copy_then_rename = "CREATE TABLE t_new (a int, b int, c int);
             INSERT INTO t_new (a, b) SELECT a, b FROM t;
             DROP TABLE t;
             ALTER TABLE t_new RENAME TO t;";
        let rename_away_then_copy = "ALTER TABLE t RENAME TO t_old;
             CREATE TABLE t (a int, b int, c int);
             INSERT INTO t (a, b) SELECT a, b FROM t_old;
             DROP TABLE t_old;";
        // The copy goes by the name it is found by only after it was made.
        let copy_renamed_then_drop = "ALTER TABLE t RENAME TO t_old;
             CREATE TABLE t_new (a int, b int, c int);
             INSERT INTO t_new (a, b) SELECT a, b FROM t_old;
             ALTER TABLE t_new RENAME TO t;
             DROP TABLE t_old;";
        for window in [copy_then_rename, rename_away_then_copy, copy_renamed_then_drop] {
            let schema = replay_window(given, window);
            let rebuilt = schema.table("t").expect("rebuilt");
            assert_eq!(rebuilt.created, 0, "as old as A's table: {window}");
            assert_eq!(rebuilt.column("b").map(|c| c.created), Some(0), "{window}");
            assert_eq!(rebuilt.column("c").map(|c| c.created), Some(1), "new in the window: {window}");
        }
    }

    #[test]
    fn a_table_that_took_its_name_in_an_earlier_migration_is_no_copy_of_the_next() {
        // Prisma rebuilds the same table in migration after migration: the second
        // `t_new` is new, although the table it replaces was once called `t_new`.
        let given = "CREATE TABLE t_new (a int); ALTER TABLE t_new RENAME TO t;";
        let schema = replay_window(
            given,
            "CREATE TABLE t_new (a int); INSERT INTO t_new SELECT a FROM t; DROP TABLE t;",
        );
        assert_eq!(schema.table("t_new").map(|t| t.created), Some(1));
    }

    #[test]
    fn operations_that_change_no_schema_leave_it_as_it_was() {
        let sql =
            "CREATE TABLE t (a int); CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();";
        let before = replay(sql);
        let mut after = before.clone();
        let neutral = parse(
            &split(
                b"INSERT INTO t VALUES (1); UPDATE t SET a = 2; DELETE FROM t; TRUNCATE t;\n\
                  ALTER TABLE t DISABLE TRIGGER tr; ALTER TABLE t ENABLE ROW LEVEL SECURITY;\n\
                  GRANT SELECT ON t TO r; COMMENT ON TABLE t IS 'x'; SET search_path TO s; SELECT 1;",
                Dialect::Postgres,
            ),
            Dialect::Postgres,
        );
        for statement in neutral {
            let Outcome::Parsed(ops) = statement.outcome else { panic!("{:?}", statement.outcome) };
            for op in ops {
                assert!(!op.changes_schema(), "{op:?}");
                after.apply(&op);
            }
        }
        assert_eq!(after, before);
    }

    #[test]
    fn lists_grown_a_statement_at_a_time_keep_little_spare_room() {
        // A big file holds thousands of tables: a doubled list is half spare room.
        let schema = replay(
            "CREATE TABLE t (a int PRIMARY KEY, b int, c int, d int, e int);
             ALTER TABLE t ADD COLUMN f int;
             ALTER TABLE t ADD CONSTRAINT t_b UNIQUE (b);
             CREATE INDEX t_b_idx ON t (b);",
        );
        let table = schema.table("t").expect("created");
        assert_eq!((table.columns.len(), table.columns.capacity()), (6, 6));
        assert_eq!((table.constraints.len(), table.constraints.capacity()), (2, 2));
        let indexes: Vec<&str> = schema.indexes.on_table("t").map(|(name, _)| name.as_str()).collect();
        assert_eq!(indexes, ["t_b_idx"]);
    }

    #[test]
    fn a_function_keeps_each_signature_once_in_order() {
        let schema = replay(
            "CREATE FUNCTION f(a text) RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;
             CREATE FUNCTION f(a int) RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;
             CREATE OR REPLACE FUNCTION f(a text) RETURNS int AS $$ SELECT 2 $$ LANGUAGE sql;
             CREATE FUNCTION f(a bool) RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;
             DROP FUNCTION f(int);",
        );
        let signatures: Vec<&str> = schema.functions["f"].signatures.keys().map(String::as_str).collect();
        assert_eq!(signatures, ["bool", "text"]);
    }

    #[test]
    fn replays_views_types_and_functions() {
        let schema = replay(
            "CREATE VIEW v AS SELECT id, name AS title FROM t;
             CREATE TYPE mood AS ENUM ('sad', 'ok');
             ALTER TYPE mood ADD VALUE 'happy';
             CREATE FUNCTION f(a int) RETURNS int AS $$ SELECT a $$ LANGUAGE sql;
             DROP FUNCTION f(int);",
        );
        assert_eq!(schema.views["v"].columns, Some(vec!["id".into(), "title".into()]));
        assert_eq!(schema.types["mood"].enum_values.as_ref().map(Vec::len), Some(3));
        assert!(schema.functions.is_empty());
    }
}
