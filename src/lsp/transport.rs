//! JSON-RPC over a byte stream with `Content-Length` framing, as the Language
//! Server Protocol frames it. A frame that is not a JSON-RPC message is handed
//! on as [`Incoming::Malformed`], to be answered with an error, and the next
//! frame is read: bad input never ends the connection (lsp-server's own stdio
//! transport stops at the first one). Only the end of the input does.

use std::io::{self, BufRead, Read, Write};

use lsp_server::{ErrorCode, Message};
use serde::Serialize;
use serde_json::{Value, json};

/// One frame from the client.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// Not a message: the error to answer with (to `id`, when the frame had one).
    Malformed {
        id: Option<Value>,
        code: ErrorCode,
        message: String,
    },
}

/// Reads the next frame; `None` at the end of the input.
pub fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Incoming>> {
    let mut length = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<u64>().ok();
            }
        }
    }
    let Some(length) = length else {
        let message = "a frame without a valid Content-Length header".to_owned();
        return Ok(Some(Incoming::Malformed { id: None, code: ErrorCode::ParseError, message }));
    };
    let mut body = Vec::new();
    input.take(length).read_to_end(&mut body)?;
    if (body.len() as u64) < length {
        return Ok(None);
    }
    Ok(Some(parse(&body)))
}

/// The message a frame's body holds, or the error that says why it is none.
fn parse(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => {
            let message = format!("the frame is not JSON: {error}");
            return Incoming::Malformed { id: None, code: ErrorCode::ParseError, message };
        }
    };
    let id = value.get("id").cloned().filter(|id| id.is_number() || id.is_string());
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(error) => Incoming::Malformed {
            id,
            code: ErrorCode::InvalidRequest,
            message: format!("not a JSON-RPC request, response or notification: {error}"),
        },
    }
}

/// Writes `message` as one frame and flushes it (messages go through lsp-server's
/// `Message::write`, which frames them the same way).
pub fn write_frame(output: &mut impl Write, message: &impl Serialize) -> io::Result<()> {
    let body = serde_json::to_vec(message)?;
    write!(output, "Content-Length: {}\r\n\r\n", body.len())?;
    output.write_all(&body)?;
    output.flush()
}

/// The error response to a frame that is not a message; its `id` is `null` when
/// the frame had none the server could read.
pub fn error_response(id: Option<Value>, code: ErrorCode, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id.unwrap_or(Value::Null), "error": { "code": code as i32, "message": message } })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn frames(input: &str) -> Vec<Incoming> {
        let mut reader = io::Cursor::new(input.as_bytes().to_vec());
        std::iter::from_fn(|| read_frame(&mut reader).expect("in memory")).collect()
    }

    #[test]
    fn malformed_frames_are_reported_and_reading_goes_on() {
        let input = [
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":7,"params":{}}"#),
            "X-Nothing: 1\r\n\r\n".to_owned(),
            frame(r#"{"jsonrpc":"2.0","id":"é","method":"shutdown"}"#),
        ]
        .concat();
        let read = frames(&input);
        assert_eq!(read.len(), 4, "{read:?}");
        assert!(matches!(&read[0], Incoming::Malformed { id: None, code: ErrorCode::ParseError, .. }));
        assert!(
            matches!(&read[1], Incoming::Malformed { id: Some(id), code: ErrorCode::InvalidRequest, .. } if id == 7)
        );
        assert!(matches!(&read[2], Incoming::Malformed { code: ErrorCode::ParseError, .. }));
        assert!(matches!(&read[3], Incoming::Message(Message::Request(r)) if r.method == "shutdown"));
    }

    #[test]
    fn a_frame_cut_short_ends_the_input() {
        assert!(frames("Content-Length: 50\r\n\r\n{\"jsonrpc\"").is_empty());
    }

    #[test]
    fn frames_count_bytes_not_characters() {
        let mut out = Vec::new();
        write_frame(&mut out, &json!({ "name": "légacy_𝔘" })).expect("in memory");
        let text = String::from_utf8(out).expect("utf-8");
        let (header, body) = text.split_once("\r\n\r\n").expect("a header");
        assert_eq!(header, format!("Content-Length: {}", body.len()));
        let error = error_response(None, ErrorCode::ParseError, "bad");
        assert_eq!(error["id"], Value::Null);
        assert_eq!(error["error"]["code"], -32700);
    }
}
