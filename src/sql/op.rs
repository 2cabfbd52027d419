//! What a statement does to the schema, independent of how a dialect spells it.
//!
//! Lowering (`lower.rs`) turns each parsed statement into operations; schema replay
//! applies them and the rules classify them. `ALTER TABLE t CHANGE a b int` (MySQL),
//! `EXEC sp_rename 't.a', 'b', 'COLUMN'` (T-SQL) and `ALTER TABLE t RENAME COLUMN a
//! TO b` all become one [`Op::RenameColumn`].

use super::position::Position;

/// An object name: folded for comparison, as written, and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// Folded per dialect, default schema removed: `public."Users"` → `Users`.
    pub key: String,
    /// As written in the migration, for messages.
    pub written: String,
    /// Where the (last part of the) name starts, when sqlparser placed it.
    pub at: Option<Position>,
    /// Just after the name.
    pub end: Option<Position>,
}

/// A column definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec {
    pub name: Name,
    /// The type, lower case, as sqlparser prints it: `varchar(100)`, `bigint`.
    pub data_type: String,
    pub nullable: bool,
    /// Has a default, an identity/auto-increment or is generated: inserts that omit
    /// it still work.
    pub has_default: bool,
    /// Constraints declared on the column itself (`UNIQUE`, `REFERENCES`, `CHECK`).
    pub inline_constraints: Vec<ConstraintKind>,
}

/// The kinds of table constraints that can reject writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConstraintKind {
    PrimaryKey,
    Unique,
    Check,
    ForeignKey,
}

impl ConstraintKind {
    pub fn describe(self) -> &'static str {
        match self {
            ConstraintKind::PrimaryKey => "primary key",
            ConstraintKind::Unique => "unique constraint",
            ConstraintKind::Check => "check constraint",
            ConstraintKind::ForeignKey => "foreign key",
        }
    }
}

/// A table constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintSpec {
    pub name: Option<Name>,
    pub kind: ConstraintKind,
    /// Folded column names the constraint covers.
    pub columns: Vec<String>,
    /// PostgreSQL `NOT VALID` / T-SQL `WITH NOCHECK`: existing rows are not checked.
    pub not_valid: bool,
    /// The constraint as written, to tell constraints apart when unnamed.
    pub text: String,
}

/// One schema or data operation of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    CreateTable {
        table: Name,
        columns: Vec<ColumnSpec>,
        constraints: Vec<ConstraintSpec>,
        if_not_exists: bool,
        /// `CREATE TABLE … AS SELECT … FROM source`.
        copied_from: Option<Name>,
    },
    DropTable {
        table: Name,
    },
    RenameTable {
        from: Name,
        to: Name,
    },
    AddColumn {
        table: Name,
        column: ColumnSpec,
    },
    DropColumn {
        table: Name,
        column: Name,
    },
    RenameColumn {
        table: Name,
        from: Name,
        to: Name,
    },
    AlterColumnType {
        table: Name,
        column: Name,
        data_type: String,
    },
    SetNotNull {
        table: Name,
        column: Name,
    },
    DropNotNull {
        table: Name,
        column: Name,
    },
    SetDefault {
        table: Name,
        column: Name,
    },
    DropDefault {
        table: Name,
        column: Name,
    },
    /// MySQL `CHANGE`/`MODIFY`: the column's whole definition is replaced.
    RedefineColumn {
        table: Name,
        column: Name,
        new: ColumnSpec,
    },
    AddConstraint {
        table: Name,
        constraint: ConstraintSpec,
    },
    DropConstraint {
        table: Name,
        name: Name,
    },
    CreateIndex {
        name: Option<Name>,
        table: Name,
        unique: bool,
        columns: Vec<String>,
    },
    DropIndex {
        name: Name,
    },
    CreateView {
        name: Name,
        columns: Option<Vec<String>>,
        or_replace: bool,
        materialized: bool,
    },
    DropView {
        name: Name,
    },
    RenameView {
        from: Name,
        to: Name,
    },
    CreateFunction {
        name: Name,
        signature: String,
        or_replace: bool,
    },
    DropFunction {
        name: Name,
        signature: Option<String>,
    },
    CreateType {
        name: Name,
        enum_values: Option<Vec<String>>,
    },
    AddEnumValue {
        type_name: Name,
        value: String,
    },
    RenameEnumValue {
        type_name: Name,
        from: String,
        to: String,
    },
    DropType {
        name: Name,
    },
    RenameType {
        from: Name,
        to: Name,
    },
    CreateTrigger {
        name: Name,
        table: Name,
    },
    /// PostgreSQL `ALTER TABLE … ENABLE | DISABLE TRIGGER name | ALL | USER`.
    SwitchTrigger {
        table: Name,
        /// `None` for `ALL` and `USER`: every (user) trigger of the table.
        trigger: Option<Name>,
        on: bool,
    },
    /// PostgreSQL `ALTER TABLE … [NO] FORCE | ENABLE | DISABLE ROW LEVEL SECURITY`.
    SwitchRowLevelSecurity {
        table: Name,
        /// `ENABLE` and `FORCE` restrict which rows roles see; `DISABLE`, `NO FORCE` lift that.
        on: bool,
    },
    DropTrigger {
        name: Name,
    },
    CreateSequence {
        name: Name,
    },
    DropSequence {
        name: Name,
    },
    CreateSchema {
        name: Name,
    },
    DropSchema {
        name: Name,
    },
    Truncate {
        table: Name,
    },
    Delete {
        table: Name,
        filtered: bool,
    },
    Update {
        table: Name,
        columns: Vec<Name>,
        filtered: bool,
    },
    Insert {
        table: Name,
        copied_from: Option<Name>,
    },
    Grant,
    Revoke {
        what: String,
    },
    Comment,
    TransactionControl,
    SessionSetting,
    Query,
    /// Storage, ownership or naming that A's code does not see (rename an index,
    /// validate a constraint, change table options).
    Housekeeping {
        what: String,
    },
    /// A new object rollsafe does not model (extension, trigger, policy, role…).
    CreateOther {
        kind: String,
    },
    /// A dropped or altered object rollsafe does not model.
    ChangeOther {
        kind: String,
    },
    /// SQL whose effect depends on text built at run time (`DO`, `EXECUTE`).
    DynamicSql {
        what: String,
    },
    /// A statement that parsed but that rollsafe has no model for.
    Unmodelled {
        what: String,
    },
}
