//! The server's loop: the protocol's life cycle (initialize, shutdown, exit),
//! requests answered in order, document notifications applied, and every
//! document they touch judged again once the messages waiting have been read, so
//! a burst of keystrokes is judged once.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeConfiguration, DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument,
    DidOpenTextDocument, DidSaveTextDocument, LogMessage, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, ExecuteCommand, HoverRequest, RegisterCapability, Request as _, ShowDocument,
};
use lsp_types::{
    ClientCapabilities, CodeActionKind, CodeActionOptions, CodeActionProviderCapability, Diagnostic,
    DiagnosticSeverity, DidChangeWatchedFilesRegistrationOptions, ExecuteCommandOptions, FileSystemWatcher,
    GlobPattern, HoverProviderCapability, InitializeParams, InitializeResult, LogMessageParams, MessageType,
    PublishDiagnosticsParams, Range, Registration, RegistrationParams, SaveOptions, ServerCapabilities,
    ServerInfo, ShowDocumentParams, ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::rules::find_rule;

use super::actions::{RuleDocs, SELECT_REASON, SHOW_DOCUMENTATION, code_actions, hover, is_of_kinds};
use super::diagnostics::{Flagged, at_file_start, flag};
use super::documents::{Changed, Documents};
use super::transport::{Incoming, error_response, write_frame};
use super::workspace::{Placement, Workspace};

/// Where the protocol's life cycle is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Before `initialize`: requests get `ServerNotInitialized`.
    Waiting,
    Running,
    /// After `shutdown`: only `exit` is expected.
    ShuttingDown,
}

/// What the client said it can do.
#[derive(Debug, Default, Clone, Copy)]
struct Client {
    /// `window/showDocument`: open a rule's page, put the cursor on a reason.
    show_document: bool,
    /// `client/registerCapability` for watched files.
    watches_files: bool,
}

/// The language server's state.
pub struct Server<W: Write> {
    output: W,
    stage: Stage,
    client: Client,
    documents: Documents,
    workspace: Workspace,
    docs: RuleDocs,
    /// What was last shown for each open document, for code actions and hover.
    flagged: BTreeMap<String, Vec<Flagged>>,
    /// Open documents to judge again before the next answer that needs them.
    stale: BTreeSet<String>,
    next_request: u32,
}

impl<W: Write> Server<W> {
    /// A server writing to `output`, linking rule pages written into `docs_folder`
    /// unless the editor's settings name a site.
    pub fn new(output: W, docs_folder: PathBuf) -> Server<W> {
        Server {
            output,
            stage: Stage::Waiting,
            client: Client::default(),
            documents: Documents::default(),
            workspace: Workspace::default(),
            docs: RuleDocs::new(None, docs_folder),
            flagged: BTreeMap::new(),
            stale: BTreeSet::new(),
            next_request: 0,
        }
    }

    /// Serves the frames `incoming` brings until `exit` or the end of the input.
    /// True when the client shut the server down properly first.
    pub fn run(&mut self, incoming: &Receiver<io::Result<Incoming>>) -> io::Result<bool> {
        while let Ok(first) = incoming.recv() {
            let mut next = Some(first);
            while let Some(frame) = next.take() {
                if let Some(clean) = self.handle(frame?)? {
                    return Ok(clean);
                }
                next = incoming.try_recv().ok();
            }
            self.judge_stale()?;
        }
        Ok(self.stage == Stage::ShuttingDown)
    }

    /// Handles one frame; `Some` when it was `exit` (true after `shutdown`).
    fn handle(&mut self, frame: Incoming) -> io::Result<Option<bool>> {
        match frame {
            Incoming::Malformed { id, code, message } => {
                write_frame(&mut self.output, &error_response(id, code, &message))?;
            }
            Incoming::Message(Message::Request(request)) => self.request(request)?,
            Incoming::Message(Message::Notification(notification)) => {
                if notification.method == "exit" {
                    return Ok(Some(self.stage == Stage::ShuttingDown));
                }
                if self.stage == Stage::Running {
                    self.notification(notification)?;
                }
            }
            Incoming::Message(Message::Response(response)) => {
                if let Err(error) = response.response_result {
                    eprintln!(
                        "rollsafe lsp: the editor answered request {} with an error: {}",
                        response.id, error.message
                    );
                }
            }
        }
        Ok(None)
    }

