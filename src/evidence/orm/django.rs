//! Django models: `class Order(models.Model)` maps the table `Meta.db_table`, else
//! `<app>_<class in lower case>` (the app being the folder of `models.py`); each
//! `field = models.SomeField(…)` maps `db_column`, else the field (`<field>_id`
//! for a `ForeignKey` or `OneToOneField`).

use super::{Model, leading_word, quoted_after};

pub(super) fn models(path: &str, text: &str) -> Vec<Model> {
    let app = app_label(path);
    let mut models = Vec::new();
    for (line, number) in text.lines().zip(1..) {
        let trimmed = line.trim();
        if let Some(class) = model_class(trimmed) {
            let table = format!("{app}_{}", class.to_ascii_lowercase());
            models.push(Model::new("Django", table.trim_start_matches('_'), number));
            continue;
        }
        let Some(model) = models.last_mut() else { continue };
        if trimmed.starts_with("db_table") {
            if let Some(table) = quoted_after(trimmed, "db_table") {
                model.table = table.to_ascii_lowercase();
            }
            continue;
        }
        let Some((field, definition)) = trimmed.split_once('=') else { continue };
        let definition = definition.trim_start();
        if !definition.starts_with("models.") || !definition.contains("Field") && !definition.contains("Key")
        {
            continue;
        }
        let Some(field) = leading_word(field) else { continue };
        let column = match quoted_after(definition, "db_column") {
            Some(column) => column.to_owned(),
            None if definition.starts_with("models.ForeignKey")
                || definition.starts_with("models.OneToOneField") =>
            {
                format!("{field}_id")
            }
            None => field.to_owned(),
        };
        if !definition.starts_with("models.ManyToManyField") {
            model.map_column(&column, number);
        }
    }
    models
}

/// The class a line declares when it is a Django model.
fn model_class(line: &str) -> Option<&str> {
    let (class, parents) = line.strip_prefix("class ")?.split_once('(')?;
    parents.contains("models.Model").then(|| class.trim())
}

/// The app a models file belongs to: the folder holding `models.py` or the `models/` package.
fn app_label(path: &str) -> &str {
    let mut folders = path.rsplit('/').skip(1);
    match folders.next() {
        Some("models") => folders.next().unwrap_or(""),
        Some(folder) => folder,
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_map_app_tables_db_tables_and_columns() {
        let text = "from django.db import models\n\nclass Order(models.Model):\n    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)\n    total = models.DecimalField(db_column=\"total_cents\")\n    note = models.TextField()\n\nclass Legacy(models.Model):\n    code = models.CharField(max_length=5)\n\n    class Meta:\n        db_table = \"legacy_codes\"\n";
        let models = models("shop/models.py", text);
        assert_eq!(models.len(), 2);
        assert_eq!(models[0].table, "shop_order");
        assert_eq!(
            models[0].columns,
            vec![("customer_id".to_owned(), 4), ("total_cents".to_owned(), 5), ("note".to_owned(), 6)]
        );
        assert_eq!(models[1].table, "legacy_codes");
        assert_eq!(app_label("shop/models/order.py"), "shop");
    }
}
