//! Lowering of `CREATE TABLE` and `ALTER TABLE`, and of the columns and
//! constraints they declare.

use sqlparser::ast::{
    AlterColumnOperation, AlterTable, AlterTableOperation, ColumnDef, ColumnOption, CreateTable, DataType,
    Ident, RenameTableNameKind, TableConstraint,
};
use sqlparser::tokenizer::Token;

use super::names::Lowerer;
use crate::sql::op::{ColumnSpec, ConstraintKind, ConstraintSpec, Name, Op};

impl Lowerer {
    pub(super) fn create_table(&self, create: &CreateTable) -> Op {
        let mut columns: Vec<ColumnSpec> = create.columns.iter().map(|c| self.column(c)).collect();
        let constraints: Vec<ConstraintSpec> =
            create.constraints.iter().filter_map(|constraint| self.constraint(constraint, false)).collect();
        for constraint in &constraints {
            if constraint.kind == ConstraintKind::PrimaryKey {
                for column in columns.iter_mut().filter(|c| constraint.columns.contains(&c.name.key)) {
                    column.nullable = false;
                }
            }
        }
        let copied_from = create.query.as_deref().and_then(|query| self.query_source(query));
        if columns.is_empty() {
            if let Some(query) = &create.query {
                columns = self
                    .query_columns(query)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|key| ColumnSpec::untyped(Name { written: key.clone(), key, at: None, end: None }))
                    .collect();
            }
        }
        Op::CreateTable {
            table: self.name(&create.name),
            columns,
            constraints,
            if_not_exists: create.if_not_exists,
            copied_from,
        }
    }

    pub(super) fn alter_table(&self, alter: &AlterTable, head: &str) -> Vec<Op> {
        let table = self.name(&alter.name);
        alter.operations.iter().map(|operation| self.alter_table_operation(&table, operation, head)).collect()
    }

    fn alter_table_operation(&self, table: &Name, operation: &AlterTableOperation, head: &str) -> Op {
        let table = table.clone();
        match operation {
            AlterTableOperation::AddColumn { column_def, .. } => {
                Op::AddColumn { table, column: self.column(column_def) }
            }
            AlterTableOperation::DropColumn { column_names, .. } => match column_names.as_slice() {
                [column] => Op::DropColumn { table, column: self.ident(column) },
                _ => Op::Unmodelled { what: head.to_owned() },
            },
            AlterTableOperation::RenameColumn { old_column_name, new_column_name } => {
                Op::RenameColumn { table, from: self.ident(old_column_name), to: self.ident(new_column_name) }
            }
            AlterTableOperation::RenameTable { table_name } => {
                let (RenameTableNameKind::As(to) | RenameTableNameKind::To(to)) = table_name;
                Op::RenameTable { from: table, to: self.name(to) }
            }
            AlterTableOperation::ChangeColumn { old_name, new_name, data_type, options, .. } => {
                Op::RedefineColumn {
                    table,
                    column: self.ident(old_name),
                    new: self.column_spec(new_name, data_type, options.iter()),
                }
            }
            AlterTableOperation::ModifyColumn { col_name, data_type, options, .. } => Op::RedefineColumn {
                table,
                column: self.ident(col_name),
                new: self.column_spec(col_name, data_type, options.iter()),
            },
            AlterTableOperation::AlterColumn { column_name, op } => {
                let column = self.ident(column_name);
                match op {
                    AlterColumnOperation::SetNotNull => Op::SetNotNull { table, column },
                    AlterColumnOperation::DropNotNull => Op::DropNotNull { table, column },
                    AlterColumnOperation::SetDefault { .. } | AlterColumnOperation::AddGenerated { .. } => {
                        Op::SetDefault { table, column }
                    }
                    AlterColumnOperation::DropDefault => Op::DropDefault { table, column },
                    AlterColumnOperation::SetDataType { data_type, .. } => {
                        Op::AlterColumnType { table, column, data_type: type_key(data_type) }
                    }
                    _ => Op::Unmodelled { what: head.to_owned() },
                }
            }
            AlterTableOperation::AddConstraint { constraint, not_valid } => {
                match self.constraint(constraint, *not_valid) {
                    Some(constraint) => Op::AddConstraint { table, constraint },
                    None => Op::CreateIndex { name: None, table, unique: false, columns: Vec::new() },
                }
            }
            AlterTableOperation::DropConstraint { name, .. } => {
                Op::DropConstraint { table, name: self.ident(name) }
            }
            AlterTableOperation::DropForeignKey { name, .. } => {
                Op::DropConstraint { table, name: self.ident(name) }
            }
            AlterTableOperation::DropPrimaryKey { .. } => Op::DropConstraint {
                name: Name { key: "primary key".into(), written: "PRIMARY KEY".into(), at: None, end: None },
                table,
            },
            AlterTableOperation::DropIndex { name } => Op::DropIndex { name: self.ident(name) },
            AlterTableOperation::RenameConstraint { .. } => {
                Op::Housekeeping { what: "rename a constraint".into() }
            }
            AlterTableOperation::ValidateConstraint { .. } => {
                Op::Housekeeping { what: "validate a constraint added earlier".into() }
            }
            AlterTableOperation::OwnerTo { .. } => {
                Op::Housekeeping { what: "change the owner of a table".into() }
            }
            AlterTableOperation::SetLogged
            | AlterTableOperation::SetUnlogged
            | AlterTableOperation::Algorithm { .. }
            | AlterTableOperation::Lock { .. }
            | AlterTableOperation::AutoIncrement { .. }
            | AlterTableOperation::ReplicaIdentity { .. }
            | AlterTableOperation::SetTblProperties { .. }
            | AlterTableOperation::SetOptionsParens { .. }
            | AlterTableOperation::ResetOptions { .. } => {
                Op::Housekeeping { what: "change table storage settings".into() }
            }
            AlterTableOperation::EnableTrigger { name } => {
                Op::SwitchTrigger { trigger: self.trigger_switched(name), table, on: true }
            }
            AlterTableOperation::DisableTrigger { name } => {
                Op::SwitchTrigger { trigger: self.trigger_switched(name), table, on: false }
            }
            AlterTableOperation::EnableRowLevelSecurity | AlterTableOperation::ForceRowLevelSecurity => {
                Op::SwitchRowLevelSecurity { table, on: true }
            }
            AlterTableOperation::DisableRowLevelSecurity | AlterTableOperation::NoForceRowLevelSecurity => {
                Op::SwitchRowLevelSecurity { table, on: false }
            }
            _ => Op::Unmodelled { what: head.to_owned() },
        }
    }

    /// The trigger `ENABLE | DISABLE TRIGGER` names; `None` for `ALL` and `USER`.
    fn trigger_switched(&self, name: &Ident) -> Option<Name> {
        let every = ["ALL", "USER"]
            .iter()
            .any(|word| name.quote_style.is_none() && name.value.eq_ignore_ascii_case(word));
        (!every).then(|| self.ident(name))
    }

    fn column(&self, column: &ColumnDef) -> ColumnSpec {
        self.column_spec(&column.name, &column.data_type, column.options.iter().map(|o| &o.option))
    }

    fn column_spec<'o>(
        &self,
        name: &Ident,
        data_type: &DataType,
        options: impl Iterator<Item = &'o ColumnOption>,
    ) -> ColumnSpec {
        let data_type = type_key(data_type);
        let mut spec = ColumnSpec {
            name: self.ident(name),
            nullable: true,
            has_default: data_type.contains("serial"),
            inline_constraints: Vec::new(),
            data_type,
        };
        for option in options {
            match option {
                ColumnOption::NotNull => spec.nullable = false,
                ColumnOption::Null => spec.nullable = true,
                ColumnOption::Default(_)
                | ColumnOption::Materialized(_)
                | ColumnOption::Generated { .. }
                | ColumnOption::Identity(_) => spec.has_default = true,
                ColumnOption::DialectSpecific(tokens) if tokens.iter().any(is_generated_marker) => {
                    spec.has_default = true;
                }
                ColumnOption::PrimaryKey(_) => {
                    spec.nullable = false;
                    spec.inline_constraints.push(ConstraintKind::PrimaryKey);
                }
                ColumnOption::Unique(_) => spec.inline_constraints.push(ConstraintKind::Unique),
                ColumnOption::ForeignKey(_) => spec.inline_constraints.push(ConstraintKind::ForeignKey),
                ColumnOption::Check(_) => spec.inline_constraints.push(ConstraintKind::Check),
                _ => {}
            }
        }
        spec
    }

    fn constraint(&self, constraint: &TableConstraint, not_valid: bool) -> Option<ConstraintSpec> {
        let index_columns = |columns: &[sqlparser::ast::IndexColumn]| -> Vec<String> {
            columns.iter().filter_map(|c| self.expr_column(&c.column.expr)).collect()
        };
        let (name, kind, columns) = match constraint {
            TableConstraint::PrimaryKey(pk) => {
                (&pk.name, ConstraintKind::PrimaryKey, index_columns(&pk.columns))
            }
            TableConstraint::Unique(unique) => {
                (&unique.name, ConstraintKind::Unique, index_columns(&unique.columns))
            }
            TableConstraint::Check(check) => (&check.name, ConstraintKind::Check, Vec::new()),
            TableConstraint::ForeignKey(fk) => {
                (&fk.name, ConstraintKind::ForeignKey, fk.columns.iter().map(|c| self.ident_key(c)).collect())
            }
            TableConstraint::PrimaryKeyUsingIndex(using) => {
                (&using.name, ConstraintKind::PrimaryKey, Vec::new())
            }
            TableConstraint::UniqueUsingIndex(using) => (&using.name, ConstraintKind::Unique, Vec::new()),
            TableConstraint::Exclude(_) => (&None, ConstraintKind::Check, Vec::new()),
            TableConstraint::Index(_) | TableConstraint::FulltextOrSpatial(_) => return None,
        };
        Some(ConstraintSpec {
            name: name.as_ref().map(|n| self.ident(n)),
            kind,
            columns,
            not_valid,
            text: constraint.to_string().to_lowercase(),
        })
    }
}

/// MySQL `AUTO_INCREMENT`, SQLite `AUTOINCREMENT`, T-SQL `IDENTITY`: the database
/// fills the column in.
fn is_generated_marker(token: &Token) -> bool {
    matches!(token, Token::Word(w) if ["auto_increment", "autoincrement", "identity"]
        .contains(&w.value.to_lowercase().as_str()))
}

/// A data type as compared across statements: lower case, as sqlparser prints it.
pub(crate) fn type_key(data_type: &DataType) -> String {
    data_type.to_string().to_lowercase()
}
