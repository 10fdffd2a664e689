//! The `graphql-transport-ws` WebSocket on `/graphql`.
//!
//! - `connection_init` must carry `{"authorization": "Bearer <JWT>"}`; a missing or invalid
//!   token closes the socket with 4403, an operation before the acknowledgement with 4401,
//!   an unreadable message with 4400, a `subscribe` whose id is still running with 4409 and no
//!   accepted `connection_init` within `transport.ws_init_timeout_secs` with 4408 (as the
//!   protocol prescribes). A `connection_init` the database cannot check (it is unreachable)
//!   closes with 1013 (Try Again Later).
//! - Before `connection_init` is accepted a message may have at most
//!   `transport.ws_init_max_bytes`, afterwards `limits.max_body_bytes` (a frame announcing more
//!   is refused from its header); a larger one closes the socket with 1009. At most
//!   `transport.max_unauthenticated_sockets` sockets of the instance may wait for their
//!   `connection_init`; further upgrades, and upgrades while the server drains, are answered
//!   503 `SERVICE_UNAVAILABLE`. Close reasons are cut to the 123 bytes a close frame holds.
//! - The socket closes with 4401 when the token expires (at `exp` plus the leeway the token
//!   was accepted with), and with 1001 when the server shuts down (it is dropped when the
//!   shutdown grace is over). The server pings every `limits.ws_ping_secs`; a socket that
//!   sends nothing, not even a pong, for `limits.ws_idle_secs` is closed with 3008.
//! - At most `limits.max_sockets_per_subject` sockets per ASN (a further `connection_init` is
//!   refused with 4403), `limits.max_subscriptions_per_socket` subscriptions per socket and
//!   `limits.max_operations_per_socket` operations running at once on a socket (subscriptions,
//!   queries and mutations): a `subscribe` beyond it is answered with an `error` message
//!   carrying `QUERY_TOO_COMPLEX` (`measure: operations per socket`) and never starts.
//! - Each operation runs with its own database handle and loader; subscriptions' loaders cache
//!   nothing between events. A query or mutation may run for `transport.request_timeout_secs`
//!   (then its answer is a `next` with `TIMEOUT`), and every operation that is dropped early
//!   (the client completes it, the socket closes, the shutdown grace is over) has its running
//!   statements cancelled first, as an HTTP request does. One task per socket reads and writes
//!   it (no queue between them); a subscriber that falls behind the event hub is dropped
//!   rather than buffered without limit.

use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_graphql::http::{ClientMessage, WebSocketProtocols, WsMessage};
use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, Request, Response};
use axum::extract::FromRequestParts;
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use futures_util::stream::{BoxStream, StreamExt};
use futures_util::{SinkExt, future};
use tokio_util::sync::CancellationToken;

mod caps;
mod protocol;

pub use caps::{PendingSlot, PendingSockets, SocketRegistry};

use super::bounded::{CancelOnDrop, bounded};
use super::{AppState, authenticate_bearer};
use crate::auth::jwt::LEEWAY_SECS;
use crate::db::{Db, PgPool};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::graphql::loaders::Loaders;
use crate::graphql::{KinerjaSchema, prepare};
use crate::ids::AsnId;
use crate::live::budget::SubscriptionBudget;
use caps::SocketSlot;
use protocol::{
    Admission, Ledger, close_frame, completed_id, operation_error, protocol_close_code,
    read_error_close,
};

/// How long a closing socket may take to send its close frame.
const CLOSE_GRACE: Duration = Duration::from_secs(5);
/// Read buffer of a socket. The WebSocket codec zero-fills its read buffer before each read, so
/// the default of 128 KiB would be resident for every idle socket (and cost a memset of it on
/// every wake-up); client messages are small, and a larger one is still read whole (the buffer
/// grows for it).
const READ_BUFFER: usize = 1024;

/// Runs each WebSocket operation with its own database handle and loader, under the same
/// bounds as an HTTP request (see [`super::bounded`]): a query or mutation gets the request
/// timeout, and the statements of any operation are cancelled before it is dropped (its socket
/// closed, the client completed it, the shutdown grace is over).
#[derive(Clone)]
struct PerOperation {
    schema: KinerjaSchema,
    pool: PgPool,
    /// Seconds a query or mutation may run.
    request_timeout_secs: u64,
    /// Fires when the shutdown grace is over.
    cancel: CancellationToken,
}

