//! `rollsafe lsp` end to end: a scripted editor spawns the server and speaks
//! JSON-RPC with it over standard input and output. Every wait has a timeout, so
//! a server that hangs fails the test instead of blocking it.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

#[path = "support/lsp_client.rs"]
mod lsp_client;
#[path = "support/repo.rs"]
mod repo;

use std::path::Path;

use lsp_client::{Editor, exit_status, position, uri};
use serde_json::{Value, json};

fn start(dir: &Path) -> Editor {
    Editor::start(&assert_cmd::cargo::cargo_bin("rollsafe"), dir)
}

/// The diagnostics of `uri` that are findings (they carry a rule id), without the
/// notes at the file's start.
fn findings(editor: &mut Editor, uri: &str) -> Vec<Value> {
    editor.diagnostics(uri).into_iter().filter(|d| d.get("code").is_some()).collect()
}

const DROP: &str = "-- the old column goes\nALTER TABLE users DROP COLUMN légacy_𝔘;\n";

#[test]
fn the_editor_sees_the_verdict_while_the_migration_is_written() {
    let project = tempfile::tempdir().expect("tempdir");
    let migrations = project.path().join("db/migrations");
    std::fs::create_dir_all(&migrations).expect("mkdir");
    std::fs::write(
        migrations.join("1_users.sql"),
        "CREATE TABLE users (id int, légacy_𝔘 text, email text);\n",
    )
    .expect("write");
    // Not UTF-8 (Latin-1 `é`): read, reported in its own file, never a crash.
    std::fs::write(migrations.join("2_seed.sql"), b"-- caf\xe9\nINSERT INTO users (id) VALUES (1);\n")
        .expect("write");
    std::fs::create_dir_all(project.path().join("queries")).expect("mkdir");
    let drop_uri = uri(&migrations.join("3_drop.sql"));
    let mut editor = start(project.path());

    // Before initialize, requests are refused.
    let early = editor.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": drop_uri }, "position": position(0, 0) }),
    );
    assert_eq!(early["error"]["code"], -32002, "{early}");

    let initialized = editor.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(project.path()),
            "capabilities": { "window": { "showDocument": { "support": true } } },
            "initializationOptions": { "docsUrl": "https://docs.example/rules/" }
        }),
    );
    let capabilities = &initialized["result"]["capabilities"];
    assert_eq!(capabilities["textDocumentSync"]["change"], 2, "incremental sync: {initialized}");
    assert_eq!(capabilities["hoverProvider"], true);
    assert_eq!(initialized["result"]["serverInfo"]["name"], "rollsafe");
    assert_eq!(initialized["jsonrpc"], "2.0");
    editor.notify("initialized", json!({}));

    // A new migration, not saved yet: judged against the schema of 1 and 2.
    editor.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": drop_uri, "languageId": "sql", "version": 1, "text": DROP } }),
    );
    let everything = editor.diagnostics(&drop_uri);
    // Outside a git repository no code of release A is read, and the editor says so.
    let notes: Vec<&Value> = everything.iter().filter(|d| d.get("code").is_none()).collect();
    assert_eq!(notes.len(), 1, "{everything:?}");
    assert!(notes[0]["message"].as_str().unwrap().contains("in no git repository"), "{notes:?}");
    let diagnostics: Vec<Value> = everything.iter().filter(|d| d.get("code").is_some()).cloned().collect();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let drop = &diagnostics[0];
    assert_eq!(drop["code"], "drop-column");
    assert_eq!(drop["source"], "rollsafe");
    assert_eq!(drop["severity"], 1);
    assert_eq!(drop["codeDescription"]["href"], "https://docs.example/rules/drop-column.md");
    // `légacy_𝔘`: line 1, UTF-16 columns 30 to 39 (`𝔘` takes two units).
    assert_eq!(drop["range"], json!({ "start": position(1, 30), "end": position(1, 39) }), "{drop}");

    // Edited to something safe (an incremental change), then back (the whole text).
    let to_safe = json!({ "range": { "start": position(1, 18), "end": position(1, 39) }, "text": "ADD COLUMN note text" });
    editor.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": drop_uri, "version": 2 }, "contentChanges": [to_safe] }),
    );
    assert_eq!(findings(&mut editor, &drop_uri), Vec::<Value>::new());
    editor.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": drop_uri, "version": 3 }, "contentChanges": [{ "text": DROP }] }),
    );
    assert_eq!(findings(&mut editor, &drop_uri).len(), 1);

    // The code actions on the name: accept the risk with a reason, or read the rule.
    let actions = editor.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": drop_uri },
            "range": { "start": position(1, 32), "end": position(1, 32) },
            "context": { "diagnostics": [] }
        }),
    );
    let actions = actions["result"].as_array().expect("actions").clone();
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().expect("title")).collect();
    assert_eq!(titles, ["Allow `drop-column` here because …", "Show documentation for `drop-column`"]);
    // Both have a kind under `quickfix`, so a client showing only quick fixes shows both.
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[1]["kind"], "quickfix.rollsafe.documentation");
    // A client asking only for some kinds gets only those (kinds match by prefix).
    for (only, expected) in [
        (json!(["quickfix"]), vec!["quickfix", "quickfix.rollsafe.documentation"]),
        (json!(["quickfix.rollsafe.documentation"]), vec!["quickfix.rollsafe.documentation"]),
        (json!(["source", "refactor"]), vec![]),
    ] {
        let filtered = editor.request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": drop_uri },
                "range": { "start": position(1, 32), "end": position(1, 32) },
                "context": { "diagnostics": [], "only": only }
            }),
        );
        let kinds: Vec<&str> = filtered["result"]
            .as_array()
            .expect("actions")
            .iter()
            .map(|a| a["kind"].as_str().expect("kind"))
            .collect();
        assert_eq!(kinds, expected, "only {only}");
    }
    let edit = &actions[0]["edit"]["changes"][&drop_uri][0];
    assert_eq!(edit["range"], json!({ "start": position(1, 0), "end": position(1, 0) }));
    assert_eq!(edit["newText"], "-- rollsafe: allow drop-column because \n");
    let select = &actions[0]["command"];
    assert_eq!(select["command"], "rollsafe.selectReason");
    // Running it asks the editor to put the cursor after `because `.
    let done = editor.request("workspace/executeCommand", select.clone());
    assert_eq!(done["result"], Value::Null, "{done}");
    let show = editor.wait_for("window/showDocument", |m| m["method"] == "window/showDocument");
    assert_eq!(show["params"]["selection"]["start"], position(1, 39));

    // Hover on the statement: what it does, why it matters, what to do instead.
    let hover = editor.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": drop_uri }, "position": position(1, 3) }),
    );
    let text = hover["result"]["contents"]["value"].as_str().expect("markdown");
    assert!(text.contains("`drop-column`") && text.contains("**Do this instead**"), "{text}");

    // A SQL file outside every migrations folder gets no findings.
    let query_uri = uri(&project.path().join("queries/report.sql"));
    editor.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": query_uri, "languageId": "sql", "version": 1, "text": "DROP TABLE users;" } }),
    );
    assert_eq!(editor.diagnostics(&query_uri), Vec::<Value>::new());

    // rollsafe.toml changes a severity: open files are judged again.
    std::fs::write(project.path().join("rollsafe.toml"), "[rules]\ndrop-column = \"warning\"\n")
        .expect("write");
    editor.notify("workspace/didChangeConfiguration", json!({ "settings": {} }));
    let again = findings(&mut editor, &drop_uri);
    assert_eq!(again[0]["severity"], 2, "{again:?}");
    // rollsafe.toml edited and saved in the editor: the same.
    let config = project.path().join("rollsafe.toml");
    let save_config = json!({ "textDocument": { "uri": uri(&config) } });
    std::fs::write(&config, "[rules]\ndrop-column = \"off\"\n").expect("write");
    editor.notify("textDocument/didSave", save_config.clone());
    assert_eq!(findings(&mut editor, &drop_uri), Vec::<Value>::new(), "a rule turned off shows nothing");
    std::fs::write(&config, "[rules]\ndrop-column = \"warning\"\n").expect("write");
    editor.notify("textDocument/didSave", save_config);
    assert_eq!(findings(&mut editor, &drop_uri)[0]["severity"], 2);

    // Bad input: answered, and the server carries on.
    editor.send_raw(b"{ this is not json");
    let parse_error = editor.wait_for("a parse error", |m| m["error"]["code"] == -32700);
    assert_eq!((&parse_error["id"], &parse_error["jsonrpc"]), (&Value::Null, &json!("2.0")));
    let unknown = editor.request("rollsafe/nothing", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let bad_params = editor.request("textDocument/hover", json!({ "nothing": true }));
    assert_eq!(bad_params["error"]["code"], -32602, "{bad_params}");

    // A migration open in the editor is deleted on disk: its buffer still stands
    // for it, and nothing goes down.
    let users_uri = uri(&migrations.join("1_users.sql"));
    let users_text = std::fs::read_to_string(migrations.join("1_users.sql")).expect("read");
    editor.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": users_uri, "languageId": "sql", "version": 1, "text": users_text } }),
    );
    assert_eq!(editor.diagnostics(&users_uri), Vec::<Value>::new());
    findings(&mut editor, &drop_uri);
    std::fs::remove_file(migrations.join("1_users.sql")).expect("remove");
    editor.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": users_uri, "type": 3 }] }));
    assert_eq!(editor.diagnostics(&users_uri), Vec::<Value>::new());
    let still = findings(&mut editor, &drop_uri);
    assert_eq!(still.len(), 1, "{still:?}");
    assert!(still[0]["message"].as_str().expect("text").starts_with("drops column `légacy_𝔘` of `users`"));

    // Closing clears.
    editor.notify("textDocument/didClose", json!({ "textDocument": { "uri": drop_uri } }));
    assert_eq!(findings(&mut editor, &drop_uri), Vec::<Value>::new());

    // Shutdown, then only exit.
    let shutdown = editor.request("shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null, "{shutdown}");
    let refused = editor.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": drop_uri }, "position": position(0, 0) }),
    );
    assert_eq!(refused["error"]["code"], -32600, "{refused}");
    editor.notify("exit", Value::Null);
    assert_eq!(exit_status(&mut editor), Some(0));
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let project = tempfile::tempdir().expect("tempdir");
    let mut editor = start(project.path());
    editor.request("initialize", json!({ "processId": null, "rootUri": null, "capabilities": {} }));
    editor.notify("exit", Value::Null);
    assert_eq!(exit_status(&mut editor), Some(1));
}

