//! Evaluation queries. Visibility is part of every list statement.

use chrono::{DateTime, Duration, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use diesel_async::RunQueryDsl;

use super::model::{BehaviourNoteRow, Evaluation, EvaluationStatus, PeriodKind};
use super::predikat::Predikat;
use crate::auth::Viewer;
use crate::auth::rules::evaluation_filter;
use crate::db::Conn;
use crate::db::schema::{evaluation_behaviour_notes, evaluations};
use crate::error::AppResult;
use crate::graphql::pagination::{OrderDirection, Window};
use crate::ids::{AsnId, EvaluationId, UnitId};
use crate::units::queries::asn_ids_in_subtree;

/// Which evaluations a list shows (on top of what the viewer may read).
#[derive(Debug, Clone, Default)]
pub struct EvaluationCriteria {
    /// Of this ASN.
    pub asn: Option<AsnId>,
    /// Of ASN in this unit or its sub-units.
    pub unit: Option<UnitId>,
    /// Period year.
    pub year: Option<i32>,
    /// Period kind.
    pub kind: Option<PeriodKind>,
    /// Period number.
    pub number: Option<i32>,
    /// Only these predikat (empty: all).
    pub predikat: Vec<Predikat>,
    /// Only these effective statuses (empty: all).
    pub statuses: Vec<EvaluationStatus>,
    /// By this evaluator.
    pub evaluator: Option<AsnId>,
}

/// Sort keys of evaluation lists.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EvaluationOrderField {
    /// By period (year, kind, number).
    #[default]
    Period,
    /// By publication time (drafts last).
    PublishedAt,
}

type Filter = Box<dyn BoxableExpression<evaluations::table, Pg, SqlType = Bool>>;

/// Rows whose effective status (see [`super::workflow::effective_status`]) is `status`.
fn has_status(status: EvaluationStatus, now: DateTime<Utc>, window_days: i64) -> Filter {
    let closed_before = now - Duration::days(window_days);
    match status {
        EvaluationStatus::Published => Box::new(
            evaluations::status.eq(EvaluationStatus::Published).and(
                evaluations::published_at
                    .assume_not_null()
                    .ge(closed_before),
            ),
        ),
        EvaluationStatus::Final => Box::new(
            evaluations::status
                .eq(EvaluationStatus::Final)
                .or(evaluations::status.eq(EvaluationStatus::Published).and(
                    evaluations::published_at
                        .assume_not_null()
                        .lt(closed_before),
                )),
        ),
        other => Box::new(evaluations::status.eq(other)),
    }
}

fn filtered(
    viewer: &Viewer,
    criteria: &EvaluationCriteria,
    now: DateTime<Utc>,
    window_days: i64,
) -> evaluations::BoxedQuery<'static, Pg> {
    let mut query = evaluations::table
        .filter(evaluation_filter(viewer))
        .into_boxed();
    if let Some(asn_id) = criteria.asn {
        query = query.filter(evaluations::asn_id.eq(asn_id));
    }
    if let Some(unit) = criteria.unit {
        query = query.filter(evaluations::asn_id.eq_any(asn_ids_in_subtree(unit)));
    }
    if let Some(year) = criteria.year {
        query = query.filter(evaluations::period_year.eq(year));
    }
    if let Some(kind) = criteria.kind {
        query = query.filter(evaluations::period_kind.eq(kind));
    }
    if let Some(number) = criteria.number {
        query = query.filter(evaluations::period_number.eq(number));
    }
    if !criteria.predikat.is_empty() {
        query = query.filter(evaluations::predikat.eq_any(criteria.predikat.clone()));
    }
    if let Some(evaluator) = criteria.evaluator {
        query = query.filter(evaluations::evaluator_id.eq(evaluator));
    }
    let mut statuses = criteria
        .statuses
        .iter()
        .map(|s| has_status(*s, now, window_days));
    if let Some(first) = statuses.next() {
        let any: Filter = statuses.fold(first, |acc, next| Box::new(acc.or(next)));
        query = query.filter(any);
    }
    query
}

