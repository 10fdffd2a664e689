//! HTTP transport: `/graphql` (POST, GET and the `graphql-transport-ws` WebSocket), `/graphiql`,
//! `/healthz`, `/readyz` and `/metrics`.
//!
//! Follows the GraphQL-over-HTTP spec: requests are `application/json`; responses are
//! `application/graphql-response+json` when the client accepts it (then a request that fails
//! before execution gets a 4xx) and `application/json` otherwise (then GraphQL errors are 200).
//! Mutations over GET are refused with 405; a bad token is 401 with `WWW-Authenticate`.
//!
//! Whatever the media type, a request that the database could not serve (unreachable, no free
//! connection) or that a shutdown cut short is 503 `SERVICE_UNAVAILABLE`, and one that ran out
//! of time is `TIMEOUT`: 408 when its body did not arrive within
//! `transport.body_read_timeout_secs`, 504 when its execution took longer than
//! `transport.request_timeout_secs` or a statement longer than the statement timeout. Each
//! request runs in a task of its own; when it times out, its client disconnects or the
//! shutdown grace is over, its SQL statements are cancelled before it is dropped. WebSocket
//! operations get the same bounds (`bounded`).
//! `/metrics` counts every `/graphql` response under its real status.

mod bounded;
mod media;
mod metrics;
mod serve;
pub mod websocket;

use std::sync::Arc;
use std::time::Duration;

use async_graphql::Request;
use async_graphql::parser::types::OperationType;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::auth::jwt::{JwtKeys, bearer};
use crate::auth::{Viewer, load_viewer};
use crate::config::{Limits, Transport};
use crate::db::{Db, PgPool};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::graphql::{KinerjaSchema, persisted, prepare};
use bounded::bounded;
use media::{
    JSON, MediaType, error_response, json_response, negotiate, not_acceptable, status_for,
    status_of,
};
pub use metrics::Metrics;
pub use serve::serve;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The GraphQL schema.
    pub schema: KinerjaSchema,
    /// The connection pool.
    pub pool: PgPool,
    /// Token verification keys (shared: the state is cloned for every request and socket).
    pub keys: Arc<JwtKeys>,
    /// The deployment's clock and calendar.
    pub time: crate::clock::Time,
    /// Request limits.
    pub limits: Limits,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// This instance's event hub.
    pub hub: Arc<crate::events::hub::Hub>,
    /// Open sockets per ASN, for the per-subject cap.
    pub sockets: Arc<websocket::SocketRegistry>,
    /// Flips to true when the server shuts down: it drains, `/readyz` answers 503 and sockets
    /// close cleanly.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    /// Connection, request and socket timeouts and caps.
    pub transport: Transport,
    /// Cancelled when the shutdown grace is over: requests and sockets still running stop.
    pub cancel: CancellationToken,
    /// Open WebSockets, so that a shutdown can wait for their close handshakes.
    pub open_sockets: TaskTracker,
    /// WebSockets still waiting for their `connection_init` (the instance-wide cap).
    pub unauthenticated: Arc<websocket::PendingSockets>,
}

impl AppState {
    /// Whether the server is shutting down.
    pub fn draining(&self) -> bool {
        *self.shutdown.borrow()
    }
}

/// The application router.
pub fn router(state: AppState) -> Router {
    let counted = middleware::from_fn_with_state(state.clone(), count_response);
    Router::new()
        .route(
            "/graphql",
            get(graphql_get).post(graphql_post).layer(counted),
        )
        .route("/graphiql", get(graphiql))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics::render))
        .with_state(state)
}

/// Counts each `/graphql` response under the status it is sent with (WebSocket upgrades are
/// sockets, not requests).
async fn count_response(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: Next,
) -> axum::response::Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::SWITCHING_PROTOCOLS {
        state.metrics.record(response.status());
    }
    response
}

/// Verifies the bearer token, if any, and loads the viewer through `db`.
pub async fn authenticate(
    keys: &JwtKeys,
    db: &Db,
    authorization: Option<&str>,
) -> AppResult<Option<Viewer>> {
    match authorization {
        Some(value) => authenticate_bearer(keys, db, value)
            .await
            .map(|(viewer, _)| Some(viewer)),
        None => Ok(None),
    }
}

/// Verifies a `Bearer <token>` value and loads the viewer; also returns the token's expiry
/// (seconds since the epoch).
pub async fn authenticate_bearer(keys: &JwtKeys, db: &Db, value: &str) -> AppResult<(Viewer, u64)> {
    let token = bearer(value).ok_or_else(|| {
        AppError::unauthenticated("the Authorization header must be `Bearer <token>`")
    })?;
    let claims = keys.verify(token)?;
    let mut conn = db.conn().await?;
    let viewer = load_viewer(&mut conn, &claims.sub).await?;
    Ok((viewer, claims.exp))
}

/// Authenticates, resolves a persisted query and executes `request` with the database handle
/// `db`.
async fn execute(
    state: AppState,
    headers: HeaderMap,
    media: MediaType,
    mut request: Request,
    over_get: bool,
    db: Db,
) -> axum::response::Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("invalid"));
    let viewer = match authenticate(&state.keys, &db, authorization).await {
        Ok(viewer) => viewer,
        Err(err) => {
            let status = status_for(&err, StatusCode::BAD_REQUEST);
            return error_response(status, media, err);
        }
    };
    let registrant = viewer.as_ref().map(|viewer| persisted::Registrant {
        asn: viewer.asn_id,
        at: state.time.now(),
        quota_bytes: state.limits.persisted_query_quota_bytes,
    });
    if let Err(err) = persisted::resolve(&db, &mut request, registrant).await {
        // Apollo clients read a missing persisted query from a 200 response and resend it.
        let status = status_for(&err, StatusCode::BAD_REQUEST);
        return error_response(status, media, err);
    }
    if over_get && would_run(&mut request, OperationType::Mutation) {
        let mut response = error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            media,
            AppError::bad_input("mutations must be sent with POST"),
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let response = state.schema.execute(prepare(request, db, viewer)).await;
    let status = status_of(media, &response);
    json_response(status, media, &response)
}

