//! The `graphql-transport-ws` WebSocket on `/graphql`.
//!
//! `connection_init` must carry `{"authorization": "Bearer <JWT>"}`; a missing or invalid token
//! closes the socket with 4403 (Forbidden), as the protocol prescribes. Each operation runs
//! with fresh database handles and loaders, like an HTTP request.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_graphql::{Data, Executor, Request, Response};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::FromRequestParts;
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::http::request::Parts;
use axum::response::IntoResponse;
use futures_util::stream::{BoxStream, StreamExt};
use futures_util::{SinkExt, future};

use super::{AppState, authenticate};
use crate::db::Db;
use crate::error::AppError;
use crate::graphql::{KinerjaSchema, prepare};

/// Runs each WebSocket operation with its own database handle and loaders.
#[derive(Clone)]
struct PerOperation {
    schema: KinerjaSchema,
    state: AppState,
}

impl Executor for PerOperation {
    async fn execute(&self, request: Request) -> Response {
        let db = Db::new(self.state.pool.clone());
        self.schema.execute(prepare(request, db, None)).await
    }

    fn execute_stream(
        &self,
        request: Request,
        session: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let db = Db::new(self.state.pool.clone());
        let request = prepare(request, db, None);
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
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(state, protocol, socket))
}

async fn serve(state: AppState, protocol: GraphQLProtocol, socket: axum::extract::ws::WebSocket) {
    let (sink, stream) = socket.split();
    let rejected = Arc::new(AtomicBool::new(false));
    let close_codes = rejected.clone();
    // async-graphql closes with generic codes; graphql-transport-ws prescribes specific ones.
    let sink = sink.with(move |message: Message| {
        future::ready(Ok::<_, axum::Error>(match message {
            Message::Close(Some(frame)) => Message::Close(Some(CloseFrame {
                code: protocol_close_code(frame.code, close_codes.load(Ordering::SeqCst)),
                reason: frame.reason,
            })),
            other => other,
        }))
    });
    let executor = PerOperation {
        schema: state.schema.clone(),
        state: state.clone(),
    };
    GraphQLWebSocket::new_with_pair(sink, stream, executor, protocol)
        .on_connection_init(move |payload| async move {
            let result = init(&state, payload).await;
            if result.is_err() {
                rejected.store(true, Ordering::SeqCst);
            }
            result
        })
        .keepalive_timeout(std::time::Duration::from_secs(60))
        .serve()
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

/// Authenticates a `connection_init` payload.
async fn init(state: &AppState, payload: serde_json::Value) -> async_graphql::Result<Data> {
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
    let viewer = authenticate(&state.keys, &db, Some(authorization))
        .await?
        .ok_or_else(|| AppError::unauthenticated("a valid bearer token is required"))?;
    let mut data = Data::default();
    data.insert(viewer);
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::protocol_close_code;

    #[test]
    fn close_codes_follow_graphql_transport_ws() {
        assert_eq!(protocol_close_code(1002, true), 4403);
        assert_eq!(protocol_close_code(1002, false), 4400);
        assert_eq!(protocol_close_code(1011, false), 4401);
        assert_eq!(protocol_close_code(4429, false), 4429);
    }
}
