//! Reading missed events back from the outbox for a subscriber's `after` cursor.
//!
//! A replay pages through the outbox by id (keyset, [`REPLAY_PAGE`] events a page, each page's
//! records loaded with one statement per kind of record), so a subscriber far behind never
//! holds more than one page in memory, and it delivers every event after the cursor exactly
//! once. It ends in two passes:
//!
//! 1. the catch-up: pages from the cursor until a page comes back short;
//! 2. the seam: the subscriber then subscribes to the hub and reads once more from a little
//!    below the newest event read ([`LOOKBACK`], as the hub does), delivering only what the
//!    first pass did not read. That covers events committed meanwhile and transactions that
//!    took an earlier id but committed late; live events from the hub are then delivered
//!    only if the replay has not read them ([`Replay::covers`]).
//!
//! Because the live receiver exists only from the seam on, a long catch-up never overflows
//! the receiver's buffer.
//!
//! Every page is read together with the outbox's bounds (oldest id kept, newest id issued), so
//! a cursor whose events were pruned ([`crate::events`] keeps them for the retention period)
//! fails with `NOT_FOUND` (`reason: CURSOR_EXPIRED`) instead of skipping them silently — also
//! when the pruning happens while the replay runs — and a cursor past the newest id ever
//! issued fails with `BAD_USER_INPUT` (`reason: CURSOR_UNKNOWN`).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text, Timestamptz};
use serde_json::Value;

use super::stream::cursor;
use crate::db::Db;
use crate::db::schema::events;
use crate::error::{AppError, AppResult};
use crate::events::hub::LOOKBACK;
use crate::events::records::{LoadedEvent, load_records};
use crate::events::{EventKind, EventRow};

/// Events one page of a replay reads at most.
pub const REPLAY_PAGE: i64 = 500;

/// One row of [`PAGE_SQL`]: the outbox's bounds, and an event of the page if there is one.
#[derive(QueryableByName)]
struct PageRow {
    #[diesel(sql_type = Nullable<BigInt>)]
    oldest: Option<i64>,
    #[diesel(sql_type = BigInt)]
    issued: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    kind: Option<EventKind>,
    #[diesel(sql_type = Nullable<BigInt>)]
    entity_id: Option<i64>,
    #[diesel(sql_type = Nullable<Jsonb>)]
    payload: Option<Value>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    created_at: Option<DateTime<Utc>>,
}

/// The events of kinds `$2` after id `$1`, at most `$3`, oldest first, each with the bounds of
/// the outbox read in the same snapshot; one row with only the bounds when there is no event.
const PAGE_SQL: &str = "SELECT b.oldest, b.issued, e.id, e.kind, e.entity_id, e.payload, \
       e.created_at \
     FROM (SELECT (SELECT min(id) FROM events) AS oldest, \
             COALESCE(pg_sequence_last_value( \
               pg_get_serial_sequence('events', 'id')::regclass), 0) AS issued) b \
     LEFT JOIN LATERAL (SELECT * FROM events WHERE id > $1 AND kind = ANY($2) \
       ORDER BY id LIMIT $3) e ON TRUE \
     ORDER BY e.id";

/// A page of the outbox and its bounds.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The events, oldest first.
    pub rows: Vec<EventRow>,
    /// The oldest id the outbox still keeps; None when it is empty.
    pub oldest: Option<i64>,
    /// The newest id the outbox ever issued (0 when none), committed or not.
    pub issued: i64,
}

/// Reads the events of `kinds` after `after`, at most `limit`, with the outbox's bounds: one
/// statement.
pub async fn page_after(db: &Db, kinds: &[EventKind], after: i64, limit: i64) -> AppResult<Page> {
    use diesel_async::RunQueryDsl;
    let rows: Vec<PageRow> = diesel::sql_query(PAGE_SQL)
        .bind::<BigInt, _>(after)
        .bind::<Array<Text>, _>(kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>())
        .bind::<BigInt, _>(limit)
        .load(&mut db.conn().await?)
        .await?;
    let mut page = Page::default();
    for row in rows {
        page.oldest = row.oldest;
        page.issued = row.issued;
        if let (Some(id), Some(kind), Some(entity_id), Some(payload), Some(created_at)) =
            (row.id, row.kind, row.entity_id, row.payload, row.created_at)
        {
            page.rows.push(EventRow {
                id,
                kind,
                entity_id,
                payload,
                created_at,
            });
        }
    }
    Ok(page)
}

