//! ORM models read for what they mean: a model that maps a column reads and
//! writes it even where no query names it, so the mapping is the strongest
//! reference A's code can hold. One reader a file, each chosen by the file's
//! name; each returns the tables the file maps, with their columns, at their
//! lines. A column a model declares unused (ActiveRecord's `ignored_columns`) is
//! listed apart: it is not a reference, wherever else its name appears.

mod activerecord;
mod diesel;
mod django;
mod efcore;
mod gorm;
mod jpa;
mod prisma;
mod sqlalchemy;
mod typeorm;

/// A table (or view) an ORM model maps, as the database names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    /// The ORM that maps it, for reports: `Prisma`, `Diesel`.
    pub orm: &'static str,
    /// The database name of the table, lower case.
    pub table: String,
    /// The line where the model starts.
    pub line: u64,
    /// Its columns, by database name (lower case), each at its line.
    pub columns: Vec<(String, u64)>,
    /// Reads and writes every column of its table, named or not (ActiveRecord).
    pub maps_every_column: bool,
    /// Columns the model says it never uses, lower case, at their lines.
    pub ignored: Vec<(String, u64)>,
}

impl Model {
    fn new(orm: &'static str, table: &str, line: u64) -> Model {
        Model {
            orm,
            table: table.to_ascii_lowercase(),
            line,
            columns: Vec::new(),
            maps_every_column: false,
            ignored: Vec::new(),
        }
    }

    fn map_column(&mut self, column: &str, line: u64) {
        self.columns.push((column.to_ascii_lowercase(), line));
    }
}

/// The models the file at `path` (`/`-separated) maps, read by the reader its
/// name calls for; none for a file no reader knows.
pub fn models(path: &str, text: &str) -> Vec<Model> {
    let extension = path.rsplit_once('.').map_or("", |(_, extension)| extension);
    match extension {
        "prisma" => prisma::models(text),
        "rs" if text.contains("table!") => diesel::models(text),
        "rb" => activerecord::models(path, text),
        "py" => [django::models(path, text), sqlalchemy::models(text)].concat(),
        "cs" => efcore::models(text),
        "java" | "kt" => jpa::models(text),
        "ts" | "js" if text.contains("@Entity") => typeorm::models(text),
        "go" if text.contains("gorm") => gorm::models(text),
        _ => Vec::new(),
    }
}

/// The text between the first pair of quotes (`"` or `'`) after `key` on `line`:
/// `name` of `@map("name")` given `@map(`.
fn quoted_after<'l>(line: &'l str, key: &str) -> Option<&'l str> {
    let rest = &line[line.find(key)? + key.len()..];
    let open = rest.find(['"', '\''])?;
    let quote = rest[open..].chars().next()?;
    let rest = &rest[open + 1..];
    Some(&rest[..rest.find(quote)?])
}

/// The identifier `line` starts with, after leading blanks.
fn leading_word(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let end = line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(line.len());
    (end > 0).then(|| &line[..end])
}

/// `CreatedAt` → `created_at`: the snake_case name ORMs derive a column from.
fn snake_case(name: &str) -> String {
    let mut snake = String::with_capacity(name.len() + 4);
    let characters: Vec<char> = name.chars().collect();
    for (index, character) in characters.iter().enumerate() {
        let previous = index.checked_sub(1).and_then(|i| characters.get(i));
        let next = characters.get(index + 1);
        let starts_word = character.is_ascii_uppercase()
            && previous.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(char::is_ascii_lowercase))
            });
        if starts_word {
            snake.push('_');
        }
        snake.push(character.to_ascii_lowercase());
    }
    snake
}

/// The table an ORM names after a class by default: `OrderItem` → `order_items`,
/// `Person` → `people`.
fn plural_snake(class: &str) -> String {
    super::names::plural(&snake_case(class))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_names_follow_orm_conventions() {
        assert_eq!(snake_case("CreatedAt"), "created_at");
        assert_eq!(snake_case("HTTPStatus"), "http_status");
        assert_eq!(snake_case("subdivision2"), "subdivision2");
        assert_eq!(plural_snake("OrderItem"), "order_items");
        assert_eq!(plural_snake("Category"), "categories");
        assert_eq!(plural_snake("Address"), "addresses");
        assert_eq!(plural_snake("Person"), "people");
        assert_eq!(plural_snake("SalesPerson"), "sales_people");
    }

    #[test]
    fn quoted_values_are_read_after_their_key() {
        assert_eq!(quoted_after("  a String @map(\"col_a\")", "@map("), Some("col_a"));
        assert_eq!(quoted_after("db_table = 'shop_order'", "db_table"), Some("shop_order"));
        assert_eq!(quoted_after("no quotes", "no"), None);
    }
}
