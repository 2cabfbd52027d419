//! What lowering reads from queries: the columns a view or `CREATE TABLE … AS`
//! gets, and the table rows are copied from.

use sqlparser::ast::{Query, SelectItem, SetExpr, TableFactor, TableWithJoins};

use super::names::Lowerer;
use crate::sql::op::Name;

impl Lowerer {
    /// The output column names of a query, when every one can be named.
    pub(super) fn query_columns(&self, query: &Query) -> Option<Vec<String>> {
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
    pub(super) fn query_source(&self, query: &Query) -> Option<Name> {
        match query.body.as_ref() {
            SetExpr::Select(select) => select.from.first().and_then(|t| self.table_with_joins(t)),
            SetExpr::Query(inner) => self.query_source(inner),
            _ => None,
        }
    }

    pub(super) fn table_with_joins(&self, table: &TableWithJoins) -> Option<Name> {
        match &table.relation {
            TableFactor::Table { name, .. } => Some(self.name(name)),
            _ => None,
        }
    }
}
