//! `rollsafe lsp`: the verdict in the editor while a migration is being written.
//!
//! A language server over standard input and output. Each open `.sql` file of a
//! migrations folder is judged, unsaved, against the schema the migrations
//! before it leave, as `rollsafe check` judges it, and its findings are published
//! as diagnostics; code actions accept a risk with a reason or open a rule's
//! documentation, and hovering a flagged statement explains it.
//!
//! The parts, each one job: [`transport`] frames JSON-RPC; [`server`] is the
//! loop and the protocol's life cycle; [`documents`] keeps the open buffers
//! (positions in UTF-16, as the protocol counts them, converted in [`text`]);
//! [`workspace`] places a file in its migrations folder and judges it there;
//! [`schemas`] keeps the replayed schema before each migration; [`code`] reads
//! release A's code and keeps what it says; [`diagnostics`]
//! turns findings into diagnostics; [`actions`] gives code actions and hover.
//!
//! Built on lsp-server's message types and lsp-types: the server is synchronous
//! like the rest of rollsafe, so an async runtime would buy nothing.

mod actions;
mod code;
mod diagnostics;
mod documents;
mod schemas;
mod server;
#[cfg(test)]
mod test_support;
mod text;
mod transport;
mod workspace;

use std::io::{self, BufReader};
use std::sync::mpsc::channel;

use server::Server;
use transport::read_frame;

/// Serves the editor on standard input and output until it says `exit` or closes
/// the input. True when it shut the server down first, as the protocol asks.
pub fn serve_stdio() -> io::Result<bool> {
    let (frames, incoming) = channel();
    // Frames are read on a thread of their own, so the server sees every frame
    // waiting and judges a burst of edits once.
    std::thread::Builder::new().name("rollsafe-lsp-reader".to_owned()).spawn(move || {
        let mut input = BufReader::new(io::stdin().lock());
        while let Some(frame) = read_frame(&mut input).transpose() {
            let failed = frame.is_err();
            if frames.send(frame).is_err() || failed {
                return;
            }
        }
    })?;
    // Rule pages, when the editor's settings name no site: the binary's own docs.
    let pages = std::env::temp_dir().join(format!("rollsafe-{}-rules", env!("CARGO_PKG_VERSION")));
    let mut server = Server::new(io::stdout().lock(), pages);
    server.run(&incoming)
}
