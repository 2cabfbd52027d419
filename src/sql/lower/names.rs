//! Names as the dialect folds them: what every lowering compares objects by.

use sqlparser::ast::{ArgMode, DataType, Expr, Ident, ObjectName, ObjectNamePart};

use super::table::type_key;

use crate::sql::dialect::Dialect;
use crate::sql::op::{Name, Parameter};
use crate::sql::position::Position;

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

    /// A name from its parts as written, folded as if unquoted.
    pub(crate) fn plain_name(&self, parts: &[&str], at: Option<Position>) -> Name {
        let folded: Vec<String> = parts.iter().map(|p| self.dialect.fold_identifier(p, false)).collect();
        Name { key: self.qualified_key(folded), written: parts.join("."), at, end: None }
    }

    pub(super) fn expr_column(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Identifier(ident) => Some(self.ident_key(ident)),
            Expr::CompoundIdentifier(idents) => idents.last().map(|ident| self.ident_key(ident)),
            _ => None,
        }
    }

    /// The column an expression only reads, perhaps converted (`b`, `t.b`,
    /// `b::text`, `CAST(b AS text)`, `(b)`).
    pub(super) fn copied_column(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Cast { expr, .. } | Expr::Nested(expr) => self.copied_column(expr),
            _ => self.expr_column(expr),
        }
    }

    /// A routine parameter named `ident` (T-SQL's `@` left out), of `data_type`.
    pub(crate) fn parameter(&self, ident: &Ident, data_type: &DataType, mode: Option<&ArgMode>) -> Parameter {
        let name = ident.value.trim_start_matches('@');
        Parameter {
            name: self.dialect.fold_identifier(name, ident.quote_style.is_some()),
            has_default: false,
            data_type: self.parameter_type(data_type),
            output: matches!(mode, Some(ArgMode::Out | ArgMode::InOut)),
        }
    }

    /// A parameter's type as two definitions compare it: lower case, without
    /// delimiters or the default schema (`[dbo].[id_list]` is `id_list`).
    fn parameter_type(&self, data_type: &DataType) -> String {
        let key: String =
            type_key(data_type).chars().filter(|c| !matches!(c, '[' | ']' | '"' | '`')).collect();
        let default = self.dialect.default_schema().map(|schema| format!("{schema}."));
        match default.as_deref().and_then(|prefix| key.strip_prefix(prefix)) {
            Some(unqualified) => unqualified.to_owned(),
            None => key,
        }
    }

    pub(super) fn ident_key(&self, ident: &Ident) -> String {
        self.dialect.fold_identifier(&ident.value, ident.quote_style.is_some())
    }

    pub(super) fn ident(&self, ident: &Ident) -> Name {
        Name {
            key: self.ident_key(ident),
            written: self.dialect.stored_identifier(&ident.value, ident.quote_style.is_some()),
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
        let stored: Vec<String> = idents
            .iter()
            .map(|ident| self.dialect.stored_identifier(&ident.value, ident.quote_style.is_some()))
            .collect();
        let first = idents.first().and_then(|i| Position::from_location(i.span.start));
        let last = idents.last();
        Name {
            key: self.qualified_key(folded),
            written: stored.join("."),
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

pub(super) fn last_ident(name: &ObjectName) -> Option<&Ident> {
    match name.0.last()? {
        ObjectNamePart::Identifier(ident) => Some(ident),
        ObjectNamePart::Function(_) => None,
    }
}
