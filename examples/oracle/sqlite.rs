//! SQLite, in process (rusqlite's bundled library), one in-memory database per
//! folder.

use miette::{IntoDiagnostic, Result};
use rollsafe::sql::Dialect;
use rusqlite::Connection;
use rusqlite::config::DbConfig;

use crate::catalog::{Catalog, Column, Probe, Relation, quote_identifier};
use crate::harness::Engine;

pub struct Sqlite {
    connection: Connection,
}

impl Sqlite {
    pub fn new() -> Result<Sqlite> {
        Ok(Sqlite { connection: Connection::open_in_memory().into_diagnostic()? })
    }

    fn relation(&self, name: &str) -> Result<Relation> {
        let mut statement = self
            .connection
            .prepare("SELECT name, type, \"notnull\", dflt_value IS NOT NULL, pk, hidden FROM pragma_table_xinfo(?1)")
            .into_diagnostic()?;
        struct Row {
            name: String,
            declared: String,
            not_null: bool,
            has_default: bool,
            primary_key: i64,
            hidden: i64,
        }
        let rows = statement
            .query_map([name], |row| {
                Ok(Row {
                    name: row.get(0)?,
                    declared: row.get(1)?,
                    not_null: row.get(2)?,
                    has_default: row.get(3)?,
                    primary_key: row.get(4)?,
                    hidden: row.get(5)?,
                })
            })
            .into_diagnostic()?
            .collect::<rusqlite::Result<Vec<Row>>>()
            .into_diagnostic()?;
        let primary_keys = rows.iter().filter(|row| row.primary_key > 0).count();
        let columns = rows
            .into_iter()
            .map(|row| {
                // `INTEGER PRIMARY KEY` aliases the rowid: SQLite assigns it.
                let rowid_alias =
                    primary_keys == 1 && row.primary_key > 0 && row.declared.eq_ignore_ascii_case("integer");
                Column {
                    sample: sample_value(&row.declared).to_owned(),
                    name: row.name,
                    not_null: row.not_null,
                    has_default: row.has_default || rowid_alias,
                    // 1: hidden column of a virtual table; 2 and 3: generated.
                    writable: row.hidden == 0,
                }
            })
            .collect();
        Ok(Relation { name: quote_identifier(name), columns })
    }

    fn set_string_literals_in_double_quotes(&self, allowed: bool) -> Result<()> {
        self.connection.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DML, allowed).into_diagnostic()?;
        Ok(())
    }

    fn probe(&self, sql: &str) -> rusqlite::Result<()> {
        let mut statement = self.connection.prepare(sql)?;
        let mut rows = statement.raw_query();
        rows.next()?;
        Ok(())
    }
}

/// A value of the declared type, by SQLite's affinity rules (section 3.1 of
/// "Datatypes In SQLite"): an integer where the type says INT, else text, which
/// every other affinity accepts (STRICT tables check REAL and BLOB too).
fn sample_value(declared: &str) -> &'static str {
    let declared = declared.to_ascii_uppercase();
    if declared.contains("INT") {
        "4242"
    } else if declared.contains("REAL") || declared.contains("FLOA") || declared.contains("DOUB") {
        "42.5"
    } else if declared.contains("BLOB") {
        "x'00'"
    } else {
        "'x'"
    }
}

impl Engine for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn fresh_database(&mut self) -> Result<()> {
        self.connection = Connection::open_in_memory().into_diagnostic()?;
        Ok(())
    }

    fn catalog(&mut self) -> Result<Catalog> {
        let mut statement = self
            .connection
            .prepare(
                "SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') \
                 AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
            )
            .into_diagnostic()?;
        let objects = statement
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))
            .into_diagnostic()?
            .collect::<rusqlite::Result<Vec<_>>>()
            .into_diagnostic()?;
        let mut catalog = Catalog::default();
        for (name, kind) in objects {
            let relation = self.relation(&name)?;
            if kind == "view" { catalog.views.push(relation) } else { catalog.tables.push(relation) }
        }
        Ok(catalog)
    }

    fn run_probes(&mut self, probes: &[Probe]) -> Result<Vec<Option<String>>> {
        // A no-op inside a transaction: set it before the savepoints. Migrations
        // may have switched it on.
        self.connection.execute_batch("PRAGMA foreign_keys = OFF").into_diagnostic()?;
        // SQLite reads a double-quoted name that matches no column as a string
        // literal: a read of a dropped column would still run, silently returning
        // its name. Off while probing, so that it fails as the break it is.
        self.set_string_literals_in_double_quotes(false)?;
        let mut results = Vec::with_capacity(probes.len());
        for probe in probes {
            self.connection.execute_batch("SAVEPOINT oracle_probe").into_diagnostic()?;
            results.push(self.probe(&probe.sql).err().map(|error| error.to_string()));
            self.connection
                .execute_batch("ROLLBACK TO oracle_probe; RELEASE oracle_probe")
                .into_diagnostic()?;
        }
        // Migrations run with SQLite's defaults, as the project's own do.
        self.set_string_literals_in_double_quotes(true)?;
        Ok(results)
    }

    fn apply(&mut self, sql: &str) -> Result<std::result::Result<(), String>> {
        match self.connection.execute_batch(sql) {
            Ok(()) => Ok(Ok(())),
            Err(error) => {
                // A migration that opened its own transaction and failed inside it
                // leaves it open: close it so the next migration starts clean.
                if !self.connection.is_autocommit() {
                    self.connection.execute_batch("ROLLBACK").into_diagnostic()?;
                }
                Ok(Err(error.to_string()))
            }
        }
    }

    fn take_assumptions(&mut self) -> Vec<String> {
        Vec::new()
    }
}
