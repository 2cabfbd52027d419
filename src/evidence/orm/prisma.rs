//! Prisma schema files: `model Session { … @@map("session") }`; each scalar field
//! is a column, named by `@map("…")` or else by the field itself. Relation fields
//! (typed by another model, or with `@relation`) are no columns.

use super::{Model, leading_word, quoted_after};

/// Prisma's scalar types: a list of one of them is a column (PostgreSQL arrays).
const SCALARS: [&str; 10] =
    ["String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes", "Unsupported"];

pub(super) fn models(text: &str) -> Vec<Model> {
    let model_names: Vec<&str> = text
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("model "))
        .filter_map(leading_word)
        .collect();
    let mut models = Vec::new();
    let mut current: Option<Model> = None;
    for (line, number) in text.lines().zip(1..) {
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix("model ").and_then(leading_word) {
            current = Some(Model::new("Prisma", name, number));
            continue;
        }
        let Some(model) = current.as_mut() else { continue };
        if trimmed.starts_with('}') {
            models.extend(current.take());
            continue;
        }
        if trimmed.starts_with("@@map") {
            if let Some(table) = quoted_after(trimmed, "@@map(") {
                model.table = table.to_ascii_lowercase();
            }
            continue;
        }
        if trimmed.starts_with("//") || trimmed.starts_with('@') {
            continue;
        }
        let Some(field) = leading_word(trimmed) else { continue };
        let field_type = trimmed[field.len()..].split_whitespace().next().unwrap_or("");
        let field_type = field_type.trim_end_matches(['?', '[', ']']);
        let is_list = trimmed[field.len()..].split_whitespace().next().is_some_and(|t| t.contains("[]"));
        let relation = trimmed.contains("@relation")
            || model_names.contains(&field_type)
            || (is_list && !SCALARS.contains(&field_type));
        if relation {
            continue;
        }
        let column = quoted_after(trimmed, "@map(").unwrap_or(field);
        model.map_column(column, number);
    }
    models
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"
model Session {
  id           String    @id @unique @map("session_id") @db.Uuid
  websiteId    String    @map("website_id") @db.Uuid
  hostname     String?   @db.VarChar(100)
  // a comment
  website      Website   @relation(fields: [websiteId], references: [id])
  events       WebsiteEvent[]

  @@index([websiteId, hostname])
  @@map("session")
}

model Website {
  id String @id
}
"#;

    #[test]
    fn fields_are_columns_named_by_map_and_models_tables_by_map() {
        let models = models(SCHEMA);
        assert_eq!(models.len(), 2);
        let session = &models[0];
        assert_eq!(session.table, "session");
        assert_eq!(session.line, 2);
        assert_eq!(
            session.columns,
            vec![("session_id".to_owned(), 3), ("website_id".to_owned(), 4), ("hostname".to_owned(), 5)]
        );
        assert_eq!(models[1].table, "website", "without @@map the model's name is the table's");
    }
}
