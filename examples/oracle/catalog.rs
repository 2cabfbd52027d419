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
        for table in &self.tables {
            probes.push(select_all(table));
            let writable: Vec<&Column> = table.columns.iter().filter(|c| c.writable).collect();
            probes.push(insert(table, "every column", &writable));
            let required: Vec<&Column> =
                writable.iter().copied().filter(|c| c.not_null && !c.has_default).collect();
            if required.len() < writable.len() {
                probes.push(insert(table, "only the required columns", &required));
            }
        }
        probes.extend(self.views.iter().map(select_all));
        probes.extend(self.lookups.iter().cloned());
        probes
    }
}

fn select_all(relation: &Relation) -> Probe {
    let columns: Vec<String> = relation.columns.iter().map(|c| quote_identifier(&c.name)).collect();
    Probe {
        what: format!("read every column of {}", relation.name),
        sql: format!("SELECT {} FROM {} LIMIT 1", columns.join(", "), relation.name),
    }
}

fn insert(table: &Relation, what: &str, columns: &[&Column]) -> Probe {
    let sql = if columns.is_empty() {
        format!("INSERT INTO {} DEFAULT VALUES", table.name)
    } else {
        let names: Vec<String> = columns.iter().map(|c| quote_identifier(&c.name)).collect();
        let values: Vec<&str> = columns.iter().map(|c| c.sample.as_str()).collect();
        format!("INSERT INTO {} ({}) VALUES ({})", table.name, names.join(", "), values.join(", "))
    };
    Probe { what: format!("insert {what} of {}", table.name), sql }
}
