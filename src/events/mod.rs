//! Review events: written to the `events` outbox in the same transaction as the change that
//! caused them, announced by `pg_notify('kinerja_events', id)` at commit (a trigger), and
//! replayed by id by subscribers that missed them.

pub mod hub;
pub mod position;
pub mod records;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use crate::db::schema::events;
use crate::error::AppResult;

/// The channel the outbox trigger notifies.
pub const NOTIFY_CHANNEL: &str = "kinerja_events";

/// An outbox row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events, check_for_backend(diesel::pg::Pg))]
pub struct EventRow {
    /// Monotonic id; subscribers resume after it.
    pub id: i64,
    /// What happened.
    pub kind: EventKind,
    /// Row id of the record it is about.
    pub entity_id: i64,
    /// Extra facts about the change.
    pub payload: Value,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The kinds of events subscribers can receive.
#[derive(
    async_graphql::Enum,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum EventKind {
    /// New feedback (or a reply in a dialog).
    FeedbackAdded,
    /// A supervisor approved, rejected or returned an activity.
    ActivityReviewed,
    /// An evaluation was published to the evaluated ASN.
    EvaluationPublished,
    /// An ASN filed an appeal.
    AppealFiled,
    /// An appeal was decided.
    AppealDecided,
}
crate::db_text_enum!(EventKind);

/// Inserts an event into the outbox; returns its id. Call inside the change's transaction.
pub async fn publish(
    conn: &mut AsyncPgConnection,
    kind: EventKind,
    entity_id: i64,
    payload: Value,
    at: DateTime<Utc>,
) -> AppResult<i64> {
    Ok(diesel::insert_into(events::table)
        .values((
            events::kind.eq(kind),
            events::entity_id.eq(entity_id),
            events::payload.eq(payload),
            events::created_at.eq(at),
        ))
        .returning(events::id)
        .get_result(conn)
        .await?)
}
