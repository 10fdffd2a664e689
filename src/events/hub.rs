//! The per-instance event hub: one LISTEN connection outside the pool, and an in-memory
//! fan-out to every subscriber of this instance.
//!
//! A notification only says "look at the outbox": the hub reads the events after the last one
//! it delivered, in id order, loads each event's record once (see [`super::records`]) and
//! broadcasts it. Because a transaction that took an earlier id can commit after a later one,
//! each read looks back a little ([`LOOKBACK`]) and skips ids it has already delivered. When the
//! LISTEN connection drops, the hub reconnects with backoff and reads everything it missed, so
//! nothing written while it was away is lost.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use futures_util::StreamExt;
use tokio::sync::{Mutex, broadcast};

use super::records::{LoadedEvent, load_records};
use super::{EventRow, NOTIFY_CHANNEL};
use crate::db::schema::events;
use crate::db::{Db, PgPool};
use crate::error::AppResult;

/// How far below the newest delivered id each read looks for late commits.
pub const LOOKBACK: i64 = 256;
/// Ids remembered as delivered (for skipping on look-back).
const REMEMBERED: usize = 4096;
/// Events buffered per subscriber before a slow one is dropped.
pub const SUBSCRIBER_BUFFER: usize = 256;

/// The hub of one instance.
pub struct Hub {
    sender: broadcast::Sender<Arc<LoadedEvent>>,
    listening: AtomicBool,
    /// The highest event id broadcast so far (or present when the hub started).
    position: AtomicI64,
    delivered: Mutex<Delivered>,
}

#[derive(Default)]
struct Delivered {
    /// Events up to this id existed before the hub started; they are never delivered live.
    start: i64,
    /// The highest id delivered so far.
    newest: i64,
    /// Recently delivered ids, for skipping on look-back.
    ids: BTreeSet<i64>,
}

impl Hub {
    /// A hub that has not started listening yet.
    pub fn new() -> Arc<Self> {
        let (sender, _) = broadcast::channel(SUBSCRIBER_BUFFER);
        Arc::new(Self {
            sender,
            listening: AtomicBool::new(false),
            position: AtomicI64::new(0),
            delivered: Mutex::new(Delivered::default()),
        })
    }

    /// A receiver of every event delivered from now on. A receiver that falls more than
    /// [`SUBSCRIBER_BUFFER`] events behind gets `Lagged` and must give up.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<LoadedEvent>> {
        self.sender.subscribe()
    }

    /// Live subscriptions on this instance (receivers of the hub).
    pub fn subscribers(&self) -> usize {
        self.sender.receiver_count()
    }

    /// The highest event id broadcast so far, or present in the outbox when the hub started.
    /// A receiver subscribed after reading it gets every event broadcast later, so a
    /// subscriber that must give up can resume after it without losing any of them.
    pub fn position(&self) -> i64 {
        AtomicI64::load(&self.position, Ordering::SeqCst)
    }

    /// Whether the LISTEN connection is up.
    pub fn is_listening(&self) -> bool {
        AtomicBool::load(&self.listening, Ordering::SeqCst)
    }

    /// Starts the listener task for the database at `url`; events are read through `pool`.
    /// New subscribers see events committed after this call.
    pub async fn start(self: &Arc<Self>, url: String, pool: PgPool) -> AppResult<()> {
        let newest: Option<i64> = events::table
            .select(diesel::dsl::max(events::id))
            .first(&mut Db::new(pool.clone()).conn().await?)
            .await?;
        let mut delivered = self.delivered.lock().await;
        delivered.start = newest.unwrap_or(0);
        delivered.newest = delivered.start;
        self.position.store(delivered.start, Ordering::SeqCst);
        drop(delivered);
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
        let mut delivered = self.delivered.lock().await;
        loop {
            let floor = (delivered.newest - LOOKBACK).max(0);
            let rows: Vec<EventRow> = events::table
                .filter(events::id.gt(floor))
                .order_by(events::id)
                .limit(1000)
                .select(EventRow::as_select())
                .load(&mut db.conn().await?)
                .await?;
            let fresh: Vec<EventRow> = rows
                .iter()
                .filter(|row| row.id > delivered.start && !delivered.ids.contains(&row.id))
                .cloned()
                .collect();
            let full_page = rows.len() == 1000;
            if fresh.is_empty() {
                return Ok(());
            }
            for event in load_records(&db, fresh).await? {
                delivered.newest = delivered.newest.max(event.event.id);
                delivered.ids.insert(event.event.id);
                // No receivers is not an error: nobody subscribed on this instance.
                let _ = self.sender.send(Arc::new(event));
                self.position.store(delivered.newest, Ordering::SeqCst);
            }
            while delivered.ids.len() > REMEMBERED {
                delivered.ids.pop_first();
            }
            if !full_page {
                return Ok(());
            }
        }
    }
}

/// Names the listener's connection so operators (and tests) can find it in pg_stat_activity.
fn with_application_name(url: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}application_name=kinerja_listener")
}
