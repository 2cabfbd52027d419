//! Diesel's `table!` macro (`src/schema.rs`): `users (id) { id -> Int4, … }`;
//! `#[sql_name = "…"]` renames the table or column after it.

use super::{Model, leading_word, quoted_after};

pub(super) fn models(text: &str) -> Vec<Model> {
    let mut models = Vec::new();
    let mut in_macro = false;
    let mut current: Option<Model> = None;
    let mut sql_name: Option<String> = None;
    for (line, number) in text.lines().zip(1..) {
        let trimmed = line.trim();
        if trimmed.contains("table!") {
            in_macro = true;
            continue;
        }
        if !in_macro {
            continue;
        }
        if trimmed.starts_with("#[sql_name") {
            sql_name = quoted_after(trimmed, "sql_name").map(str::to_owned);
            continue;
        }
        if let Some(model) = current.as_mut() {
            if trimmed.starts_with('}') {
                models.extend(current.take());
                continue;
            }
            if let (Some(field), true) = (leading_word(trimmed), trimmed.contains("->")) {
                let column = sql_name.take().unwrap_or_else(|| field.to_owned());
                model.map_column(&column, number);
            }
            continue;
        }
        if trimmed.ends_with('{') && trimmed.contains('(') {
            // `schema.users (id) {`: the table is the last part of the name.
            let name = trimmed.split(['(', ' ']).next().unwrap_or("");
            let name = name.rsplit('.').next().unwrap_or(name);
            let table = sql_name.take().unwrap_or_else(|| name.to_owned());
            current = Some(Model::new("Diesel", &table, number));
        } else if trimmed.starts_with('}') {
            in_macro = false;
        }
    }
    models
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_macros_map_tables_and_columns() {
        let text = "diesel::table! {\n    users (id) {\n        id -> Int4,\n        #[sql_name = \"type\"]\n        kind -> Text,\n    }\n}\n\ndiesel::table! {\n    app.posts (id) {\n        id -> Int4,\n    }\n}\n";
        let models = models(text);
        assert_eq!(models.len(), 2);
        assert_eq!(models[0].table, "users");
        assert_eq!(models[0].columns, vec![("id".to_owned(), 3), ("type".to_owned(), 5)]);
        assert_eq!(models[1].table, "posts");
        assert_eq!(models[1].line, 10);
    }
}
