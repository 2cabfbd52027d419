//! JPA and Hibernate (Java, Kotlin): `@Entity` classes map `@Table(name = "…")`,
//! else the class; each field maps `@Column(name = "…")` (or `@JoinColumn`),
//! else its own name in snake_case, as Spring Boot's naming strategy writes it.

use super::{Model, quoted_after, snake_case};

pub(super) fn models(text: &str) -> Vec<Model> {
    let mut models: Vec<Model> = Vec::new();
    let mut entity = false;
    let mut table: Option<String> = None;
    let mut column: Option<String> = None;
    for (line, number) in text.lines().zip(1..) {
        let trimmed = line.trim();
        if trimmed.starts_with("@Entity") {
            entity = true;
            continue;
        }
        if trimmed.starts_with("@Table") {
            table = quoted_after(trimmed, "name").map(str::to_owned);
            continue;
        }
        if trimmed.starts_with("@Column") || trimmed.starts_with("@JoinColumn") {
            column = quoted_after(trimmed, "name").map(str::to_owned);
            if column.is_none() && !trimmed.ends_with(')') {
                continue;
            }
        }
        if let Some(class) = class_name(trimmed) {
            if std::mem::take(&mut entity) {
                let name = table.take().unwrap_or_else(|| snake_case(class));
                models.push(Model::new("JPA", &name, number));
            }
            continue;
        }
        let Some(model) = models.last_mut() else { continue };
        if let Some(field) = field_name(trimmed) {
            let name = column.take().unwrap_or_else(|| snake_case(field));
            model.map_column(&name, number);
        }
    }
    models
}

fn class_name(line: &str) -> Option<&str> {
    let at = line.find("class ")?;
    line[at + 6..].split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().filter(|n| !n.is_empty())
}

/// The field a line declares: `private String fullName;`, `val fullName: String`.
fn field_name(line: &str) -> Option<&str> {
    let line = line.split("//").next().unwrap_or(line).trim();
    if line.contains('(') && !line.starts_with('@') || line.starts_with("return") {
        return None;
    }
    let declaration = line.rsplit(')').next().unwrap_or(line).trim();
    if let Some(kotlin) = declaration.strip_prefix("val ").or_else(|| declaration.strip_prefix("var ")) {
        return kotlin.split(':').next().map(str::trim);
    }
    let declaration = declaration.strip_suffix(';')?;
    let declaration = declaration.split('=').next().unwrap_or(declaration).trim();
    let words: Vec<&str> = declaration.split_whitespace().collect();
    let modifiers = ["private", "protected", "public"];
    (words.len() >= 2 && words.iter().any(|w| modifiers.contains(w)) && !words.contains(&"static"))
        .then(|| words[words.len() - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_map_tables_and_fields() {
        let text = "@Entity\n@Table(name = \"app_users\")\npublic class User {\n    @Id\n    private Long id;\n    @Column(name = \"mail\")\n    private String email;\n    private Instant createdAt;\n    private static final long serialVersionUID = 1L;\n}\n";
        let models = models(text);
        assert_eq!(models.len(), 1);
        assert_eq!(models[0].table, "app_users");
        assert_eq!(
            models[0].columns,
            vec![("id".to_owned(), 5), ("mail".to_owned(), 7), ("created_at".to_owned(), 8)]
        );
    }

    #[test]
    fn classes_that_are_no_entities_map_nothing() {
        assert!(models("public class Helper {\n    private String name;\n}\n").is_empty());
    }
}
