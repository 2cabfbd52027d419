//! ActiveRecord: `db/schema.rb` (`create_table "users"` and its `t.string "name"`
//! lines), and model classes (`class User < ApplicationRecord`), which read and
//! write every column of their table (`self.table_name`, else the class name in
//! the plural) except those in `ignored_columns`.

use super::{Model, plural_snake, quoted_after};

pub(super) fn models(path: &str, text: &str) -> Vec<Model> {
    if path == "schema.rb" || path.ends_with("/schema.rb") {
        return schema_dump(text);
    }
    let mut models = Vec::new();
    for (line, number) in text.lines().zip(1..) {
        let trimmed = line.trim();
        if let Some(class) = model_class(trimmed) {
            let mut model = Model::new("ActiveRecord", &plural_snake(class), number);
            model.maps_every_column = true;
            models.push(model);
            continue;
        }
        let Some(model) = models.last_mut() else { continue };
        if trimmed.starts_with("self.table_name") {
            if let Some(table) = quoted_after(trimmed, "table_name") {
                model.table = table.to_ascii_lowercase();
            }
        } else if trimmed.contains("ignored_columns") {
            let list = trimmed.split_once('=').map_or("", |(_, list)| list);
            let names = list.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
            // `%w[a b]`, `["a", "b"]`, `[:a, :b]`: every word after `=` but the `w` of `%w`.
            let mut words = names.filter(|word| !word.is_empty()).peekable();
            if list.trim_start().starts_with("%w") || list.trim_start().starts_with("%i") {
                words.next();
            }
            model.ignored.extend(words.map(|word| (word.to_ascii_lowercase(), number)));
        }
    }
    models
}

/// The class a line declares when it is an ActiveRecord model.
fn model_class(line: &str) -> Option<&str> {
    let (class, parent) = line.strip_prefix("class ")?.split_once('<')?;
    let parent = parent.trim();
    let is_model = parent.starts_with("ApplicationRecord") || parent.starts_with("ActiveRecord::Base");
    is_model.then(|| class.trim().rsplit("::").next().unwrap_or(class))
}

fn schema_dump(text: &str) -> Vec<Model> {
    let mut models: Vec<Model> = Vec::new();
    for (line, number) in text.lines().zip(1..) {
        let trimmed = line.trim();
        if trimmed.starts_with("create_table") {
            if let Some(table) = quoted_after(trimmed, "create_table") {
                models.push(Model::new("ActiveRecord schema", table, number));
            }
        } else if let (Some(model), true) = (models.last_mut(), trimmed.starts_with("t.")) {
            if let Some(column) = quoted_after(trimmed, "t.") {
                model.map_column(column, number);
            }
        }
    }
    models
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_dump_maps_tables_and_columns() {
        let text = "ActiveRecord::Schema[7.1].define do\n  create_table \"users\", force: :cascade do |t|\n    t.string \"email\", null: false\n    t.datetime \"created_at\"\n  end\nend\n";
        let models = models("db/schema.rb", text);
        assert_eq!(models.len(), 1);
        assert_eq!(models[0].table, "users");
        assert_eq!(models[0].columns, vec![("email".to_owned(), 3), ("created_at".to_owned(), 4)]);
    }

    #[test]
    fn model_classes_map_every_column_but_the_ignored_ones() {
        let text = "class OrderItem < ApplicationRecord\n  self.ignored_columns += %w[legacy_sku old_price]\nend\n\nclass Person < ApplicationRecord\n  self.table_name = \"people\"\n  self.ignored_columns = [\"nickname\"]\nend\n";
        let models = models("app/models/order_item.rb", text);
        assert_eq!(models.len(), 2);
        assert_eq!(models[0].table, "order_items");
        assert!(models[0].maps_every_column);
        assert_eq!(models[0].ignored, vec![("legacy_sku".to_owned(), 2), ("old_price".to_owned(), 2)]);
        assert_eq!(models[1].table, "people");
        assert_eq!(models[1].ignored, vec![("nickname".to_owned(), 7)]);
    }
}
