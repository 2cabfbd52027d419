//! The schema a statement is judged against, and what is new in the window.

use crate::schema::{Epoch, Schema, TypeChange, convert};
use crate::sql::{ConstraintKind, Dialect, Name, Parameter};

/// The schema a statement is judged against.
pub struct Context<'a> {
    /// The schema just before the statement.
    pub schema: &'a Schema,
    /// Objects created at or after this epoch are new to the window.
    pub window_start: Epoch,
    /// What the database does can differ by dialect (how unique indexes treat NULLs).
    pub dialect: Dialect,
}

impl Context<'_> {
    /// Whether an object created at `created` (if it exists) is new to the window.
    fn in_window(&self, created: Option<Epoch>) -> bool {
        created.is_some_and(|created| created >= self.window_start)
    }

    pub(crate) fn is_new_table(&self, table: &Name) -> bool {
        self.in_window(self.schema.table(&table.key).map(|t| t.created))
    }

    pub(crate) fn is_new_column(&self, table: &Name, column: &Name) -> bool {
        self.is_new_table(table)
            || self.in_window(self.schema.column(&table.key, &column.key).map(|c| c.created))
    }

    pub(crate) fn is_new_view(&self, view: &Name) -> bool {
        self.in_window(self.schema.views.get(&view.key).map(|v| v.created))
    }

    /// The name A's code knew a type by: the name it had when the window began,
    /// before the window's renames (an enum swap drops A's `t` as `t_old`).
    pub(crate) fn type_as_a_knew_it(&self, name: &Name) -> String {
        let renamed_in_window = self.schema.types.get(&name.key).and_then(|user_type| {
            user_type.former_names.iter().find(|(_, renamed_at)| *renamed_at >= self.window_start)
        });
        renamed_in_window.map_or_else(|| name.key.clone(), |(former, _)| former.clone())
    }

    pub(crate) fn is_new_type(&self, name: &Name) -> bool {
        self.in_window(self.schema.types.get(&name.key).map(|t| t.created))
    }

    /// Every signature of the function was created inside the window.
    pub(crate) fn is_new_function(&self, name: &Name) -> bool {
        self.schema.functions.get(&name.key).is_some_and(|f| {
            !f.signatures.is_empty() && f.signatures.values().all(|created| self.in_window(Some(*created)))
        })
    }

    pub(crate) fn is_new_sequence(&self, name: &Name) -> bool {
        self.in_window(self.schema.sequences.get(&name.key).copied())
    }

    pub(crate) fn is_new_extension(&self, name: &Name) -> bool {
        self.in_window(self.schema.extensions.get(&name.key).copied())
    }

    pub(crate) fn is_new_trigger(&self, name: &Name) -> bool {
        self.in_window(self.schema.triggers.get(&name.key).copied())
    }

    pub(crate) fn is_new_schema(&self, name: &Name) -> bool {
        self.in_window(self.schema.schemas.get(&name.key).copied())
    }
}

/// What an `ALTER TABLE … RENAME` renames: PostgreSQL and MySQL rename views
/// and sequences that way too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Renamed {
    Table,
    View,
    Sequence,
}

