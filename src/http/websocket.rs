//! The `graphql-transport-ws` WebSocket on `/graphql`.
//!
//! - `connection_init` must carry `{"authorization": "Bearer <JWT>"}`; a missing or invalid
//!   token closes the socket with 4403, an operation before the acknowledgement with 4401,
//!   an unreadable message with 4400 (as the protocol prescribes).
//! - The socket closes with 4401 when the token expires, and with 1001 when the server shuts
//!   down (it is dropped when the shutdown grace is over; while the server drains, upgrades are
//!   answered 503 `SERVICE_UNAVAILABLE`). The server pings every `limits.ws_ping_secs`; a
//!   socket that sends nothing, not even a pong, for `limits.ws_idle_secs` is closed with 3008.
//! - At most `limits.max_sockets_per_subject` sockets per ASN (a further `connection_init` is
//!   refused with 4403) and `limits.max_subscriptions_per_socket` subscriptions per socket.
//! - Each operation runs with its own database handle and loader; subscriptions' loaders cache
//!   nothing between events. One task per socket reads and writes it (no queue between
//!   them); a subscriber that falls behind the event hub is dropped rather than buffered
//!   without limit.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_graphql::http::{WebSocketProtocols, WsMessage};
use async_graphql::{Data, Executor, Request, Response};
use axum::extract::FromRequestParts;
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use futures_util::stream::{BoxStream, StreamExt};
use futures_util::{SinkExt, future};

use super::{AppState, authenticate_bearer};
use crate::db::{Db, PgPool};
use crate::error::{AppError, AppResult};
use crate::graphql::loaders::Loaders;
use crate::graphql::{KinerjaSchema, prepare};
use crate::ids::AsnId;

/// How long a closing socket may take to send its close frame.
const CLOSE_GRACE: Duration = Duration::from_secs(5);
/// Read buffer of a socket. The WebSocket codec zero-fills its read buffer before each read, so
/// the default of 128 KiB would be resident for every idle socket (and cost a memset of it on
/// every wake-up); client messages are small, and a larger one is still read whole (the buffer
/// grows for it).
const READ_BUFFER: usize = 1024;

/// Open sockets per ASN.
#[derive(Debug, Default)]
pub struct SocketRegistry(Mutex<HashMap<AsnId, usize>>);

impl SocketRegistry {
    /// Takes a slot for `asn`, if fewer than `max` are taken.
    fn acquire(&self, asn: AsnId, max: usize) -> bool {
        let Ok(mut open) = self.0.lock() else {
            return false;
        };
        let count = open.entry(asn).or_default();
        if *count >= max {
            return false;
        }
        *count += 1;
        true
    }

    /// Frees a slot of `asn`.
    fn release(&self, asn: AsnId) {
        if let Ok(mut open) = self.0.lock()
            && let Some(count) = open.get_mut(&asn)
        {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&asn);
            }
        }
    }
}

/// The subscription budget of one socket, in its session data.
#[derive(Debug, Clone)]
pub struct SubscriptionBudget {
    taken: Arc<AtomicUsize>,
    max: usize,
}

/// Held by a running subscription; frees its slot when the subscription ends.
pub struct SubscriptionSlot(Arc<AtomicUsize>);

impl SubscriptionBudget {
    /// A budget of `max` subscriptions.
    pub fn new(max: usize) -> Self {
        Self {
            taken: Arc::default(),
            max,
        }
    }

    /// Takes a slot, or refuses beyond the maximum.
    pub fn acquire(&self) -> AppResult<SubscriptionSlot> {
        let taken = self.taken.fetch_add(1, Ordering::SeqCst);
        if taken >= self.max {
            self.taken.fetch_sub(1, Ordering::SeqCst);
            return Err(AppError::too_complex(
                "subscriptions per socket",
                self.max,
                taken + 1,
            ));
        }
        Ok(SubscriptionSlot(self.taken.clone()))
    }
}

impl Drop for SubscriptionSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs each WebSocket operation with its own database handle and loader.
#[derive(Clone)]
struct PerOperation {
    schema: KinerjaSchema,
    pool: PgPool,
}

impl Executor for PerOperation {
    async fn execute(&self, request: Request) -> Response {
        let db = Db::new(self.pool.clone());
        self.schema.execute(prepare(request, db, None)).await
    }

    fn execute_stream(
        &self,
        request: Request,
        session: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let db = Db::new(self.pool.clone());
        let request = prepare(request, db, None);
        if let Some(loaders) = request
            .data
            .get(&std::any::TypeId::of::<Loaders>())
            .and_then(|l| l.downcast_ref::<Loaders>())
        {
            loaders.enable_all_cache(false);
        }
        match session {
            Some(session) => self
                .schema
                .execute_stream_with_session_data(request, session),
            None => self.schema.execute_stream(request),
        }
    }
}

