//! docs/rules/ is generated from the rules' doc comments; this test fails when it
//! is stale. Regenerate with `ROLLSAFE_UPDATE_DOCS=1 cargo test --test docs`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use rollsafe::rules::ALL_RULES;

fn expected_files() -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut index = String::from(
        "# Rules\n\nGenerated from the rules' doc comments (`src/rules/`); `rollsafe explain <rule>` prints the same text.\n\n\
         A rule's class applies when it touches an object A's code knows; changes to objects created inside\n\
         the release window are `safe`.\n\n| rule | class | finds |\n|---|---|---|\n",
    );
    for rule in ALL_RULES {
        files.insert(format!("{}.md", rule.id), rule.documentation());
        index.push_str(&format!(
            "| [`{}`]({}.md) | `{}` | {} |\n",
            rule.id,
            rule.id,
            rule.class.as_str(),
            rule.summary
        ));
    }
    files.insert("README.md".to_owned(), index);
    files
}

#[test]
fn rule_docs_are_current() {
    let folder = Path::new("docs/rules");
    let expected = expected_files();
    if std::env::var_os("ROLLSAFE_UPDATE_DOCS").is_some() {
        fs::create_dir_all(folder).expect("mkdir");
        for entry in fs::read_dir(folder).expect("read docs/rules").flatten() {
            fs::remove_file(entry.path()).expect("remove stale");
        }
        for (name, text) in &expected {
            fs::write(folder.join(name), text).expect("write");
        }
    }
    let mut stale = Vec::new();
    for (name, text) in &expected {
        if fs::read_to_string(folder.join(name)).ok().as_deref() != Some(text.as_str()) {
            stale.push(name.clone());
        }
    }
    for entry in fs::read_dir(folder).expect("read docs/rules").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !expected.contains_key(&name) {
            stale.push(format!("{name} (no such rule)"));
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is stale: {stale:?}; run ROLLSAFE_UPDATE_DOCS=1 cargo test --test docs"
    );
}

/// No merge left its conflict markers in the prose a user reads (one did once,
/// in the README's development section).
#[test]
fn docs_hold_no_merge_conflict_markers() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    for entry in walkdir::WalkDir::new(root.join("docs")).into_iter().filter_map(Result::ok) {
        if entry.path().extension().is_some_and(|ext| ext == "md") {
            files.push(entry.path().to_path_buf());
        }
    }
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        for (number, line) in text.lines().enumerate() {
            // `=======` alone may underline a heading; the other two cannot be prose.
            let marker = line.starts_with("<<<<<<< ") || line.starts_with(">>>>>>> ");
            assert!(!marker, "{}:{}: {line}", file.display(), number + 1);
        }
    }
}
