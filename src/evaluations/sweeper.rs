//! Writes FINAL on published evaluations whose appeal window has closed. Reads never depend on
//! it (they compute the effective status); it keeps stored statuses and the audit trail exact.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde_json::json;

use super::model::EvaluationStatus;
use crate::audit::{self, Change};
use crate::db::Db;
use crate::db::schema::evaluations;
use crate::error::{AppError, AppResult};
use crate::ids::{AsnId, EvaluationId};

/// Finalises every evaluation whose appeal window closed before `now`; returns how many.
pub async fn finalize_due(db: &Db, now: DateTime<Utc>, window_days: i64) -> AppResult<usize> {
    let closed_before = now - Duration::days(window_days);
    let mut conn = db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let done: Vec<(EvaluationId, AsnId, Option<DateTime<Utc>>)> = diesel::update(
            evaluations::table
                .filter(evaluations::status.eq(EvaluationStatus::Published))
                .filter(evaluations::published_at.lt(closed_before)),
        )
        .set((
            evaluations::status.eq(EvaluationStatus::Final),
            evaluations::finalized_at.eq(now),
            evaluations::updated_at.eq(now),
        ))
        .returning((evaluations::id, evaluations::asn_id, evaluations::published_at))
        .get_results(conn)
        .await?;
        for (id, asn_id, published_at) in &done {
            audit::record(
                conn,
                Change {
                    actor: None,
                    subject: *asn_id,
                    entity_type: EvaluationId::TYPE_NAME,
                    entity_id: id.0,
                    action: "FINALIZED",
                    before: Some(json!({ "status": EvaluationStatus::Published, "publishedAt": published_at })),
                    after: Some(json!({ "status": EvaluationStatus::Final, "reason": "appeal window closed" })),
                },
                now,
            )
            .await?;
        }
        Ok(done.len())
    })
    .await
}
