//! ASN queries.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::model::{Asn, EmploymentType, PositionKind};
use crate::auth::{Grant, Role};
use crate::db::schema::{asn, role_grants, units};
use crate::db::{Conn, contains_pattern, lower, prefix_pattern};
use crate::error::AppResult;
use crate::graphql::pagination::{OrderDirection, Window};
use crate::ids::{AsnId, UnitId};
use crate::units::queries::asn_in_subtree;

/// Which ASN a list shows.
#[derive(Debug, Clone, Default)]
pub struct AsnCriteria {
    /// Working in this unit …
    pub unit: Option<UnitId>,
    /// … or, when set, in any of its sub-units too.
    pub include_subunits: bool,
    /// Only these position kinds (empty: all).
    pub position_kinds: Vec<PositionKind>,
    /// Only these employment types (empty: all).
    pub employment_types: Vec<EmploymentType>,
    /// Only these grade codes (empty: all).
    pub grades: Vec<String>,
    /// Name contains, or NIP starts with, this text.
    pub search: Option<String>,
    /// Direct reports of this ASN.
    pub supervisor: Option<AsnId>,
    /// Only active (or only inactive) ASN.
    pub active: Option<bool>,
}

/// Sort keys of ASN lists.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AsnOrderField {
    /// By name, case-insensitively.
    #[default]
    Name,
    /// By NIP (so, by birth date then appointment).
    Nip,
}

fn filtered(criteria: &AsnCriteria) -> asn::BoxedQuery<'static, Pg> {
    let mut query = asn::table.into_boxed();
    match (criteria.unit, criteria.include_subunits) {
        (Some(unit), true) => query = query.filter(asn_in_subtree(unit)),
        (Some(unit), false) => query = query.filter(asn::unit_id.eq(unit)),
        (None, _) => {}
    }
    if !criteria.position_kinds.is_empty() {
        query = query.filter(asn::position_kind.eq_any(criteria.position_kinds.clone()));
    }
    if !criteria.employment_types.is_empty() {
        query = query.filter(asn::employment_type.eq_any(criteria.employment_types.clone()));
    }
    if !criteria.grades.is_empty() {
        query = query.filter(asn::grade.eq_any(criteria.grades.clone()));
    }
    if let Some(term) = criteria
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        query = query.filter(
            asn::name
                .ilike(contains_pattern(term))
                .or(asn::nip.like(prefix_pattern(term))),
        );
    }
    if let Some(supervisor) = criteria.supervisor {
        query = query.filter(asn::supervisor_id.eq(supervisor));
    }
    if let Some(active) = criteria.active {
        query = query.filter(asn::active.eq(active));
    }
    query
}

/// Number of ASN matching `criteria`.
pub async fn count(conn: &mut Conn, criteria: &AsnCriteria) -> AppResult<i64> {
    Ok(filtered(criteria).count().get_result(conn).await?)
}

/// The ASN of `window` in the given order, plus one more if it exists.
pub async fn page(
    conn: &mut Conn,
    criteria: &AsnCriteria,
    order: (AsnOrderField, OrderDirection),
    window: Window,
) -> AppResult<Vec<Asn>> {
    let mut query = filtered(criteria).select(Asn::as_select());
    query = match order {
        (AsnOrderField::Name, OrderDirection::Asc) => query.order_by(lower(asn::name).asc()),
        (AsnOrderField::Name, OrderDirection::Desc) => query.order_by(lower(asn::name).desc()),
        (AsnOrderField::Nip, OrderDirection::Asc) => query.order_by(asn::nip.asc()),
        (AsnOrderField::Nip, OrderDirection::Desc) => query.order_by(asn::nip.desc()),
    };
    query = match order.1 {
        OrderDirection::Asc => query.then_order_by(asn::id.asc()),
        OrderDirection::Desc => query.then_order_by(asn::id.desc()),
    };
    Ok(query
        .offset(window.offset)
        .limit(window.limit + 1)
        .load(conn)
        .await?)
}

/// ASN by id, in no particular order.
pub async fn by_ids(conn: &mut Conn, ids: &[AsnId]) -> AppResult<Vec<Asn>> {
    Ok(asn::table
        .filter(asn::id.eq_any(ids))
        .select(Asn::as_select())
        .load(conn)
        .await?)
}

/// The ASN with `nip`.
pub async fn by_nip(conn: &mut Conn, nip: &str) -> AppResult<Option<Asn>> {
    Ok(asn::table
        .filter(asn::nip.eq(nip))
        .select(Asn::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Role grants of the given ASN, with the paths of UNIT_ADMIN units.
pub async fn grants_of(conn: &mut Conn, ids: &[AsnId]) -> AppResult<Vec<(AsnId, Grant)>> {
    let rows: Vec<(AsnId, Role, Option<UnitId>, Option<String>)> = role_grants::table
        .left_join(units::table)
        .filter(role_grants::asn_id.eq_any(ids))
        .order_by((role_grants::asn_id, role_grants::role))
        .select((
            role_grants::asn_id,
            role_grants::role,
            role_grants::unit_id,
            units::path.nullable(),
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(asn_id, role, unit_id, unit_path)| {
            (
                asn_id,
                Grant {
                    role,
                    unit_id,
                    unit_path,
                },
            )
        })
        .collect())
}

/// SQL ranking the ASN working directly in the units of `$1`, by name.
pub const MEMBERS_SQL: &str = "SELECT a.*, \
     count(*) OVER (PARTITION BY a.unit_id) AS total, \
     row_number() OVER (PARTITION BY a.unit_id ORDER BY lower(a.name), a.id) AS __rn \
     FROM asn a WHERE a.unit_id = ANY($1)";

/// SQL ranking the direct reports of the ASN in `$1`, by name.
pub const SUBORDINATES_SQL: &str = "SELECT a.*, \
     count(*) OVER (PARTITION BY a.supervisor_id) AS total, \
     row_number() OVER (PARTITION BY a.supervisor_id ORDER BY lower(a.name), a.id) AS __rn \
     FROM asn a WHERE a.supervisor_id = ANY($1)";
