//! A's schema as the engine's own catalog tells it, and the probes that stand for
//! A's code: statements A could run against that schema.

/// A column as the catalog describes it.
#[derive(Debug, Clone)]
pub struct Column {
    /// The column's name, unquoted.
    pub name: String,
    /// A literal of the column's type the engine accepts (`4242`, `'x'`, an enum's
    /// first label): the value A's insert gives it.
    pub sample: String,
    pub not_null: bool,
    /// A default, an identity or a rowid alias: an insert may leave it out.
    pub has_default: bool,
    /// Generated columns and `GENERATED ALWAYS` identities: no insert writes them.
    pub writable: bool,
}

/// A table or a view and its columns.
#[derive(Debug, Clone)]
pub struct Relation {
    /// Its name as SQL spells it: quoted, and qualified with its schema where the
    /// engine has schemas.
    pub name: String,
    pub columns: Vec<Column>,
}

/// What A's code could use: the engine's catalog before a migration runs.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub tables: Vec<Relation>,
    pub views: Vec<Relation>,
    /// Names that are not relations (function signatures, enum labels), each with
    /// the statement that resolves it, in the engine's own syntax.
    pub lookups: Vec<Probe>,
    /// How the engine quotes the column names of the probes.
    pub quoting: Quoting,
}

/// How an engine quotes an identifier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Quoting {
    /// `"name"`: standard SQL, SQLite and PostgreSQL.
    #[default]
    DoubleQuotes,
    /// `` `name` ``: MySQL and MariaDB (without `ANSI_QUOTES`).
    Backticks,
}

impl Quoting {
    pub fn quote(self, name: &str) -> String {
        match self {
            Quoting::DoubleQuotes => quote_identifier(name),
            Quoting::Backticks => format!("`{}`", name.replace('`', "``")),
        }
    }
}

/// One statement standing for something A's code does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// What it stands for, for people: `insert every column of "users"`.
    pub what: String,
    pub sql: String,
}

/// Quotes an identifier the way SQLite and PostgreSQL both read it.
pub fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Catalog {
    /// A's probes: read every column of every table and view, insert a row giving
    /// every writable column a value, insert a row giving only what the schema
    /// requires, and resolve every lookup.
    pub fn probes(&self) -> Vec<Probe> {
        let mut probes = Vec::new();
        let quoting = self.quoting;
        for table in &self.tables {
            probes.push(select_all(table, quoting));
            let writable: Vec<&Column> = table.columns.iter().filter(|c| c.writable).collect();
            probes.push(insert(table, "every column", &writable, quoting));
            let required: Vec<&Column> =
                writable.iter().copied().filter(|c| c.not_null && !c.has_default).collect();
            if required.len() < writable.len() {
                probes.push(insert(table, "only the required columns", &required, quoting));
            }
        }
        probes.extend(self.views.iter().map(|view| select_all(view, quoting)));
        probes.extend(self.lookups.iter().cloned());
        probes
    }
}

fn select_all(relation: &Relation, quoting: Quoting) -> Probe {
    let columns: Vec<String> = relation.columns.iter().map(|c| quoting.quote(&c.name)).collect();
    Probe {
        what: format!("read every column of {}", relation.name),
        sql: format!("SELECT {} FROM {} LIMIT 1", columns.join(", "), relation.name),
    }
}

fn insert(table: &Relation, what: &str, columns: &[&Column], quoting: Quoting) -> Probe {
    let sql = if columns.is_empty() {
        match quoting {
            Quoting::DoubleQuotes => format!("INSERT INTO {} DEFAULT VALUES", table.name),
            // MySQL has no DEFAULT VALUES; an empty list of columns means the same.
            Quoting::Backticks => format!("INSERT INTO {} () VALUES ()", table.name),
        }
    } else {
        let names: Vec<String> = columns.iter().map(|c| quoting.quote(&c.name)).collect();
        let values: Vec<&str> = columns.iter().map(|c| c.sample.as_str()).collect();
        format!("INSERT INTO {} ({}) VALUES ({})", table.name, names.join(", "), values.join(", "))
    };
    Probe { what: format!("insert {what} of {}", table.name), sql }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, not_null: bool, has_default: bool) -> Column {
        Column { name: name.to_owned(), sample: "1".to_owned(), not_null, has_default, writable: true }
    }

    #[test]
    fn mysql_probes_quote_with_backticks_and_insert_empty_rows_without_default_values() {
        let table = Relation {
            name: "`db`.`t`".to_owned(),
            columns: vec![column("id", true, true), column("na`me", false, false)],
        };
        let catalog = Catalog { tables: vec![table], quoting: Quoting::Backticks, ..Catalog::default() };
        let sql: Vec<String> = catalog.probes().into_iter().map(|probe| probe.sql).collect();
        assert_eq!(
            sql,
            [
                "SELECT `id`, `na``me` FROM `db`.`t` LIMIT 1",
                "INSERT INTO `db`.`t` (`id`, `na``me`) VALUES (1, 1)",
                "INSERT INTO `db`.`t` () VALUES ()",
            ]
        );
    }

    #[test]
    fn standard_probes_quote_with_double_quotes() {
        let table = Relation { name: "\"t\"".to_owned(), columns: vec![column("id", true, true)] };
        let catalog = Catalog { tables: vec![table], ..Catalog::default() };
        let sql: Vec<String> = catalog.probes().into_iter().map(|probe| probe.sql).collect();
        assert_eq!(
            sql,
            [
                "SELECT \"id\" FROM \"t\" LIMIT 1",
                "INSERT INTO \"t\" (\"id\") VALUES (1)",
                "INSERT INTO \"t\" DEFAULT VALUES"
            ]
        );
    }
}
