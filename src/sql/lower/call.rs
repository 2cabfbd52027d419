//! Lowering of calls: `CALL p(…)` and `EXEC p …` of a procedure, and T-SQL's
//! `EXEC sp_rename …`, a rename spelled as a call.

use sqlparser::ast::{BinaryOperator, Expr, ObjectName, Value};

use super::names::Lowerer;
use crate::sql::op::{Argument, Op};
use crate::sql::position::Position;

impl Lowerer {
    /// `CALL p('orders', 'orders_idx')`, `EXEC p @table = 'orders'`: literal
    /// arguments become names the body's parameters stand for.
    pub(super) fn routine_call<'e>(
        &self,
        name: &ObjectName,
        arguments: impl Iterator<Item = &'e Expr>,
    ) -> Op {
        let arguments = exec_arguments(arguments)
            .into_iter()
            .map(|(parameter, value)| Argument {
                parameter: parameter.map(|parameter| self.dialect().fold_identifier(parameter, false)),
                value: string_literal(value)
                    .map(|s| self.plain_name(&s.split('.').collect::<Vec<_>>(), None)),
            })
            .collect();
        Op::CallRoutine { name: self.name(name), arguments }
    }

    /// `EXEC sp_rename 'table.column', 'new', 'COLUMN'` and `EXEC sp_rename 'old', 'new'`,
    /// with the names quoted or not, by position or as `@objname = …, @newname = …`.
    pub(super) fn sp_rename(&self, parameters: &[Expr]) -> Option<Op> {
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
}

/// What a system procedure that keeps SQL Server's own records does, for those
/// whose work A's code never sees: metadata refreshed after the objects under a
/// view or module changed, plans recompiled, statistics updated, descriptions
/// (extended properties) kept. `procedure`: its name, lower case, unqualified.
pub(super) fn housekeeping(procedure: &str) -> Option<&'static str> {
    Some(match procedure {
        "sp_refreshview" => "`sp_refreshview` refreshes a view's metadata after the tables under it changed",
        "sp_refreshsqlmodule" => {
            "`sp_refreshsqlmodule` refreshes a procedure's, function's or view's metadata after the objects it uses changed"
        }
        "sp_recompile" => {
            "`sp_recompile` has the plans of a procedure or table compiled again on their next run"
        }
        "sp_updatestats" => "`sp_updatestats` updates the statistics the query planner uses",
        "sp_addextendedproperty" => {
            "`sp_addextendedproperty` adds a description (extended property) to an object"
        }
        "sp_updateextendedproperty" => {
            "`sp_updateextendedproperty` changes an object's description (extended property)"
        }
        "sp_dropextendedproperty" => {
            "`sp_dropextendedproperty` removes an object's description (extended property)"
        }
        "sp_settriggerorder" => "`sp_settriggerorder` sets which trigger fires first or last",
        _ => return None,
    })
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
