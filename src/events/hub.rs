//! The per-instance event hub: one LISTEN connection outside the pool, and an in-memory
//! fan-out to every subscriber of this instance.
//!
//! A notification only says "look at the outbox": the hub reads the events after the last one
//! it delivered, in id order, loads each event's record once (see [`super::records`]) and
//! broadcasts it. Because a transaction that took an earlier id can commit after a later one,
//! each read looks back a little ([`LOOKBACK`]) and skips ids it has already delivered: the
//! hub's [`Position`]. When the LISTEN connection drops, the hub reconnects with backoff and
//! reads everything it missed, so nothing written while it was away is lost.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use futures_util::StreamExt;
use tokio::sync::{Mutex, broadcast};

use super::position::Position;
use super::records::{LoadedEvent, load_records};
use super::{EventRow, NOTIFY_CHANNEL};
use crate::db::schema::events;
use crate::db::{Db, PgPool};
use crate::error::AppResult;

/// How far below the newest delivered id each read looks for late commits.
pub const LOOKBACK: i64 = 256;
/// Events one read of the outbox takes at most.
const READ_PAGE: i64 = 1000;
/// Events buffered per subscriber before a slow one is dropped.
pub const SUBSCRIBER_BUFFER: usize = 256;

/// The hub of one instance.
pub struct Hub {
    sender: broadcast::Sender<Arc<LoadedEvent>>,
    listening: AtomicBool,
    /// The ids broadcast so far, or not to be broadcast (present when the hub started).
    /// Each send happens under this lock, and [`Hub::subscribe`] reads it under the lock, so
    /// a receiver gets exactly the events the position it was given does not hold.
    position: std::sync::Mutex<Position>,
    /// One read of the outbox at a time.
    reading: Mutex<()>,
}

impl Hub {
    /// A hub that has not started listening yet.
    pub fn new() -> Arc<Self> {
        let (sender, _) = broadcast::channel(SUBSCRIBER_BUFFER);
        Arc::new(Self {
            sender,
            listening: AtomicBool::new(false),
            position: std::sync::Mutex::new(Position::default()),
            reading: Mutex::new(()),
        })
    }

    /// The hub's position, and a receiver of every event delivered from now on: exactly the
    /// events that position does not hold. A receiver that falls more than
    /// [`SUBSCRIBER_BUFFER`] events behind gets `Lagged` and must give up.
    pub fn subscribe(&self) -> (Position, broadcast::Receiver<Arc<LoadedEvent>>) {
        let position = self.lock_position();
        (*position, self.sender.subscribe())
    }

    /// Live subscriptions on this instance (receivers of the hub).
    pub fn subscribers(&self) -> usize {
        self.sender.receiver_count()
    }

    /// The ids broadcast so far, or present in the outbox when the hub started.
    pub fn position(&self) -> Position {
        *self.lock_position()
    }

    fn lock_position(&self) -> std::sync::MutexGuard<'_, Position> {
        // The position is consistent whenever the lock is free: a panic cannot tear it.
        self.position.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the LISTEN connection is up.
    pub fn is_listening(&self) -> bool {
        AtomicBool::load(&self.listening, Ordering::SeqCst)
    }

    /// Starts the listener task for the database at `url`; events are read through `pool`.
    /// New subscribers see events committed after this call — also those whose transaction
    /// took an id below the newest one before it and commits later.
    pub async fn start(self: &Arc<Self>, url: String, pool: PgPool) -> AppResult<()> {
        // The events of the look-back window below the newest, in one snapshot: they count as
        // delivered, and the ids missing among them are delivered when they commit.
        let window: Vec<WindowId> = diesel::sql_query(
            "SELECT id FROM events WHERE id > (SELECT max(id) FROM events) - $1 ORDER BY id",
        )
        .bind::<BigInt, _>(LOOKBACK)
        .load(&mut Db::new(pool.clone()).conn().await?)
        .await?;
        let newest = window.last().map_or(0, |row| row.id);
        let mut position = Position::after((newest - LOOKBACK).max(0));
        for row in window {
            position.insert(row.id);
        }
        *self.lock_position() = position;
        let hub = self.clone();
        tokio::spawn(async move { hub.listen(url, pool).await });
        Ok(())
    }

    async fn listen(self: Arc<Self>, url: String, pool: PgPool) {
        let url = with_application_name(&url);
        let mut backoff = Duration::from_millis(100);
        loop {
            match AsyncPgConnection::establish(&url).await {
                Ok(mut conn) => {
                    if conn
                        .batch_execute(&format!("LISTEN {NOTIFY_CHANNEL}"))
                        .await
                        .is_ok()
                    {
                        self.listening.store(true, Ordering::SeqCst);
                        backoff = Duration::from_millis(100);
                        // Whatever was written while no connection listened.
                        self.catch_up(&pool).await;
                        let notifications = conn.notifications_stream();
                        futures_util::pin_mut!(notifications);
                        while let Some(notification) = notifications.next().await {
                            if notification.is_err() {
                                break;
                            }
                            self.catch_up(&pool).await;
                        }
                        self.listening.store(false, Ordering::SeqCst);
                        tracing::warn!("event listener connection lost; reconnecting");
                    }
                }
                Err(err) => tracing::warn!(error = %err, "event listener cannot connect"),
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(5));
        }
    }

    /// Reads and delivers the events not delivered yet.
    pub async fn catch_up(&self, pool: &PgPool) {
        if let Err(err) = self.try_catch_up(pool).await {
            tracing::warn!(error = err.message(), "reading the event outbox failed");
        }
    }

    async fn try_catch_up(&self, pool: &PgPool) -> AppResult<()> {
        let db = Db::new(pool.clone());
        // Only this read changes the position while it holds the lock.
        let _reading = self.reading.lock().await;
        loop {
            // Everything up to the base was delivered (or is older than the look-back).
            let known = self.position();
            let rows: Vec<EventRow> = events::table
                .filter(events::id.gt(known.base()))
                .order_by(events::id)
                .limit(READ_PAGE)
                .select(EventRow::as_select())
                .load(&mut db.conn().await?)
                .await?;
            let full_page = rows.len() as i64 == READ_PAGE;
            let fresh: Vec<EventRow> = rows
                .into_iter()
                .filter(|row| !known.contains(row.id))
                .collect();
            if fresh.is_empty() {
                return Ok(());
            }
            for event in load_records(&db, fresh).await? {
                let mut position = self.lock_position();
                position.insert(event.event.id);
                // No receivers is not an error: nobody subscribed on this instance.
                let _ = self.sender.send(Arc::new(event));
            }
            if !full_page {
                return Ok(());
            }
        }
    }
}

/// An id of the outbox.
#[derive(QueryableByName)]
struct WindowId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Names the listener's connection so operators (and tests) can find it in pg_stat_activity.
fn with_application_name(url: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}application_name=kinerja_listener")
}
