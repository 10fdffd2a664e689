//! Role grant writes. Uniqueness is the database's (`role_grants_unique_idx`), so two
//! concurrent grants of the same role end with one row.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::model::GrantKey;
use crate::db::schema::role_grants;
use crate::error::AppResult;
use crate::ids::AsnId;

/// Inserts the grant; `None` when it already exists.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    key: GrantKey,
    granted_by: AsnId,
    at: DateTime<Utc>,
) -> AppResult<Option<i64>> {
    Ok(diesel::insert_into(role_grants::table)
        .values((
            role_grants::asn_id.eq(key.asn_id),
            role_grants::role.eq(key.role),
            role_grants::unit_id.eq(key.unit_id),
            role_grants::granted_by.eq(granted_by),
            role_grants::granted_at.eq(at),
        ))
        .on_conflict_do_nothing()
        .returning(role_grants::id)
        .get_result(conn)
        .await
        .optional()?)
}

/// Deletes the grant; `None` when it does not exist.
pub async fn delete(conn: &mut AsyncPgConnection, key: GrantKey) -> AppResult<Option<i64>> {
    Ok(diesel::delete(
        role_grants::table
            .filter(role_grants::asn_id.eq(key.asn_id))
            .filter(role_grants::role.eq(key.role))
            .filter(role_grants::unit_id.is_not_distinct_from(key.unit_id)),
    )
    .returning(role_grants::id)
    .get_result(conn)
    .await
    .optional()?)
}

/// Locks every ADMIN grant (in id order, so concurrent callers queue instead of deadlocking)
/// and returns their holders: two ADMINs revoking each other at once end with one ADMIN.
pub async fn lock_admins(conn: &mut AsyncPgConnection) -> AppResult<Vec<AsnId>> {
    Ok(role_grants::table
        .filter(role_grants::role.eq(crate::auth::Role::Admin))
        .order_by(role_grants::id)
        .select(role_grants::asn_id)
        .for_update()
        .load(conn)
        .await?)
}