    fn request(&mut self, request: Request) -> io::Result<()> {
        let Request { id, method, params } = request;
        let reply = match (self.stage, method.as_str()) {
            (Stage::Waiting, "initialize") => self.initialize(params),
            (Stage::Waiting, _) => {
                Err((ErrorCode::ServerNotInitialized, "the server is not initialized yet".into()))
            }
            (_, "initialize") => Err((ErrorCode::InvalidRequest, "the server is initialized already".into())),
            (Stage::ShuttingDown, _) => {
                Err((ErrorCode::InvalidRequest, "the server is shutting down".into()))
            }
            (Stage::Running, "shutdown") => {
                self.stage = Stage::ShuttingDown;
                Ok(Value::Null)
            }
            (Stage::Running, HoverRequest::METHOD) => self.hover(params),
            (Stage::Running, CodeActionRequest::METHOD) => self.code_action(params),
            (Stage::Running, ExecuteCommand::METHOD) => self.execute_command(params),
            (Stage::Running, _) => {
                Err((ErrorCode::MethodNotFound, format!("rollsafe has no method `{method}`")))
            }
        };
        let response = match reply {
            Ok(result) => Response::new_ok(id, result),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        Message::Response(response).write(&mut self.output)
    }

    fn initialize(&mut self, params: Value) -> Reply {
        let params: InitializeParams = parse_params(params)?;
        self.client = capabilities(&params.capabilities);
        self.docs.set_base_url(setting(params.initialization_options.as_ref(), "docsUrl"));
        self.stage = Stage::Running;
        let sync = TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions { include_text: Some(false) })),
            ..TextDocumentSyncOptions::default()
        };
        let capabilities = ServerCapabilities {
            text_document_sync: Some(TextDocumentSyncCapability::Options(sync)),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                ..CodeActionOptions::default()
            })),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: vec![SHOW_DOCUMENTATION.to_owned(), SELECT_REASON.to_owned()],
                ..ExecuteCommandOptions::default()
            }),
            ..ServerCapabilities::default()
        };
        let info =
            ServerInfo { name: "rollsafe".to_owned(), version: Some(env!("CARGO_PKG_VERSION").to_owned()) };
        to_value(InitializeResult { capabilities, server_info: Some(info) })
    }

    fn notification(&mut self, notification: Notification) -> io::Result<()> {
        let Notification { method, params } = notification;
        let applied = match method.as_str() {
            "initialized" => self.watch_files(),
            DidOpenTextDocument::METHOD => {
                parse_params(params).map(|p: lsp_types::DidOpenTextDocumentParams| {
                    let document = p.text_document;
                    if self.documents.open(&document.uri, document.text, document.version) {
                        self.touched(&document.uri, true);
                    }
                })
            }
            DidChangeTextDocument::METHOD => {
                match parse_params::<lsp_types::DidChangeTextDocumentParams>(params) {
                    Ok(p) => {
                        let document = p.text_document;
                        return match self.documents.change(&document.uri, p.content_changes, document.version)
                        {
                            Changed::Applied => {
                                self.touched(&document.uri, false);
                                Ok(())
                            }
                            Changed::LostStep => self.out_of_step(
                                &document.uri,
                                "an edit reaches past the end of the text rollsafe holds, so the editor's text and rollsafe's differ (saving the file also brings them back in step)",
                            ),
                            Changed::StillOutOfStep | Changed::NotOpen => Ok(()),
                        };
                    }
                    Err(error) => Err(error),
                }
            }
            DidSaveTextDocument::METHOD => match parse_params::<lsp_types::DidSaveTextDocumentParams>(params)
            {
                Ok(p) => {
                    let uri = p.text_document.uri;
                    if super::documents::path_of(&uri).is_some_and(|path| is_config(&path)) {
                        self.everything_changed();
                        Ok(())
                    } else {
                        // Out of step, the saved file is the editor's text again.
                        let read_back = self.documents.saved(&uri);
                        self.touched(&uri, true);
                        return match read_back {
                            Ok(_) => Ok(()),
                            Err(why) => self.out_of_step(
                                &uri,
                                &format!("the file was saved, but rollsafe could not read it back ({why})"),
                            ),
                        };
                    }
                }
                Err(error) => Err(error),
            },
            DidCloseTextDocument::METHOD => {
                return match parse_params::<lsp_types::DidCloseTextDocumentParams>(params) {
                    Ok(p) => self.close(&p.text_document.uri),
                    Err((_, message)) => self.log(MessageType::WARNING, &format!("{method}: {message}")),
                };
            }
            DidChangeConfiguration::METHOD => {
                parse_params(params).map(|p: lsp_types::DidChangeConfigurationParams| {
                    let rollsafe = p.settings.get("rollsafe").unwrap_or(&p.settings);
                    self.docs.set_base_url(setting(Some(rollsafe), "docsUrl"));
                    self.everything_changed();
                })
            }
            DidChangeWatchedFiles::METHOD => {
                parse_params(params).map(|p: lsp_types::DidChangeWatchedFilesParams| {
                    for change in p.changes {
                        match super::documents::path_of(&change.uri) {
                            Some(path) if is_config(&path) => self.everything_changed(),
                            Some(path) => self.disk_changed(&path),
                            None => {}
                        }
                    }
                })
            }
            // Other notifications (`$/cancelRequest`, `$/setTrace`, …) need no answer.
            _ => Ok(()),
        };
        match applied {
            Ok(()) => Ok(()),
            Err((_, message)) => self.log(MessageType::WARNING, &format!("{method}: {message}")),
        }
    }

    /// Tells the user (a warning, shown and logged) that rollsafe's copy of a
    /// document is out of step with the editor's, and `why`: its findings are of
    /// the text as it last stood in step, until the editor sends the whole text.
    fn out_of_step(&mut self, uri: &Uri, why: &str) -> io::Result<()> {
        let Some(document) = self.documents.get(uri) else {
            return Ok(());
        };
        let message = format!(
            "rollsafe: {why}; the findings of `{}` are of its text as it stood at version {} until the editor sends the whole text again: close and reopen it",
            document.path.display(),
            document.version
        );
        self.log(MessageType::WARNING, &message)?;
        self.send_notification(ShowMessage::METHOD, &ShowMessageParams { typ: MessageType::WARNING, message })
    }

    /// Asks the editor to say when SQL files or `rollsafe.toml` change on disk
    /// (a `git pull`, a file made in a terminal), when it can.
    fn watch_files(&mut self) -> Result<(), (ErrorCode, String)> {
        if !self.client.watches_files {
            return Ok(());
        }
        let watchers = ["**/*.sql", "**/*.SQL", "**/rollsafe.toml"]
            .map(|glob| FileSystemWatcher { glob_pattern: GlobPattern::String(glob.to_owned()), kind: None })
            .to_vec();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "rollsafe-watched-files".to_owned(),
            method: DidChangeWatchedFiles::METHOD.to_owned(),
            register_options: Some(to_value(options)?),
        };
        let params = RegistrationParams { registrations: vec![registration] };
        self.send_request(RegisterCapability::METHOD, to_value(params)?)
            .map_err(|e| (ErrorCode::InternalError, e.to_string()))
    }

    /// A document was opened, edited or saved: it, and every open document of its
    /// folder (which may come after it), are judged again. `from_disk` reads the
    /// folder's files again first.
    fn touched(&mut self, uri: &Uri, from_disk: bool) {
        let Some(path) = super::documents::path_of(uri) else {
            return;
        };
        if from_disk {
            self.workspace.refresh(&path);
        }
        self.stale.insert(uri.as_str().to_owned());
        self.folder_changed(&path);
    }

    /// A file changed on disk outside the editor.
    fn disk_changed(&mut self, path: &Path) {
        self.workspace.refresh(path);
        self.folder_changed(path);
    }

    /// Marks every open document of the migrations folder holding `path` stale
    /// (of its own folder, when it is in none yet).
    fn folder_changed(&mut self, path: &Path) {
        let Some(folder) = self.workspace.folder_holding(path).or_else(|| path.parent()) else {
            return;
        };
        for (uri, document) in self.documents.iter() {
            if document.path.starts_with(folder) {
                self.stale.insert(uri.as_str().to_owned());
            }
        }
    }

    /// Settings or a `rollsafe.toml` changed: every open document is placed and
    /// judged afresh.
    fn everything_changed(&mut self) {
        self.workspace.reset();
        self.stale.extend(self.documents.iter().map(|(uri, _)| uri.as_str().to_owned()));
    }

    fn close(&mut self, uri: &Uri) -> io::Result<()> {
        if !self.documents.close(uri) {
            return Ok(());
        }
        self.stale.remove(uri.as_str());
        self.flagged.remove(uri.as_str());
        // Its file on disk, not the closed buffer, now stands for it in its folder.
        if let Some(path) = super::documents::path_of(uri) {
            self.folder_changed(&path);
        }
        self.publish(uri, None, Vec::new())
    }

    /// Judges every stale document and publishes its diagnostics.
    fn judge_stale(&mut self) -> io::Result<()> {
        for uri in std::mem::take(&mut self.stale) {
            let Some(uri) = self.documents.iter().map(|(uri, _)| uri).find(|u| u.as_str() == uri).cloned()
            else {
                continue;
            };
            self.judge(&uri)?;
        }
        Ok(())
    }

    /// Judges one open document now, if it is stale.
    fn judge_if_stale(&mut self, uri: &Uri) -> io::Result<()> {
        if self.stale.remove(uri.as_str()) { self.judge(uri) } else { Ok(()) }
    }

    fn judge(&mut self, uri: &Uri) -> io::Result<()> {
        let Some(document) = self.documents.get(uri) else {
            return Ok(());
        };
        let version = document.version;
        let is_sql = document.path.extension().is_some_and(|e| e.eq_ignore_ascii_case("sql"));
        let (flagged, mut diagnostics) = if !is_sql {
            (Vec::new(), Vec::new())
        } else {
            match self.workspace.place(document, &self.documents) {
                Placement::Outside => (Vec::new(), Vec::new()),
                Placement::Trouble(message) => {
                    (Vec::new(), vec![at_file_start(message, DiagnosticSeverity::ERROR)])
                }
                Placement::In(root) => {
                    let (workspace, documents, docs) = (&mut self.workspace, &self.documents, &mut self.docs);
                    let checked =
                        catch_unwind(AssertUnwindSafe(|| workspace.check(&root, document, documents)));
                    match checked {
                        Ok(Ok(checked)) => {
                            let flagged =
                                flag(&document.text, &checked.changes, checked.code_read, &mut |rule| {
                                    docs.link(rule)
                                });
                            let notes = checked
                                .notes
                                .into_iter()
                                .map(|note| at_file_start(note, DiagnosticSeverity::INFORMATION));
                            (flagged, notes.collect())
                        }
                        Ok(Err(message)) => {
                            (Vec::new(), vec![at_file_start(message, DiagnosticSeverity::ERROR)])
                        }
                        Err(_) => {
                            let message = "rollsafe stopped unexpectedly on this file: please report it with the migration";
                            (Vec::new(), vec![at_file_start(message.to_owned(), DiagnosticSeverity::ERROR)])
                        }
                    }
                }
            }
        };
        diagnostics.splice(0..0, flagged.iter().map(|f| f.diagnostic.clone()));
        self.flagged.insert(uri.as_str().to_owned(), flagged);
        self.publish(uri, Some(version), diagnostics)
    }

    fn publish(&mut self, uri: &Uri, version: Option<i32>, diagnostics: Vec<Diagnostic>) -> io::Result<()> {
        let params = PublishDiagnosticsParams { uri: uri.clone(), diagnostics, version };
        self.send_notification(PublishDiagnostics::METHOD, &params)
    }

    fn hover(&mut self, params: Value) -> Reply {
        let params: lsp_types::HoverParams = parse_params(params)?;
        let at = params.text_document_position_params;
        self.judge_if_stale(&at.text_document.uri).map_err(internal)?;
        let flagged = self.flagged.get(at.text_document.uri.as_str()).map_or(&[][..], Vec::as_slice);
        to_value(hover(flagged, at.position))
    }

    fn code_action(&mut self, params: Value) -> Reply {
        let params: lsp_types::CodeActionParams = parse_params(params)?;
        let uri = params.text_document.uri;
        self.judge_if_stale(&uri).map_err(internal)?;
        let (Some(document), Some(flagged)) = (self.documents.get(&uri), self.flagged.get(uri.as_str()))
        else {
            return Ok(Value::Array(Vec::new()));
        };
        let mut actions =
            code_actions(&uri, &document.text, flagged, params.range, self.client.show_document);
        if let Some(only) = params.context.only {
            actions.retain(|action| action.kind.as_ref().is_some_and(|kind| is_of_kinds(kind, &only)));
        }
        to_value(actions)
    }

    fn execute_command(&mut self, params: Value) -> Reply {
        let params: lsp_types::ExecuteCommandParams = parse_params(params)?;
        let invalid = |why: &str| (ErrorCode::InvalidParams, format!("{}: {why}", params.command));
        match params.command.as_str() {
            SHOW_DOCUMENTATION => {
                let id = params
                    .arguments
                    .first()
                    .and_then(Value::as_str)
                    .ok_or_else(|| invalid("expects a rule id"))?;
                let rule = find_rule(id).ok_or_else(|| invalid(&format!("there is no rule `{id}`")))?;
                match (self.client.show_document, self.docs.link(rule)) {
                    (true, Some(page)) => {
                        let external = !page.as_str().starts_with("file:");
                        let show = ShowDocumentParams {
                            uri: page,
                            external: Some(external),
                            take_focus: Some(true),
                            selection: None,
                        };
                        self.send_request(ShowDocument::METHOD, to_value(show)?).map_err(internal)?;
                    }
                    _ => {
                        let message =
                            ShowMessageParams { typ: MessageType::INFO, message: rule.documentation() };
                        self.send_notification(ShowMessage::METHOD, &message).map_err(internal)?;
                    }
                }
            }
            SELECT_REASON => {
                let [uri, range] = params.arguments.as_slice() else {
                    return Err(invalid("expects a document and a range"));
                };
                let uri: Uri = serde_json::from_value(uri.clone()).map_err(|e| invalid(&e.to_string()))?;
                let range: Range =
                    serde_json::from_value(range.clone()).map_err(|e| invalid(&e.to_string()))?;
                let show = ShowDocumentParams {
                    uri,
                    external: Some(false),
                    take_focus: Some(true),
                    selection: Some(range),
                };
                self.send_request(ShowDocument::METHOD, to_value(show)?).map_err(internal)?;
            }
            _ => return Err(invalid("rollsafe has no such command")),
        }
        Ok(Value::Null)
    }

    fn log(&mut self, typ: MessageType, message: &str) -> io::Result<()> {
        self.send_notification(LogMessage::METHOD, &LogMessageParams { typ, message: message.to_owned() })
    }

    fn send_notification(&mut self, method: &str, params: &impl serde::Serialize) -> io::Result<()> {
        let notification = Notification::new(method.to_owned(), params);
        Message::Notification(notification).write(&mut self.output)
    }

    fn send_request(&mut self, method: &str, params: Value) -> io::Result<()> {
        self.next_request += 1;
        let id = RequestId::from(format!("rollsafe-{}", self.next_request));
        Message::Request(Request { id, method: method.to_owned(), params }).write(&mut self.output)
    }
}

