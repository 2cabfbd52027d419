//! A scripted editor for `rollsafe lsp`: spawns the server and speaks JSON-RPC
//! with it, `Content-Length` framed, over its standard input and output. Shared
//! by tests/lsp.rs and benches/lsp.rs. Every wait has a timeout, so a server that
//! hangs fails instead of blocking.

// Each user (the test, the benchmark) calls only part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

/// Long enough for a debug build on a busy machine; a hang still fails.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The server, as an editor sees it.
pub struct Editor {
    pub child: Child,
    input: ChildStdin,
    from_server: Receiver<Value>,
    /// Messages received while waiting for another, oldest first.
    earlier: Vec<Value>,
    next_id: i64,
}

impl Drop for Editor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Editor {
    /// Starts `binary lsp` in `dir`.
    pub fn start(binary: &Path, dir: &Path) -> Editor {
        let mut child = Command::new(binary)
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn rollsafe lsp");
        let input = child.stdin.take().expect("stdin");
        let mut output = BufReader::new(child.stdout.take().expect("stdout"));
        let (sender, from_server) = channel();
        std::thread::spawn(move || {
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if output.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length: ") {
                        length = value.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("every frame has a Content-Length")];
                output.read_exact(&mut body).expect("a whole frame");
                if sender.send(serde_json::from_slice(&body).expect("JSON")).is_err() {
                    return;
                }
            }
        });
        Editor { child, input, from_server, earlier: Vec::new(), next_id: 0 }
    }

    pub fn send_raw(&mut self, body: &[u8]) {
        write!(self.input, "Content-Length: {}\r\n\r\n", body.len()).expect("write");
        self.input.write_all(body).expect("write");
        self.input.flush().expect("flush");
    }

    pub fn send(&mut self, message: Value) {
        self.send_raw(&serde_json::to_vec(&message).expect("serialize"));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response (messages before it are skipped).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait_for(&format!("the response to {method}"), |m| m["id"] == id && m.get("method").is_none())
    }

    /// The first message from the server not waited for yet that `wanted` accepts.
    pub fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.earlier.iter().position(&wanted) {
            return self.earlier.remove(at);
        }
        loop {
            match self.from_server.recv_timeout(TIMEOUT) {
                Ok(message) if wanted(&message) => return message,
                Ok(other) => self.earlier.push(other),
                Err(_) => panic!("no {what} within {TIMEOUT:?}"),
            }
        }
    }

    /// The next diagnostics published for `uri`.
    pub fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let published = self.wait_for(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        published["params"]["diagnostics"].as_array().expect("a list").clone()
    }
}

/// The exit status of the server, waiting at most [`TIMEOUT`].
pub fn exit_status(editor: &mut Editor) -> Option<i32> {
    let deadline = std::time::Instant::now() + TIMEOUT;
    while std::time::Instant::now() < deadline {
        if let Some(status) = editor.child.try_wait().expect("wait") {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the server did not exit within {TIMEOUT:?}");
}

/// The `file:` URI of an absolute path (the tests' paths need no escaping).
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

pub fn position(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}