/// Runs a request in a task of its own, bounded by the request timeout (see [`bounded`]): when
/// it times out, when hyper drops this handler because the client went away, or when the
/// shutdown grace is over, its running statements are cancelled first and then the request is
/// dropped.
async fn run(
    state: AppState,
    headers: HeaderMap,
    media: MediaType,
    request: Request,
    over_get: bool,
) -> axum::response::Response {
    let db = Db::new(state.pool.clone());
    let limit = state.transport.request_timeout_secs;
    let cancel = state.cancel.child_token();
    let work = execute(state, headers, media, request, over_get, db.clone());
    match bounded(db, limit, cancel, work).await {
        Ok(response) => response,
        Err(cut) => error_response(
            status_for(&cut, StatusCode::INTERNAL_SERVER_ERROR),
            media,
            cut,
        ),
    }
}

async fn graphql_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> axum::response::Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let max = state.limits.max_body_bytes;
    let timeout = Duration::from_secs(state.transport.body_read_timeout_secs);
    let body = match read_body(&headers, body, max, timeout).await {
        Ok(body) => body,
        Err(err) => {
            let status = match err.code() {
                ErrorCode::QueryTooComplex => StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::Timeout => StatusCode::REQUEST_TIMEOUT,
                _ => StatusCode::BAD_REQUEST,
            };
            return error_response(status, media, err);
        }
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case(JSON) {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            AppError::bad_input("POST /graphql takes Content-Type: application/json"),
        );
    }
    let request: Request = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(err) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                media,
                AppError::bad_input(format!("the body is not a GraphQL request: {err}")),
            );
        }
    };
    run(state, headers, media, request, false).await
}

/// Reads a request body of at most `max` bytes within `timeout`; a larger one is
/// `QUERY_TOO_COMPLEX` with its declared length (or the first length past the limit when it
/// declares none), a slower one `TIMEOUT`.
async fn read_body(
    headers: &HeaderMap,
    body: Body,
    max: usize,
    timeout: Duration,
) -> AppResult<Bytes> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let too_large = |actual: usize| AppError::too_complex("body bytes", max, actual);
    if let Some(declared) = declared.filter(|&declared| declared > max) {
        return Err(too_large(declared));
    }
    let read = tokio::time::timeout(timeout, axum::body::to_bytes(body, max))
        .await
        .map_err(|_| AppError::timeout("body read", timeout.as_secs()))?;
    read.map_err(|err| {
        let over_limit = std::error::Error::source(&err)
            .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
        if over_limit {
            too_large(max + 1)
        } else {
            AppError::bad_input("the request body could not be read")
        }
    })
}

async fn graphql_get(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let (mut parts, _) = request.into_parts();
    if parts.headers.get(header::UPGRADE).is_some() {
        return websocket::upgrade(state, &mut parts).await;
    }
    let Some(media) = negotiate(&parts.headers) else {
        return not_acceptable();
    };
    let query = parts.uri.query().unwrap_or("");
    let request = match async_graphql::http::parse_query_string(query) {
        Ok(request) => request,
        Err(err) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                media,
                AppError::bad_input(format!("invalid GraphQL query parameters: {err}")),
            );
        }
    };
    run(state, parts.headers, media, request, true).await
}

/// Whether the operation a request would run is of type `ty` (without an operation name,
/// whether any of the document's is); unparsable documents are left to the executor, which
/// reports them.
fn would_run(request: &mut Request, ty: OperationType) -> bool {
    // A document too deeply nested to parse safely is left to the executor's guard, which
    // refuses it before anything parses it.
    if !crate::graphql::document_size::parses_safely(&request.query) {
        return false;
    }
    let wanted = request.operation_name.clone();
    let wanted = wanted.as_deref();
    // Parsed once: the document stays on the request for the executor.
    let Ok(document) = request.parsed_query() else {
        return false;
    };
    document.operations.iter().any(|(name, operation)| {
        let selected = match wanted {
            Some(wanted) => name.is_some_and(|n| n.as_str() == wanted),
            None => true,
        };
        selected && operation.node.ty == ty
    })
}

async fn graphiql() -> Html<String> {
    Html(
        async_graphql::http::GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql")
            .title("kinerja GraphiQL")
            .finish(),
    )
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.draining() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: shutting down\n",
        );
    }
    let db = Db::new(state.pool.clone());
    let check = async {
        use diesel_async::SimpleAsyncConnection;
        let mut conn = db.conn().await?;
        conn.batch_execute("SELECT 1").await?;
        AppResult::Ok(())
    };
    let database = matches!(
        tokio::time::timeout(std::time::Duration::from_secs(2), check).await,
        Ok(Ok(()))
    );
    match (database, state.hub.is_listening()) {
        (true, true) => (StatusCode::OK, "ready: database ok, event listener ok\n"),
        (false, _) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: database unreachable\n",
        ),
        (true, false) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: event listener down\n",
        ),
    }
}