/// A request's result, or the error to answer with.
type Reply = Result<Value, (ErrorCode, String)>;

fn parse_params<P: DeserializeOwned>(params: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(params)
        .map_err(|error| (ErrorCode::InvalidParams, format!("invalid parameters: {error}")))
}

fn to_value(value: impl serde::Serialize) -> Reply {
    serde_json::to_value(value).map_err(|error| (ErrorCode::InternalError, error.to_string()))
}

fn internal(error: io::Error) -> (ErrorCode, String) {
    (ErrorCode::InternalError, error.to_string())
}

/// Whether `path` is a `rollsafe.toml`: a change to it changes how every file is judged.
fn is_config(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == crate::config::FILE_NAME)
}

/// A string setting from the client's initialization options or settings.
fn setting(settings: Option<&Value>, key: &str) -> Option<String> {
    settings?.get(key)?.as_str().filter(|value| !value.is_empty()).map(str::to_owned)
}

fn capabilities(capabilities: &ClientCapabilities) -> Client {
    let show_document =
        capabilities.window.as_ref().and_then(|w| w.show_document.as_ref()).is_some_and(|s| s.support);
    let watches_files = capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    Client { show_document, watches_files }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc::channel;

    use serde_json::json;

    use super::*;
    use crate::lsp::documents::uri_of;
    use crate::lsp::transport::read_frame;

    /// Runs a server over `messages` (already waiting, as a burst) to the end of
    /// the input; what it wrote, and whether it was shut down properly.
    fn serve(messages: Vec<Value>) -> (bool, Vec<Value>) {
        let (sender, incoming) = channel();
        for message in messages {
            let message = serde_json::from_value(message).expect("a message");
            sender.send(Ok(Incoming::Message(message))).expect("queued");
        }
        drop(sender);
        let mut output = Vec::new();
        let pages = tempfile::tempdir().expect("tempdir");
        let clean = Server::new(&mut output, pages.path().to_path_buf()).run(&incoming).expect("in memory");
        let mut written = io::Cursor::new(output);
        let mut replies = Vec::new();
        while let Some(Incoming::Message(message)) = read_frame(&mut written).expect("in memory") {
            replies.push(serde_json::to_value(message).expect("JSON"));
        }
        (clean, replies)
    }

    fn initialize() -> [Value; 2] {
        [
            json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }),
            json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
        ]
    }

    #[test]
    fn a_burst_of_edits_is_judged_once_at_its_last_version() {
        let folder = tempfile::tempdir().expect("tempdir");
        std::fs::write(folder.path().join("1_users.sql"), "CREATE TABLE users (id int, a text);")
            .expect("write");
        let uri = uri_of(&folder.path().join("2_drop.sql")).expect("a file URI");
        let open = json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": { "uri": uri, "languageId": "sql", "version": 1, "text": "" } } });
        let change = |version: i32, text: &str| {
            json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] } })
        };
        let mut messages = initialize().to_vec();
        messages.extend([
            open,
            change(2, "ALTER TABLE"),
            change(3, "ALTER TABLE users"),
            change(4, "ALTER TABLE users DROP COLUMN a;"),
        ]);
        let (clean, replies) = serve(messages);
        assert!(!clean, "the input ended without shutdown");
        let published: Vec<&Value> =
            replies.iter().filter(|r| r["method"] == "textDocument/publishDiagnostics").collect();
        assert_eq!(published.len(), 1, "{replies:?}");
        assert_eq!(published[0]["params"]["version"], 4);
        assert_eq!(published[0]["params"]["diagnostics"][0]["code"], "drop-column");
    }

    #[test]
    fn the_life_cycle_is_kept() {
        let request =
            |id: i32, method: &str| json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": null });
        let mut messages = vec![request(7, "shutdown")];
        messages.extend(initialize());
        messages.extend([
            request(2, "initialize"),
            request(3, "workspace/symbol"),
            request(4, "shutdown"),
            request(5, "shutdown"),
        ]);
        let (clean, replies) = serve(messages);
        assert!(clean, "shut down before the input ended");
        let codes: Vec<(i64, Value)> =
            replies.iter().map(|r| (r["id"].as_i64().expect("an id"), r["error"]["code"].clone())).collect();
        assert_eq!(
            codes,
            [
                (7, json!(-32002)),
                (1, Value::Null),
                (2, json!(-32600)),
                (3, json!(-32601)),
                (4, Value::Null),
                (5, json!(-32600))
            ]
        );
    }
}
