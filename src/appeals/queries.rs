//! Appeal queries. Visibility is part of every list statement.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::model::{Appeal, AppealStatus};
use crate::auth::Viewer;
use crate::auth::rules::appeal_filter;
use crate::db::Conn;
use crate::db::schema::appeals;
use crate::error::AppResult;
use crate::graphql::pagination::Window;
use crate::ids::{AppealId, AsnId, EvaluationId, UnitId};
use crate::units::queries::asn_ids_in_subtree;

/// Which appeals a list shows (on top of what the viewer may read).
#[derive(Debug, Clone, Default)]
pub struct AppealCriteria {
    /// Only these statuses (empty: all).
    pub statuses: Vec<AppealStatus>,
    /// Of ASN in this unit or its sub-units.
    pub unit: Option<UnitId>,
    /// Decided by this ASN.
    pub decider: Option<AsnId>,
    /// On this evaluation.
    pub evaluation: Option<EvaluationId>,
}

fn filtered(viewer: &Viewer, criteria: &AppealCriteria) -> appeals::BoxedQuery<'static, Pg> {
    let mut query = appeals::table.filter(appeal_filter(viewer)).into_boxed();
    if !criteria.statuses.is_empty() {
        query = query.filter(appeals::status.eq_any(criteria.statuses.clone()));
    }
    if let Some(unit) = criteria.unit {
        query = query.filter(appeals::appellant_id.eq_any(asn_ids_in_subtree(unit)));
    }
    if let Some(decider) = criteria.decider {
        query = query.filter(appeals::decided_by.eq(decider));
    }
    if let Some(evaluation) = criteria.evaluation {
        query = query.filter(appeals::evaluation_id.eq(evaluation));
    }
    query
}

/// Number of appeals matching.
pub async fn count(conn: &mut Conn, viewer: &Viewer, criteria: &AppealCriteria) -> AppResult<i64> {
    Ok(filtered(viewer, criteria).count().get_result(conn).await?)
}

/// The appeals of `window`, newest first, plus one more if it exists.
pub async fn page(
    conn: &mut Conn,
    viewer: &Viewer,
    criteria: &AppealCriteria,
    window: Window,
) -> AppResult<Vec<Appeal>> {
    Ok(filtered(viewer, criteria)
        .select(Appeal::as_select())
        .order_by((appeals::filed_at.desc(), appeals::id.desc()))
        .offset(window.offset)
        .limit(window.limit + 1)
        .load(conn)
        .await?)
}

/// Appeals by id.
pub async fn by_ids(conn: &mut Conn, ids: &[AppealId]) -> AppResult<Vec<Appeal>> {
    Ok(appeals::table
        .filter(appeals::id.eq_any(ids))
        .select(Appeal::as_select())
        .load(conn)
        .await?)
}

/// Appeals on the given evaluations, oldest first.
pub async fn on_evaluations(conn: &mut Conn, ids: &[EvaluationId]) -> AppResult<Vec<Appeal>> {
    Ok(appeals::table
        .filter(appeals::evaluation_id.eq_any(ids))
        .order_by(appeals::id)
        .select(Appeal::as_select())
        .load(conn)
        .await?)
}
