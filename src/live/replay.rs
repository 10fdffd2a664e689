//! Reading missed events back from the outbox for a subscriber's `after` cursor.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::Db;
use crate::db::schema::events;
use crate::error::AppResult;
use crate::events::records::{LoadedEvent, load_records};
use crate::events::{EventKind, EventRow};

/// Most events one replay returns; a client further behind resumes from the last cursor.
pub const MAX_REPLAY: i64 = 1000;

/// Events of `kinds` after `after`, oldest first, with their records.
pub async fn events_after(db: &Db, kinds: &[EventKind], after: i64) -> AppResult<Vec<LoadedEvent>> {
    let rows: Vec<EventRow> = events::table
        .filter(events::id.gt(after))
        .filter(events::kind.eq_any(kinds.to_vec()))
        .order_by(events::id)
        .limit(MAX_REPLAY)
        .select(EventRow::as_select())
        .load(&mut db.conn().await?)
        .await?;
    load_records(db, rows).await
}

/// Deletes outbox rows older than `days`; returns how many.
pub async fn prune(db: &Db, now: chrono::DateTime<chrono::Utc>, days: i64) -> AppResult<usize> {
    Ok(diesel::delete(
        events::table.filter(events::created_at.lt(now - chrono::Duration::days(days))),
    )
    .execute(&mut db.conn().await?)
    .await?)
}
