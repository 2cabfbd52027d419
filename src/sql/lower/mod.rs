//! Lowers a parsed statement to the operations it performs ([`Op`]): the
//! statement kinds here, tables in `table`, calls in `call`, what queries read in
//! `query`, all naming objects as `names` folds them.

mod call;
mod names;
mod query;
mod table;

use sqlparser::ast::{
    AlterFunctionOperation, AlterIndexOperation, AlterSchemaOperation, AlterTypeOperation,
    AlterViewOperation, AssignmentTarget, DataType, Expr, FromTable, FunctionArg, FunctionArgExpr,
    FunctionArguments, MergeAction, MergeUpdateKind, ObjectType, SchemaName, Statement, TableFactor,
    TableObject, UpdateTableFromKind, UserDefinedTypeRepresentation,
};

use super::dialect::Dialect;
use super::op::{ColumnCopy, Name, Op, Parameter};
use names::last_ident;
use query::data_changes;
use table::type_key;

pub use names::Lowerer;

impl Lowerer {
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
                    procedure: false,
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
                    procedure: true,
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
                over: self.plain_view_source(&view.query),
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
                    over: self.plain_view_source(query),
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
                procedure: false,
                signature: signature(function.args.iter().flatten().map(|arg| &arg.data_type)),
                parameters: function
                    .args
                    .iter()
                    .flatten()
                    .filter_map(|arg| {
                        let parameter = self.parameter(arg.name.as_ref()?, &arg.data_type, arg.mode.as_ref());
                        Some(Parameter { has_default: arg.default_expr.is_some(), ..parameter })
                    })
                    .collect(),
                or_replace: function.or_replace || function.or_alter,
                body: None,
            }],
            Statement::CreateProcedure { name, params, or_alter, .. } => vec![Op::CreateFunction {
                name: self.name(name),
                procedure: true,
                signature: signature(params.iter().flatten().map(|param| &param.data_type)),
                parameters: params
                    .iter()
                    .flatten()
                    .map(|param| Parameter {
                        has_default: param.default.is_some(),
                        ..self.parameter(&param.name, &param.data_type, param.mode.as_ref())
                    })
                    .collect(),
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
                table_columns: None,
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
                let target =
                    delete.tables.first().map(|name| self.changed_table(name, tables)).or_else(|| {
                        tables.first().and_then(|table| Some((self.table_with_joins(table)?, false)))
                    });
                match target {
                    Some((table, joined)) => {
                        vec![Op::Delete { table, filtered: joined || delete.selection.is_some() }]
                    }
                    None => unmodelled(),
                }
            }
            Statement::Update(update) => match self.updated_table(update) {
                Some((table, joined)) => vec![Op::Update {
                    table,
                    columns: self.assigned_columns(&update.assignments),
                    // With a FROM or a join, `b` may be another table's column.
                    copies: (update.from.is_none() && update.table.joins.is_empty())
                        .then_some(&update.assignments)
                        .into_iter()
                        .flatten()
                        .filter_map(|assignment| match &assignment.target {
                            AssignmentTarget::ColumnName(name) => Some(ColumnCopy {
                                to: self.ident_key(last_ident(name)?),
                                from: self.copied_column(&assignment.value)?,
                            }),
                            AssignmentTarget::Tuple(_) => None,
                        })
                        .collect(),
                    filtered: joined || update.selection.is_some(),
                }],
                None => unmodelled(),
            },
            Statement::Merge(merge) => self.merge(merge).unwrap_or_else(unmodelled),
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
            // `WAITFOR DELAY | TIME`: the migration pauses, nothing changes.
            Statement::WaitFor(_) => housekeeping("wait (`WAITFOR`): the migration pauses"),
            // A T-SQL variable declared among other statements of its batch.
            Statement::Declare { .. } if self.dialect() == Dialect::Mssql => vec![Op::SessionSetting],
            Statement::Query(query) => {
                let writes: Vec<Op> =
                    data_changes(query).into_iter().flat_map(|change| self.lower(change, head)).collect();
                if writes.is_empty() { vec![Op::Query] } else { writes }
            }
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
                // System procedures are called by their name alone or in `dbo` or `sys`.
                let system = procedure.as_deref().map(|p| p.rsplit('.').next().unwrap_or(p));
                if let Some(what) = system.and_then(call::housekeeping) {
                    return vec![Op::Housekeeping { what: what.to_owned() }];
                }
                // Role membership: what A's login may do.
                match system {
                    Some("sp_addrolemember") => return vec![Op::Grant],
                    Some("sp_droprolemember") => {
                        return vec![Op::Revoke {
                            what: "`sp_droprolemember` takes a role from a user".into(),
                        }];
                    }
                    _ => {}
                }
                match (system, name) {
                    (Some("sp_rename"), _) => {
                        self.sp_rename(parameters).map_or_else(|| dynamic(head), |op| vec![op])
                    }
                    (Some(system), Some(name)) if !system.starts_with("sp_") => {
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
            // What a T-SQL script says or raises changes no schema.
            Statement::Print(_) => vec![Op::Housekeeping { what: "print a message".into() }],
            Statement::RaisError { .. } | Statement::Throw(_) => {
                vec![Op::Housekeeping { what: "raise an error (a severe one stops the migration)".into() }]
            }
            _ => unmodelled(),
        }
    }

    /// `MERGE INTO t USING s ON … WHEN …`: the rows of `t` each `WHEN` clause
    /// inserts, updates or deletes. Matched rows are some of the table's, and rows
    /// `NOT MATCHED BY SOURCE` too; inserted rows come from the source. `None` when
    /// the target is not a table or a clause updates every column (`UPDATE SET *`).
    fn merge(&self, merge: &sqlparser::ast::Merge) -> Option<Vec<Op>> {
        let TableFactor::Table { name, .. } = &merge.table else { return None };
        let table = self.name(name);
        let source = match &merge.source {
            TableFactor::Table { name, .. } => Some(self.name(name)),
            _ => None,
        };
        merge
            .clauses
            .iter()
            .filter_map(|clause| match &clause.action {
                MergeAction::Insert(_) => {
                    Some(Some(Op::Insert { table: table.clone(), copied_from: source.clone() }))
                }
                MergeAction::Update(update) => Some(match &update.kind {
                    MergeUpdateKind::Set(assignments) => Some(Op::Update {
                        table: table.clone(),
                        columns: self.assigned_columns(assignments),
                        // The values come from the source's rows.
                        copies: Vec::new(),
                        filtered: true,
                    }),
                    _ => None,
                }),
                MergeAction::Delete { .. } => Some(Some(Op::Delete { table: table.clone(), filtered: true })),
                _ => None,
            })
            .collect()
    }

    /// The columns assignments set (`SET a = …, (b, c) = …`).
    fn assigned_columns(&self, assignments: &[sqlparser::ast::Assignment]) -> Vec<Name> {
        assignments
            .iter()
            .flat_map(|assignment| match &assignment.target {
                AssignmentTarget::ColumnName(name) => vec![name],
                AssignmentTarget::Tuple(names) => names.iter().collect(),
            })
            .filter_map(|name| last_ident(name).map(|ident| self.ident(ident)))
            .collect()
    }

    /// The table an `UPDATE` changes, through the alias its `FROM` gives it, and
    /// whether a join filters its rows.
    fn updated_table(&self, update: &sqlparser::ast::Update) -> Option<(Name, bool)> {
        let TableFactor::Table { name, .. } = &update.table.relation else { return None };
        let from = match &update.from {
            Some(UpdateTableFromKind::BeforeSet(tables) | UpdateTableFromKind::AfterSet(tables)) => {
                tables.as_slice()
            }
            None => &[],
        };
        Some(self.changed_table(name, from))
    }

    fn drop(&self, object_type: ObjectType, name: Name, if_exists: bool) -> Op {
        match object_type {
            ObjectType::Table | ObjectType::ForeignTable => Op::DropTable { table: name },
            ObjectType::View | ObjectType::MaterializedView => Op::DropView { name, if_exists },
            ObjectType::Index => Op::DropIndex { name },
            ObjectType::Schema | ObjectType::Database => Op::DropSchema { name },
            ObjectType::Sequence => Op::DropSequence { name },
            ObjectType::Type => Op::DropType { name, if_exists },
            other => Op::ChangeOther { kind: format!("drop a {}", other.to_string().to_lowercase()) },
        }
    }
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
