//! The schema as migrations leave it: tables, views, indexes, types, functions,
//! sequences and schemas, keyed by folded name.

use std::collections::{BTreeMap, BTreeSet};

use crate::sql::{Argument, ColumnSpec, ConstraintKind, Name, Op, Parameter, RoutineBody};

use super::indexes::Indexes;

/// Which migration of a run created an object. Objects created at or after the
/// window's first migration are new to the window: A's code cannot use them.
pub type Epoch = u32;

/// Identifies a table across renames, to follow table rebuilds.
pub type ObjectId = u64;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    pub tables: BTreeMap<String, Table>,
    pub views: BTreeMap<String, View>,
    pub indexes: Indexes,
    pub types: BTreeMap<String, UserType>,
    pub functions: BTreeMap<String, Function>,
    pub sequences: BTreeMap<String, Epoch>,
    /// Triggers by name, with the epoch they were created in.
    pub triggers: BTreeMap<String, Epoch>,
    pub schemas: BTreeMap<String, Epoch>,
    /// Extensions by name, with the epoch they were created in.
    pub extensions: BTreeMap<String, Epoch>,
    /// Tables dropped after their rows were copied into another, by id: the copy
    /// that takes one of their names is the same table rebuilt.
    pub(super) rebuild_sources: BTreeMap<ObjectId, Table>,
    /// The names of every table holding rows copied from another (its
    /// `copied_from` not empty), and perhaps names such a table no longer goes
    /// by: a table drop looks its copies up here instead of scanning every table
    /// of the schema (once per drop, that made long histories quadratic).
    pub(super) copy_holders: BTreeSet<String>,
    pub(super) next_id: ObjectId,
    pub(super) epoch: Epoch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub id: ObjectId,
    pub created: Epoch,
    pub columns: Vec<Column>,
    pub constraints: Vec<Constraint>,
    /// Tables whose rows were copied into this one (`INSERT … SELECT`, `CREATE TABLE
    /// … AS`), so a rebuild that drops the original loses nothing.
    pub copied_from: BTreeSet<ObjectId>,
    /// Made outside the migrations read (a baseline file, another language, by
    /// hand): it predates them all, and the schema knows only the columns they add.
    pub outside: bool,
    /// The names it left (renamed or dropped) with the migration that did, to
    /// recognise a copy of it that takes one back in that migration (rename `t`
    /// to `t_old`, create `t`, copy, drop `t_old`).
    pub former_names: Vec<(String, Epoch)>,
}

impl Table {
    /// A table that predates every migration read (`created` 0), known only by
    /// the columns migrations add to it.
    pub(super) fn made_outside(id: ObjectId) -> Table {
        Table {
            id,
            created: 0,
            columns: Vec::new(),
            constraints: Vec::new(),
            copied_from: BTreeSet::new(),
            outside: true,
            former_names: Vec::new(),
        }
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub(super) fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub data_type: String,
    pub nullable: bool,
    pub has_default: bool,
    pub created: Epoch,
    /// The column of the same table whose values an `UPDATE` of every row copied
    /// into this one: dropping that column afterwards loses nothing this keeps.
    pub copied_from: Option<String>,
}

impl Column {
    /// Whether the column is of the user type `type_key` (or an array of it).
    pub fn is_of_type(&self, type_key: &str) -> bool {
        let base = self.data_type.split('[').next().unwrap_or_default();
        unqualified_type(&base.replace('"', "")) == unqualified_type(type_key)
    }
}

/// A type's name without its schema, in lower case, as column types spell it.
pub(super) fn unqualified_type(name: &str) -> String {
    name.rsplit('.').next().unwrap_or(name).to_lowercase()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    pub name: Option<String>,
    pub kind: ConstraintKind,
    pub columns: Vec<String>,
    pub text: String,
    pub created: Epoch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// Output columns, when every one could be named.
    pub columns: Option<Vec<String>>,
    pub created: Epoch,
    /// The table a plain view reads and writes through to.
    pub over: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub table: String,
    pub unique: bool,
    pub created: Epoch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserType {
    /// Labels of an enum type; `None` for other types.
    pub enum_values: Option<Vec<String>>,
    /// The columns of a SQL Server table type; `None` for other types.
    pub table_columns: Option<Vec<ColumnSpec>>,
    pub created: Epoch,
    /// The names it was renamed from, with the migration that renamed it: what
    /// an enum swap drops as `t_old` was A's `t`.
    pub former_names: Vec<(String, Epoch)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Argument-type lists, each with the epoch it was created in.
    pub signatures: Signatures,
    /// What the latest definition does when called, when its body was read.
    pub body: Option<RoutineBody>,
    /// The latest definition's parameters.
    pub parameters: Vec<Parameter>,
}

/// A function's argument-type lists, each with the epoch it was created in, in
/// order. A sorted list: most functions have one, which a map would keep in a
/// whole tree node (a big file's thousands of functions held megabytes of them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signatures(Vec<(String, Epoch)>);

impl Signatures {
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(signature, _)| signature)
    }

    pub fn values(&self) -> impl Iterator<Item = &Epoch> {
        self.0.iter().map(|(_, created)| created)
    }

    pub fn contains_key(&self, signature: &str) -> bool {
        self.find(signature).is_ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds `signature`, created in `epoch`, unless it is there already.
    pub(super) fn insert_new(&mut self, signature: &str, epoch: Epoch) {
        if let Err(at) = self.find(signature) {
            self.0.reserve_exact(1);
            self.0.insert(at, (signature.to_owned(), epoch));
        }
    }

    pub(super) fn remove(&mut self, signature: &str) {
        if let Ok(at) = self.find(signature) {
            self.0.remove(at);
        }
    }

    fn find(&self, signature: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(known, _)| known.as_str().cmp(signature))
    }
}

/// Pushes `item` onto `list`, growing a full list by an eighth (at least one
/// place) instead of doubling it: the schema keeps its lists (a table's columns
/// and constraints, names) for the whole run, most of them short and grown one
/// statement at a time, and a doubled list is up to half spare room.
pub(super) fn push_snug<T>(list: &mut Vec<T>, item: T) {
    if list.len() == list.capacity() {
        list.reserve_exact((list.len() / 8).max(1));
    }
    list.push(item);
}

impl Schema {
    /// Starts replaying the migration numbered `epoch`: what it creates is stamped so.
    pub fn begin_migration(&mut self, epoch: Epoch) {
        self.epoch = epoch;
    }

    /// What calling the procedure `name` with `arguments` does, when its body is known.
    pub fn routine_call(&self, name: &Name, arguments: &[Argument]) -> Option<Vec<Op>> {
        let body = self.functions.get(&name.key)?.body.as_ref()?;
        Some(body.called_with(arguments))
    }

    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }

    /// The tables holding rows copied from another (`copied_from` not empty), in
    /// name order: the only tables a rebuild can have carried a dropped table's
    /// rows or identity into, so looking there costs no scan of the whole schema.
    pub fn copy_holders(&self) -> impl Iterator<Item = (&str, &Table)> {
        (self.copy_holders.iter())
            .filter_map(|name| self.tables.get(name).map(|table| (name.as_str(), table)))
            .filter(|(_, table)| !table.copied_from.is_empty())
    }

    pub fn column(&self, table: &str, column: &str) -> Option<&Column> {
        self.tables.get(table)?.column(column)
    }
}
