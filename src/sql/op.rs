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

impl Name {
    /// What stands for a name only known when the SQL runs.
    pub const RUN_TIME: &str = "run-time value";

    pub fn run_time() -> Name {
        Name { key: Name::RUN_TIME.into(), written: Name::RUN_TIME.into(), at: None, end: None }
    }
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

impl ColumnSpec {
    /// A column known only by its name (a `CREATE TABLE … AS` query's, a virtual
    /// table's): nullable, no default, no constraints.
    pub fn untyped(name: Name) -> ColumnSpec {
        ColumnSpec {
            name,
            data_type: String::new(),
            nullable: true,
            has_default: false,
            inline_constraints: Vec::new(),
        }
    }
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

/// A routine's parameter: callers that name it (T-SQL `@p = …`) or leave it
/// out (when it has a default) depend on both, and on what they pass for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    /// Folded, without T-SQL's `@`.
    pub name: String,
    pub has_default: bool,
    /// The type, lower case, as sqlparser prints it: `int`, `dbo.id_list`.
    pub data_type: String,
    /// T-SQL `OUTPUT`, `OUT`, `INOUT`: the caller passes a variable and reads it after.
    pub output: bool,
}

/// `SET to = from`: a column set to the value of a column of the same row
/// (folded names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnCopy {
    pub to: String,
    pub from: String,
}

/// One argument of a call: by position, or for a named parameter (T-SQL
/// `@table = 'orders'`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Argument {
    /// The parameter it is passed for, folded and without `@`; `None` by position.
    pub parameter: Option<String>,
    /// A literal argument as a name (`'orders'` → `orders`); `None` for others.
    pub value: Option<Name>,
}

/// What a procedure does when called, read from its body as if every branch ran:
/// `IF`s and loops are guards around the statements that matter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoutineBody {
    /// Parameter names, folded, in order.
    pub parameters: Vec<String>,
    /// The body's operations; a name equal to a parameter stands for its argument.
    pub ops: Vec<Op>,
    /// The body's statements nothing reads, each with where it is and why: a call
    /// may do anything they do.
    pub unread: Vec<String>,
}

