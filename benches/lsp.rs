//! Re-check latency of `rollsafe lsp` (issue 13): the editor edits the last
//! migration of a 600-file, ~1.6 MB folder, and the time from sending the change
//! to receiving its diagnostics is measured, end to end through the server's
//! standard input and output. Target: 50 ms. Also reported: opening the file
//! (the whole history replayed once) and an edit to a migration in the middle of
//! the history (the checkpoints after it replayed again).
//!
//! Then a migration whose finding depends on A's code: a git repository holding
//! the migrations and 10,000 source files of A's code (HEAD's tree is A's code
//! in the editor); the file edited drops a column A's code reads, and each edit
//! adds or takes out a safe statement after it, so every re-check asks A's code
//! about the same names.
//!
//! `cargo bench --bench lsp` (`ROLLSAFE_BENCH_EDITS=N` changes the edits timed,
//! `ROLLSAFE_BENCH_CODE_FILES=N` the code files).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a benchmark fails loudly

mod common;
#[path = "../tests/support/lsp_client.rs"]
mod lsp_client;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{code_file, git, migration, write_folder};
use lsp_client::{Editor, position, uri};
use serde_json::json;

const FILES: usize = 600;

/// Two generated migrations per file and the indexes and comments a team adds
/// beside them, ~2.7 kB: 600 files make ~1.6 MB.
fn history_file(n: usize) -> String {
    let table = 2 * n;
    let mut sql = migration(2 * n - 1) + &migration(table);
    for column in ["owner_id", "email", "status", "created_at"] {
        sql += &format!(
            "CREATE INDEX IF NOT EXISTS account_{table}_{column}_lookup_idx ON account_{table} ({column});\n\
             COMMENT ON COLUMN account_{table}.{column} IS 'kept for the reporting jobs of batch {table}';\n"
        );
    }
    sql
}

/// Sends `change` as version `version` of `file` and waits for its diagnostics.
fn timed_edit(editor: &mut Editor, file: &str, version: i32, change: serde_json::Value) -> Duration {
    let start = Instant::now();
    editor.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": file, "version": version }, "contentChanges": [change] }),
    );
    editor.wait_for("diagnostics", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == file
            && m["params"]["version"] == version
    });
    start.elapsed()
}

/// Opens `path`; its URI, how long its first diagnostics took, and them.
fn open(editor: &mut Editor, path: &Path) -> (String, Duration, Vec<serde_json::Value>) {
    let file = uri(path);
    let text = std::fs::read_to_string(path).expect("read");
    let start = Instant::now();
    editor.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": file, "languageId": "sql", "version": 0, "text": text } }),
    );
    let diagnostics = editor.diagnostics(&file);
    (file, start.elapsed(), diagnostics)
}

fn summary(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "lsp: {name}: median {:.1} ms, min {:.1} ms, max {:.1} ms over {} edits",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    );
}

