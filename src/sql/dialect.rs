//! The SQL dialects rollsafe reads, and how each one spells and folds names.

use std::fmt;

use serde::Serialize;
use sqlparser::dialect::{
    Dialect as ParserDialect, MsSqlDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect,
};

/// A database dialect. It decides how statements are tokenized and parsed and how
/// identifiers are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// PostgreSQL (and compatible: CockroachDB, Supabase, Citus).
    Postgres,
    /// MySQL and MariaDB.
    Mysql,
    /// SQLite.
    Sqlite,
    /// Microsoft SQL Server (T-SQL, batches separated by `GO`).
    Mssql,
}

static POSTGRES: PostgreSqlDialect = PostgreSqlDialect {};
static MYSQL: MySqlDialect = MySqlDialect {};
static SQLITE: SQLiteDialect = SQLiteDialect {};
static MSSQL: MsSqlDialect = MsSqlDialect {};

impl Dialect {
    /// The sqlparser dialect that tokenizes and parses this dialect.
    pub fn parser_dialect(self) -> &'static dyn ParserDialect {
        match self {
            Dialect::Postgres => &POSTGRES,
            Dialect::Mysql => &MYSQL,
            Dialect::Sqlite => &SQLITE,
            Dialect::Mssql => &MSSQL,
        }
    }

    /// Folds an identifier the way the database compares it. PostgreSQL folds
    /// unquoted names to lower case and keeps quoted names as written; MySQL column
    /// names, SQLite and SQL Server (default collation) compare case-insensitively.
    pub fn fold_identifier(self, value: &str, quoted: bool) -> String {
        match self {
            Dialect::Postgres if quoted => value.to_owned(),
            _ => value.to_lowercase(),
        }
    }

    /// An identifier as the database stores it, for messages: PostgreSQL folds
    /// unquoted names to lower case; the others keep them as written. Never with
    /// its quotes.
    pub fn stored_identifier(self, value: &str, quoted: bool) -> String {
        match self {
            Dialect::Postgres if !quoted => value.to_lowercase(),
            _ => value.to_owned(),
        }
    }

    /// The schema that unqualified names live in, so that `public.users` and `users`
    /// name the same table.
    pub fn default_schema(self) -> Option<&'static str> {
        match self {
            Dialect::Postgres => Some("public"),
            Dialect::Mssql => Some("dbo"),
            Dialect::Sqlite => Some("main"),
            Dialect::Mysql => None,
        }
    }

    /// Whether `BEGIN … END` blocks can appear outside routine bodies (T-SQL `IF … BEGIN`).
    pub(crate) fn has_free_standing_blocks(self) -> bool {
        self == Dialect::Mssql
    }

    /// The client command that takes a line of its own: T-SQL's `GO` (ends a batch),
    /// the MySQL client's `DELIMITER` (changes what ends a statement).
    pub(crate) fn client_command(self) -> Option<&'static str> {
        match self {
            Dialect::Mssql => Some("GO"),
            Dialect::Mysql => Some("DELIMITER"),
            Dialect::Postgres | Dialect::Sqlite => None,
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
            Dialect::Sqlite => "sqlite",
            Dialect::Mssql => "mssql",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_keeps_quoted_case_and_folds_unquoted() {
        assert_eq!(Dialect::Postgres.fold_identifier("Users", true), "Users");
        assert_eq!(Dialect::Postgres.fold_identifier("Users", false), "users");
        assert_eq!(Dialect::Mysql.fold_identifier("Users", true), "users");
    }
}
