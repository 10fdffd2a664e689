//! The `graphql-transport-ws` WebSocket on `/graphql`.
//!
//! - `connection_init` must carry `{"authorization": "Bearer <JWT>"}`; a missing or invalid
//!   token closes the socket with 4403, an operation before the acknowledgement with 4401,
//!   an unreadable message with 4400 (as the protocol prescribes).
//! - The socket closes with 4401 when the token expires, and with 1001 when the server shuts
//!   down. The server pings every [`PING_EVERY`]; a socket silent for [`IDLE_TIMEOUT`] is closed.
//! - At most `limits.max_sockets_per_subject` sockets per ASN (a further `connection_init` is
//!   refused with 4403) and `limits.max_subscriptions_per_socket` subscriptions per socket.
//! - Each operation runs with its own database handle and loader; subscriptions' loaders cache
//!   nothing between events. Outgoing messages pass through a bounded queue, and a subscriber
//!   that falls behind the event hub is dropped rather than buffered without limit.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::{Data, Executor, Request, Response};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::FromRequestParts;
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::http::request::Parts;
use axum::response::IntoResponse;
use futures_util::stream::{BoxStream, StreamExt};
use futures_util::{SinkExt, future};

use super::{AppState, authenticate_bearer};
use crate::db::{Db, PgPool};
use crate::error::{AppError, AppResult};
use crate::graphql::loaders::Loaders;
use crate::graphql::{KinerjaSchema, prepare};
use crate::ids::AsnId;

/// Interval of server pings.
pub const PING_EVERY: Duration = Duration::from_secs(30);
/// A socket that sends nothing for this long is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// Outgoing messages queued per socket before the executor waits.
const OUTGOING_QUEUE: usize = 64;
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

/// Upgrades a GET `/graphql` to the WebSocket protocol.
pub async fn upgrade(state: AppState, parts: &mut Parts) -> axum::response::Response {
    let protocol = match GraphQLProtocol::from_request_parts(parts, &()).await {
        Ok(protocol) => protocol,
        Err(rejection) => return rejection.into_response(),
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(parts, &()).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    upgrade
        .read_buffer_size(READ_BUFFER)
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(state, protocol, socket))
}

/// What the socket learned at `connection_init`.
#[derive(Debug, Clone, Copy)]
struct Session {
    asn: AsnId,
    expires_at: u64,
}

async fn serve(state: AppState, protocol: GraphQLProtocol, socket: axum::extract::ws::WebSocket) {
    let (mut socket_sink, stream) = socket.split();
    let (outgoing, mut queue) = futures_channel::mpsc::channel::<Message>(OUTGOING_QUEUE);
    let (session_tx, mut session_rx) = tokio::sync::watch::channel(None::<Session>);
    let rejected = Arc::new(AtomicBool::new(false));

    // The writer owns the socket's sending half: executor messages, pings, expiry, shutdown.
    // Its timers and watches live across iterations, so a message costs no re-registration.
    let mut shutdown = state.shutdown.clone();
    let close_codes = rejected.clone();
    let writer = tokio::spawn(async move {
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.tick().await;
        // Armed once `connection_init` is accepted: the token's expiry closes the socket.
        let expiry = tokio::time::sleep(Duration::MAX);
        tokio::pin!(expiry);
        let mut expiry_armed = false;
        let mut awaiting_session = true;
        let stopping = async move {
            if shutdown.changed().await.is_err() {
                // The server keeps no shutdown switch (tests): never fires.
                future::pending::<()>().await;
            }
        };
        tokio::pin!(stopping);
        loop {
            let close = tokio::select! {
                message = queue.next() => match message {
                    Some(Message::Close(Some(frame))) => Some(CloseFrame {
                        code: protocol_close_code(frame.code, close_codes.load(Ordering::SeqCst)),
                        reason: frame.reason,
                    }),
                    Some(message) => {
                        if socket_sink.send(message).await.is_err() {
                            return;
                        }
                        None
                    }
                    None => return,
                },
                _ = ping.tick() => {
                    if socket_sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                        return;
                    }
                    None
                }
                () = &mut expiry, if expiry_armed => {
                    Some(CloseFrame { code: 4401, reason: "token expired".into() })
                }
                () = &mut stopping => {
                    Some(CloseFrame { code: 1001, reason: "server shutting down".into() })
                }
                changed = session_rx.changed(), if awaiting_session => {
                    match changed {
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
                    }
                    None
                }
            };
            if let Some(frame) = close {
                let _ = socket_sink.send(Message::Close(Some(frame))).await;
                let _ = socket_sink.close().await;
                return;
            }
        }
    });

    let executor = PerOperation {
        schema: state.schema.clone(),
        pool: state.pool.clone(),
    };
    let init_state = state.clone();
    let sink = outgoing.sink_map_err(|_| axum::Error::new("socket closed"));
    let graphql = GraphQLWebSocket::new_with_pair(sink, stream, executor, protocol)
        .on_connection_init(move |payload| async move {
            let result = init(&init_state, payload).await;
            match &result {
                Ok((_, session)) => {
                    let _ = session_tx.send(Some(*session));
                }
                Err(_) => rejected.store(true, Ordering::SeqCst),
            }
            result.map(|(data, _)| data)
        })
        .keepalive_timeout(IDLE_TIMEOUT)
        .serve();
    let mut writer = writer;
    tokio::select! {
        // The executor is done (and its queue closed): let the writer flush the close frame.
        _ = graphql => {
            let _ = tokio::time::timeout(Duration::from_secs(5), &mut writer).await;
        }
        _ = &mut writer => {}
    }
    writer.abort();
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
