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
    repo::write(dir, "src/users.ts", "export const load = () => db.query('SELECT id, legacy FROM users');\n");
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
    assert_eq!(related[0]["location"]["uri"], uri(&dir.join("src/users.ts")), "{legacy}");
    assert_eq!(related[0]["location"]["range"]["start"]["line"], 0);
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
