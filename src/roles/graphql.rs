//! `grantRole` and `revokeRole` (ADMIN only); each returns the ASN with their roles.

use async_graphql::{Context, ID, InputObject, Object};
use diesel_async::AsyncConnection;

use super::model::GrantKey;
use super::queries;
use crate::asn::model::Asn;
use crate::audit::{self, Change};
use crate::auth::Role;
use crate::auth::rules::{can_manage_roles, revoke_keeps_admin};
use crate::error::{AppError, AppResult};
use crate::graphql::context::ContextExt;
use crate::ids::{AsnId, UnitId};

/// A role to grant or revoke.
#[derive(InputObject, Debug)]
pub struct RoleInput {
    /// The ASN.
    pub asn_id: ID,
    /// The role.
    pub role: Role,
    /// For UNIT_ADMIN (required there, refused for the other roles): the unit whose subtree it
    /// covers.
    pub unit_id: Option<ID>,
}

impl RoleInput {
    fn key(&self) -> AppResult<GrantKey> {
        GrantKey::new(
            AsnId::from_global(&self.asn_id)?,
            self.role,
            self.unit_id.as_ref().map(UnitId::from_global).transpose()?,
        )
    }
}

/// Loads what a role change needs: the ASN (NOT_FOUND) and the unit of a UNIT_ADMIN grant.
async fn load_target(ctx: &Context<'_>, key: GrantKey) -> AppResult<Asn> {
    let loaders = ctx.loaders()?;
    let asn: Asn = loaders
        .load_one(key.asn_id)
        .await?
        .ok_or_else(|| AppError::not_found("no ASN with that ID"))?;
    if let Some(unit) = key.unit_id
        && loaders.load_one(unit).await?.is_none()
    {
        return Err(AppError::not_found("no unit with that ID"));
    }
    Ok(asn)
}

/// Role mutations.
#[derive(Default)]
pub struct RolesMutation;

#[Object]
impl RolesMutation {
    /// Grants a role (ADMIN only). Granting a role the ASN already holds is a CONFLICT.
    async fn grant_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ASN, the role and, for UNIT_ADMIN, the unit.")] input: RoleInput,
    ) -> AppResult<Asn> {
        let viewer = ctx.viewer()?;
        let key = input.key()?;
        if !can_manage_roles(viewer) {
            return Err(AppError::forbidden("only an ADMIN grants roles"));
        }
        let asn = load_target(ctx, key).await?;
        if !asn.active {
            return Err(AppError::invalid_state(
                "the ASN is not in service and cannot be granted a role",
            ));
        }
        let now = ctx.time()?.now();
        let actor = viewer.asn_id;
        let mut conn = ctx.db()?.conn().await?;
        conn.transaction::<_, AppError, _>(async |conn| {
            if queries::insert(conn, key, actor, now).await?.is_none() {
                return Err(AppError::conflict(format!(
                    "the ASN already holds {}{}",
                    key.role.as_str(),
                    if key.unit_id.is_some() {
                        " for that unit"
                    } else {
                        ""
                    }
                )));
            }
            audit::record(
                conn,
                Change {
                    actor: Some(actor),
                    subject: key.asn_id,
                    entity_type: AsnId::TYPE_NAME,
                    entity_id: key.asn_id.0,
                    action: "ROLE_GRANTED",
                    before: None,
                    after: Some(key.json()),
                },
                now,
            )
            .await
        })
        .await?;
        Ok(asn)
    }

    /// Revokes a role (ADMIN only). Revoking a role the ASN does not hold is NOT_FOUND; an
    /// ADMIN cannot revoke their own ADMIN role (INVALID_STATE).
    async fn revoke_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ASN, the role and, for UNIT_ADMIN, the unit.")] input: RoleInput,
    ) -> AppResult<Asn> {
        let viewer = ctx.viewer()?;
        let key = input.key()?;
        if !can_manage_roles(viewer) {
            return Err(AppError::forbidden("only an ADMIN revokes roles"));
        }
        let asn = load_target(ctx, key).await?;
        if !revoke_keeps_admin(viewer, key.asn_id, key.role) {
            return Err(AppError::invalid_state(
                "an ADMIN cannot revoke their own ADMIN role; another ADMIN must",
            ));
        }
        let now = ctx.time()?.now();
        let actor = viewer.asn_id;
        let mut conn = ctx.db()?.conn().await?;
        conn.transaction::<_, AppError, _>(async |conn| {
            if key.role == Role::Admin && !queries::lock_admins(conn).await?.contains(&actor) {
                return Err(AppError::forbidden(
                    "you no longer hold ADMIN (another ADMIN revoked it)",
                ));
            }
            if queries::delete(conn, key).await?.is_none() {
                return Err(AppError::not_found(format!(
                    "the ASN does not hold {}{}",
                    key.role.as_str(),
                    if key.unit_id.is_some() {
                        " for that unit"
                    } else {
                        ""
                    }
                )));
            }
            audit::record(
                conn,
                Change {
                    actor: Some(actor),
                    subject: key.asn_id,
                    entity_type: AsnId::TYPE_NAME,
                    entity_id: key.asn_id.0,
                    action: "ROLE_REVOKED",
                    before: Some(key.json()),
                    after: None,
                },
                now,
            )
            .await
        })
        .await?;
        Ok(asn)
    }
}
