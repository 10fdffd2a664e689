//! The HTTP/1 server loop shared by `kinerja serve` and the tests.
//!
//! - A connection must send the headers of each request within
//!   `transport.header_read_timeout_secs` (also the longest idle time between requests);
//!   hyper closes it otherwise (a client that never sent a request gets no answer).
//! - When the shutdown switch turns true, the listener is closed at once (new connections are
//!   refused) and `/readyz` answers 503. Idle connections close at once, connections finish the
//!   request they are receiving or serving and then close, and WebSockets close with 1001.
//!   After `transport.shutdown_grace_secs` what is left is cancelled: requests answer 503
//!   `SERVICE_UNAVAILABLE`, their statements are cancelled, sockets are dropped (the statements
//!   of their operations cancelled), and after a short flush the remaining connections are
//!   closed.

use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use super::AppState;

/// How long cancelled requests get to write their answers after the grace period.
const CANCEL_FLUSH: Duration = Duration::from_secs(1);
/// How long the loop pauses when accepting fails (e.g. out of file descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves `router` on `listener` until `state.shutdown` turns true, then drains (see the module
/// documentation) and returns.
pub async fn serve(listener: TcpListener, router: Router, state: AppState) {
    let transport = state.transport;
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(transport.header_read_timeout_secs));
    let mut connections = JoinSet::new();
    let mut stopping = state.shutdown.clone();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = turned_true(&mut stopping) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
        };
        let service = TowerToHyperService::new(router.clone());
        let connection = http
            .serve_connection(TokioIo::new(stream), service)
            .with_upgrades();
        let mut draining = state.shutdown.clone();
        connections.spawn(async move {
            tokio::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(err) = result {
                        tracing::debug!(error = %err, "connection ended with an error");
                    }
                    return;
                }
                () = turned_true(&mut draining) => {}
            }
            // Finish the request in progress (if any), then close.
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        });
    }
    drop(listener);
    tracing::info!("draining: no new connections; waiting for requests in flight and sockets");
    state.open_sockets.close();
    let grace = Duration::from_secs(transport.shutdown_grace_secs);
    if tokio::time::timeout(grace, drained(&mut connections, &state))
        .await
        .is_err()
    {
        tracing::warn!("the shutdown grace is over; cancelling requests and sockets still open");
        state.cancel.cancel();
        let _ = tokio::time::timeout(CANCEL_FLUSH, drained(&mut connections, &state)).await;
    }
    // Whatever is left did not finish in time.
    connections.shutdown().await;
}

/// Resolves when every connection and every socket has closed.
async fn drained(connections: &mut JoinSet<()>, state: &AppState) {
    while connections.join_next().await.is_some() {}
    state.open_sockets.wait().await;
}

/// Resolves once the switch is true; never, if its sender is gone without turning it.
async fn turned_true(switch: &mut tokio::sync::watch::Receiver<bool>) {
    if switch.wait_for(|stopping| *stopping).await.is_err() {
        std::future::pending::<()>().await;
    }
}
