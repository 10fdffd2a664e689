//! The time bound and the cancel-before-drop that every operation gets, whichever transport
//! brought it: an HTTP request, or a query or mutation on a WebSocket ([`bounded`]), and a
//! subscription on a WebSocket ([`CancelOnDrop`], which has no time bound: it lives as long as
//! its client wants it).
//!
//! An operation is dropped when it runs out of time, when its caller goes away (the client
//! disconnected, closed its socket or completed the operation) or when the shutdown grace is
//! over. The statements it is running are cancelled first, so that no abandoned statement keeps
//! a backend busy (or a lock held) until the statement timeout; the connections that were sent
//! a cancel are then discarded by the pool rather than handed to the next request (see
//! [`Db::cancel_running`]).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use async_graphql::Response;
use futures_util::Stream;
use futures_util::stream::{BoxStream, StreamExt};
use tokio_util::sync::CancellationToken;

use crate::db::Db;
use crate::error::{AppError, AppResult};

/// Runs `work` (which uses `db`) on its own task until it finishes, `limit_secs` pass or
/// `cancel` fires (also when the caller's future is dropped); in the last two cases the
/// statements of `db` are cancelled before `work` is dropped, and the caller gets `TIMEOUT`
/// (`measure: request`) or `SERVICE_UNAVAILABLE`. A panic in `work` is `INTERNAL`.
pub(super) async fn bounded<T: Send + 'static>(
    db: Db,
    limit_secs: u64,
    cancel: CancellationToken,
    work: impl Future<Output = T> + Send + 'static,
) -> AppResult<T> {
    let caller_gone = cancel.clone().drop_guard();
    let limit = Duration::from_secs(limit_secs);
    let task = tokio::spawn(async move {
        tokio::pin!(work);
        let cut = tokio::select! {
            done = &mut work => return Ok(done),
            () = tokio::time::sleep(limit) => AppError::timeout("request", limit_secs),
            () = cancel.cancelled() => AppError::unavailable(
                "the server shut down before the request completed; retry",
            ),
        };
        db.cancel_running().await;
        Err(cut)
    });
    let outcome = task.await;
    caller_gone.disarm();
    outcome.unwrap_or_else(|panicked| Err(AppError::internal(panicked)))
}

/// The responses of an operation that works with `db`, such as a subscription: when the stream
/// is dropped while one of its statements runs, the statements are cancelled before the stream
/// itself is dropped (on a task of its own, since dropping cannot wait).
pub(super) struct CancelOnDrop {
    db: Db,
    inner: Option<BoxStream<'static, Response>>,
}

impl CancelOnDrop {
    /// Wraps `inner`, whose statements run through `db`.
    pub(super) fn new(db: Db, inner: BoxStream<'static, Response>) -> Self {
        Self {
            db,
            inner: Some(inner),
        }
    }
}

impl Stream for CancelOnDrop {
    type Item = Response;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Response>> {
        match self.inner.as_mut() {
            Some(inner) => inner.poll_next_unpin(cx),
            None => Poll::Ready(None),
        }
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        // Nothing polls the stream any more, so what runs now stays running until cancelled.
        if !self.db.is_running() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let db = self.db.clone();
        runtime.spawn(async move {
            db.cancel_running().await;
            drop(inner);
        });
    }
}
