//! One subscriber's stream: the replay of what it missed, then live events, each passed through
//! the subscriber's filter (visibility and narrowing) — with no duplicate at the seam.

use std::collections::HashSet;
use std::sync::Arc;

use async_graphql::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use super::replay::events_after;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::events::EventKind;
use crate::events::hub::Hub;
use crate::events::records::LoadedEvent;
use crate::graphql::context::ContextExt;

/// Encodes an event id as an opaque cursor.
pub fn cursor(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("ev1:{id}"))
}

/// Decodes an event cursor.
pub fn decode_cursor(cursor: &str) -> AppResult<i64> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            text.strip_prefix("ev1:")
                .and_then(|n| n.parse::<i64>().ok())
        })
        .filter(|id| *id >= 0)
        .ok_or_else(|| AppError::bad_input("`after` is not a valid event cursor"))
}

/// The events of `kinds` that `accept` turns into items for this viewer: first those after
/// `after` (from the outbox), then live ones.
pub fn events<T, F>(
    ctx: &Context<'_>,
    kinds: &'static [EventKind],
    after: Option<String>,
    accept: F,
) -> AppResult<impl Stream<Item = async_graphql::Result<T>> + use<T, F>>
where
    T: Send + 'static,
    F: Fn(&Viewer, &LoadedEvent) -> Option<T> + Send + Sync + 'static,
{
    let viewer = ctx.viewer()?.clone();
    let db = ctx.db()?.clone();
    let hub = ctx
        .data_opt::<Arc<Hub>>()
        .ok_or_else(|| AppError::internal("schema has no event hub"))?
        .clone();
    let after = after.as_deref().map(decode_cursor).transpose()?;
    let slot = ctx
        .data_opt::<crate::http::websocket::SubscriptionBudget>()
        .map(|budget| budget.acquire())
        .transpose()?;
    // Subscribe before reading the replay, so nothing committed in between is missed.
    let mut live = hub.subscribe();
    Ok(async_stream::stream! {
        // Holds this subscription's slot on the socket until the stream ends.
        let _slot = slot;
        let mut replayed = HashSet::new();
        if let Some(after) = after {
            // Boxed: the stream's state holds this query only while it runs, not for the
            // whole life of the subscription.
            match Box::pin(events_after(&db, kinds, after)).await {
                Ok(events) => {
                    for event in events {
                        replayed.insert(event.event.id);
                        if let Some(item) = accept(&viewer, &event) {
                            yield Ok::<T, async_graphql::Error>(item);
                        }
                    }
                }
                Err(err) => {
                    yield Err(err.into());
                    return;
                }
            }
        }
        loop {
            match live.recv().await {
                Ok(event) => {
                    if !kinds.contains(&event.event.kind)
                        || replayed.contains(&event.event.id)
                        || after.is_some_and(|a| event.event.id <= a)
                    {
                        continue;
                    }
                    if let Some(item) = accept(&viewer, &event) {
                        yield Ok::<T, async_graphql::Error>(item);
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    yield Err(AppError::new(
                        crate::error::ErrorCode::Conflict,
                        format!("the subscriber fell {missed} events behind and was dropped; resubscribe with `after` set to the last cursor received"),
                    ).into());
                    return;
                }
                Err(RecvError::Closed) => return,
            }
        }
    })
}
