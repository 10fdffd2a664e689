//! Feedback queries, the SQL of the feedback pages (filtered by the viewer's scope in the
//! statement itself), and the facts about an evaluation that the dialog rules need.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::model::Feedback;
use crate::auth::rules::feedback_sql;
use crate::db::Conn;
use crate::db::schema::{evaluations, feedback};
use crate::error::AppResult;
use crate::ids::{AsnId, EvaluationId, FeedbackId};

/// Feedback by id, in no particular order.
pub async fn by_ids(conn: &mut Conn, ids: &[FeedbackId]) -> AppResult<Vec<Feedback>> {
    Ok(feedback::table
        .filter(feedback::id.eq_any(ids))
        .select(Feedback::as_select())
        .load(conn)
        .await?)
}

/// The top-level entries (not replies) of the given evaluations' dialogs, oldest first.
pub async fn on_evaluations(conn: &mut Conn, ids: &[EvaluationId]) -> AppResult<Vec<Feedback>> {
    Ok(feedback::table
        .filter(feedback::evaluation_id.eq_any(ids))
        .filter(feedback::parent_id.is_null())
        .order_by((feedback::created_at, feedback::id))
        .select(Feedback::as_select())
        .load(conn)
        .await?)
}

/// What the dialog rules need to know about an evaluation.
#[derive(Debug, Clone, Queryable)]
pub struct EvaluationFacts {
    /// The evaluated ASN.
    pub asn_id: AsnId,
    /// The evaluator (pejabat penilai).
    pub evaluator_id: AsnId,
    /// DRAFT, PUBLISHED, APPEALED or FINAL.
    pub status: String,
}

/// The facts of the evaluation `id`, if it exists.
pub async fn evaluation_facts(
    conn: &mut Conn,
    id: EvaluationId,
) -> AppResult<Option<EvaluationFacts>> {
    Ok(evaluations::table
        .find(id)
        .select((
            evaluations::asn_id,
            evaluations::evaluator_id,
            evaluations::status,
        ))
        .first(conn)
        .await
        .optional()?)
}

fn ranked(partition: &str, order: &str) -> String {
    format!(
        "SELECT f.*, count(*) OVER (PARTITION BY f.{partition}) AS total, \
         row_number() OVER (PARTITION BY f.{partition} ORDER BY {order}) AS __rn \
         FROM feedback f WHERE f.{partition} = ANY($1) AND {}",
        feedback_sql("f", 4)
    )
}

/// SQL ranking the feedback received by the ASN in `$1` that the viewer (scope from `$4`)
/// may read, newest first.
pub fn received_sql() -> String {
    ranked("recipient_id", "f.created_at DESC, f.id DESC")
}

/// SQL ranking the feedback written by the ASN in `$1` that the viewer may read, newest first.
pub fn given_sql() -> String {
    ranked("author_id", "f.created_at DESC, f.id DESC")
}

/// SQL ranking the replies to the entries in `$1` that the viewer may read, oldest first.
pub fn replies_sql() -> String {
    ranked("parent_id", "f.created_at, f.id")
}