/// In a git repository, release A's code is the tree at HEAD: the places it uses
/// what a finding breaks are the diagnostic's related information, and a finding
/// on something A's code never names no longer breaks it.
#[test]
fn places_in_as_code_are_related_information() {
    let project = tempfile::tempdir().expect("tempdir");
    let dir = project.path();
    repo::write(
        dir,
        "db/migrations/1_users.sql",
        "CREATE TABLE users (id int, legacy text, retired text);\n",
    );
    // `😀` is one character and two UTF-16 units: `legacy` starts at character
    // 34 of its line and at unit 35, as editors count.
    repo::write(dir, "app/report.ts", "const q = `SELECT \"nämé\", /* 😀 */ legacy FROM users`;\n");
    repo::commit_all(dir);
    let drop_uri = uri(&dir.join("db/migrations/2_drop.sql"));
    let mut editor = start(dir);
    editor.request("initialize", json!({ "processId": null, "rootUri": uri(dir), "capabilities": {} }));
    editor.notify("initialized", json!({}));

    let text = "ALTER TABLE users DROP COLUMN legacy;\nALTER TABLE users DROP COLUMN retired;\n";
    editor.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": drop_uri, "languageId": "sql", "version": 1, "text": text } }),
    );
    let everything = editor.diagnostics(&drop_uri);
    let found: Vec<&Value> = everything.iter().filter(|d| d["code"] == "drop-column").collect();
    assert_eq!(found.len(), 2, "{everything:?}");
    let legacy = found.iter().find(|d| d["message"].as_str().unwrap().contains("`legacy`")).expect("legacy");
    let related = legacy["relatedInformation"].as_array().expect("related information");
    assert_eq!(related[0]["location"]["uri"], uri(&dir.join("app/report.ts")), "{legacy}");
    assert_eq!(
        related[0]["location"]["range"],
        json!({ "start": position(0, 35), "end": position(0, 41) }),
        "the range covers `legacy`"
    );
    assert!(related[0]["message"].as_str().unwrap().starts_with("used by A's code: "), "{related:?}");
    let retired =
        found.iter().find(|d| d["message"].as_str().unwrap().contains("`retired`")).expect("retired");
    assert!(retired["message"].as_str().unwrap().contains("no reference in A's code"), "{retired}");
    assert!(retired.get("relatedInformation").is_none(), "{retired}");
    let notes: Vec<&Value> = everything.iter().filter(|d| d.get("code").is_none()).collect();
    assert!(
        notes.iter().any(|n| n["message"].as_str().unwrap().contains("read A's code (git HEAD")),
        "{notes:?}"
    );

    editor.request("shutdown", Value::Null);
    editor.notify("exit", Value::Null);
    assert_eq!(exit_status(&mut editor), Some(0));
}