/// The error for a cursor whose events are no longer kept.
fn expired() -> AppError {
    AppError::not_found(
        "the events after this cursor are no longer kept (the outbox keeps them for its \
         retention period): load the current state with a query, then subscribe without `after`",
    )
    .with("reason", "CURSOR_EXPIRED")
}

/// One subscriber's replay from its `after` cursor (see the module documentation).
#[derive(Debug, Clone)]
pub struct Replay {
    /// The client's cursor.
    after: i64,
    /// Every event of the subscribed kinds up to this id has been read.
    through: i64,
    /// Where the next page starts.
    next: i64,
    /// Ids read above `through - LOOKBACK` (all of them from the seam on).
    recent: BTreeSet<i64>,
    /// Below or at this id the seam pass did not look again: everything there was read.
    floor: Option<i64>,
    /// Whether the current pass has read a short page.
    done: bool,
    /// Whether a page has been read at all.
    started: bool,
}

impl Replay {
    /// A replay of the events after the id `after`.
    pub fn new(after: i64) -> Self {
        Self {
            after,
            through: after,
            next: after,
            recent: BTreeSet::new(),
            floor: None,
            done: false,
            started: false,
        }
    }

    /// The id a subscriber resumes after without losing an event: every event up to it has
    /// been read (and delivered, if it was for the subscriber).
    pub fn position(&self) -> i64 {
        self.through
    }

    /// The next page of events not read before, oldest first; None once the current pass has
    /// read everything. Fails with CURSOR_EXPIRED / CURSOR_UNKNOWN (see the module
    /// documentation), or with the database's error and `extensions.resumeAfter`, the cursor
    /// up to which everything was delivered.
    pub async fn next_page(
        &mut self,
        db: &Db,
        kinds: &[EventKind],
    ) -> AppResult<Option<Vec<LoadedEvent>>> {
        if self.done {
            return Ok(None);
        }
        // A failure to read leaves the subscriber to resume after what it has received.
        let resumable = |err: AppError, position: i64| err.with("resumeAfter", cursor(position));
        let before = self.through;
        let page = page_after(db, kinds, self.next, REPLAY_PAGE)
            .await
            .map_err(|err| resumable(err, before))?;
        let fresh = self.accept(page)?;
        if fresh.is_empty() {
            return Ok(Some(Vec::new()));
        }
        match load_records(db, fresh).await {
            Ok(events) => Ok(Some(events)),
            Err(err) => Err(resumable(err, before)),
        }
    }

    /// Checks a page against the outbox's bounds, records what it read and returns the rows
    /// not read before.
    fn accept(&mut self, page: Page) -> AppResult<Vec<EventRow>> {
        if !self.started && self.after > page.issued {
            return Err(AppError::bad_input(
                "`after` names no event: it is past the newest event this server has issued",
            )
            .with("reason", "CURSOR_UNKNOWN"));
        }
        self.started = true;
        // Events are deleted only by pruning, oldest first: when the oldest kept is above
        // the next unread id, events not read yet may be gone.
        let gone = match page.oldest {
            Some(oldest) => oldest > self.through + 1,
            None => page.issued > self.through,
        };
        if gone {
            return Err(expired());
        }
        self.done = (page.rows.len() as i64) < REPLAY_PAGE;
        let mut fresh = Vec::with_capacity(page.rows.len());
        for row in page.rows {
            self.next = self.next.max(row.id);
            if self.recent.insert(row.id) && self.floor.is_none_or(|floor| row.id > floor) {
                self.through = self.through.max(row.id);
                fresh.push(row);
            }
        }
        if self.floor.is_none() {
            // The catch-up: only the look-back window is needed for the seam.
            let keep_above = self.through - LOOKBACK;
            while self.recent.first().is_some_and(|id| *id <= keep_above) {
                self.recent.pop_first();
            }
        }
        Ok(fresh)
    }

