//! Reading missed events back from the outbox for a subscriber's `after` cursor.
//!
//! A replay pages through the outbox by id (keyset, [`REPLAY_PAGE`] events a page, each page's
//! records loaded with one statement per kind of record), so a subscriber far behind never
//! holds more than one page in memory, and it delivers every event after the cursor exactly
//! once. It ends in two passes:
//!
//! 1. the catch-up: pages from the cursor until a page comes back short;
//! 2. the seam: the subscriber then subscribes to the hub and reads once more from the base
//!    of its [`Position`] — at most the hub's look-back below the newest event read, as the
//!    hub does — delivering only what it has not handed out. That covers events committed
//!    meanwhile and transactions that took an earlier id but committed late; live events
//!    from the hub are then delivered only if the position does not hold them.
//!
//! The replay starts from the cursor's position: the events after its base that the cursor
//! does not hold, so a cursor taken while late commits were outstanding gets them, and none
//! it holds twice.
//!
//! Because the live receiver exists only from the seam on, a long catch-up never overflows
//! the receiver's buffer.
//!
//! Every page is read together with the outbox's bounds (oldest id kept, newest id issued), so
//! a cursor after which events may have been pruned ([`prune`] keeps them for the retention
//! period) fails with `NOT_FOUND` (`reason: CURSOR_EXPIRED`) instead of skipping them silently
//! — also when the pruning happens while the replay runs — and a cursor past the newest id
//! ever issued fails with `BAD_USER_INPUT` (`reason: CURSOR_UNKNOWN`). The first check is
//! conservative: the outbox keeps nothing of what it pruned, so it refuses a cursor older
//! than the oldest event kept even when none of the pruned events was of the subscribed kinds
//! (see [`Replay`]'s check).

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text, Timestamptz};
use serde_json::Value;

use super::cursor;
use crate::db::Db;
use crate::db::schema::events;
use crate::error::{AppError, AppResult};
use crate::events::position::Position;
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

/// The error for a cursor after which events may no longer be kept.
fn expired() -> AppError {
    AppError::not_found(
        "events after this cursor may no longer be kept (the outbox keeps them for its \
         retention period): load the current state with a query, then subscribe without `after`",
    )
    .with("reason", "CURSOR_EXPIRED")
}

/// One subscriber's replay from its `after` cursor (see the module documentation).
#[derive(Debug, Clone)]
pub struct Replay {
    /// The cursor's position, and every event handed out since: what the subscriber was given
    /// (or need not be given).
    position: Position,
    /// Every id up to this one was read, or was absent when a page passed it.
    through: i64,
    /// Where the next page starts.
    next: i64,
    /// Whether the current pass has read a short page.
    done: bool,
    /// Whether a page has been read at all.
    started: bool,
}

impl Replay {
    /// A replay of the events after the cursor's position `after`.
    pub fn new(after: Position) -> Self {
        Self {
            position: after,
            through: after.base(),
            next: after.base(),
            done: false,
            started: false,
        }
    }

    /// Where the subscriber stands: resuming after it loses and repeats no event.
    pub fn position(&self) -> &Position {
        &self.position
    }

    /// Records that the event `id` of a page was handed to the subscriber (delivered or
    /// filtered out); returns the position after it, the event's cursor.
    pub fn hand_out(&mut self, id: i64) -> &Position {
        self.position.insert(id);
        &self.position
    }

    /// The next page of events not handed out before, oldest first; hand each out with
    /// [`Replay::hand_out`] before reading the next page. None once the current pass has read
    /// everything. Fails with CURSOR_EXPIRED / CURSOR_UNKNOWN (see the module
    /// documentation), or with the database's error and `extensions.resumeAfter`, the cursor
    /// of everything handed out so far.
    pub async fn next_page(
        &mut self,
        db: &Db,
        kinds: &[EventKind],
    ) -> AppResult<Option<Vec<LoadedEvent>>> {
        if self.done {
            return Ok(None);
        }
        // A failure to read leaves the subscriber to resume after what it has received.
        let resumable =
            |err: AppError, position: &Position| err.with("resumeAfter", cursor::encode(position));
        let page = page_after(db, kinds, self.next, REPLAY_PAGE)
            .await
            .map_err(|err| resumable(err, &self.position))?;
        let fresh = self.accept(page)?;
        if fresh.is_empty() {
            return Ok(Some(Vec::new()));
        }
        match load_records(db, fresh).await {
            Ok(events) => Ok(Some(events)),
            Err(err) => Err(resumable(err, &self.position)),
        }
    }

    /// Checks a page against the outbox's bounds, records how far it read and returns the
    /// rows not handed out before.
    fn accept(&mut self, page: Page) -> AppResult<Vec<EventRow>> {
        if !self.started && self.position.newest() > page.issued {
            return Err(AppError::bad_input(
                "`after` names no event: it is past the newest event this server has issued",
            )
            .with("reason", "CURSOR_UNKNOWN"));
        }
        self.started = true;
        // Events are deleted only by pruning, oldest first: when the oldest kept is above
        // the lowest id not read yet, events not read yet may be gone. Conservative: the ids
        // below the oldest kept may all have been events of other kinds, or never committed
        // (a rolled-back transaction), and then nothing was lost — but the outbox keeps
        // nothing of what it pruned, so it cannot tell. Being exact would take the newest
        // pruned id of each kind, kept by `prune` outside the outbox.
        let unread = self.position.first_missing_after(self.through);
        let gone = match page.oldest {
            Some(oldest) => oldest > unread,
            None => page.issued >= unread,
        };
        if gone {
            return Err(expired());
        }
        self.done = (page.rows.len() as i64) < REPLAY_PAGE;
        if let Some(last) = page.rows.last() {
            self.next = self.next.max(last.id);
            self.through = self.through.max(last.id);
        }
        let position = &self.position;
        Ok(page
            .rows
            .into_iter()
            .filter(|row| !position.contains(row.id))
            .collect())
    }

