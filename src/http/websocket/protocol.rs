//! What the reading side of a socket tells its protocol loop (whether it is initialised, the
//! ids of its running operations, a violation to close for), and the close frames of
//! graphql-transport-ws.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use axum::extract::ws::CloseFrame;

/// What the reading side tells the protocol loop: whether the socket is initialised, the ids of
/// its running operations, and the close frame of a violation it found.
#[derive(Default)]
pub(super) struct Ledger {
    pub(super) initialised: AtomicBool,
    /// Close code for a refused `connection_init` (4403, or 1013 when the database could not
    /// be asked).
    pub(super) init_refusal: Mutex<Option<u16>>,
    operations: Mutex<Operations>,
    violation: Mutex<Option<CloseFrame>>,
}

#[derive(Default)]
struct Operations {
    /// Ids of operations running (subscribed and not completed).
    running: HashSet<String>,
    /// Ids the client completed whose `complete` echo the protocol has yet to send.
    echoes: HashSet<String>,
}

impl Ledger {
    pub(super) fn violate(&self, code: u16, reason: impl Into<String>) {
        if let Ok(mut violation) = self.violation.lock() {
            violation.get_or_insert_with(|| close_frame(code, reason));
        }
    }

    pub(super) fn take_violation(&self) -> Option<CloseFrame> {
        self.violation.lock().ok().and_then(|mut v| v.take())
    }

    /// Records a `subscribe`; false if an operation with `id` is still running.
    pub(super) fn subscribe(&self, id: &str) -> bool {
        self.operations
            .lock()
            .is_ok_and(|mut ops| ops.running.insert(id.to_owned()))
    }

    /// Records a client's `complete`.
    pub(super) fn client_completed(&self, id: &str) {
        if let Ok(mut ops) = self.operations.lock()
            && ops.running.remove(id)
        {
            // The protocol answers a complete of a running operation with one of its own.
            ops.echoes.insert(id.to_owned());
        }
    }

    /// Records a `complete` the protocol sends.
    pub(super) fn server_completed(&self, id: &str) {
        if let Ok(mut ops) = self.operations.lock()
            && !ops.echoes.remove(id)
        {
            ops.running.remove(id);
        }
    }
}

/// The id of a `complete` message the protocol sends, if `text` is one (its other messages are
/// not parsed).
pub(super) fn completed_id(text: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Complete {
        id: String,
    }
    text.starts_with(r#"{"type":"complete""#)
        .then(|| serde_json::from_str::<Complete>(text).ok())
        .flatten()
        .map(|complete| complete.id)
}

/// The longest close reason a close frame can carry (125 bytes of payload less the code).
const MAX_CLOSE_REASON: usize = 123;

/// A close frame whose reason is cut to [`MAX_CLOSE_REASON`] bytes on a character boundary.
pub(super) fn close_frame(code: u16, reason: impl Into<String>) -> CloseFrame {
    let mut reason = reason.into();
    if reason.len() > MAX_CLOSE_REASON {
        let mut end = MAX_CLOSE_REASON;
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        reason.truncate(end);
    }
    CloseFrame {
        code,
        reason: reason.into(),
    }
}

/// The close frame for a read error of the socket, if one can still be sent.
pub(super) fn read_error_close(err: axum::Error) -> Option<CloseFrame> {
    match *err.into_inner().downcast::<tungstenite::Error>().ok()? {
        tungstenite::Error::Capacity(capacity) => Some(close_frame(1009, capacity.to_string())),
        tungstenite::Error::Protocol(protocol) => Some(close_frame(1002, protocol.to_string())),
        tungstenite::Error::Utf8(_) => Some(close_frame(1007, "invalid UTF-8")),
        _ => None,
    }
}

/// Maps a close code of the executor to the one graphql-transport-ws prescribes.
pub(super) fn protocol_close_code(code: u16, init_refusal: Option<u16>) -> u16 {
    match code {
        // A refused connection_init is Forbidden (or Try Again Later when the database could not
        // be asked) …
        1002 if init_refusal.is_some() => init_refusal.unwrap_or(4403),
        // … any other unreadable message is an invalid message …
        1002 => 4400,
        // … and an operation before the acknowledgement is Unauthorized.
        1011 => 4401,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_codes_follow_graphql_transport_ws() {
        assert_eq!(protocol_close_code(1002, Some(4403)), 4403);
        assert_eq!(protocol_close_code(1002, Some(1013)), 1013);
        assert_eq!(protocol_close_code(1002, None), 4400);
        assert_eq!(protocol_close_code(1011, None), 4401);
        assert_eq!(protocol_close_code(4429, None), 4429);
    }

    #[test]
    fn close_reasons_fit_a_close_frame() {
        let frame = close_frame(
            4409,
            format!("Subscriber for {} already exists", "é".repeat(100)),
        );
        assert!(
            frame.reason.len() <= MAX_CLOSE_REASON,
            "{}",
            frame.reason.len()
        );
        assert!(frame.reason.starts_with("Subscriber for éé"));
        assert_eq!(close_frame(1000, "short").reason.as_str(), "short");
    }

    #[test]
    fn complete_messages_are_recognised() {
        assert_eq!(
            completed_id(r#"{"type":"complete","id":"a\"b"}"#).as_deref(),
            Some("a\"b")
        );
        assert_eq!(
            completed_id(r#"{"type":"next","id":"1","payload":{}}"#),
            None
        );
    }

    #[test]
    fn the_ledger_tracks_running_operations() {
        let ledger = Ledger::default();
        assert!(ledger.subscribe("1"));
        assert!(!ledger.subscribe("1"));
        // The client completes it; the protocol echoes the complete, and the id is free again.
        ledger.client_completed("1");
        assert!(ledger.subscribe("1"));
        ledger.server_completed("1");
        assert!(
            !ledger.subscribe("1"),
            "the echo of the first complete frees nothing"
        );
        // An operation that ends on its own frees its id.
        ledger.server_completed("1");
        assert!(ledger.subscribe("1"));
    }
}
