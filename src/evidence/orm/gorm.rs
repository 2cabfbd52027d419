//! GORM: every struct of a file that uses GORM is a model of the table its
//! `TableName()` returns, else its name in snake_case plural; each field maps
//! its `gorm:"column:…"` tag, else its name in snake_case.

use super::{Model, leading_word, plural_snake, quoted_after, snake_case};

pub(super) fn models(text: &str) -> Vec<Model> {
    let mut models: Vec<Model> = Vec::new();
    let mut open: Option<usize> = None;
    let mut table_names: Vec<(String, String)> = Vec::new();
    let mut receiver: Option<String> = None;
    for (line, number) in text.lines().zip(1..) {
        let trimmed = line.trim();
        if let Some(name) =
            trimmed.strip_prefix("type ").filter(|l| l.contains(" struct")).and_then(leading_word)
        {
            models.push(Model::new("GORM", &plural_snake(name), number));
            open = Some(models.len() - 1);
            continue;
        }
        if trimmed.starts_with("func (") && trimmed.contains("TableName()") {
            receiver = trimmed[6..]
                .split(')')
                .next()
                .and_then(|r| r.split_whitespace().last())
                .map(|r| r.trim_start_matches('*').to_owned());
            continue;
        }
        if let (Some(struct_name), Some(table)) = (receiver.as_ref(), quoted_after(trimmed, "return")) {
            table_names.push((plural_snake(struct_name), table.to_owned()));
            receiver = None;
            continue;
        }
        let Some(index) = open else { continue };
        if trimmed.starts_with('}') {
            open = None;
            continue;
        }
        let Some(field) = leading_word(trimmed).filter(|f| f.starts_with(|c: char| c.is_ascii_uppercase()))
        else {
            continue;
        };
        if trimmed.contains("gorm:\"-") {
            continue;
        }
        let column = tag_column(trimmed).map_or_else(|| snake_case(field), str::to_owned);
        models[index].map_column(&column, number);
    }
    for (default, table) in table_names {
        for model in models.iter_mut().filter(|m| m.table == default) {
            model.table = table.to_ascii_lowercase();
        }
    }
    models
}

/// `name` of a `gorm:"column:name;not null"` tag.
fn tag_column(line: &str) -> Option<&str> {
    let tag = &line[line.find("gorm:\"")? + 6..];
    let tag = &tag[..tag.find('"')?];
    tag.split(';').find_map(|part| part.trim().strip_prefix("column:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structs_map_tables_and_tagged_fields() {
        let text = "import \"gorm.io/gorm\"\n\ntype UserSession struct {\n\tID        uint\n\tHostName  string `gorm:\"column:host;size:100\"`\n\tCreatedAt time.Time\n\tScratch   string `gorm:\"-\"`\n}\n\nfunc (UserSession) TableName() string {\n\treturn \"sessions\"\n}\n";
        let models = models(text);
        assert_eq!(models.len(), 1);
        assert_eq!(models[0].table, "sessions");
        assert_eq!(
            models[0].columns,
            vec![("id".to_owned(), 4), ("host".to_owned(), 5), ("created_at".to_owned(), 6)]
        );
    }
}