impl PerOperation {
    /// The one response of `work` (a query or mutation using `db`), or its `TIMEOUT`,
    /// `SERVICE_UNAVAILABLE` or `INTERNAL` when it is cut short.
    async fn once(
        &self,
        db: Db,
        work: impl Future<Output = Option<Response>> + Send + 'static,
    ) -> Response {
        let cancel = self.cancel.child_token();
        match bounded(db, self.request_timeout_secs, cancel, work).await {
            Ok(Some(response)) => response,
            Ok(None) => Response::from_errors(vec![
                AppError::internal("an operation ended without a response").into_server_error(),
            ]),
            Err(cut) => Response::from_errors(vec![cut.into_server_error()]),
        }
    }
}

impl Executor for PerOperation {
    async fn execute(&self, request: Request) -> Response {
        let db = Db::new(self.pool.clone());
        let schema = self.schema.clone();
        let request = prepare(request, db.clone(), None);
        self.once(db, async move { Some(schema.execute(request).await) })
            .await
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let subscription = super::would_run(&mut request, OperationType::Subscription);
        let db = Db::new(self.pool.clone());
        let request = prepare(request, db.clone(), None);
        if let Some(loaders) = request
            .data
            .get(&std::any::TypeId::of::<Loaders>())
            .and_then(|l| l.downcast_ref::<Loaders>())
        {
            loaders.enable_all_cache(false);
        }
        let mut responses = match session {
            Some(session) => self
                .schema
                .execute_stream_with_session_data(request, session),
            None => self.schema.execute_stream(request),
        };
        if subscription {
            return CancelOnDrop::new(db, responses).boxed();
        }
        // A query or mutation (or a document the executor refuses): one response.
        let this = self.clone();
        futures_util::stream::once(async move {
            this.once(db, async move { responses.next().await }).await
        })
        .boxed()
    }
}

/// Upgrades a GET `/graphql` to the WebSocket protocol, unless the server is draining or as many
/// sockets as allowed are waiting for their `connection_init` (503 `SERVICE_UNAVAILABLE`).
pub async fn upgrade(state: AppState, parts: &mut Parts) -> axum::response::Response {
    let unavailable = |message: &str| {
        super::error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            super::MediaType::Json,
            AppError::unavailable(message),
        )
    };
    if state.draining() {
        return unavailable("the server is shutting down; reconnect to another instance");
    }
    let Some(protocol) = negotiate(parts) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(parts, &()).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let max_pending = state.transport.max_unauthenticated_sockets;
    let Some(pending) = state.unauthenticated.acquire(max_pending) else {
        return unavailable("too many sockets are waiting for their connection_init; retry later");
    };
    let open = state.open_sockets.token();
    let max_message = state.limits.max_body_bytes;
    upgrade
        .read_buffer_size(READ_BUFFER)
        .max_message_size(max_message)
        .max_frame_size(max_message)
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let cancel = state.cancel.clone();
            cancel
                .run_until_cancelled(serve(state, protocol, socket, pending))
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