    /// Starts the seam pass: call after subscribing to the hub. The next pages start a little
    /// below the newest id read and deliver only events not read before.
    pub fn rewind(&mut self) {
        let floor = (self.through - LOOKBACK).max(self.after);
        self.floor = Some(floor);
        self.next = floor;
        self.done = false;
    }

    /// Whether a live event with `id` was read by the replay (or lies below what the seam pass
    /// looked at again, where everything was read); such an event is not delivered again.
    pub fn covers(&self, id: i64) -> bool {
        self.floor.is_some_and(|floor| id <= floor) || self.recent.contains(&id)
    }
}

/// Deletes outbox rows older than `days`; returns how many.
pub async fn prune(db: &Db, now: chrono::DateTime<chrono::Utc>, days: i64) -> AppResult<usize> {
    use diesel::{ExpressionMethods, QueryDsl};
    use diesel_async::RunQueryDsl;
    Ok(diesel::delete(
        events::table.filter(events::created_at.lt(now - chrono::Duration::days(days))),
    )
    .execute(&mut db.conn().await?)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn page(ids: std::ops::RangeInclusive<i64>, oldest: i64, issued: i64) -> Page {
        Page {
            rows: ids
                .map(|id| EventRow {
                    id,
                    kind: EventKind::FeedbackAdded,
                    entity_id: 1,
                    payload: Value::Null,
                    created_at: DateTime::<Utc>::MIN_UTC,
                })
                .collect(),
            oldest: Some(oldest),
            issued,
        }
    }

    fn ids(rows: &[EventRow]) -> Vec<i64> {
        rows.iter().map(|r| r.id).collect()
    }

    #[test]
    fn the_seam_delivers_late_commits_and_new_events_once() {
        let mut replay = Replay::new(10);
        let full = page(11..=(10 + REPLAY_PAGE), 1, 2000);
        assert_eq!(replay.accept(full).unwrap().len(), REPLAY_PAGE as usize);
        assert!(!replay.done);
        // The last page of the catch-up: 512 is missing (its transaction has not committed).
        let mut short = page(511..=520, 1, 2000);
        short.rows.retain(|r| r.id != 512);
        assert_eq!(ids(&replay.accept(short).unwrap()).len(), 9);
        assert!(replay.done);
        assert_eq!(replay.position(), 520);

        replay.rewind();
        assert_eq!(replay.next, 520 - LOOKBACK);
        // 512 committed meanwhile, and 521 is new: only those two are delivered.
        let seam = page(521 - LOOKBACK..=521, 1, 2000);
        assert_eq!(ids(&replay.accept(seam).unwrap()), [512, 521]);
        assert!(replay.covers(512) && replay.covers(521) && replay.covers(300));
        assert!(!replay.covers(522));
    }

    #[test]
    fn pruned_and_unknown_cursors_fail_instead_of_skipping() {
        let nothing = Page {
            rows: Vec::new(),
            oldest: Some(1),
            issued: 40,
        };
        let past = Replay::new(50).accept(nothing).unwrap_err();
        assert_eq!(past.code(), ErrorCode::BadUserInput);
        let pruned = Replay::new(50).accept(page(80..=90, 60, 90)).unwrap_err();
        assert_eq!(pruned.code(), ErrorCode::NotFound);
        // Pruned while the replay ran: the next unread id is gone.
        let mut replay = Replay::new(0);
        replay.accept(page(1..=REPLAY_PAGE, 1, 5000)).unwrap();
        let later = page(
            REPLAY_PAGE + 100..=REPLAY_PAGE + 110,
            REPLAY_PAGE + 100,
            5000,
        );
        assert_eq!(
            replay.accept(later).unwrap_err().code(),
            ErrorCode::NotFound
        );
        // The cursor's own event pruned, nothing lost after it: fine.
        assert!(Replay::new(50).accept(page(51..=60, 51, 60)).is_ok());
        // An empty outbox: fine when nothing was issued after the cursor.
        let empty = Page {
            rows: Vec::new(),
            oldest: None,
            issued: 50,
        };
        assert!(Replay::new(50).accept(empty.clone()).is_ok());
        assert!(Replay::new(40).accept(empty).is_err());
    }
}
