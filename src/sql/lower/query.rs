//! What lowering reads from queries: the columns a view or `CREATE TABLE … AS`
//! gets, the table rows are copied from, and the data a query changes.

use sqlparser::ast::{
    Expr, GroupByExpr, JoinOperator, ObjectName, ObjectNamePart, Query, Select, SelectItem, SetExpr,
    Statement, TableFactor, TableWithJoins,
};

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

    /// The table whose every row a query reads, for `INSERT … SELECT` and
    /// `CREATE TABLE … AS`: a copy that a later drop of that table loses nothing
    /// by. A filter, a limit, grouping or `DISTINCT` leaves rows behind, so the
    /// query is no copy of its table.
    pub(super) fn query_source(&self, query: &Query) -> Option<Name> {
        match query.body.as_ref() {
            SetExpr::Select(select) => {
                let every_row =
                    reads_every_row(query, select) && query.fetch.is_none() && select.top.is_none();
                every_row.then(|| select.from.first().and_then(|t| self.table_with_joins(t))).flatten()
            }
            SetExpr::Query(inner) => self.query_source(inner),
            _ => None,
        }
    }

    /// The one table a plain view reads: `SELECT *` or plain columns from one
    /// table, with no filter, join, grouping, distinct, limit or union. PostgreSQL,
    /// MySQL and SQL Server write through such a view to its table.
    pub(super) fn plain_view_source(&self, query: &Query) -> Option<Name> {
        let SetExpr::Select(select) = query.body.as_ref() else {
            return None;
        };
        let plain_columns = select.projection.iter().all(|item| match item {
            SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => true,
            SelectItem::UnnamedExpr(expr) => {
                matches!(expr, Expr::Identifier(_) | Expr::CompoundIdentifier(_))
            }
            _ => false,
        });
        let [table] = select.from.as_slice() else {
            return None;
        };
        let plain = query.with.is_none()
            && query.order_by.is_none()
            && reads_every_row(query, select)
            && plain_columns
            && table.joins.is_empty();
        if plain { self.table_with_joins(table) } else { None }
    }

    pub(super) fn table_with_joins(&self, table: &TableWithJoins) -> Option<Name> {
        match &table.relation {
            TableFactor::Table { name, .. } => Some(self.name(name)),
            _ => None,
        }
    }

    /// The table an `UPDATE` or `DELETE` changes, and whether only some of its rows:
    /// `target`, or, when `target` is an alias its `FROM` gives a table (T-SQL's
    /// `UPDATE o SET … FROM dbo.orders o JOIN …`, `DELETE o FROM dbo.orders o …`),
    /// that table, whose rows an inner join then filters.
    pub(super) fn changed_table(&self, target: &ObjectName, from: &[TableWithJoins]) -> (Name, bool) {
        let aliased = match target.0.as_slice() {
            [ObjectNamePart::Identifier(alias)] => {
                let alias = self.ident_key(alias);
                from.iter()
                    .flat_map(|table| {
                        std::iter::once(&table.relation).chain(table.joins.iter().map(|j| &j.relation))
                    })
                    .find_map(|relation| match relation {
                        TableFactor::Table { name, alias: Some(named), .. }
                            if self.ident_key(&named.name) == alias =>
                        {
                            Some(self.name(name))
                        }
                        _ => None,
                    })
            }
            _ => None,
        };
        let inner_join = from
            .iter()
            .flat_map(|table| &table.joins)
            .any(|join| matches!(join.join_operator, JoinOperator::Join(_) | JoinOperator::Inner(_)));
        match aliased {
            Some(table) => (table, inner_join),
            None => (self.name(target), false),
        }
    }
}

/// The statements that change data inside a query: PostgreSQL's data-modifying
/// `WITH` (`WITH d AS (DELETE … RETURNING *) INSERT …`, `WITH x AS (…) DELETE …`)
/// runs every INSERT, UPDATE and DELETE in its parts and its body.
pub(super) fn data_changes(query: &Query) -> Vec<&Statement> {
    let mut found: Vec<&Statement> = query
        .with
        .iter()
        .flat_map(|with| &with.cte_tables)
        .flat_map(|cte| data_changes(&cte.query))
        .collect();
    if let SetExpr::Insert(change) | SetExpr::Update(change) | SetExpr::Delete(change) = query.body.as_ref() {
        found.push(change);
    }
    found
}

/// Whether `select`, the body of `query`, yields a row for every row of what it
/// reads: no filter, grouping, `DISTINCT` or limit.
fn reads_every_row(query: &Query, select: &Select) -> bool {
    query.limit_clause.is_none()
        && select.selection.is_none()
        && select.having.is_none()
        && select.distinct.is_none()
        && matches!(&select.group_by, GroupByExpr::Expressions(exprs, _) if exprs.is_empty())
}

#[cfg(test)]
mod tests {
    use crate::sql::Dialect;
    use crate::sql::op::Op;
    use crate::sql::parse::parsed_ops as ops;

    #[test]
    fn a_merge_is_the_inserts_updates_and_deletes_of_its_clauses() {
        let found = ops(
            "MERGE dbo.orders AS target\nUSING dbo.staged AS source ON target.id = source.id\n\
             WHEN MATCHED AND source.gone = 1 THEN DELETE\n\
             WHEN MATCHED THEN UPDATE SET status = source.status, total = source.total\n\
             WHEN NOT MATCHED BY TARGET THEN INSERT (id, status) VALUES (source.id, source.status)\n\
             WHEN NOT MATCHED BY SOURCE THEN DELETE;",
            Dialect::Mssql,
        );
        let [
            Op::Delete { table: deleted, filtered: true },
            Op::Update { table: updated, columns, filtered: true, .. },
            Op::Insert { table: inserted, copied_from: Some(source) },
            Op::Delete { filtered: true, .. },
        ] = &found[..]
        else {
            panic!("{found:?}")
        };
        assert_eq!(
            [&deleted.key, &updated.key, &inserted.key, &source.key],
            ["orders", "orders", "orders", "staged"]
        );
        assert_eq!(columns.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(), ["status", "total"]);
        let postgres = ops(
            "MERGE INTO orders o USING (SELECT 1 AS id) s ON o.id = s.id WHEN MATCHED THEN DO NOTHING WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id);",
            Dialect::Postgres,
        );
        assert!(
            matches!(&postgres[..], [Op::Insert { table, copied_from: None }] if table.key == "orders"),
            "{postgres:?}"
        );
    }

    #[test]
    fn an_update_or_delete_of_an_alias_changes_the_table_it_stands_for() {
        let found = ops(
            "UPDATE o SET status = s.status FROM dbo.orders o JOIN dbo.staged s ON s.id = o.id\nGO\n\
             UPDATE o SET o.status = 'x' FROM dbo.orders AS o\nGO\n\
             DELETE o FROM dbo.orders o INNER JOIN dbo.staged s ON s.id = o.id\nGO\n\
             UPDATE dbo.orders SET status = 'y'",
            Dialect::Mssql,
        );
        assert!(
            matches!(&found[0], Op::Update { table, filtered: true, .. } if table.key == "orders"),
            "{found:?}"
        );
        // No join, no WHERE: every row of the table.
        assert!(
            matches!(&found[1], Op::Update { table, filtered: false, .. } if table.key == "orders"),
            "{found:?}"
        );
        assert!(
            matches!(&found[2], Op::Delete { table, filtered: true } if table.key == "orders"),
            "{found:?}"
        );
        assert!(
            matches!(&found[3], Op::Update { table, filtered: false, .. } if table.key == "orders"),
            "{found:?}"
        );
    }
}
