//! Entity Framework Core: entity classes (`[Table("users")]`, else the class;
//! `[Column("x")]`, else the property), fluent configuration and model snapshots
//! (`Entity("App.User", b => { b.Property<string>("Name").HasColumnName("name");
//! b.ToTable("Users"); })`, `.ToTable("users")`, `.HasColumnName("x")`).

use super::{Model, quoted_after};

pub(super) fn models(text: &str) -> Vec<Model> {
    let mut models: Vec<Model> = Vec::new();
    let mut table_attribute: Option<String> = None;
    let mut column_attribute: Option<String> = None;
    for (line, number) in text.lines().zip(1..) {
        let trimmed = line.trim();
        if trimmed.starts_with("[Table(") {
            table_attribute = quoted_after(trimmed, "[Table(").map(str::to_owned);
            continue;
        }
        if trimmed.starts_with("[Column(") {
            column_attribute = quoted_after(trimmed, "[Column(").map(str::to_owned);
            continue;
        }
        if let Some(entity) = quoted_after(trimmed, "Entity(").filter(|_| trimmed.contains("Entity(\"")) {
            let name = entity.rsplit('.').next().unwrap_or(entity);
            models.push(Model::new("EF Core", name, number));
            continue;
        }
        if let Some(class) = class_name(trimmed) {
            let table = table_attribute.take().unwrap_or_else(|| class.to_owned());
            models.push(Model::new("EF Core", &table, number));
            continue;
        }
        let Some(model) = models.last_mut() else { continue };
        if let Some(table) = quoted_after(trimmed, "ToTable(") {
            model.table = table.to_ascii_lowercase();
        }
        if let Some(column) = quoted_after(trimmed, "HasColumnName(") {
            model.map_column(column, number);
        } else if let Some(property) = quoted_after(trimmed, "Property<") {
            model.map_column(property, number);
        } else if let Some(property) = auto_property(trimmed) {
            let column = column_attribute.take().unwrap_or_else(|| property.to_owned());
            model.map_column(&column, number);
        }
    }
    models
}

/// The class a line declares.
fn class_name(line: &str) -> Option<&str> {
    let at = line.find("class ")?;
    let before = &line[..at];
    if !before
        .split_whitespace()
        .all(|w| ["public", "internal", "partial", "sealed", "abstract"].contains(&w))
    {
        return None;
    }
    line[at + 6..].split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().filter(|n| !n.is_empty())
}

/// The property of `public string Name { get; set; }`.
fn auto_property(line: &str) -> Option<&str> {
    if !line.starts_with("public ") || !line.contains("{ get;") {
        return None;
    }
    let before_accessors = line[..line.find('{')?].trim_end();
    before_accessors.rsplit(' ').next().filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_classes_map_tables_and_properties() {
        let text = "[Table(\"users\")]\npublic class User\n{\n    public int Id { get; set; }\n    [Column(\"full_name\")]\n    public string Name { get; set; }\n}\n";
        let models = models(text);
        assert_eq!(models.len(), 1);
        assert_eq!(models[0].table, "users");
        assert_eq!(models[0].columns, vec![("id".to_owned(), 4), ("full_name".to_owned(), 6)]);
    }

    #[test]
    fn model_snapshots_map_entities_with_their_tables() {
        let text = "modelBuilder.Entity(\"Shop.Models.Order\", b =>\n{\n    b.Property<int>(\"Id\");\n    b.Property<string>(\"Note\").HasColumnName(\"note_text\");\n    b.ToTable(\"Orders\");\n});\n";
        let models = models(text);
        assert_eq!(models.len(), 1);
        assert_eq!(models[0].table, "orders");
        assert_eq!(models[0].columns, vec![("id".to_owned(), 3), ("note_text".to_owned(), 4)]);
    }
}
