//! Lowers a parsed statement to the operations it performs ([`Op`]).

use sqlparser::ast::{
    AlterColumnOperation, AlterFunctionOperation, AlterIndexOperation, AlterSchemaOperation, AlterTable,
    AlterTableOperation, AlterTypeOperation, AlterViewOperation, AssignmentTarget, BinaryOperator, ColumnDef,
    ColumnOption, CreateTable, DataType, Expr, FromTable, FunctionArg, FunctionArgExpr, FunctionArguments,
    Ident, ObjectName, ObjectNamePart, ObjectType, Query, RenameTableNameKind, SchemaName, SelectItem,
    SetExpr, Statement, TableConstraint, TableFactor, TableObject, TableWithJoins,
    UserDefinedTypeRepresentation, Value,
};
use sqlparser::tokenizer::Token;

use super::dialect::Dialect;
use super::op::{Argument, ColumnSpec, ConstraintKind, ConstraintSpec, Name, Op};
use super::position::Position;

/// Turns parsed statements into operations, folding names the dialect's way.
#[derive(Debug, Clone, Copy)]
pub struct Lowerer {
    dialect: Dialect,
}

impl Lowerer {
    pub fn new(dialect: Dialect) -> Self {
        Lowerer { dialect }
    }

    pub(crate) fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The operations `statement` performs. `head` is the statement's first words,
    /// used to name statements rollsafe has no model for.
    pub fn lower(&self, statement: &Statement, head: &str) -> Vec<Op> {
        let unmodelled = || vec![Op::Unmodelled { what: head.to_owned() }];
        match statement {
            Statement::CreateTable(create) => vec![self.create_table(create)],
            Statement::AlterTable(alter) => self.alter_table(alter, head),
            Statement::Drop { object_type, names, if_exists, .. } => {
                names.iter().map(|name| self.drop(*object_type, self.name(name), *if_exists)).collect()
            }
            Statement::DropFunction(drop) => drop
                .func_desc
                .iter()
                .map(|desc| Op::DropFunction {
                    name: self.name(&desc.name),
                    signature: desc
                        .args
                        .as_ref()
                        .map(|args| signature(args.iter().map(|arg| &arg.data_type))),
                    if_exists: drop.if_exists,
                })
                .collect(),
            Statement::DropProcedure { proc_desc, if_exists, .. } => proc_desc
                .iter()
                .map(|desc| Op::DropFunction {
                    name: self.name(&desc.name),
                    signature: None,
                    if_exists: *if_exists,
                })
                .collect(),
            Statement::CreateIndex(index) => vec![Op::CreateIndex {
                name: index.name.as_ref().map(|name| self.name(name)),
                table: self.name(&index.table_name),
                unique: index.unique,
                columns: index
                    .columns
                    .iter()
                    .map(|column| self.expr_column(&column.column.expr).unwrap_or_default())
                    .collect(),
            }],
            Statement::CreateView(view) => vec![Op::CreateView {
                name: self.name(&view.name),
                columns: if view.columns.is_empty() {
                    self.query_columns(&view.query)
                } else {
                    Some(view.columns.iter().map(|c| self.ident_key(&c.name)).collect())
                },
                or_replace: view.or_replace || view.or_alter,
                materialized: view.materialized,
            }],
            Statement::AlterView(alter) => match &alter.operation {
                AlterViewOperation::As { columns, query, .. } => vec![Op::CreateView {
                    name: self.name(&alter.name),
                    columns: if columns.is_empty() {
                        self.query_columns(query)
                    } else {
                        Some(columns.iter().map(|c| self.ident_key(c)).collect())
                    },
                    or_replace: true,
                    materialized: alter.materialized,
                }],
                AlterViewOperation::RenameTo { new_name } => {
                    vec![Op::RenameView { from: self.name(&alter.name), to: self.name(new_name) }]
                }
                AlterViewOperation::OwnerTo(_) => housekeeping("change the owner of a view"),
                _ => unmodelled(),
            },
            Statement::CreateFunction(function) => vec![Op::CreateFunction {
                name: self.name(&function.name),
                signature: signature(function.args.iter().flatten().map(|arg| &arg.data_type)),
                or_replace: function.or_replace || function.or_alter,
                body: None,
            }],
            Statement::CreateProcedure { name, params, or_alter, .. } => vec![Op::CreateFunction {
                name: self.name(name),
                signature: signature(params.iter().flatten().map(|param| &param.data_type)),
                or_replace: *or_alter,
                body: None,
            }],
            Statement::CreateType { name, representation } => vec![Op::CreateType {
                name: self.name(name),
                enum_values: match representation {
                    Some(UserDefinedTypeRepresentation::Enum { labels }) => {
                        Some(labels.iter().map(|label| label.value.clone()).collect())
                    }
                    _ => None,
                },
            }],
            Statement::AlterType(alter) => match &alter.operation {
                AlterTypeOperation::AddValue(add) => vec![Op::AddEnumValue {
                    type_name: self.name(&alter.name),
                    value: add.value.value.clone(),
                }],
                AlterTypeOperation::RenameValue(rename) => vec![Op::RenameEnumValue {
                    type_name: self.name(&alter.name),
                    from: rename.from.value.clone(),
                    to: rename.to.value.clone(),
                }],
                AlterTypeOperation::Rename(rename) => {
                    vec![Op::RenameType { from: self.name(&alter.name), to: self.ident(&rename.new_name) }]
                }
            },
            Statement::CreateSequence { name, .. } => vec![Op::CreateSequence { name: self.name(name) }],
            Statement::CreateSchema { schema_name, .. } => match schema_name {
                SchemaName::Simple(name) | SchemaName::NamedAuthorization(name, _) => {
                    vec![Op::CreateSchema { name: self.name(name) }]
                }
                SchemaName::UnnamedAuthorization(ident) => vec![Op::CreateSchema { name: self.ident(ident) }],
            },
            Statement::Truncate(truncate) => truncate
                .table_names
                .iter()
                .map(|target| Op::Truncate { table: self.name(&target.name) })
                .collect(),
            Statement::Delete(delete) => {
                let tables = match &delete.from {
                    FromTable::WithFromKeyword(tables) | FromTable::WithoutKeyword(tables) => tables,
                };
                let target = delete
                    .tables
                    .first()
                    .map(|name| self.name(name))
                    .or_else(|| tables.first().and_then(|table| self.table_with_joins(table)));
                match target {
                    Some(table) => vec![Op::Delete { table, filtered: delete.selection.is_some() }],
                    None => unmodelled(),
                }
            }
            Statement::Update(update) => match self.table_with_joins(&update.table) {
                Some(table) => vec![Op::Update {
                    table,
                    columns: update
                        .assignments
                        .iter()
                        .flat_map(|assignment| match &assignment.target {
                            AssignmentTarget::ColumnName(name) => vec![name],
                            AssignmentTarget::Tuple(names) => names.iter().collect(),
                        })
                        .filter_map(|name| last_ident(name).map(|ident| self.ident(ident)))
                        .collect(),
                    filtered: update.selection.is_some(),
                }],
                None => unmodelled(),
            },
            Statement::Insert(insert) => match &insert.table {
                TableObject::TableName(name) => vec![Op::Insert {
                    table: self.name(name),
                    copied_from: insert.source.as_deref().and_then(|query| self.query_source(query)),
                }],
                _ => unmodelled(),
            },
            Statement::RenameTable(renames) => renames
                .iter()
                .map(|rename| Op::RenameTable {
                    from: self.name(&rename.old_name),
                    to: self.name(&rename.new_name),
                })
                .collect(),
            // Default privileges, granted or revoked, apply to objects created later,
            // not to those A's code uses.
            Statement::Grant(_) | Statement::GrantRole(_) | Statement::AlterDefaultPrivileges(_) => {
                vec![Op::Grant]
            }
            Statement::Revoke(_) | Statement::RevokeRole(_) => vec![Op::Revoke { what: head.to_owned() }],
            Statement::Comment { .. } => vec![Op::Comment],
            Statement::StartTransaction { .. }
            | Statement::Commit { .. }
            | Statement::Rollback { .. }
            | Statement::Savepoint { .. }
            | Statement::ReleaseSavepoint { .. }
            | Statement::Lock(_) => vec![Op::TransactionControl],
            Statement::Set(_) | Statement::Pragma { .. } | Statement::Use(_) => {
                vec![Op::SessionSetting]
            }
            Statement::Query(_) => vec![Op::Query],
            Statement::AlterIndex { operation, .. } => match operation {
                AlterIndexOperation::RenameIndex { .. } => housekeeping("rename an index"),
            },
            Statement::AlterFunction(alter) => match &alter.operation {
                AlterFunctionOperation::OwnerTo(_) => housekeeping("change the owner of a function"),
                AlterFunctionOperation::Actions { .. } => housekeeping("change a function's settings"),
                _ => unmodelled(),
            },
            Statement::AlterSchema(alter)
                if alter.operations.iter().all(|op| matches!(op, AlterSchemaOperation::OwnerTo { .. })) =>
            {
                housekeeping("change the owner of a schema")
            }
            Statement::Analyze(_) => housekeeping("refresh planner statistics"),
            Statement::RefreshMaterializedView { .. } => housekeeping("refresh a materialized view"),
            Statement::CreateExtension(extension) => {
                vec![Op::CreateExtension { name: self.ident(&extension.name) }]
            }
            Statement::CreateTrigger(trigger) => vec![Op::CreateTrigger {
                name: self.name(&trigger.name),
                table: self.name(&trigger.table_name),
            }],
            Statement::CreateRole(_) => create_other("role"),
            Statement::CreatePolicy(_) => create_other("policy"),
            Statement::CreateDomain(_) => create_other("domain"),
            Statement::DropExtension(drop) => {
                drop.names.iter().map(|name| Op::DropExtension { name: self.ident(name) }).collect()
            }
            Statement::DropTrigger(drop) => {
                vec![Op::DropTrigger { name: self.name(&drop.trigger_name), if_exists: drop.if_exists }]
            }
            Statement::DropPolicy(_) => change_other("drop a policy"),
            Statement::DropDomain(_) => change_other("drop a domain"),
            Statement::Execute { name, parameters, .. } => {
                let procedure = name.as_ref().map(|n| n.to_string().to_lowercase());
                match (procedure.as_deref(), name) {
                    (Some("sp_rename" | "dbo.sp_rename" | "sys.sp_rename"), _) => {
                        self.sp_rename(parameters).map_or_else(|| dynamic(head), |op| vec![op])
                    }
                    (Some(procedure), Some(name)) if !procedure.starts_with("sp_") => {
                        vec![self.routine_call(name, parameters.iter())]
                    }
                    _ => dynamic(head),
                }
            }
            Statement::Call(function) => {
                let arguments: Vec<&Expr> = match &function.args {
                    FunctionArguments::List(list) => list
                        .args
                        .iter()
                        .filter_map(|arg| match arg {
                            FunctionArg::Unnamed(FunctionArgExpr::Expr(expr)) => Some(expr),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                vec![self.routine_call(&function.name, arguments.into_iter())]
            }
            Statement::Prepare { .. } => dynamic(head),
            _ => unmodelled(),
        }
    }

    fn create_table(&self, create: &CreateTable) -> Op {
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

    fn alter_table(&self, alter: &AlterTable, head: &str) -> Vec<Op> {
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

    fn drop(&self, object_type: ObjectType, name: Name, if_exists: bool) -> Op {
        match object_type {
            ObjectType::Table | ObjectType::ForeignTable => Op::DropTable { table: name },
            ObjectType::View | ObjectType::MaterializedView => Op::DropView { name, if_exists },
            ObjectType::Index => Op::DropIndex { name },
            ObjectType::Schema | ObjectType::Database => Op::DropSchema { name },
            ObjectType::Sequence => Op::DropSequence { name },
            ObjectType::Type => Op::DropType { name },
            other => Op::ChangeOther { kind: format!("drop a {}", other.to_string().to_lowercase()) },
        }
    }

    /// `CALL p('orders', 'orders_idx')`, `EXEC p @table = 'orders'`: literal
    /// arguments become names the body's parameters stand for.
    fn routine_call<'e>(&self, name: &ObjectName, arguments: impl Iterator<Item = &'e Expr>) -> Op {
        let arguments = exec_arguments(arguments)
            .into_iter()
            .map(|(parameter, value)| Argument {
                parameter: parameter.map(|parameter| self.dialect.fold_identifier(parameter, false)),
                value: string_literal(value)
                    .map(|s| self.plain_name(&s.split('.').collect::<Vec<_>>(), None)),
            })
            .collect();
        Op::CallRoutine { name: self.name(name), arguments }
    }

    /// `EXEC sp_rename 'table.column', 'new', 'COLUMN'` and `EXEC sp_rename 'old', 'new'`,
    /// with the names quoted or not, by position or as `@objname = …, @newname = …`.
    fn sp_rename(&self, parameters: &[Expr]) -> Option<Op> {
        fn text(expr: &Expr) -> Option<String> {
            match expr {
                Expr::Identifier(ident) => Some(ident.value.clone()),
                Expr::CompoundIdentifier(parts) => {
                    Some(parts.iter().map(|part| part.value.as_str()).collect::<Vec<_>>().join("."))
                }
                other => string_literal(other).map(str::to_owned),
            }
        }
        let arguments = exec_arguments(parameters.iter());
        let passed = |parameter: &str, position: usize| {
            let named =
                arguments.iter().find(|(name, _)| name.is_some_and(|n| n.eq_ignore_ascii_case(parameter)));
            named
                .or_else(|| arguments.iter().filter(|(name, _)| name.is_none()).nth(position))
                .map(|(_, e)| *e)
        };
        let old_expr = passed("objname", 0)?;
        let at = expr_position(old_expr);
        let old = text(old_expr)?;
        let new = text(passed("newname", 1)?)?;
        let kind = passed("objtype", 2).and_then(text).unwrap_or_default().to_lowercase();
        let parts: Vec<&str> = old.split('.').map(|p| p.trim_matches(['[', ']', '"'])).collect();
        let new = new.trim_matches(['[', ']', '"']).to_owned();
        match kind.as_str() {
            "column" => {
                let (column, table) = parts.split_last()?;
                Some(Op::RenameColumn {
                    table: self.plain_name(table, at),
                    from: self.plain_name(&[column], at),
                    to: self.plain_name(&[new.as_str()], None),
                })
            }
            "index" | "statistics" => Some(Op::Housekeeping { what: "rename an index".into() }),
            _ => {
                // The new name is bare: the object stays in its schema.
                let mut renamed = parts.clone();
                *renamed.last_mut()? = new.as_str();
                Some(Op::RenameTable {
                    from: self.plain_name(&parts, at),
                    to: self.plain_name(&renamed, None),
                })
            }
        }
    }

    /// A name from its parts as written, folded as if unquoted.
    pub(crate) fn plain_name(&self, parts: &[&str], at: Option<Position>) -> Name {
        let folded: Vec<String> = parts.iter().map(|p| self.dialect.fold_identifier(p, false)).collect();
        Name { key: self.qualified_key(folded), written: parts.join("."), at, end: None }
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

    /// The output column names of a query, when every one can be named.
    fn query_columns(&self, query: &Query) -> Option<Vec<String>> {
        self.set_expr_columns(&query.body)
    }

    fn set_expr_columns(&self, body: &SetExpr) -> Option<Vec<String>> {
        match body {
            SetExpr::Select(select) => select
                .projection
                .iter()
                .map(|item| match item {
                    SelectItem::ExprWithAlias { alias, .. } => Some(self.ident_key(alias)),
                    SelectItem::UnnamedExpr(expr) => self.expr_column(expr),
                    _ => None,
                })
                .collect(),
            SetExpr::SetOperation { left, .. } => self.set_expr_columns(left),
            SetExpr::Query(query) => self.query_columns(query),
            _ => None,
        }
    }

    /// The table a query reads from, for `INSERT … SELECT` and `CREATE TABLE … AS`.
    fn query_source(&self, query: &Query) -> Option<Name> {
        match query.body.as_ref() {
            SetExpr::Select(select) => select.from.first().and_then(|t| self.table_with_joins(t)),
            SetExpr::Query(inner) => self.query_source(inner),
            _ => None,
        }
    }

    fn table_with_joins(&self, table: &TableWithJoins) -> Option<Name> {
        match &table.relation {
            TableFactor::Table { name, .. } => Some(self.name(name)),
            _ => None,
        }
    }

    fn expr_column(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Identifier(ident) => Some(self.ident_key(ident)),
            Expr::CompoundIdentifier(idents) => idents.last().map(|ident| self.ident_key(ident)),
            _ => None,
        }
    }

    fn ident_key(&self, ident: &Ident) -> String {
        self.dialect.fold_identifier(&ident.value, ident.quote_style.is_some())
    }

    fn ident(&self, ident: &Ident) -> Name {
        Name {
            key: self.ident_key(ident),
            written: ident.to_string(),
            at: Position::from_location(ident.span.start),
            end: Position::from_location(ident.span.end),
        }
    }

    pub(crate) fn name(&self, name: &ObjectName) -> Name {
        let idents: Vec<&Ident> = name
            .0
            .iter()
            .filter_map(|part| match part {
                ObjectNamePart::Identifier(ident) => Some(ident),
                ObjectNamePart::Function(_) => None,
            })
            .collect();
        let folded = idents.iter().map(|ident| self.ident_key(ident)).collect();
        let first = idents.first().and_then(|i| Position::from_location(i.span.start));
        let last = idents.last();
        Name {
            key: self.qualified_key(folded),
            written: name.to_string(),
            at: first.or_else(|| last.and_then(|i| Position::from_location(i.span.start))),
            end: last.and_then(|i| Position::from_location(i.span.end)),
        }
    }

    /// Joins folded parts, dropping the dialect's default schema.
    fn qualified_key(&self, mut parts: Vec<String>) -> String {
        if parts.len() > 1 {
            if let Some(default) = self.dialect.default_schema() {
                if parts[parts.len() - 2].eq_ignore_ascii_case(default) {
                    parts.remove(parts.len() - 2);
                }
            }
        }
        parts.join(".")
    }
}

/// MySQL `AUTO_INCREMENT`, SQLite `AUTOINCREMENT`, T-SQL `IDENTITY`: the database
/// fills the column in.
fn is_generated_marker(token: &Token) -> bool {
    matches!(token, Token::Word(w) if ["auto_increment", "autoincrement", "identity"]
        .contains(&w.value.to_lowercase().as_str()))
}

fn last_ident(name: &ObjectName) -> Option<&Ident> {
    match name.0.last()? {
        ObjectNamePart::Identifier(ident) => Some(ident),
        ObjectNamePart::Function(_) => None,
    }
}

/// The arguments of a call as written: `@name = value` (T-SQL) passes `value` for
/// the parameter `name` (given without `@`); a bare value is positional.
fn exec_arguments<'e>(arguments: impl Iterator<Item = &'e Expr>) -> Vec<(Option<&'e str>, &'e Expr)> {
    arguments
        .map(|argument| match argument {
            Expr::BinaryOp { left, op: BinaryOperator::Eq, right } => match left.as_ref() {
                Expr::Identifier(name) if name.value.starts_with('@') => {
                    (Some(name.value.trim_start_matches('@')), right.as_ref())
                }
                _ => (None, argument),
            },
            _ => (None, argument),
        })
        .collect()
}

/// The text of a `'string'` or `N'string'` literal.
fn string_literal(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Value(value) => match &value.value {
            Value::SingleQuotedString(s) | Value::NationalStringLiteral(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

fn expr_position(expr: &Expr) -> Option<Position> {
    match expr {
        Expr::Value(value) => Position::from_location(value.span.start),
        Expr::Identifier(ident) => Position::from_location(ident.span.start),
        Expr::CompoundIdentifier(parts) => {
            parts.first().and_then(|part| Position::from_location(part.span.start))
        }
        _ => None,
    }
}

/// A data type as compared across statements: lower case, as sqlparser prints it.
pub(crate) fn type_key(data_type: &DataType) -> String {
    data_type.to_string().to_lowercase()
}

fn signature<'t>(types: impl Iterator<Item = &'t DataType>) -> String {
    types.map(type_key).collect::<Vec<_>>().join(", ")
}

fn housekeeping(what: &str) -> Vec<Op> {
    vec![Op::Housekeeping { what: what.to_owned() }]
}

fn create_other(kind: &str) -> Vec<Op> {
    vec![Op::CreateOther { kind: kind.to_owned() }]
}

fn change_other(kind: &str) -> Vec<Op> {
    vec![Op::ChangeOther { kind: kind.to_owned() }]
}

fn dynamic(head: &str) -> Vec<Op> {
    vec![Op::DynamicSql { what: head.to_owned() }]
}