/// Upgrades a GET `/graphql` to the WebSocket protocol, unless the server is draining (503
/// `SERVICE_UNAVAILABLE`).
pub async fn upgrade(state: AppState, parts: &mut Parts) -> axum::response::Response {
    if state.draining() {
        return super::error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            super::MediaType::Json,
            AppError::unavailable("the server is shutting down; reconnect to another instance"),
        );
    }
    let Some(protocol) = negotiate(parts) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(parts, &()).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let open = state.open_sockets.token();
    upgrade
        .read_buffer_size(READ_BUFFER)
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let cancel = state.cancel.clone();
            cancel
                .run_until_cancelled(serve(state, protocol, socket))
                .await;
            drop(open);
        })
}

/// The GraphQL sub-protocol the client offers first among those the server speaks.
fn negotiate(parts: &Parts) -> Option<WebSocketProtocols> {
    parts
        .headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)?
        .to_str()
        .ok()?
        .split(',')
        .find_map(|offered| WebSocketProtocols::from_str(offered.trim()).ok())
}

/// What the socket learned at `connection_init`.
#[derive(Debug, Clone, Copy)]
struct Session {
    asn: AsnId,
    expires_at: u64,
}

/// When the client was last heard from, as milliseconds since the socket opened. Every frame
/// counts, WebSocket pongs to the server's pings included.
#[derive(Debug, Clone)]
struct LastHeard {
    opened: Instant,
    at_ms: Arc<AtomicU64>,
}

impl LastHeard {
    fn new() -> Self {
        Self {
            opened: Instant::now(),
            at_ms: Arc::default(),
        }
    }

    fn touch(&self) {
        let now = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.at_ms.store(now, Ordering::Relaxed);
    }

    fn silent_for(&self) -> Duration {
        self.opened
            .elapsed()
            .saturating_sub(Duration::from_millis(self.at_ms.load(Ordering::Relaxed)))
    }
}

/// One task per socket: it reads client frames through the protocol state machine and writes
/// its answers, pings, and the close frame of an expiry, an idle timeout or a shutdown.
async fn serve(
    state: AppState,
    protocol: WebSocketProtocols,
    socket: axum::extract::ws::WebSocket,
) {
    let (mut sink, mut incoming) = socket.split();
    let (session_tx, mut session_rx) = tokio::sync::watch::channel(None::<Session>);
    let rejected = Arc::new(AtomicBool::new(false));
    let heard = LastHeard::new();

    // The protocol runs until the client leaves (None) or the server closes the socket.
    let close = {
        let input = {
            let heard = heard.clone();
            // Borrowed, so that the closing handshake can read the client's close frame after the
            // protocol is done with the socket.
            (&mut incoming)
                .take_while(|frame| future::ready(frame.is_ok()))
                .filter_map(move |frame| {
                    heard.touch();
                    future::ready(match frame {
                        Ok(frame @ (Message::Text(_) | Message::Binary(_))) => {
                            Some(frame.into_data())
                        }
                        _ => None,
                    })
                })
        };
        let executor = PerOperation {
            schema: state.schema.clone(),
            pool: state.pool.clone(),
        };
        let init_state = state.clone();
        let init_rejected = rejected.clone();
        let graphql = async_graphql::http::WebSocket::new(executor, input, protocol)
            .on_connection_init(move |payload| async move {
                let result = init(&init_state, payload).await;
                match &result {
                    Ok((_, session)) => {
                        let _ = session_tx.send(Some(*session));
                    }
                    Err(_) => init_rejected.store(true, Ordering::SeqCst),
                }
                result.map(|(data, _)| data)
            });
        tokio::pin!(graphql);

        let idle_timeout = Duration::from_secs(state.limits.ws_idle_secs);
        let mut ping = tokio::time::interval(Duration::from_secs(state.limits.ws_ping_secs.max(1)));
        ping.tick().await;
        // Armed once `connection_init` is accepted: the token's expiry closes the socket.
        let expiry = tokio::time::sleep(Duration::MAX);
        tokio::pin!(expiry);
        let mut expiry_armed = false;
        let mut awaiting_session = true;
        let mut shutdown = state.shutdown.clone();
        let stopping = async move {
            if shutdown.changed().await.is_err() {
                // The server keeps no shutdown switch (tests): never fires.
                future::pending::<()>().await;
            }
        };
        tokio::pin!(stopping);

        loop {
            tokio::select! {
                message = graphql.next() => match message {
                    Some(WsMessage::Text(text)) => {
                        if sink.send(Message::Text(text.into())).await.is_err() {
                            break None;
                        }
                    }
                    Some(WsMessage::Close(code, reason)) => {
                        break Some(CloseFrame {
                            code: protocol_close_code(code, rejected.load(Ordering::SeqCst)),
                            reason: reason.into(),
                        });
                    }
                    // The client closed its side.
                    None => return,
                },
                _ = ping.tick() => {
                    if heard.silent_for() >= idle_timeout {
                        break Some(CloseFrame { code: 3008, reason: "idle timeout".into() });
                    }
                    if sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                        break None;
                    }
                }
                () = &mut expiry, if expiry_armed => {
                    break Some(CloseFrame { code: 4401, reason: "token expired".into() });
                }
                () = &mut stopping => {
                    break Some(CloseFrame { code: 1001, reason: "server shutting down".into() });
                }
                changed = session_rx.changed(), if awaiting_session => match changed {
                    Ok(()) => {
                        let expires_at = session_rx.borrow().map(|s| s.expires_at);
                        if let Some(exp) = expires_at {
                            let left = exp.saturating_sub(crate::auth::jwt::now_secs());
                            if let Some(at) =
                                tokio::time::Instant::now().checked_add(Duration::from_secs(left))
                            {
                                expiry.as_mut().reset(at);
                                expiry_armed = true;
                            }
                        }
                    }
                    // Initialised (or never will be): the expiry above is final.
                    Err(_) => awaiting_session = false,
                },
            }
        }
    };
    let Some(close) = close else {
        return;
    };
    // The closing handshake: send the close frame and wait for the client's.
    let _ = tokio::time::timeout(CLOSE_GRACE, async {
        if sink.send(Message::Close(Some(close))).await.is_ok() {
            while let Some(Ok(frame)) = incoming.next().await {
                if matches!(frame, Message::Close(_)) {
                    break;
                }
            }
        }
        let _ = sink.close().await;
    })
    .await;
}