fn main() {
    let edits: usize = std::env::var("ROLLSAFE_BENCH_EDITS").ok().and_then(|n| n.parse().ok()).unwrap_or(40);
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = write_folder(dir.path(), FILES, history_file);
    println!("lsp: {FILES} migrations, {:.2} MB", bytes as f64 / 1e6);

    let mut editor = Editor::start(Path::new(env!("CARGO_BIN_EXE_rollsafe")), dir.path());
    editor
        .request("initialize", json!({ "processId": null, "rootUri": uri(dir.path()), "capabilities": {} }));
    editor.notify("initialized", json!({}));

    let (last, opened, _) = open(&mut editor, &dir.path().join(format!("{FILES}_batch.sql")));
    println!(
        "lsp: opening the last file (replays the history once): {:.1} ms",
        opened.as_secs_f64() * 1000.0
    );

    // Type at the end of the last file: a column added, then taken out again.
    let end_line = history_file(FILES).lines().count() as u32;
    let add = format!("ALTER TABLE account_{} DROP COLUMN status;\n", 2 * FILES);
    let times: Vec<Duration> = (1..=edits)
        .map(|version| {
            let change = if version % 2 == 1 {
                json!({ "range": { "start": position(end_line, 0), "end": position(end_line, 0) }, "text": add })
            } else {
                json!({ "range": { "start": position(end_line, 0), "end": position(end_line + 1, 0) }, "text": "" })
            };
            timed_edit(&mut editor, &last, version as i32, change)
        })
        .collect();
    summary("re-check of the last file after an edit to it (target 50 ms)", times);

    // An edit to a migration in the middle: the last file is judged again with the
    // checkpoints after it replayed.
    let (middle, _, _) = open(&mut editor, &dir.path().join(format!("{}_batch.sql", FILES / 2)));
    let comment = |version: usize| json!({ "range": { "start": position(0, 0), "end": position(0, 0) }, "text": format!("-- edit {version}\n") });
    let times: Vec<Duration> = (1..=edits.min(10))
        .map(|version| {
            let start = Instant::now();
            editor.notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": middle, "version": version }, "contentChanges": [comment(version)] }),
            );
            editor.wait_for("diagnostics of the last file", |m| {
                m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == last
            });
            start.elapsed()
        })
        .collect();
    summary("re-check of the last file after an edit to the 300th", times);
    editor.request("shutdown", serde_json::Value::Null);
    editor.notify("exit", serde_json::Value::Null);

    let code_files: usize =
        std::env::var("ROLLSAFE_BENCH_CODE_FILES").map_or(10_000, |n| n.parse().expect("a count"));
    code_backed(code_files, edits.min(20));
}

/// Tables of A's schema in the code-backed case; A's code queries each.
const TABLES: usize = 40;

/// The re-check of a migration whose finding depends on A's code (see the top).
fn code_backed(code_files: usize, edits: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let mut schema = String::new();
    for t in 0..TABLES {
        schema += &format!(
            "CREATE TABLE ledger_{t} (id bigint PRIMARY KEY, account_id bigint, amount_cents bigint, legacy_flag_{t} boolean);\n"
        );
    }
    std::fs::create_dir_all(root.join("db/migrations")).expect("mkdir");
    std::fs::write(root.join("db/migrations/1_ledgers.sql"), schema).expect("write");
    for n in 0..code_files {
        let (file, text) = code_file(n, TABLES);
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "release A"]);
    git(root, &["gc", "-q"]);

    let mut editor = Editor::start(Path::new(env!("CARGO_BIN_EXE_rollsafe")), root);
    editor.request("initialize", json!({ "processId": null, "rootUri": uri(root), "capabilities": {} }));
    editor.notify("initialized", json!({}));
    let drop = root.join("db/migrations/2_drop.sql");
    std::fs::write(&drop, "ALTER TABLE ledger_0 DROP COLUMN legacy_flag_0;\n").expect("write");
    let (file, opened, found) = open(&mut editor, &drop);
    let used = found.iter().any(|d| d["code"] == "drop-column" && d["relatedInformation"].is_array());
    assert!(used, "the finding depends on A's code: {found:?}");
    println!(
        "lsp: {code_files} code files in git; opening a migration whose finding depends on A's code: {:.1} ms",
        opened.as_secs_f64() * 1000.0
    );
    let statement = "ALTER TABLE ledger_1 ADD COLUMN note text;\n";
    let times: Vec<Duration> = (1..=edits)
        .map(|version| {
            let change = if version % 2 == 1 {
                json!({ "range": { "start": position(1, 0), "end": position(1, 0) }, "text": statement })
            } else {
                json!({ "range": { "start": position(1, 0), "end": position(2, 0) }, "text": "" })
            };
            timed_edit(&mut editor, &file, version as i32, change)
        })
        .collect();
    summary("re-check of a migration whose finding depends on A's code, after an edit to it", times);
    editor.request("shutdown", serde_json::Value::Null);
    editor.notify("exit", serde_json::Value::Null);
}