impl Context<'_> {
    /// What redefining routine `name` with `parameters` breaks in A's calls where
    /// a routine has one definition (SQL Server: `CREATE OR ALTER` replaces it):
    /// parameters it no longer has, new ones without a default.
    pub(crate) fn calls_broken_by(&self, name: &Name, parameters: &[Parameter]) -> Vec<String> {
        let Some(old) = self.schema.functions.get(&name.key).filter(|_| self.dialect == Dialect::Mssql)
        else {
            return Vec::new();
        };
        let has = |list: &[Parameter], parameter: &Parameter| list.iter().any(|p| p.name == parameter.name);
        let removed = old
            .parameters
            .iter()
            .filter(|p| !has(parameters, p))
            .map(|p| format!("no longer takes `@{}`", p.name));
        let required = parameters
            .iter()
            .filter(|p| !p.has_default && !has(&old.parameters, p))
            .map(|p| format!("requires a new `@{}` without a default", p.name));
        // A call may pass arguments by position: every parameter A knew must keep
        // its place, or A's arguments reach the wrong parameters.
        let position =
            |list: &[Parameter], parameter: &Parameter| list.iter().position(|p| p.name == parameter.name);
        let moved = old
            .parameters
            .iter()
            .enumerate()
            .filter(|(at, p)| position(parameters, p).is_some_and(|now| now != *at))
            .map(|(at, p)| {
                format!(
                    "takes `@{}` at position {} instead of {}",
                    p.name,
                    position(parameters, p).unwrap_or(at) + 1,
                    at + 1
                )
            });
        // What A passes for a parameter it knew must still fit: a type A's values
        // may not convert to, or an `OUTPUT` A's calls read that is one no more
        // (SQL Server rejects such a call). A new `OUTPUT` breaks no call.
        let retyped = old.parameters.iter().filter_map(|was| {
            let now = parameters.iter().find(|p| p.name == was.name)?;
            let conversion = convert(&was.data_type, &now.data_type, self.dialect);
            (now.data_type != was.data_type && conversion.change == TypeChange::NarrowedOrIncompatible)
                .then(|| format!("takes `@{}` as {} instead of {}", was.name, now.data_type, was.data_type))
        });
        let no_longer_output = old
            .parameters
            .iter()
            .filter(|was| was.output && parameters.iter().any(|now| now.name == was.name && !now.output))
            .map(|was| format!("no longer returns `@{}` (not `OUTPUT` any more)", was.name));
        removed.chain(required).chain(moved).chain(retyped).chain(no_longer_output).collect()
    }

    /// Whether a `kind` constraint on `columns` of `table` lets every write of A's
    /// code through because A leaves them all NULL: each column is new in the
    /// window (A does not know it) and has no default. NULLs never dangle from a
    /// foreign key, and never collide in a unique index, but in SQL Server's,
    /// which lets one NULL in.
    pub(crate) fn a_writes_only_null_into(
        &self,
        table: &Name,
        kind: ConstraintKind,
        columns: &[String],
    ) -> bool {
        let null_passes = match kind {
            ConstraintKind::ForeignKey => true,
            ConstraintKind::Unique => self.dialect != Dialect::Mssql,
            ConstraintKind::PrimaryKey | ConstraintKind::Check => false,
        };
        let a_leaves_null = |column: &String| {
            self.schema
                .column(&table.key, column)
                .is_some_and(|column| self.in_window(Some(column.created)) && !column.has_default)
        };
        null_passes && !columns.is_empty() && columns.iter().all(a_leaves_null)
    }

    /// The primary key or unique constraint of `table` that already makes rows
    /// unique on `columns` (its columns are among them), if any.
    pub(crate) fn unique_already_on(&self, table: &Name, columns: &[String]) -> Option<String> {
        let table = self.schema.table(&table.key)?;
        table
            .constraints
            .iter()
            .filter(|c| matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique))
            .find(|c| !c.columns.is_empty() && c.columns.iter().all(|column| columns.contains(column)))
            .map(|c| format!("{} ({})", c.kind.describe(), c.columns.join(", ")))
    }

    /// The columns of view `name` that a new definition with `columns` leaves
    /// out (none when either column list is unknown).
    pub(crate) fn view_columns_lost(&self, name: &Name, columns: Option<&[String]>) -> Vec<&str> {
        let old = self.schema.views.get(&name.key).and_then(|view| view.columns.as_ref());
        let (Some(old), Some(new)) = (old, columns) else {
            return Vec::new();
        };
        old.iter().filter(|column| !new.contains(column)).map(String::as_str).collect()
    }

    pub(crate) fn renamed_by_alter_table(&self, name: &Name) -> Renamed {
        if self.schema.views.contains_key(&name.key) {
            Renamed::View
        } else if self.schema.sequences.contains_key(&name.key) {
            Renamed::Sequence
        } else {
            Renamed::Table
        }
    }
}
