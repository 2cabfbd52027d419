//! What a user sees for every rule: the rule's documented example (`rollsafe
//! explain`) run through `rollsafe check`, one snapshot per rule. The examples are
//! read from the binary, so a reworded example or message shows up here as a
//! changed snapshot for a reviewer to read.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

use std::path::Path;

use assert_cmd::Command;

/// Where the snapshots show the temporary folder a rule's example ran in.
const TEMP: &str = "$TEMP";

fn rollsafe() -> Command {
    Command::cargo_bin("rollsafe").expect("binary")
}

/// Runs rollsafe and returns its exit status and standard output.
fn run(command: &mut Command) -> (i32, String) {
    let output = command.output().expect("run");
    let status = output.status.code().expect("an exit status");
    assert_ne!(status, 2, "rollsafe failed: {}", String::from_utf8_lossy(&output.stderr));
    (status, String::from_utf8(output.stdout).expect("utf-8"))
}

/// Every rule as (id, class), from the table `rollsafe rules` prints under its header.
fn rules() -> Vec<(String, String)> {
    let (_, listing) = run(rollsafe().arg("rules"));
    listing
        .lines()
        .skip(1)
        .map(|line| {
            let mut words = line.split_whitespace();
            let id = words.next().expect("rule id");
            let class = words.next().expect("rule class");
            (id.to_owned(), class.to_owned())
        })
        .collect()
}

/// The ```sql blocks of the `## Example` section of a rule's documentation, as
/// (dialect, A's schema, the example) per dialect, in the order they first appear:
/// a line `-- A's schema: <sql>` gives the schema the example runs against,
/// `-- Dialect: <name>` its dialect (the convention of `examples()` in
/// src/rules/mod.rs). Blocks of one dialect run together.
fn examples(docs: &str) -> Vec<(Option<String>, String, String)> {
    let start = docs.find("## Example").expect("an Example section");
    let rest = &docs[start + 3..];
    let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    let mut groups: Vec<(Option<String>, String, String)> = Vec::new();
    for block in section.split("```sql\n").skip(1) {
        let block = block.split("```").next().unwrap_or_default();
        let (mut dialect, mut schema, mut sql) = (None, String::new(), String::new());
        for line in block.lines() {
            if let Some(name) = line.strip_prefix("-- Dialect: ") {
                dialect = Some(name.to_owned());
            } else if let Some(given) = line.strip_prefix("-- A's schema: ") {
                schema.extend([given, "\n"]);
            } else {
                sql.extend([line, "\n"]);
            }
        }
        match groups.iter_mut().find(|group| group.0 == dialect) {
            Some(group) => {
                // Each block is a batch of its own: a T-SQL procedure runs to the end of its batch.
                let batch_end = if dialect.as_deref() == Some("mssql") { "GO\n" } else { "" };
                if !schema.is_empty() {
                    group.1.extend([batch_end, schema.as_str()]);
                }
                group.2.extend([batch_end, sql.as_str()]);
            }
            None => groups.push((dialect, schema, sql)),
        }
    }
    assert!(groups.iter().any(|group| !group.2.is_empty()), "no ```sql block in the Example section");
    groups
}

/// Writes `files` (name, contents) into a new folder `name` under `root`.
fn folder(root: &Path, name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let path = root.join(name);
    std::fs::create_dir_all(&path).expect("mkdir");
    for (file, contents) in files {
        std::fs::write(path.join(file), contents).expect("write");
    }
    path
}

/// What one rule's example showed: the files and the command that ran (the
/// snapshot's description), the exit status and the standard output.
struct Diagnostic {
    description: String,
    status: i32,
    output: String,
}

/// The rule's documented example judged by `check` on the example file, against
/// the schema of the migration before it, once per dialect its blocks are in.
/// gcc lists only findings that are not safe, so a `safe` rule's example is shown
/// as the Markdown report, which lists safe changes too.
fn check_example(root: &Path, id: &str, class: &str) -> Diagnostic {
    let (_, docs) = run(rollsafe().args(["explain", id]));
    let runs: Vec<Diagnostic> = examples(&docs)
        .into_iter()
        .enumerate()
        .map(|(index, (dialect, schema, sql))| {
            // The first dialect's folder keeps the name every snapshot shows.
            let name = if index == 0 { "migrations".to_owned() } else { format!("migrations-{index}") };
            check_in_dialect(root, &name, dialect.as_deref(), &schema, &sql, class)
        })
        .collect();
    Diagnostic {
        description: runs.iter().map(|run| run.description.as_str()).collect::<Vec<_>>().join("\n"),
        status: runs.iter().map(|run| run.status).max().unwrap_or_default(),
        output: runs.iter().map(|run| run.output.as_str()).collect(),
    }
}

