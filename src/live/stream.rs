//! One subscriber's stream: the replay of what it missed, then live events, each passed through
//! the subscriber's filter (visibility and narrowing) — with no duplicate at the seam.

use std::sync::Arc;

use async_graphql::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::Stream;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;

use super::replay::Replay;
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

/// How a subscription starts.
enum Start {
    /// Live from now on: the hub's position, then a receiver of what it broadcasts later.
    Live(i64, Receiver<Arc<LoadedEvent>>),
    /// With a replay of the events after this id.
    Replay(i64),
}

/// The events of `kinds` that `accept` turns into items for this viewer: first those after
/// `after` (replayed from the outbox, see [`Replay`]), then live ones — each event once.
///
/// The subscription ends with an error instead of skipping events: a cursor whose events were
/// pruned (`NOT_FOUND`, `reason: CURSOR_EXPIRED`) or that was never issued (`BAD_USER_INPUT`,
/// `reason: CURSOR_UNKNOWN`); a subscriber whose live events overflowed its buffer
/// (`CONFLICT`, `reason: SUBSCRIBER_LAGGED`); a failure while replaying. The last two carry
/// `extensions.resumeAfter`, the cursor to resubscribe with: every event up to it was
/// delivered (or was not for this subscriber).
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
        .data_opt::<super::budget::SubscriptionBudget>()
        .map(|budget| budget.acquire())
        .transpose()?;
    let start = match after {
        // Without a cursor the subscription starts now: its receiver exists before this
        // returns, and gets every event broadcast after the hub's position.
        None => {
            let (position, live) = hub.subscribe();
            Start::Live(position.newest(), live)
        }
        Some(after) => Start::Replay(after),
    };
    Ok(async_stream::stream! {
        // Holds this subscription's slot on the socket until the stream ends.
        let _slot = slot;
        let (mut live, mut position, replay) = match start {
            Start::Live(position, live) => (live, position, None),
            Start::Replay(after) => {
                let mut replay = Replay::new(after);
                let mut seam = None;
                let live = loop {
                    // Boxed: the stream's state holds a page only while it is delivered.
                    match Box::pin(replay.next_page(&db, kinds)).await {
                        Ok(Some(events)) => {
                            for event in events {
                                if let Some(item) = accept(&viewer, &event) {
                                    yield Ok::<T, async_graphql::Error>(item);
                                }
                            }
                        }
                        // The seam pass has read everything too: go live.
                        Ok(None) if let Some(live) = seam.take() => break live,
                        Ok(None) => {
                            // Caught up: from now on the hub keeps what is broadcast, and a
                            // last pass reads what was committed meanwhile.
                            seam = Some(hub.subscribe().1);
                            replay.rewind();
                        }
                        Err(err) => {
                            yield Err(err.into());
                            return;
                        }
                    }
                };
                let position = replay.position();
                (live, position, Some(replay))
            }
        };
        loop {
            match live.recv().await {
                Ok(event) => {
                    let id = event.event.id;
                    position = position.max(id);
                    if !kinds.contains(&event.event.kind)
                        || replay.as_ref().is_some_and(|r| r.covers(id))
                    {
                        continue;
                    }
                    if let Some(item) = accept(&viewer, &event) {
                        yield Ok::<T, async_graphql::Error>(item);
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    let err = AppError::conflict(format!(
                        "this subscription fell {missed} events behind and was ended; \
                         subscribe again with `after` set to `extensions.resumeAfter`"
                    ))
                    .with("reason", "SUBSCRIBER_LAGGED");
                    yield Err(err.with("resumeAfter", cursor(position)).into());
                    return;
                }
                Err(RecvError::Closed) => return,
            }
        }
    })
}