    /// Starts the seam pass: call after subscribing to the hub. The next pages start at the
    /// position's base — below it everything was handed out — and return only events not
    /// handed out before.
    pub fn rewind(&mut self) {
        self.next = self.position.base();
        self.done = false;
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

    /// Accepts `page` and hands out every row it returns, as the stream does; their ids.
    fn read(replay: &mut Replay, page: Page) -> AppResult<Vec<i64>> {
        let fresh = replay.accept(page)?;
        Ok(fresh
            .iter()
            .map(|row| {
                replay.hand_out(row.id);
                row.id
            })
            .collect())
    }

    fn position(base: i64, ids: &[i64]) -> Position {
        let mut position = Position::after(base);
        for id in ids {
            position.insert(*id);
        }
        position
    }

    #[test]
    fn the_seam_delivers_late_commits_and_new_events_once() {
        let mut replay = Replay::new(Position::after(10));
        let full = page(11..=(10 + REPLAY_PAGE), 1, 2000);
        assert_eq!(read(&mut replay, full).unwrap().len(), REPLAY_PAGE as usize);
        assert!(!replay.done);
        // The last page of the catch-up: 512 is missing (its transaction has not committed).
        let mut short = page(511..=520, 1, 2000);
        short.rows.retain(|r| r.id != 512);
        assert_eq!(read(&mut replay, short).unwrap().len(), 9);
        assert!(replay.done);
        assert_eq!(
            *replay.position(),
            position(511, &[513, 514, 515, 516, 517, 518, 519, 520])
        );

        replay.rewind();
        // The seam pass reads again from the gap: everything below it was handed out.
        assert_eq!(replay.next, 511);
        // 512 committed meanwhile, and 521 is new: only those two are delivered.
        let seam = page(512..=521, 1, 2000);
        assert_eq!(read(&mut replay, seam).unwrap(), [512, 521]);
        assert_eq!(*replay.position(), Position::after(521));
    }

    #[test]
    fn a_cursor_with_gaps_gets_what_it_lacks_and_nothing_it_holds() {
        let mut replay = Replay::new(position(100, &[102, 104]));
        assert_eq!(
            read(&mut replay, page(101..=106, 1, 106)).unwrap(),
            [101, 103, 105, 106]
        );
        assert_eq!(*replay.position(), Position::after(106));
    }

    #[test]
    fn pruned_and_unknown_cursors_fail_instead_of_skipping() {
        let nothing = Page {
            rows: Vec::new(),
            oldest: Some(1),
            issued: 40,
        };
        let past = Replay::new(Position::after(50))
            .accept(nothing.clone())
            .unwrap_err();
        assert_eq!(past.code(), ErrorCode::BadUserInput);
        let beyond = Replay::new(position(30, &[45])).accept(nothing);
        assert_eq!(beyond.unwrap_err().code(), ErrorCode::BadUserInput);
        let pruned = Replay::new(Position::after(50))
            .accept(page(80..=90, 60, 90))
            .unwrap_err();
        assert_eq!(pruned.code(), ErrorCode::NotFound);
        // Pruned while the replay ran: the next unread id is gone.
        let mut replay = Replay::new(Position::after(0));
        read(&mut replay, page(1..=REPLAY_PAGE, 1, 5000)).unwrap();
        let later = page(
            REPLAY_PAGE + 100..=REPLAY_PAGE + 110,
            REPLAY_PAGE + 100,
            5000,
        );
        assert_eq!(
            read(&mut replay, later).unwrap_err().code(),
            ErrorCode::NotFound
        );
        // The cursor's own event pruned, nothing lost after it: fine.
        assert!(
            Replay::new(Position::after(50))
                .accept(page(51..=60, 51, 60))
                .is_ok()
        );
        // Conservative: 51 may have been of another kind or rolled back; the outbox cannot
        // tell, so a cursor lacking it is refused once the oldest id kept is above it.
        assert!(
            Replay::new(Position::after(50))
                .accept(page(52..=60, 52, 60))
                .is_err()
        );
        // A cursor lacking 51: fine while 51 may still come, gone once older ids are pruned.
        let gap = position(50, &[52]);
        assert!(Replay::new(gap).accept(page(51..=60, 51, 60)).is_ok());
        assert!(Replay::new(gap).accept(page(53..=60, 53, 60)).is_err());
        // An empty outbox: fine when nothing was issued after the cursor.
        let empty = Page {
            rows: Vec::new(),
            oldest: None,
            issued: 50,
        };
        assert!(
            Replay::new(Position::after(50))
                .accept(empty.clone())
                .is_ok()
        );
        assert!(Replay::new(Position::after(40)).accept(empty).is_err());
    }
}
