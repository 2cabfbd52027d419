//! Re-check latency of `rollsafe lsp` (issue 13): the editor edits the last
//! migration of a 600-file, ~1.6 MB folder, and the time from sending the change
//! to receiving its diagnostics is measured, end to end through the server's
//! standard input and output. Target: 50 ms. Also reported: opening the file
//! (the whole history replayed once) and an edit to a migration in the middle of
//! the history (the checkpoints after it replayed again).
//!
//! `cargo bench --bench lsp` (`ROLLSAFE_BENCH_EDITS=N` changes the edits timed).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a benchmark fails loudly

mod common;
#[path = "../tests/support/lsp_client.rs"]
mod lsp_client;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{migration, write_folder};
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

fn open(editor: &mut Editor, path: &Path) -> (String, Duration) {
    let file = uri(path);
    let text = std::fs::read_to_string(path).expect("read");
    let start = Instant::now();
    editor.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": file, "languageId": "sql", "version": 0, "text": text } }),
    );
    editor.diagnostics(&file);
    (file, start.elapsed())
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

    let (last, opened) = open(&mut editor, &dir.path().join(format!("{FILES}_batch.sql")));
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
    let (middle, _) = open(&mut editor, &dir.path().join(format!("{}_batch.sql", FILES / 2)));
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
}
