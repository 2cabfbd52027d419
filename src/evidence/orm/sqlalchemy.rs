//! SQLAlchemy: declarative classes (`__tablename__ = "users"`, then
//! `name = Column(…)` or `mapped_column(…)`, a first string argument naming the
//! column) and `Table("users", metadata, Column("id", …))`.

use super::{Model, leading_word, quoted_after};

pub(super) fn models(text: &str) -> Vec<Model> {
    let mut models: Vec<Model> = Vec::new();
    for (line, number) in text.lines().zip(1..) {
        let trimmed = line.trim();
        if trimmed.starts_with("__tablename__") {
            if let Some(table) = quoted_after(trimmed, "__tablename__") {
                models.push(Model::new("SQLAlchemy", table, number));
            }
            continue;
        }
        if let Some(call) = trimmed.find("Table(").map(|at| &trimmed[at..]) {
            if let Some(table) = quoted_after(call, "Table(") {
                models.push(Model::new("SQLAlchemy", table, number));
            }
        }
        let Some(model) = models.last_mut() else { continue };
        for constructor in ["Column(", "mapped_column("] {
            let Some(at) = trimmed.find(constructor) else { continue };
            let arguments = &trimmed[at + constructor.len()..];
            let named = arguments.trim_start().starts_with(['"', '\'']);
            let column = if named { quoted_after(arguments, "") } else { leading_word(trimmed) };
            if let Some(column) = column {
                model.map_column(column, number);
            }
            break;
        }
    }
    models
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarative_classes_and_tables_map_columns() {
        let text = "class User(Base):\n    __tablename__ = \"users\"\n    id = Column(Integer, primary_key=True)\n    name: Mapped[str] = mapped_column(\"full_name\", String)\n";
        let models = models(text);
        assert_eq!(models.len(), 1);
        assert_eq!(models[0].table, "users");
        assert_eq!(models[0].columns, vec![("id".to_owned(), 3), ("full_name".to_owned(), 4)]);
    }

    #[test]
    fn one_line_tables_map_their_columns() {
        let models = models("t = Table(\"accounts\", meta, Column(\"balance\", Integer))\n");
        assert_eq!(models[0].table, "accounts");
        assert_eq!(models[0].columns, vec![("balance".to_owned(), 1)]);
    }
}