impl RoutineBody {
    /// The body's operations for a call with `arguments`: each name that is a
    /// parameter becomes the argument passed for it, or, when that argument is not a
    /// literal, a name saying it is only known at run time.
    pub fn called_with(&self, arguments: &[Argument]) -> Vec<Op> {
        let positional: Vec<&Argument> = arguments.iter().filter(|a| a.parameter.is_none()).collect();
        let argument = |name: &Name| {
            let index = self.parameters.iter().position(|p| *p == name.key)?;
            let parameter = &self.parameters[index];
            let passed = arguments
                .iter()
                .find(|a| a.parameter.as_ref() == Some(parameter))
                .or_else(|| positional.get(index).copied());
            Some(passed.and_then(|a| a.value.clone()).unwrap_or_else(Name::run_time))
        };
        let mut ops = self.ops.clone();
        for op in &mut ops {
            if let Op::CallRoutine { name, .. } = op {
                // One level only: a procedure that calls itself must not recurse here.
                *op = Op::DynamicSql {
                    what: format!("a call of procedure `{}` inside a procedure", name.written),
                };
                continue;
            }
            for name in op.names_mut() {
                if let Some(value) = argument(name) {
                    *name = value;
                }
            }
        }
        ops.extend(self.unread.iter().map(|statement| Op::DynamicSql {
            what: format!("statement {statement} of the procedure's body, which rollsafe could not read"),
        }));
        ops
    }
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
        /// The one table a plain view reads (`SELECT *` or plain columns `FROM t`,
        /// nothing else): writes through it reach that table.
        over: Option<Name>,
        or_replace: bool,
        materialized: bool,
    },
    /// `if_exists`: `DROP … IF EXISTS`, which does nothing when there is nothing.
    DropView {
        name: Name,
        if_exists: bool,
    },
    RenameView {
        from: Name,
        to: Name,
    },
    /// A function or procedure; `body` when its body is SQL rollsafe reads.
    CreateFunction {
        name: Name,
        /// A procedure (`CREATE PROCEDURE`), not a function: what messages call it.
        procedure: bool,
        signature: String,
        /// Its parameters by name, in order (empty when they have none, or no names).
        parameters: Vec<Parameter>,
        or_replace: bool,
        body: Option<RoutineBody>,
    },
    /// `CALL p(…)`, `EXEC p …`: what the procedure's body does, with these arguments.
    CallRoutine {
        name: Name,
        arguments: Vec<Argument>,
    },
    DropFunction {
        name: Name,
        /// `DROP PROCEDURE`, not `DROP FUNCTION`.
        procedure: bool,
        signature: Option<String>,
        if_exists: bool,
    },
    CreateType {
        name: Name,
        enum_values: Option<Vec<String>>,
        /// The columns of a SQL Server table type (`CREATE TYPE t AS TABLE (…)`),
        /// the rows A's code passes to a `READONLY` parameter; `None` for others,
        /// or when they could not be read.
        table_columns: Option<Vec<ColumnSpec>>,
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
    /// `if_exists`: `DROP TYPE … IF EXISTS`, which does nothing when there is nothing.
    DropType {
        name: Name,
        if_exists: bool,
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
        if_exists: bool,
    },
    CreateSequence {
        name: Name,
    },
    CreateExtension {
        name: Name,
    },
    DropExtension {
        name: Name,
    },
    DropSequence {
        name: Name,
    },
    RenameSequence {
        from: Name,
        to: Name,
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
        /// The assignments that copy another column of the row (`SET a = b`,
        /// `SET a = b::text`), or the column itself (`SET a = a`).
        copies: Vec<ColumnCopy>,
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
    /// A new object rollsafe does not model (policy, role, database…).
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

impl Op {
    /// Whether replaying the operation changes the schema rollsafe models: its
    /// tables, columns, constraints, indexes, views, routines, types, triggers,
    /// sequences, extensions and schemas, and which tables a table's rows were
    /// copied from. Rows, privileges, settings and switches change none of them.
    /// Every operation is named here, so a new one is decided here once; replay
    /// and the window's snapshot follow this answer.
    pub fn changes_schema(&self) -> bool {
        match self {
            Op::CreateTable { .. }
            | Op::DropTable { .. }
            | Op::RenameTable { .. }
            | Op::AddColumn { .. }
            | Op::DropColumn { .. }
            | Op::RenameColumn { .. }
            | Op::AlterColumnType { .. }
            | Op::SetNotNull { .. }
            | Op::DropNotNull { .. }
            | Op::SetDefault { .. }
            | Op::DropDefault { .. }
            | Op::RedefineColumn { .. }
            | Op::AddConstraint { .. }
            | Op::DropConstraint { .. }
            | Op::CreateIndex { .. }
            | Op::DropIndex { .. }
            | Op::CreateView { .. }
            | Op::DropView { .. }
            | Op::RenameView { .. }
            | Op::CreateFunction { .. }
            // What the procedure's body does, replayed.
            | Op::CallRoutine { .. }
            | Op::DropFunction { .. }
            | Op::CreateType { .. }
            | Op::AddEnumValue { .. }
            | Op::RenameEnumValue { .. }
            | Op::DropType { .. }
            | Op::RenameType { .. }
            | Op::CreateTrigger { .. }
            | Op::DropTrigger { .. }
            | Op::CreateSequence { .. }
            | Op::DropSequence { .. }
            | Op::RenameSequence { .. }
            | Op::CreateExtension { .. }
            | Op::DropExtension { .. }
            | Op::CreateSchema { .. }
            | Op::DropSchema { .. } => true,
            // `INSERT … SELECT … FROM source` records where the table's rows came from.
            Op::Insert { copied_from, .. } => copied_from.is_some(),
            // An `UPDATE` of every row that copies a column records where the
            // values of the other one came from.
            Op::Update { copies, filtered, .. } => !filtered && copies.iter().any(|copy| copy.to != copy.from),
            Op::Truncate { .. }
            | Op::Delete { .. }
            | Op::SwitchTrigger { .. }
            | Op::SwitchRowLevelSecurity { .. }
            | Op::Grant
            | Op::Revoke { .. }
            | Op::Comment
            | Op::TransactionControl
            | Op::SessionSetting
            | Op::Query
            | Op::Housekeeping { .. }
            | Op::CreateOther { .. }
            | Op::ChangeOther { .. }
            | Op::DynamicSql { .. }
            | Op::Unmodelled { .. } => false,
        }
    }

    /// Every object name the operation mentions (not column lists kept as keys).
    pub fn names_mut(&mut self) -> Vec<&mut Name> {
        match self {
            Op::CreateTable { table, columns, .. } => {
                let mut names = vec![table];
                names.extend(columns.iter_mut().map(|column| &mut column.name));
                names
            }
            Op::AddColumn { table, column } => vec![table, &mut column.name],
            Op::RedefineColumn { table, column, new } => vec![table, column, &mut new.name],
            Op::DropColumn { table, column }
            | Op::AlterColumnType { table, column, .. }
            | Op::SetNotNull { table, column }
            | Op::DropNotNull { table, column }
            | Op::SetDefault { table, column }
            | Op::DropDefault { table, column } => vec![table, column],
            Op::RenameColumn { table, from, to } => vec![table, from, to],
            Op::AddConstraint { table, constraint } => {
                let mut names = vec![table];
                names.extend(constraint.name.as_mut());
                names
            }
            Op::DropConstraint { table, name } => vec![table, name],
            Op::CreateIndex { name, table, .. } => {
                let mut names = vec![table];
                names.extend(name.as_mut());
                names
            }
            Op::RenameTable { from, to }
            | Op::RenameView { from, to }
            | Op::RenameType { from, to }
            | Op::RenameSequence { from, to } => {
                vec![from, to]
            }
            Op::Update { table, columns, .. } => {
                let mut names = vec![table];
                names.extend(columns.iter_mut());
                names
            }
            Op::Insert { table, copied_from } => {
                let mut names = vec![table];
                names.extend(copied_from.as_mut());
                names
            }
            Op::SwitchTrigger { table, trigger, .. } => {
                let mut names = vec![table];
                names.extend(trigger.as_mut());
                names
            }
            Op::CreateTrigger { name, table } => vec![name, table],
            Op::DropTable { table }
            | Op::Truncate { table }
            | Op::Delete { table, .. }
            | Op::SwitchRowLevelSecurity { table, .. } => vec![table],
            Op::CreateView { name, over, .. } => {
                let mut names = vec![name];
                names.extend(over.as_mut());
                names
            }
            Op::DropIndex { name }
            | Op::DropView { name, .. }
            | Op::CreateFunction { name, .. }
            | Op::DropFunction { name, .. }
            | Op::CreateType { name, .. }
            | Op::DropType { name, .. }
            | Op::DropTrigger { name, .. }
            | Op::CreateSequence { name }
            | Op::CreateExtension { name }
            | Op::DropExtension { name }
            | Op::DropSequence { name }
            | Op::CreateSchema { name }
            | Op::DropSchema { name }
            | Op::AddEnumValue { type_name: name, .. }
            | Op::RenameEnumValue { type_name: name, .. } => vec![name],
            Op::CallRoutine { name, arguments } => {
                let mut names = vec![name];
                names.extend(arguments.iter_mut().filter_map(|argument| argument.value.as_mut()));
                names
            }
            Op::Grant
            | Op::Revoke { .. }
            | Op::Comment
            | Op::TransactionControl
            | Op::SessionSetting
            | Op::Query
            | Op::Housekeeping { .. }
            | Op::CreateOther { .. }
            | Op::ChangeOther { .. }
            | Op::DynamicSql { .. }
            | Op::Unmodelled { .. } => Vec::new(),
        }
    }
}