/// The text of `text` with an LSP edit applied (positions counted in characters:
/// the texts of these tests are ASCII, where characters are UTF-16 units).
fn edited(text: &str, edit: &Value) -> String {
    let offset = |at: &Value| {
        let (line, character) =
            (at["line"].as_u64().unwrap() as usize, at["character"].as_u64().unwrap() as usize);
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + character
    };
    let (start, end) = (offset(&edit["range"]["start"]), offset(&edit["range"]["end"]));
    format!("{}{}{}", &text[..start], edit["newText"].as_str().unwrap(), &text[end..])
}

fn change(editor: &mut Editor, uri: &str, version: i32, change: Value) {
    editor.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] }),
    );
}

/// A statement that starts mid-line, after another: "Allow … because" puts it on
/// a line of its own below the comment, indented like its line, the earlier
/// statement left as it was; the reason written, the finding is accepted.
#[test]
fn allowing_a_statement_that_shares_its_line() {
    let project = tempfile::tempdir().expect("tempdir");
    let migrations = project.path().join("migrations");
    std::fs::create_dir_all(&migrations).expect("mkdir");
    std::fs::write(migrations.join("1_users.sql"), "CREATE TABLE users (id int, legacy text);\n")
        .expect("write");
    let drop_uri = uri(&migrations.join("2_drop.sql"));
    let mut editor = start(project.path());
    let capabilities = json!({ "window": { "showDocument": { "support": true } } });
    editor.request("initialize", json!({ "processId": null, "rootUri": null, "capabilities": capabilities }));
    editor.notify("initialized", json!({}));
    let text = "BEGIN;\n  SELECT count(*) FROM users; ALTER TABLE users DROP COLUMN legacy;\nCOMMIT;\n";
    editor.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": drop_uri, "languageId": "sql", "version": 1, "text": text } }),
    );
    let found = findings(&mut editor, &drop_uri);
    assert_eq!(found.len(), 1, "{found:?}");
    let actions = editor.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": drop_uri }, "range": found[0]["range"], "context": { "diagnostics": [] } }),
    );
    let allow = &actions["result"][0];
    assert_eq!(allow["title"], "Allow `drop-column` here because …");
    let edit = allow["edit"]["changes"][&drop_uri][0].clone();
    let text = edited(text, &edit);
    assert_eq!(
        text,
        "BEGIN;\n  SELECT count(*) FROM users;\n  -- rollsafe: allow drop-column because \n  ALTER TABLE users DROP COLUMN legacy;\nCOMMIT;\n"
    );
    // The editor applies it as an incremental change.
    change(&mut editor, &drop_uri, 2, json!({ "range": edit["range"], "text": edit["newText"] }));
    let unreasoned = editor.diagnostics(&drop_uri);
    let rules: Vec<&Value> = unreasoned.iter().filter_map(|d| d.get("code")).collect();
    assert_eq!(
        rules,
        [&json!("drop-column"), &json!("invalid-suppression")],
        "no reason yet: {unreasoned:?}"
    );

    // The cursor goes on the reason, where the user types it.
    editor.request("workspace/executeCommand", allow["command"].clone());
    let show = editor.wait_for("window/showDocument", |m| m["method"] == "window/showDocument");
    let reason_at = show["params"]["selection"]["start"].clone();
    assert_eq!(reason_at, position(2, 41));
    let reason = json!({ "range": { "start": reason_at, "end": reason_at }, "text": "archived in 1.2" });
    change(&mut editor, &drop_uri, 3, reason);
    let accepted = findings(&mut editor, &drop_uri);
    assert_eq!(accepted.len(), 1, "{accepted:?}");
    assert_eq!((&accepted[0]["code"], &accepted[0]["severity"]), (&json!("drop-column"), &json!(4)));
    assert!(accepted[0]["message"].as_str().unwrap().contains("(accepted: archived in 1.2)"), "{accepted:?}");
    // On its own line now, the statement's diagnostic is on line 3.
    assert_eq!(accepted[0]["range"]["start"]["line"], 3);
}

