//! Batched ASN lookups: by id, members of a unit, direct reports, role grants.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;

use super::model::Asn;
use super::queries;
use crate::auth::Grant;
use crate::db::ranked::{ChildPage, child_pages};
use crate::error::AppError;
use crate::graphql::loaders::DbLoader;
use crate::graphql::pagination::Window;
use crate::ids::{AsnId, UnitId};

impl Loader<AsnId> for DbLoader {
    type Value = Asn;
    type Error = AppError;

    async fn load(&self, keys: &[AsnId]) -> Result<HashMap<AsnId, Asn>, AppError> {
        let mut conn = self.db.conn().await?;
        let rows = queries::by_ids(&mut conn, keys).await?;
        Ok(rows.into_iter().map(|asn| (asn.id, asn)).collect())
    }
}

/// A page of the ASN working directly in a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MembersOf(pub UnitId, pub Window);

impl Loader<MembersOf> for DbLoader {
    type Value = ChildPage<Asn>;
    type Error = AppError;

    async fn load(&self, keys: &[MembersOf]) -> Result<HashMap<MembersOf, Self::Value>, AppError> {
        let keys: Vec<(UnitId, Window)> = keys.iter().map(|k| (k.0, k.1)).collect();
        let pages = child_pages(&self.db, queries::MEMBERS_SQL, &keys, |a: &Asn| a.unit_id).await?;
        Ok(pages
            .into_iter()
            .map(|((unit, window), page)| (MembersOf(unit, window), page))
            .collect())
    }
}

/// A page of an ASN's direct reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReportsOf(pub AsnId, pub Window);

impl Loader<ReportsOf> for DbLoader {
    type Value = ChildPage<Asn>;
    type Error = AppError;

    async fn load(&self, keys: &[ReportsOf]) -> Result<HashMap<ReportsOf, Self::Value>, AppError> {
        let keys: Vec<(AsnId, Window)> = keys.iter().map(|k| (k.0, k.1)).collect();
        let pages = child_pages(&self.db, queries::SUBORDINATES_SQL, &keys, |a: &Asn| {
            a.supervisor_id.unwrap_or(AsnId(0))
        })
        .await?;
        Ok(pages
            .into_iter()
            .map(|((boss, window), page)| (ReportsOf(boss, window), page))
            .collect())
    }
}

/// The role grants of an ASN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GrantsOf(pub AsnId);

impl Loader<GrantsOf> for DbLoader {
    type Value = Vec<Grant>;
    type Error = AppError;

    async fn load(&self, keys: &[GrantsOf]) -> Result<HashMap<GrantsOf, Vec<Grant>>, AppError> {
        let ids: Vec<AsnId> = keys.iter().map(|k| k.0).collect();
        let mut conn = self.db.conn().await?;
        let mut grants: HashMap<GrantsOf, Vec<Grant>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for (asn_id, grant) in queries::grants_of(&mut conn, &ids).await? {
            grants.entry(GrantsOf(asn_id)).or_default().push(grant);
        }
        Ok(grants)
    }
}

/// An ASN with their unit, loaded through the request's loader: what the visibility rules need
/// to decide on a record about that ASN.
pub async fn with_unit(
    loaders: &crate::graphql::loaders::Loaders,
    id: AsnId,
) -> Result<(Asn, crate::units::model::Unit), AppError> {
    let asn = loaders
        .load_one(id)
        .await?
        .ok_or_else(|| AppError::not_found("no ASN with that id"))?;
    let unit = loaders
        .load_one(asn.unit_id)
        .await?
        .ok_or_else(|| AppError::internal("ASN without unit"))?;
    Ok((asn, unit))
}
