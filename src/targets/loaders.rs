//! Batched target lookups: by id, indicators, cascaded children, targets of an ASN.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;

use super::model::{IndicatorRow, PerformanceTarget};
use super::queries;
use crate::error::AppError;
use crate::graphql::loaders::DbLoader;
use crate::ids::{AsnId, TargetId};

impl Loader<TargetId> for DbLoader {
    type Value = PerformanceTarget;
    type Error = AppError;

    async fn load(&self, keys: &[TargetId]) -> Result<HashMap<TargetId, Self::Value>, AppError> {
        let mut conn = self.db.conn().await?;
        let rows = queries::by_ids(&mut conn, keys).await?;
        Ok(rows.into_iter().map(|t| (t.id, t)).collect())
    }
}

/// The indicators of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndicatorsOf(pub TargetId);

impl Loader<IndicatorsOf> for DbLoader {
    type Value = Vec<IndicatorRow>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[IndicatorsOf],
    ) -> Result<HashMap<IndicatorsOf, Self::Value>, AppError> {
        let ids: Vec<TargetId> = keys.iter().map(|k| k.0).collect();
        let mut conn = self.db.conn().await?;
        let mut out: HashMap<IndicatorsOf, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in queries::indicators_of(&mut conn, &ids).await? {
            out.entry(IndicatorsOf(row.target_id))
                .or_default()
                .push(row);
        }
        Ok(out)
    }
}

/// The targets that cascade from a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChildTargetsOf(pub TargetId);

impl Loader<ChildTargetsOf> for DbLoader {
    type Value = Vec<PerformanceTarget>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[ChildTargetsOf],
    ) -> Result<HashMap<ChildTargetsOf, Self::Value>, AppError> {
        let ids: Vec<TargetId> = keys.iter().map(|k| k.0).collect();
        let mut conn = self.db.conn().await?;
        let mut out: HashMap<ChildTargetsOf, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in queries::children_of(&mut conn, &ids).await? {
            if let Some(parent) = row.parent_target_id {
                out.entry(ChildTargetsOf(parent)).or_default().push(row);
            }
        }
        Ok(out)
    }
}

/// The targets of an ASN, of one year or of all years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TargetsOf(pub AsnId, pub Option<i32>);

impl Loader<TargetsOf> for DbLoader {
    type Value = Vec<PerformanceTarget>;
    type Error = AppError;

    async fn load(&self, keys: &[TargetsOf]) -> Result<HashMap<TargetsOf, Self::Value>, AppError> {
        let mut out: HashMap<TargetsOf, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        // One statement per distinct year in the batch (normally one).
        let mut years: Vec<Option<i32>> = keys.iter().map(|k| k.1).collect();
        years.sort_unstable();
        years.dedup();
        let mut conn = self.db.conn().await?;
        for year in years {
            let owners: Vec<AsnId> = keys.iter().filter(|k| k.1 == year).map(|k| k.0).collect();
            for row in queries::of_owners(&mut conn, &owners, year).await? {
                out.entry(TargetsOf(row.asn_id, year))
                    .or_default()
                    .push(row);
            }
        }
        Ok(out)
    }
}