/// Maps a close code of the executor to the one graphql-transport-ws prescribes.
fn protocol_close_code(code: u16, init_rejected: bool) -> u16 {
    match code {
        // A refused connection_init is Forbidden …
        1002 if init_rejected => 4403,
        // … any other unreadable message is an invalid message …
        1002 => 4400,
        // … and an operation before the acknowledgement is Unauthorized.
        1011 => 4401,
        other => other,
    }
}

/// Authenticates a `connection_init` payload and takes a socket slot for the ASN.
async fn init(
    state: &AppState,
    payload: serde_json::Value,
) -> async_graphql::Result<(Data, Session)> {
    let authorization = payload
        .get("authorization")
        .or_else(|| payload.get("Authorization"))
        .and_then(|v| v.as_str());
    let Some(authorization) = authorization else {
        return Err(
            AppError::unauthenticated("connection_init must carry an authorization").into(),
        );
    };
    let db = Db::new(state.pool.clone());
    let (viewer, expires_at) = authenticate_bearer(&state.keys, &db, authorization).await?;
    let max_sockets = state.limits.max_sockets_per_subject;
    if !state.sockets.acquire(viewer.asn_id, max_sockets) {
        return Err(
            AppError::too_complex("sockets per subject", max_sockets, max_sockets + 1).into(),
        );
    }
    let session = Session {
        asn: viewer.asn_id,
        expires_at,
    };
    let mut data = Data::default();
    data.insert(viewer);
    data.insert(SubscriptionBudget::new(
        state.limits.max_subscriptions_per_socket,
    ));
    data.insert(SocketSlot {
        registry: state.sockets.clone(),
        asn: session.asn,
    });
    Ok((data, session))
}

/// Frees the ASN's socket slot when the socket's session data is dropped.
struct SocketSlot {
    registry: Arc<SocketRegistry>,
    asn: AsnId,
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        self.registry.release(self.asn);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_codes_follow_graphql_transport_ws() {
        assert_eq!(protocol_close_code(1002, true), 4403);
        assert_eq!(protocol_close_code(1002, false), 4400);
        assert_eq!(protocol_close_code(1011, false), 4401);
        assert_eq!(protocol_close_code(4429, false), 4429);
    }

    #[test]
    fn budgets_cap_and_release() {
        let budget = SubscriptionBudget::new(3);
        let slots: Vec<_> = (0..3).map(|_| budget.acquire().unwrap()).collect();
        assert!(budget.acquire().is_err());
        drop(slots);
        assert!(budget.acquire().is_ok());

        let registry = SocketRegistry::default();
        for _ in 0..2 {
            assert!(registry.acquire(AsnId(1), 2));
        }
        assert!(!registry.acquire(AsnId(1), 2));
        assert!(registry.acquire(AsnId(2), 2));
        registry.release(AsnId(1));
        assert!(registry.acquire(AsnId(1), 2));
    }
}
