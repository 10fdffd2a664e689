//! Unit queries. Subtree conditions are sub-selects on the materialised path, so "a unit and
//! all its sub-units" is part of one statement wherever it is used.

use diesel::dsl::sql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};
use diesel_async::RunQueryDsl;

use super::model::{Unit, UnitKind};
use crate::db::schema::{asn, units};
use crate::db::{Conn, contains_pattern, lower};
use crate::error::AppResult;
use crate::graphql::pagination::{OrderDirection, Window};
use crate::ids::UnitId;

/// Which units a list shows.
#[derive(Debug, Clone, Default)]
pub struct UnitCriteria {
    /// Direct children of this unit.
    pub parent: Option<UnitId>,
    /// Only these kinds (empty: all).
    pub kinds: Vec<UnitKind>,
    /// Only units without a parent.
    pub roots_only: bool,
    /// Name or code contains this, case-insensitively.
    pub search: Option<String>,
    /// This unit and all its sub-units.
    pub within: Option<UnitId>,
}

/// Sort keys of unit lists.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnitOrderField {
    /// By name, case-insensitively.
    #[default]
    Name,
    /// By code.
    Code,
    /// Tree order: each unit followed by its sub-units.
    Tree,
}

/// `units.path` condition: the unit is `root` or below it.
pub fn unit_in_subtree(
    root: UnitId,
) -> Box<dyn BoxableExpression<units::table, Pg, SqlType = Bool>> {
    Box::new(
        sql::<Bool>("units.path LIKE (SELECT r.path || '%' FROM units r WHERE r.id = ")
            .bind::<BigInt, _>(root.0)
            .sql(")"),
    )
}

/// `asn.unit_id` condition: the ASN works in `root` or one of its sub-units.
pub fn asn_in_subtree(root: UnitId) -> Box<dyn BoxableExpression<asn::table, Pg, SqlType = Bool>> {
    Box::new(
        sql::<Bool>(
            "asn.unit_id IN (SELECT d.id FROM units d JOIN units r ON d.path LIKE r.path || '%' \
             WHERE r.id = ",
        )
        .bind::<BigInt, _>(root.0)
        .sql(")"),
    )
}

/// Ids of the ASN working in `root` or one of its sub-units, as a sub-select.
pub fn asn_ids_in_subtree(root: UnitId) -> asn::BoxedQuery<'static, Pg, BigInt> {
    asn::table
        .filter(asn_in_subtree(root))
        .select(asn::id)
        .into_boxed()
}

fn filtered(criteria: &UnitCriteria) -> units::BoxedQuery<'static, Pg> {
    let mut query = units::table.into_boxed();
    if let Some(parent) = criteria.parent {
        query = query.filter(units::parent_id.eq(parent));
    }
    if !criteria.kinds.is_empty() {
        query = query.filter(units::kind.eq_any(criteria.kinds.clone()));
    }
    if criteria.roots_only {
        query = query.filter(units::parent_id.is_null());
    }
    if let Some(term) = criteria.search.as_deref().filter(|t| !t.trim().is_empty()) {
        let pattern = contains_pattern(term.trim());
        query = query.filter(
            units::name
                .ilike(pattern.clone())
                .or(units::code.ilike(pattern)),
        );
    }
    if let Some(root) = criteria.within {
        query = query.filter(unit_in_subtree(root));
    }
    query
}

/// Number of units matching `criteria`.
pub async fn count(conn: &mut Conn, criteria: &UnitCriteria) -> AppResult<i64> {
    Ok(filtered(criteria).count().get_result(conn).await?)
}

/// The units of `window` in the given order, plus one more if it exists.
pub async fn page(
    conn: &mut Conn,
    criteria: &UnitCriteria,
    order: (UnitOrderField, OrderDirection),
    window: Window,
) -> AppResult<Vec<Unit>> {
    let mut query = filtered(criteria).select(Unit::as_select());
    query = match order {
        (UnitOrderField::Name, OrderDirection::Asc) => query.order_by(lower(units::name).asc()),
        (UnitOrderField::Name, OrderDirection::Desc) => query.order_by(lower(units::name).desc()),
        (UnitOrderField::Code, OrderDirection::Asc) => query.order_by(units::code.asc()),
        (UnitOrderField::Code, OrderDirection::Desc) => query.order_by(units::code.desc()),
        (UnitOrderField::Tree, OrderDirection::Asc) => query.order_by(units::path.asc()),
        (UnitOrderField::Tree, OrderDirection::Desc) => query.order_by(units::path.desc()),
    };
    query = match order.1 {
        OrderDirection::Asc => query.then_order_by(units::id.asc()),
        OrderDirection::Desc => query.then_order_by(units::id.desc()),
    };
    Ok(query
        .offset(window.offset)
        .limit(window.limit + 1)
        .load(conn)
        .await?)
}

/// Units by id, in no particular order.
pub async fn by_ids(conn: &mut Conn, ids: &[UnitId]) -> AppResult<Vec<Unit>> {
    Ok(units::table
        .filter(units::id.eq_any(ids))
        .select(Unit::as_select())
        .load(conn)
        .await?)
}

/// The unit with `code`.
pub async fn by_code(conn: &mut Conn, code: &str) -> AppResult<Option<Unit>> {
    Ok(units::table
        .filter(units::code.eq(code))
        .select(Unit::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// SQL (for [`crate::db::ranked::child_pages`]) ranking the children of units in `$1`.
pub const CHILDREN_SQL: &str = "SELECT u.*, \
     count(*) OVER (PARTITION BY u.parent_id) AS total, \
     row_number() OVER (PARTITION BY u.parent_id ORDER BY lower(u.name), u.id) AS __rn \
     FROM units u WHERE u.parent_id = ANY($1)";
