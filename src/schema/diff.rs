//! The net difference between the schema A's code was written against and the
//! schema after B's migrations: what A had that B took away or tightened.

use std::fmt;

use super::model::{Schema, Table};
use super::types::{TypeChange, compare_types};
use crate::sql::{ColumnSpec, Dialect};

/// An object of A's schema, named as A knew it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    Table(String),
    Column {
        table: String,
        column: String,
    },
    /// Constraints that reject writes A's code may make.
    WriteRules(String),
    View(String),
    Function(String),
    Type(String),
    EnumValue {
        type_name: String,
        value: String,
    },
    Sequence(String),
    Trigger(String),
    Schema(String),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Table(name) => write!(f, "table `{name}`"),
            Subject::Column { table, column } => write!(f, "column `{table}.{column}`"),
            Subject::WriteRules(table) => write!(f, "constraints of table `{table}`"),
            Subject::View(name) => write!(f, "view `{name}`"),
            Subject::Function(name) => write!(f, "function `{name}`"),
            Subject::Type(name) => write!(f, "type `{name}`"),
            Subject::EnumValue { type_name, value } => write!(f, "value '{value}' of type `{type_name}`"),
            Subject::Sequence(name) => write!(f, "sequence `{name}`"),
            Subject::Trigger(name) => write!(f, "trigger `{name}`"),
            Subject::Schema(name) => write!(f, "schema `{name}`"),
        }
    }
}

impl Schema {
    /// Whether the schema has the object `subject` names.
    pub fn has(&self, subject: &Subject) -> bool {
        match subject {
            Subject::Table(name) | Subject::WriteRules(name) => self.tables.contains_key(name),
            Subject::Column { table, column } => self.column(table, column).is_some(),
            Subject::View(name) => self.views.contains_key(name),
            Subject::Function(name) => self.functions.contains_key(name),
            Subject::Type(name) => self.types.contains_key(name),
            Subject::EnumValue { type_name, value } => self
                .types
                .get(type_name)
                .and_then(|t| t.enum_values.as_ref())
                .is_some_and(|values| values.contains(value)),
            Subject::Sequence(name) => self.sequences.contains_key(name),
            Subject::Trigger(name) => self.triggers.contains_key(name),
            Subject::Schema(name) => self.schemas.contains_key(name),
        }
    }
}

/// Something A's code relies on that the schema after B no longer offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub subject: Subject,
    pub what: String,
}

/// What `after` took away from, or tightened in, `before`.
pub fn breaking_differences(before: &Schema, after: &Schema, dialect: Dialect) -> Vec<Difference> {
    let mut found = Vec::new();
    let mut push = |subject: Subject, what: String| found.push(Difference { subject, what });
    for (name, table) in &before.tables {
        let Some(now) = after.tables.get(name) else {
            match view_standing_in(after, name, table) {
                // PostgreSQL, MySQL and SQL Server write through a plain view.
                Some(_) if dialect != Dialect::Sqlite => {}
                Some(over) => push(
                    Subject::Table(name.clone()),
                    format!(
                        "is now a view over `{over}`: A's reads work, its writes fail (SQLite views are read-only)"
                    ),
                ),
                None => push(Subject::Table(name.clone()), "no longer exists".into()),
            }
            continue;
        };
        for column in &table.columns {
            let subject = || Subject::Column { table: name.clone(), column: column.name.clone() };
            let Some(current) = now.column(&column.name) else {
                push(subject(), "no longer exists".into());
                continue;
            };
            if compare_types(&column.data_type, &current.data_type, dialect)
                == TypeChange::NarrowedOrIncompatible
            {
                push(subject(), format!("changed type from {} to {}", column.data_type, current.data_type));
            }
            if column.nullable && !current.nullable && !current.has_default {
                push(subject(), "became NOT NULL without a default".into());
            } else if column.has_default && !current.has_default && !current.nullable {
                push(subject(), "is NOT NULL and lost its default".into());
            }
        }
        for column in now.columns.iter().filter(|c| table.column(&c.name).is_none()) {
            if !column.nullable && !column.has_default {
                push(
                    Subject::Column { table: name.clone(), column: column.name.clone() },
                    "is a new NOT NULL column without a default".into(),
                );
            }
        }
        if let Some(what) = new_write_rules(before, after, name, table, now) {
            push(Subject::WriteRules(name.clone()), what);
        }
    }
    for (name, view) in &before.views {
        match after.views.get(name) {
            None => push(Subject::View(name.clone()), "no longer exists".into()),
            Some(now) => {
                if let (Some(old), Some(new)) = (&view.columns, &now.columns) {
                    let lost: Vec<&str> =
                        old.iter().filter(|c| !new.contains(c)).map(String::as_str).collect();
                    if !lost.is_empty() {
                        push(Subject::View(name.clone()), format!("lost columns {}", lost.join(", ")));
                    }
                }
            }
        }
    }
    for (name, function) in &before.functions {
        let now = after.functions.get(name);
        for signature in function.signatures.keys() {
            if !now.is_some_and(|f| f.signatures.contains_key(signature)) {
                push(Subject::Function(name.clone()), format!("no longer exists as `{name}({signature})`"));
            }
        }
    }
    for (name, user_type) in &before.types {
        let Some(now) = after.types.get(name) else {
            push(Subject::Type(name.clone()), "no longer exists".into());
            continue;
        };
        if let (Some(old), Some(new)) = (&user_type.enum_values, &now.enum_values) {
            for value in old.iter().filter(|v| !new.contains(v)) {
                push(
                    Subject::EnumValue { type_name: name.clone(), value: value.clone() },
                    "no longer exists".into(),
                );
            }
        }
        if let (Some(old), Some(new)) = (&user_type.table_columns, &now.table_columns) {
            if let Some(what) = table_type_change(old, new) {
                push(Subject::Type(name.clone()), what);
            }
        }
    }
    for name in before.sequences.keys().filter(|name| !after.sequences.contains_key(*name)) {
        push(Subject::Sequence(name.clone()), "no longer exists".into());
    }
    for name in before.triggers.keys().filter(|name| !after.triggers.contains_key(*name)) {
        push(Subject::Trigger(name.clone()), "no longer exists".into());
    }
    for name in before.schemas.keys().filter(|name| !after.schemas.contains_key(*name)) {
        push(Subject::Schema(name.clone()), "no longer exists".into());
    }
    found
}

