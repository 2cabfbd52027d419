//! TypeORM: `@Entity("users")` or `@Entity({ name: "users" })` classes (else the
//! class in snake_case); each `@Column(…)`, `@PrimaryColumn`, `@CreateDateColumn`
//! … decorated property maps its `name: "…"` option, else the property.

use super::{Model, leading_word, quoted_after, snake_case};

pub(super) fn models(text: &str) -> Vec<Model> {
    let mut models: Vec<Model> = Vec::new();
    let mut entity: Option<Option<String>> = None;
    let mut column: Option<Option<String>> = None;
    for (line, number) in text.lines().zip(1..) {
        let trimmed = line.trim();
        if trimmed.starts_with("@Entity") {
            entity = Some(quoted_after(trimmed, "@Entity(").map(str::to_owned));
            continue;
        }
        if let Some(class) = trimmed.find("class ").and_then(|at| leading_word(&trimmed[at + 6..])) {
            if let Some(named) = entity.take() {
                models.push(Model::new("TypeORM", &named.unwrap_or_else(|| snake_case(class)), number));
            }
            continue;
        }
        let Some(model) = models.last_mut() else { continue };
        if trimmed.starts_with('@') && trimmed.contains("Column") {
            let named = quoted_after(trimmed, "name").map(str::to_owned);
            // `@Column() title: string` on one line, or the property on the next.
            let rest = &trimmed[trimmed.rfind(')').map_or(trimmed.len(), |i| i + 1)..];
            match leading_word(rest) {
                Some(property) => model.map_column(&named.unwrap_or_else(|| property.to_owned()), number),
                None => column = Some(named),
            }
            continue;
        }
        if let Some(named) = column.take() {
            let property = trimmed.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
            if let Some(property) = leading_word(property) {
                model.map_column(&named.unwrap_or_else(|| property.to_owned()), number);
            }
        }
    }
    models
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_map_tables_and_decorated_properties() {
        let text = "@Entity({ name: \"share_links\" })\nexport class ShareLink {\n  @PrimaryGeneratedColumn()\n  id: number;\n\n  @Column({ name: \"expires_at\", nullable: true })\n  expiresAt: Date;\n\n  @CreateDateColumn() createdAt: Date;\n\n  helper(): void {}\n}\n";
        let models = models(text);
        assert_eq!(models.len(), 1);
        assert_eq!(models[0].table, "share_links");
        assert_eq!(
            models[0].columns,
            vec![("id".to_owned(), 4), ("expires_at".to_owned(), 7), ("createdat".to_owned(), 9)]
        );
    }
}