/// What the reading side of a socket admits.
#[derive(Debug, Clone, Copy)]
struct MessageLimits {
    /// Largest message before `connection_init` is accepted.
    init_max_bytes: usize,
    /// Operations running at once.
    max_operations: usize,
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
/// its answers, pings, and the close frame of an expiry, an idle timeout, a violation or a
/// shutdown.
async fn serve(
    state: AppState,
    protocol: WebSocketProtocols,
    socket: axum::extract::ws::WebSocket,
    pending: PendingSlot,
) {
    let (mut sink, mut incoming) = socket.split();
    let (session_tx, mut session_rx) = tokio::sync::watch::channel(None::<Session>);
    let ledger = Arc::new(Ledger::default());
    let heard = LastHeard::new();
    let mut pending = Some(pending);

    // The protocol runs until the client leaves (None) or the server closes the socket.
    let close = {
        let max_operations = state.limits.max_operations_per_socket;
        let (refusals_tx, mut refusals) = tokio::sync::mpsc::channel(1);
        // Borrowed, so that the closing handshake can read the client's close frame after the
        // protocol is done with the socket.
        let input = client_messages(
            &mut incoming,
            ledger.clone(),
            heard.clone(),
            MessageLimits {
                init_max_bytes: state.transport.ws_init_max_bytes,
                max_operations,
            },
            refusals_tx,
        );
        let executor = PerOperation {
            schema: state.schema.clone(),
            pool: state.pool.clone(),
            request_timeout_secs: state.transport.request_timeout_secs,
            cancel: state.cancel.clone(),
        };
        let init_state = state.clone();
        let init_ledger = ledger.clone();
        let graphql =
            async_graphql::http::WebSocket::from_message_stream(executor, input, protocol)
                .on_connection_init(move |payload| async move {
                    match init(&init_state, payload).await {
                        Ok((data, session)) => {
                            init_ledger.initialised.store(true, Ordering::SeqCst);
                            let _ = session_tx.send(Some(session));
                            Ok(data)
                        }
                        Err(err) => {
                            let code = match err.code() {
                                ErrorCode::ServiceUnavailable | ErrorCode::Timeout => 1013,
                                _ => 4403,
                            };
                            if let Ok(mut refusal) = init_ledger.init_refusal.lock() {
                                *refusal = Some(code);
                            }
                            Err(err.into())
                        }
                    }
                });
        tokio::pin!(graphql);

        let idle_timeout = Duration::from_secs(state.limits.ws_idle_secs);
        let mut ping = tokio::time::interval(Duration::from_secs(state.limits.ws_ping_secs.max(1)));
        ping.tick().await;
        // Closes the socket unless `connection_init` is accepted in time.
        let init_deadline =
            tokio::time::sleep(Duration::from_secs(state.transport.ws_init_timeout_secs));
        tokio::pin!(init_deadline);
        // Armed once `connection_init` is accepted: the token's expiry closes the socket.
        let expiry = tokio::time::sleep(Duration::MAX);
        tokio::pin!(expiry);
        let mut expiry_armed = false;
        let mut awaiting_session = true;
        let mut shutdown = state.shutdown.clone();
        let stopping = async move {
            if shutdown.wait_for(|stopping| *stopping).await.is_err() {
                // The server keeps no shutdown switch (tests): never fires.
                future::pending::<()>().await;
            }
        };
        tokio::pin!(stopping);

        loop {
            tokio::select! {
                message = graphql.next() => match message {
                    Some(WsMessage::Text(text)) => {
                        if let Some(id) = completed_id(&text) {
                            ledger.server_completed(&id);
                        }
                        if sink.send(Message::Text(text.into())).await.is_err() {
                            break None;
                        }
                    }
                    Some(WsMessage::Close(code, reason)) => {
                        let refusal = ledger.init_refusal.lock().ok().and_then(|r| *r);
                        break Some(close_frame(protocol_close_code(code, refusal), reason));
                    }
                    // The input ended: a violation, or the client closed its side.
                    None => match ledger.take_violation() {
                        Some(violation) => break Some(violation),
                        None => return,
                    },
                },
                Some(refusal) = refusals.recv() => {
                    let error = AppError::too_complex(
                        "operations per socket",
                        max_operations,
                        refusal.actual,
                    );
                    let text = operation_error(protocol, &refusal.id, error.into_server_error());
                    if sink.send(Message::Text(text.into())).await.is_err() {
                        break None;
                    }
                }
                _ = ping.tick() => {
                    if heard.silent_for() >= idle_timeout {
                        break Some(close_frame(3008, "idle timeout"));
                    }
                    if sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                        break None;
                    }
                }
                () = &mut init_deadline, if awaiting_session => {
                    break Some(close_frame(4408, "Connection initialisation timeout"));
                }
                () = &mut expiry, if expiry_armed => {
                    break Some(close_frame(4401, "token expired"));
                }
                () = &mut stopping => {
                    break Some(close_frame(1001, "server shutting down"));
                }
                changed = session_rx.changed(), if awaiting_session => match changed {
                    Ok(()) => {
                        let expires_at = session_rx.borrow().map(|s| s.expires_at);
                        if let Some(exp) = expires_at {
                            // Initialised: no longer counts against the pending cap.
                            pending = None;
                            awaiting_session = false;
                            // The token stays valid for the leeway past its `exp`, as
                            // `connection_init` accepted it.
                            let left = exp
                                .saturating_add(LEEWAY_SECS)
                                .saturating_sub(state.keys.now_secs());
                            if let Some(at) =
                                tokio::time::Instant::now().checked_add(Duration::from_secs(left))
                            {
                                expiry.as_mut().reset(at);
                                expiry_armed = true;
                            }
                        }
                    }
                    // Never initialised (the init was refused): the protocol closes the socket.
                    Err(_) => awaiting_session = false,
                },
            }
        }
    };
    drop(pending);
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

/// A `subscribe` refused because the socket runs as many operations as it may.
struct Refusal {
    id: String,
    /// The operations the socket would run with it.
    actual: usize,
}

/// The client's protocol messages. Every frame counts as a sign of life. The input ends (with
/// the violation recorded in `ledger`) at a read error, at a message over `init_max_bytes`
/// before the socket is initialised (1009), or at a `subscribe` whose id is still running
/// (4409, as graphql-transport-ws prescribes). A `subscribe` while `max_operations` run is
/// not passed on: it goes to `refusals`, for the protocol loop to answer with an `error`
/// message, and reading waits while a refusal is unanswered, so that a flood of them is held
/// by the socket rather than in memory.
fn client_messages<'a>(
    incoming: &'a mut futures_util::stream::SplitStream<axum::extract::ws::WebSocket>,
    ledger: Arc<Ledger>,
    heard: LastHeard,
    limits: MessageLimits,
    refusals: tokio::sync::mpsc::Sender<Refusal>,
) -> impl futures_util::Stream<Item = serde_json::Result<ClientMessage>> + Send + 'a {
    let MessageLimits {
        init_max_bytes,
        max_operations,
    } = limits;
    async_stream::stream! {
        while let Some(frame) = incoming.next().await {
            heard.touch();
            let data = match frame {
                Ok(frame @ (Message::Text(_) | Message::Binary(_))) => frame.into_data(),
                Ok(_) => continue,
                Err(err) => {
                    if let Some(close) = read_error_close(err) {
                        ledger.violate(close.code, close.reason.to_string());
                    }
                    break;
                }
            };
            if !ledger.initialised.load(Ordering::SeqCst) && data.len() > init_max_bytes {
                ledger.violate(1009, format!(
                    "messages before connection_init may have at most {init_max_bytes} bytes"
                ));
                break;
            }
            let message = serde_json::from_slice::<ClientMessage>(&data);
            match &message {
                Ok(ClientMessage::Start { id, .. }) => match ledger.subscribe(id, max_operations) {
                    Admission::Admitted => {}
                    Admission::Duplicate => {
                        ledger.violate(4409, format!("Subscriber for {id} already exists"));
                        break;
                    }
                    Admission::OverCap { running } => {
                        let refusal = Refusal { id: id.clone(), actual: running + 1 };
                        if refusals.send(refusal).await.is_err() {
                            break;
                        }
                        continue;
                    }
                },
                Ok(ClientMessage::Stop { id }) => ledger.client_completed(id),
                _ => {}
            }
            yield message;
        }
    }
}

/// Authenticates a `connection_init` payload and takes a socket slot for the ASN.
async fn init(state: &AppState, payload: serde_json::Value) -> AppResult<(Data, Session)> {
    let authorization = payload
        .get("authorization")
        .or_else(|| payload.get("Authorization"))
        .and_then(|v| v.as_str());
    let Some(authorization) = authorization else {
        return Err(AppError::unauthenticated(
            "connection_init must carry an authorization",
        ));
    };
    let db = Db::new(state.pool.clone());
    let (viewer, expires_at) = authenticate_bearer(&state.keys, &db, authorization).await?;
    let max_sockets = state.limits.max_sockets_per_subject;
    if !state.sockets.acquire(viewer.asn_id, max_sockets) {
        return Err(AppError::too_complex(
            "sockets per subject",
            max_sockets,
            max_sockets + 1,
        ));
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
