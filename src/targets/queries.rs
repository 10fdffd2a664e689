//! Target queries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::model::{IndicatorRow, IndicatorValues, NewTarget, PerformanceTarget, TargetKind};
use crate::db::schema::{performance_targets as pt, target_indicators as ti};
use crate::error::AppResult;
use crate::ids::{AsnId, TargetId};

/// Targets by id, in no particular order.
pub async fn by_ids(
    conn: &mut AsyncPgConnection,
    ids: &[TargetId],
) -> AppResult<Vec<PerformanceTarget>> {
    Ok(pt::table
        .filter(pt::id.eq_any(ids))
        .select(PerformanceTarget::as_select())
        .load(conn)
        .await?)
}

/// The target `id`, locked until the transaction ends.
pub async fn lock(
    conn: &mut AsyncPgConnection,
    id: TargetId,
) -> AppResult<Option<PerformanceTarget>> {
    Ok(pt::table
        .filter(pt::id.eq(id))
        .select(PerformanceTarget::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?)
}

/// The indicators of the given targets, in the order they were written.
pub async fn indicators_of(
    conn: &mut AsyncPgConnection,
    targets: &[TargetId],
) -> AppResult<Vec<IndicatorRow>> {
    Ok(ti::table
        .filter(ti::target_id.eq_any(targets))
        .order_by(ti::id)
        .select(IndicatorRow::as_select())
        .load(conn)
        .await?)
}

/// The targets that cascade from the given ones, UTAMA first.
pub async fn children_of(
    conn: &mut AsyncPgConnection,
    parents: &[TargetId],
) -> AppResult<Vec<PerformanceTarget>> {
    Ok(pt::table
        .filter(pt::parent_target_id.eq_any(parents))
        // 'UTAMA' sorts after 'TAMBAHAN'.
        .order_by((pt::kind.desc(), pt::id))
        .select(PerformanceTarget::as_select())
        .load(conn)
        .await?)
}

/// The targets of the given ASN (of `year`, when given), by year, UTAMA first.
pub async fn of_owners(
    conn: &mut AsyncPgConnection,
    owners: &[AsnId],
    year: Option<i32>,
) -> AppResult<Vec<PerformanceTarget>> {
    let mut query = pt::table
        .filter(pt::asn_id.eq_any(owners))
        .select(PerformanceTarget::as_select())
        .into_boxed();
    if let Some(year) = year {
        query = query.filter(pt::year.eq(year));
    }
    Ok(query
        .order_by((pt::year, pt::kind.desc(), pt::id))
        .load(conn)
        .await?)
}

/// Inserts a target with its indicators; returns the target.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    target: NewTarget<'_>,
    indicators: &[IndicatorValues],
) -> AppResult<PerformanceTarget> {
    let row: PerformanceTarget = diesel::insert_into(pt::table)
        .values(&target)
        .returning(PerformanceTarget::as_returning())
        .get_result(conn)
        .await?;
    insert_indicators(conn, row.id, indicators).await?;
    Ok(row)
}

async fn insert_indicators(
    conn: &mut AsyncPgConnection,
    target: TargetId,
    indicators: &[IndicatorValues],
) -> AppResult<()> {
    let rows: Vec<_> = indicators
        .iter()
        .map(|i| {
            (
                ti::target_id.eq(target),
                ti::aspect.eq(i.aspect),
                ti::description.eq(i.description.as_str()),
                ti::target_value.eq(i.target_value),
                ti::unit_of_measure.eq(i.unit_of_measure.as_str()),
            )
        })
        .collect();
    diesel::insert_into(ti::table)
        .values(rows)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the indicators of `target`.
pub async fn replace_indicators(
    conn: &mut AsyncPgConnection,
    target: TargetId,
    indicators: &[IndicatorValues],
) -> AppResult<()> {
    diesel::delete(ti::table.filter(ti::target_id.eq(target)))
        .execute(conn)
        .await?;
    insert_indicators(conn, target, indicators).await
}

/// The editable fields of a target after an update.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = pt, treat_none_as_null = true)]
pub struct TargetChanges {
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: TargetKind,
    /// Parent target.
    pub parent_target_id: Option<TargetId>,
    /// Time of the change.
    pub updated_at: DateTime<Utc>,
}

/// Writes `changes` to `target`; returns the updated row.
pub async fn update(
    conn: &mut AsyncPgConnection,
    target: TargetId,
    changes: &TargetChanges,
) -> AppResult<PerformanceTarget> {
    Ok(diesel::update(pt::table.filter(pt::id.eq(target)))
        .set(changes)
        .returning(PerformanceTarget::as_returning())
        .get_result(conn)
        .await?)
}

/// Marks `target` agreed by `by` at `at`; returns the updated row.
pub async fn agree(
    conn: &mut AsyncPgConnection,
    target: TargetId,
    by: AsnId,
    at: DateTime<Utc>,
) -> AppResult<PerformanceTarget> {
    Ok(diesel::update(pt::table.filter(pt::id.eq(target)))
        .set((
            pt::status.eq(super::model::TargetStatus::Agreed),
            pt::agreed_by.eq(by),
            pt::agreed_at.eq(at),
            pt::updated_at.eq(at),
        ))
        .returning(PerformanceTarget::as_returning())
        .get_result(conn)
        .await?)
}