/// `check` of one dialect's example, in folder `name` under `root`.
fn check_in_dialect(
    root: &Path,
    name: &str,
    dialect: Option<&str>,
    schema: &str,
    sql: &str,
    class: &str,
) -> Diagnostic {
    let mut files = vec![("0002_example.sql", sql)];
    if !schema.is_empty() {
        files.insert(0, ("0001_schema.sql", schema));
    }
    let migrations = folder(root, name, &files);
    let format = if class == "safe" { "markdown" } else { "gcc" };
    let mut command = rollsafe();
    command.arg("check").arg(migrations.join("0002_example.sql")).args(["--format", format]);
    let chosen = dialect.map(|name| format!(" --dialect {name}")).unwrap_or_default();
    if let Some(name) = dialect {
        command.args(["--dialect", name]);
    }
    let (status, output) = run(&mut command);
    let shown: Vec<String> = files.iter().map(|(name, text)| format!("{name}:\n{text}")).collect();
    let description = format!(
        "{}$ rollsafe check {TEMP}/{name}/0002_example.sql --format {format}{chosen}",
        shown.join("")
    );
    Diagnostic { description, status, output }
}

/// A migration file: (name, contents).
type File = (&'static str, &'static str);

/// A goose migration in Go: what `unread-migration` is about.
const DROP_TOTALS_IN_GO: &str = "package migrations\n\nfunc upDropTotals(tx *sql.Tx) error {\n\t_, err := tx.Exec(\"ALTER TABLE orders DROP COLUMN total\")\n\treturn err\n}\n";

/// The history rules are about what changed between two releases' folders, not
/// about SQL: for each, the releases A and B its documentation's example describes.
fn history(id: &str) -> Option<(Vec<File>, Vec<File>)> {
    let orders = ("0003_orders.sql", "CREATE TABLE orders (id bigint);\n");
    let totals = ("0004_totals.sql", "ALTER TABLE orders ADD COLUMN total int;\n");
    let edited = ("0003_orders.sql", "CREATE TABLE orders (id bigint, total int);\n");
    // It names `invoices`, which 0009 makes: which runs first matters.
    let coupons = (
        "0008_coupons.sql",
        "CREATE TABLE coupons (id bigint);\nALTER TABLE invoices ADD COLUMN coupon_id bigint;\n",
    );
    let invoices = ("0009_invoices.sql", "CREATE TABLE invoices (id bigint);\n");
    match id {
        "edited-migration" => Some((vec![orders], vec![edited])),
        "deleted-migration" => Some((vec![orders, totals], vec![orders])),
        "out-of-order-migration" => Some((vec![orders, invoices], vec![orders, coupons, invoices])),
        "unread-migration" => Some((vec![orders], vec![orders, ("0004_drop_totals.go", DROP_TOTALS_IN_GO)])),
        _ => None,
    }
}

/// Audits release A (`from`) against release B (`to`), written as folders `a` and `b`.
fn audit(root: &Path, from: &[File], to: &[File]) -> Diagnostic {
    let listed =
        |files: &[File]| -> String { files.iter().map(|(name, text)| format!("  {name}: {text}")).collect() };
    let description = format!(
        "release A ({TEMP}/a):\n{}release B ({TEMP}/b):\n{}$ rollsafe audit --from {TEMP}/a --to {TEMP}/b --format gcc",
        listed(from),
        listed(to)
    );
    let (from, to) = (folder(root, "a", from), folder(root, "b", to));
    let (status, output) =
        run(rollsafe().args(["audit", "--format", "gcc", "--from"]).arg(from).arg("--to").arg(to));
    Diagnostic { description, status, output }
}

#[test]
fn every_rule_documented_example_as_the_user_sees_it() {
    let rules = rules();
    assert!(rules.len() > 50, "`rollsafe rules` lists only {} rules", rules.len());
    // Collected, not asserted one by one, so a failure names every such rule at once.
    let mut missing = Vec::new();
    for (id, class) in rules {
        let dir = tempfile::tempdir().expect("tempdir");
        let diagnostic = match history(&id) {
            Some((from, to)) => audit(dir.path(), &from, &to),
            None => check_example(dir.path(), &id, &class),
        };
        // The exit status is part of what a user sees (CI fails or passes on it).
        let output = format!("{}-- exit {}\n", diagnostic.output, diagnostic.status)
            .replace(&dir.path().display().to_string(), TEMP);
        insta::with_settings!({ description => diagnostic.description, omit_expression => true }, {
            insta::assert_snapshot!(id.as_str(), output);
        });
        // gcc writes `[rule-id]`, Markdown `` `rule-id` ``.
        if !output.contains(&format!("[{id}]")) && !output.contains(&format!("`{id}`")) {
            missing.push(id);
        }
    }
    assert!(missing.is_empty(), "the documented examples of {missing:?} do not report their rule");
}
