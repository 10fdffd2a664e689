//! One subscriber's stream: the replay of what it missed, then live events, each passed through
//! the subscriber's filter (visibility and narrowing) — with no duplicate at the seam.
//!
//! The stream keeps the subscriber's [`Position`]: the cursor's, or the hub's when it
//! subscribes without one, and every event handed out since. Each item's cursor and the
//! `resumeAfter` of an error encode it, so resuming with either gets exactly the events the
//! subscriber was not given — also a late commit whose id is below events it already had.

use std::sync::Arc;

use async_graphql::Context;
use futures_util::Stream;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;

use super::cursor;
use super::replay::Replay;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::events::EventKind;
use crate::events::hub::Hub;
use crate::events::position::Position;
use crate::events::records::LoadedEvent;
use crate::graphql::context::ContextExt;

/// How a subscription starts.
enum Start {
    /// Live from now on: the hub's position, and a receiver of everything it broadcasts later.
    Live(Position, Receiver<Arc<LoadedEvent>>),
    /// With a replay of the events the cursor's position does not hold.
    Replay(Position),
}

/// The events of `kinds` that `accept` turns into items for this viewer: first those after
/// `after` (replayed from the outbox, see [`Replay`]), then live ones — each event once.
/// `accept` is given the subscriber's position after the event, for the item's cursor
/// ([`cursor::encode`]).
///
/// The subscription ends with an error instead of skipping events: a cursor after which events
/// may have been pruned (`NOT_FOUND`, `reason: CURSOR_EXPIRED`, conservatively: see
/// [`super::replay`]) or that was never issued (`BAD_USER_INPUT`, `reason: CURSOR_UNKNOWN`);
/// a subscriber whose live events overflowed its buffer (`CONFLICT`,
/// `reason: SUBSCRIBER_LAGGED`); a failure while replaying. The last two carry
/// `extensions.resumeAfter`, the cursor to resubscribe with: the subscriber's position, so
/// the new subscription delivers every event this one did not, and none it did.
pub fn events<T, F>(
    ctx: &Context<'_>,
    kinds: &'static [EventKind],
    after: Option<String>,
    accept: F,
) -> AppResult<impl Stream<Item = async_graphql::Result<T>> + use<T, F>>
where
    T: Send + 'static,
    F: Fn(&Viewer, &LoadedEvent, &Position) -> Option<T> + Send + Sync + 'static,
{
    let viewer = ctx.viewer()?.clone();
    let db = ctx.db()?.clone();
    let hub = ctx
        .data_opt::<Arc<Hub>>()
        .ok_or_else(|| AppError::internal("schema has no event hub"))?
        .clone();
    let after = after.as_deref().map(cursor::decode).transpose()?;
    let slot = ctx
        .data_opt::<super::budget::SubscriptionBudget>()
        .map(|budget| budget.acquire())
        .transpose()?;
    let start = match after {
        // Without a cursor the subscription starts now: its receiver exists before this
        // returns, and gets exactly the events the hub's position does not hold.
        None => {
            let (position, live) = hub.subscribe();
            Start::Live(position, live)
        }
        Some(after) => Start::Replay(after),
    };
    Ok(async_stream::stream! {
        // Holds this subscription's slot on the socket until the stream ends.
        let _slot = slot;
        let (mut live, mut position) = match start {
            Start::Live(position, live) => (live, position),
            Start::Replay(after) => {
                let mut replay = Replay::new(after);
                let mut seam = None;
                let live = loop {
                    // Boxed: the stream's state holds a page only while it is delivered.
                    match Box::pin(replay.next_page(&db, kinds)).await {
                        Ok(Some(events)) => {
                            for event in events {
                                let at = replay.hand_out(event.event.id);
                                if let Some(item) = accept(&viewer, &event, at) {
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
                (live, *replay.position())
            }
        };
        loop {
            match live.recv().await {
                Ok(event) => {
                    // Not twice: what the replay handed out, or what lies before the cursor.
                    if !position.insert(event.event.id) || !kinds.contains(&event.event.kind) {
                        continue;
                    }
                    if let Some(item) = accept(&viewer, &event, &position) {
                        yield Ok::<T, async_graphql::Error>(item);
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    let err = AppError::conflict(format!(
                        "this subscription fell {missed} events behind and was ended; \
                         subscribe again with `after` set to `extensions.resumeAfter`"
                    ))
                    .with("reason", "SUBSCRIBER_LAGGED");
                    yield Err(err.with("resumeAfter", cursor::encode(&position)).into());
                    return;
                }
                Err(RecvError::Closed) => return,
            }
        }
    })
}