/// The table a view of A's table's name reads, when it is a plain view over one
/// table that has every column A's table had (a table renamed, with a view of its
/// old name left for the code that still uses it).
fn view_standing_in<'s>(after: &'s Schema, name: &str, was: &Table) -> Option<&'s str> {
    let view = after.views.get(name)?;
    let over = view.over.as_deref()?;
    let table = after.tables.get(over)?;
    let shows = |column: &str| view.columns.as_ref().is_none_or(|shown| shown.iter().any(|c| c == column));
    was.columns.iter().all(|c| table.column(&c.name).is_some() && shows(&c.name)).then_some(over)
}

/// The names of the unique indexes on `table`, in name order.
fn unique_indexes<'s>(schema: &'s Schema, table: &str) -> Vec<&'s str> {
    schema.indexes.on_table(table).filter(|(_, index)| index.unique).map(|(name, _)| name.as_str()).collect()
}

/// Constraints and unique indexes on a table of A's that A did not have.
fn new_write_rules(before: &Schema, after: &Schema, name: &str, old: &Table, now: &Table) -> Option<String> {
    let mut added: Vec<String> = now
        .constraints
        .iter()
        .filter(|c| !old.constraints.iter().any(|o| o.kind == c.kind && o.text == c.text))
        .map(|c| c.kind.describe().to_owned())
        .collect();
    let old_unique = unique_indexes(before, name);
    added.extend(
        unique_indexes(after, name)
            .into_iter()
            .filter(|index| !old_unique.contains(index))
            .map(|index| format!("unique index {index}")),
    );
    (!added.is_empty()).then(|| format!("gained {}", added.join(", ")))
}

/// How a table type re-created in the window no longer takes the rows A's code
/// passes: columns A's rows fill that are gone, or new ones they leave out that
/// need a value. `None` when A's rows still fit.
fn table_type_change(old: &[ColumnSpec], new: &[ColumnSpec]) -> Option<String> {
    let has =
        |columns: &[ColumnSpec], column: &ColumnSpec| columns.iter().any(|c| c.name.key == column.name.key);
    let names = |columns: Vec<&ColumnSpec>| {
        columns.iter().map(|c| format!("`{}`", c.name.written)).collect::<Vec<_>>().join(", ")
    };
    let lost: Vec<&ColumnSpec> = old.iter().filter(|c| !has(new, c)).collect();
    let required: Vec<&ColumnSpec> =
        new.iter().filter(|c| !has(old, c) && !c.nullable && !c.has_default).collect();
    let mut what = Vec::new();
    if !lost.is_empty() {
        what.push(format!("no longer has column {}", names(lost)));
    }
    if !required.is_empty() {
        what.push(format!("requires new column {}", names(required)));
    }
    (!what.is_empty()).then(|| what.join(" and "))
}