/// Number of evaluations matching.
pub async fn count(
    conn: &mut Conn,
    viewer: &Viewer,
    criteria: &EvaluationCriteria,
    now: DateTime<Utc>,
    window_days: i64,
) -> AppResult<i64> {
    Ok(filtered(viewer, criteria, now, window_days)
        .count()
        .get_result(conn)
        .await?)
}

/// The evaluations of `window`, plus one more if it exists.
pub async fn page(
    conn: &mut Conn,
    viewer: &Viewer,
    criteria: &EvaluationCriteria,
    order: (EvaluationOrderField, OrderDirection),
    window: Window,
    (now, window_days): (DateTime<Utc>, i64),
) -> AppResult<Vec<Evaluation>> {
    let mut query = filtered(viewer, criteria, now, window_days).select(Evaluation::as_select());
    query = match order {
        (EvaluationOrderField::Period, OrderDirection::Asc) => query.order_by((
            evaluations::period_year.asc(),
            evaluations::period_kind.asc(),
            evaluations::period_number.asc(),
        )),
        (EvaluationOrderField::Period, OrderDirection::Desc) => query.order_by((
            evaluations::period_year.desc(),
            evaluations::period_kind.desc(),
            evaluations::period_number.desc(),
        )),
        (EvaluationOrderField::PublishedAt, OrderDirection::Asc) => {
            query.order_by(evaluations::published_at.asc().nulls_last())
        }
        (EvaluationOrderField::PublishedAt, OrderDirection::Desc) => {
            query.order_by(evaluations::published_at.desc().nulls_last())
        }
    };
    query = match order.1 {
        OrderDirection::Asc => query.then_order_by(evaluations::id.asc()),
        OrderDirection::Desc => query.then_order_by(evaluations::id.desc()),
    };
    Ok(query
        .offset(window.offset)
        .limit(window.limit + 1)
        .load(conn)
        .await?)
}

/// Evaluations by id.
pub async fn by_ids(conn: &mut Conn, ids: &[EvaluationId]) -> AppResult<Vec<Evaluation>> {
    Ok(evaluations::table
        .filter(evaluations::id.eq_any(ids))
        .select(Evaluation::as_select())
        .load(conn)
        .await?)
}

/// Behaviour notes of the given evaluations.
pub async fn notes_of(conn: &mut Conn, ids: &[EvaluationId]) -> AppResult<Vec<BehaviourNoteRow>> {
    Ok(evaluation_behaviour_notes::table
        .filter(evaluation_behaviour_notes::evaluation_id.eq_any(ids))
        .order_by((
            evaluation_behaviour_notes::evaluation_id,
            evaluation_behaviour_notes::core_value,
        ))
        .select(BehaviourNoteRow::as_select())
        .load(conn)
        .await?)
}

/// SQL ranking the evaluations of the ASN in `$1`, newest period first.
pub const OF_ASN_SQL: &str = "SELECT e.*, \
     count(*) OVER (PARTITION BY e.asn_id) AS total, \
     row_number() OVER (PARTITION BY e.asn_id \
         ORDER BY e.period_year DESC, e.period_kind DESC, e.period_number DESC, e.id DESC) AS __rn \
     FROM evaluations e WHERE e.asn_id = ANY($1) \
     AND ($4::int IS NULL OR e.period_year = $4) \
     AND ($5::text IS NULL OR e.period_kind = $5) \
     AND ($6::int IS NULL OR e.period_number = $6)";

/// [`OF_ASN_SQL`] without drafts (for the evaluated ASN themself).
pub const OF_ASN_PUBLISHED_SQL: &str = "SELECT e.*, \
     count(*) OVER (PARTITION BY e.asn_id) AS total, \
     row_number() OVER (PARTITION BY e.asn_id \
         ORDER BY e.period_year DESC, e.period_kind DESC, e.period_number DESC, e.id DESC) AS __rn \
     FROM evaluations e WHERE e.asn_id = ANY($1) AND e.status <> 'DRAFT' \
     AND ($4::int IS NULL OR e.period_year = $4) \
     AND ($5::text IS NULL OR e.period_kind = $5) \
     AND ($6::int IS NULL OR e.period_number = $6)";
