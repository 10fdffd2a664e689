//! Supervision queries: visit lists, teams, and the SQL of the observation pages (filtered by
//! the viewer's scope in the statement itself).

use chrono::NaiveDate;
use diesel::dsl::sql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Date};
use diesel_async::RunQueryDsl;

use super::model::{Observation, SupervisionVisit};
use crate::auth::Role;
use crate::auth::rules::observation_sql;
use crate::db::Conn;
use crate::db::schema::{asn, role_grants, supervision_visit_members, supervision_visits};
use crate::error::AppResult;
use crate::graphql::pagination::{OrderDirection, Window};
use crate::ids::{AsnId, ObservationId, UnitId, VisitId};

/// Which visits a list shows.
#[derive(Debug, Clone, Default)]
pub struct VisitCriteria {
    /// Visits to this unit or any of its sub-units.
    pub unit: Option<UnitId>,
    /// On or after this day.
    pub from: Option<NaiveDate>,
    /// On or before this day.
    pub to: Option<NaiveDate>,
    /// Visits with this inspector on the team.
    pub inspector: Option<AsnId>,
}

fn filtered(criteria: &VisitCriteria) -> supervision_visits::BoxedQuery<'static, Pg> {
    let mut query = supervision_visits::table.into_boxed();
    if let Some(unit) = criteria.unit {
        query = query.filter(
            sql::<Bool>(
                "supervision_visits.unit_id IN (SELECT d.id FROM units d \
                 JOIN units r ON d.path LIKE r.path || '%' WHERE r.id = ",
            )
            .bind::<BigInt, _>(unit.0)
            .sql(")"),
        );
    }
    if let Some(from) = criteria.from {
        query = query.filter(supervision_visits::visited_on.ge(from));
    }
    if let Some(to) = criteria.to {
        query = query.filter(supervision_visits::visited_on.le(to));
    }
    if let Some(inspector) = criteria.inspector {
        query = query.filter(
            supervision_visits::id.eq_any(
                supervision_visit_members::table
                    .filter(supervision_visit_members::asn_id.eq(inspector))
                    .select(supervision_visit_members::visit_id),
            ),
        );
    }
    query
}

/// Number of visits matching `criteria`.
pub async fn count(conn: &mut Conn, criteria: &VisitCriteria) -> AppResult<i64> {
    Ok(filtered(criteria).count().get_result(conn).await?)
}

/// The visits of `window` by date (then id) in `direction`, plus one more if it exists.
pub async fn page(
    conn: &mut Conn,
    criteria: &VisitCriteria,
    direction: OrderDirection,
    window: Window,
) -> AppResult<Vec<SupervisionVisit>> {
    let query = filtered(criteria).select(SupervisionVisit::as_select());
    let query = match direction {
        OrderDirection::Asc => query.order_by((
            supervision_visits::visited_on.asc(),
            supervision_visits::id.asc(),
        )),
        OrderDirection::Desc => query.order_by((
            supervision_visits::visited_on.desc(),
            supervision_visits::id.desc(),
        )),
    };
    Ok(query
        .offset(window.offset)
        .limit(window.limit + 1)
        .load(conn)
        .await?)
}

/// Visits by id, in no particular order.
pub async fn by_ids(conn: &mut Conn, ids: &[VisitId]) -> AppResult<Vec<SupervisionVisit>> {
    Ok(supervision_visits::table
        .filter(supervision_visits::id.eq_any(ids))
        .select(SupervisionVisit::as_select())
        .load(conn)
        .await?)
}

/// The team members of the given visits, each team by name.
pub async fn teams_of(conn: &mut Conn, ids: &[VisitId]) -> AppResult<Vec<(VisitId, AsnId)>> {
    Ok(supervision_visit_members::table
        .inner_join(asn::table)
        .filter(supervision_visit_members::visit_id.eq_any(ids))
        .order_by((
            supervision_visit_members::visit_id,
            crate::db::lower(asn::name),
            asn::id,
        ))
        .select((
            supervision_visit_members::visit_id,
            supervision_visit_members::asn_id,
        ))
        .load(conn)
        .await?)
}

/// Of the given ASN, those holding INSPECTOR.
pub async fn inspectors_among(conn: &mut Conn, ids: &[AsnId]) -> AppResult<Vec<AsnId>> {
    Ok(role_grants::table
        .filter(role_grants::asn_id.eq_any(ids))
        .filter(role_grants::role.eq(Role::Inspector))
        .select(role_grants::asn_id)
        .load(conn)
        .await?)
}

/// Observations by id, in no particular order.
pub async fn observations_by_ids(
    conn: &mut Conn,
    ids: &[ObservationId],
) -> AppResult<Vec<Observation>> {
    Ok(crate::db::schema::observations::table
        .filter(crate::db::schema::observations::id.eq_any(ids))
        .select(Observation::as_select())
        .load(conn)
        .await?)
}

/// An observation with the range key it was loaded for.
#[derive(Debug, QueryableByName)]
pub struct InRange {
    /// The observation.
    #[diesel(embed)]
    pub observation: Observation,
    /// Start of the range.
    #[diesel(sql_type = Date)]
    pub key_from: NaiveDate,
    /// End of the range.
    #[diesel(sql_type = Date)]
    pub key_to: NaiveDate,
}

/// The observations of each (ASN, from, to), by visit day then id, in one statement.
pub async fn observations_in_ranges(
    conn: &mut Conn,
    keys: &[(AsnId, NaiveDate, NaiveDate)],
) -> AppResult<Vec<InRange>> {
    let asns: Vec<i64> = keys.iter().map(|k| k.0.0).collect();
    let froms: Vec<NaiveDate> = keys.iter().map(|k| k.1).collect();
    let tos: Vec<NaiveDate> = keys.iter().map(|k| k.2).collect();
    Ok(diesel::sql_query(
        "SELECT o.*, k.from_d AS key_from, k.to_d AS key_to \
         FROM unnest($1, $2, $3) AS k(asn_id, from_d, to_d) \
         JOIN observations o ON o.asn_id = k.asn_id \
         JOIN supervision_visits v ON v.id = o.visit_id \
              AND v.visited_on BETWEEN k.from_d AND k.to_d \
         ORDER BY v.visited_on, o.id",
    )
    .bind::<Array<BigInt>, _>(asns)
    .bind::<Array<Date>, _>(froms)
    .bind::<Array<Date>, _>(tos)
    .load(conn)
    .await?)
}

/// SQL ranking the observations of the visits in `$1` that the viewer (scope from `$4`) may
/// read, in the order they were recorded.
pub fn on_visit_sql() -> String {
    format!(
        "SELECT o.*, count(*) OVER (PARTITION BY o.visit_id) AS total, \
         row_number() OVER (PARTITION BY o.visit_id ORDER BY o.id) AS __rn \
         FROM observations o WHERE o.visit_id = ANY($1) AND {}",
        observation_sql("o", 4)
    )
}

/// SQL ranking the observations of the ASN in `$1` that the viewer (scope from `$4`) may read,
/// newest visit first.
pub fn of_asn_sql() -> String {
    format!(
        "SELECT o.*, count(*) OVER (PARTITION BY o.asn_id) AS total, \
         row_number() OVER (PARTITION BY o.asn_id ORDER BY v.visited_on DESC, o.id DESC) AS __rn \
         FROM observations o JOIN supervision_visits v ON v.id = o.visit_id \
         WHERE o.asn_id = ANY($1) AND {}",
        observation_sql("o", 4)
    )
}
