//! What the reading side of a socket tells its protocol loop (whether it is initialised, the
//! ids of its running operations and whether one more may run, a violation to close for), and
//! the close frames and operation errors of graphql-transport-ws.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use async_graphql::http::WebSocketProtocols;
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

/// What becomes of a `subscribe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Admission {
    /// It runs.
    Admitted,
    /// An operation with its id is still running (the protocol closes with 4409).
    Duplicate,
    /// `running` operations already run, as many as the socket may: it is refused with an
    /// `error` message and the executor never sees it.
    OverCap { running: usize },
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

    /// Records a `subscribe` of `id`, unless an operation with `id` is still running or `max`
    /// are running.
    pub(super) fn subscribe(&self, id: &str, max: usize) -> Admission {
        let Ok(mut ops) = self.operations.lock() else {
            return Admission::Duplicate;
        };
        if ops.running.contains(id) {
            Admission::Duplicate
        } else if ops.running.len() >= max {
            Admission::OverCap {
                running: ops.running.len(),
            }
        } else {
            ops.running.insert(id.to_owned());
            Admission::Admitted
        }
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

/// The message that ends operation `id` with `error` before it ran: graphql-transport-ws's
/// `error`, whose payload is a list of GraphQL errors (the older graphql-ws protocol's carries
/// one error).
pub(super) fn operation_error(
    protocol: WebSocketProtocols,
    id: &str,
    error: async_graphql::ServerError,
) -> String {
    let payload = match protocol {
        WebSocketProtocols::GraphQLWS => serde_json::json!([error]),
        WebSocketProtocols::SubscriptionsTransportWS => serde_json::json!(error),
    };
    serde_json::json!({ "id": id, "type": "error", "payload": payload }).to_string()
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
        assert_eq!(ledger.subscribe("1", 9), Admission::Admitted);
        assert_eq!(ledger.subscribe("1", 9), Admission::Duplicate);
        // The client completes it; the protocol echoes the complete, and the id is free again.
        ledger.client_completed("1");
        assert_eq!(ledger.subscribe("1", 9), Admission::Admitted);
        ledger.server_completed("1");
        assert_eq!(
            ledger.subscribe("1", 9),
            Admission::Duplicate,
            "the echo of the first complete frees nothing"
        );
        // An operation that ends on its own frees its id.
        ledger.server_completed("1");
        assert_eq!(ledger.subscribe("1", 9), Admission::Admitted);
    }

    #[test]
    fn the_ledger_admits_at_most_max_running_operations() {
        let ledger = Ledger::default();
        assert_eq!(ledger.subscribe("a", 2), Admission::Admitted);
        assert_eq!(ledger.subscribe("b", 2), Admission::Admitted);
        assert_eq!(ledger.subscribe("c", 2), Admission::OverCap { running: 2 });
        // A duplicate is still a duplicate at the cap, and a refused id is not running.
        assert_eq!(ledger.subscribe("a", 2), Admission::Duplicate);
        ledger.server_completed("a");
        assert_eq!(ledger.subscribe("c", 2), Admission::Admitted);
        assert_eq!(ledger.subscribe("a", 2), Admission::OverCap { running: 2 });
    }

    #[test]
    fn operation_errors_follow_each_protocol() {
        let error = || {
            crate::error::AppError::too_complex("operations per socket", 2, 3).into_server_error()
        };
        let message: serde_json::Value = serde_json::from_str(&operation_error(
            WebSocketProtocols::GraphQLWS,
            "7",
            error(),
        ))
        .unwrap_or_default();
        assert_eq!(message["type"], "error");
        assert_eq!(message["id"], "7");
        let extensions = &message["payload"][0]["extensions"];
        assert_eq!(extensions["code"], "QUERY_TOO_COMPLEX", "{message}");
        assert_eq!(extensions["measure"], "operations per socket", "{message}");
        let message: serde_json::Value = serde_json::from_str(&operation_error(
            WebSocketProtocols::SubscriptionsTransportWS,
            "7",
            error(),
        ))
        .unwrap_or_default();
        assert_eq!(
            message["payload"]["extensions"]["code"], "QUERY_TOO_COMPLEX",
            "{message}"
        );
    }
}