/// An incremental change past the end of the text: a column past its line's end
/// is the line's end; a line past the last one means the editor's copy and the
/// server's differ, which the user is told, and the last text in step is judged
/// until the whole text comes again (here, by saving).
#[test]
fn a_change_past_the_end_is_clamped_on_its_line_and_out_of_step_past_the_last_line() {
    let project = tempfile::tempdir().expect("tempdir");
    let migrations = project.path().join("migrations");
    std::fs::create_dir_all(&migrations).expect("mkdir");
    std::fs::write(migrations.join("1_users.sql"), "CREATE TABLE users (id int, a text, b text);\n")
        .expect("write");
    let drop_path = migrations.join("2_drop.sql");
    let drop_uri = uri(&drop_path);
    let mut editor = start(project.path());
    editor.request("initialize", json!({ "processId": null, "rootUri": null, "capabilities": {} }));
    editor.notify("initialized", json!({}));
    editor.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": drop_uri, "languageId": "sql", "version": 1, "text": "SELECT 1;" } }),
    );
    assert_eq!(findings(&mut editor, &drop_uri), Vec::<Value>::new());
    // Column 400 of line 0 is its end.
    let at_end = json!({ "range": { "start": position(0, 400), "end": position(0, 400) }, "text": " ALTER TABLE users DROP COLUMN a;" });
    change(&mut editor, &drop_uri, 2, at_end);
    let found = findings(&mut editor, &drop_uri);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["range"]["start"], position(0, 40), "{found:?}");

    // Line 5 of a one-line text: out of step, said, and nothing of it applied.
    let past =
        json!({ "range": { "start": position(5, 0), "end": position(5, 0) }, "text": "DROP TABLE users;" });
    change(&mut editor, &drop_uri, 3, past);
    let warning = editor.wait_for("a warning", |m| m["method"] == "window/showMessage");
    assert_eq!(warning["params"]["type"], 2, "{warning}");
    let message = warning["params"]["message"].as_str().unwrap();
    assert!(message.contains(&drop_path.display().to_string()) && message.contains("version 2"), "{message}");
    editor.wait_for("the warning logged", |m| {
        m["method"] == "window/logMessage" && m["params"]["message"] == message
    });
    // A later range change is not applied to a text that is not the editor's:
    // hover still sees the text of version 2.
    let more =
        json!({ "range": { "start": position(0, 0), "end": position(0, 9) }, "text": "DROP TABLE users;" });
    change(&mut editor, &drop_uri, 4, more);
    let hover = editor.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": drop_uri }, "position": position(0, 20) }),
    );
    assert!(hover["result"]["contents"]["value"].as_str().unwrap().contains("`drop-column`"), "{hover}");

    // Saved: the file on disk is the editor's text, and it is judged.
    std::fs::write(&drop_path, "ALTER TABLE users DROP COLUMN b;\n").expect("write");
    editor.notify("textDocument/didSave", json!({ "textDocument": { "uri": drop_uri } }));
    let found = findings(&mut editor, &drop_uri);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0]["message"].as_str().unwrap().starts_with("drops column `b`"), "{found:?}");
    // And range changes apply again.
    let safe =
        json!({ "range": { "start": position(0, 18), "end": position(0, 31) }, "text": "ADD COLUMN c text" });
    change(&mut editor, &drop_uri, 5, safe);
    assert_eq!(findings(&mut editor, &drop_uri), Vec::<Value>::new());
}
