//! Batched unit lookups: by id, and pages of children by parent.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;

use super::model::Unit;
use super::queries;
use crate::db::ranked::{ChildPage, child_pages};
use crate::error::AppError;
use crate::graphql::loaders::DbLoader;
use crate::graphql::pagination::Window;
use crate::ids::UnitId;

impl Loader<UnitId> for DbLoader {
    type Value = Unit;
    type Error = AppError;

    async fn load(&self, keys: &[UnitId]) -> Result<HashMap<UnitId, Unit>, AppError> {
        let mut conn = self.db.conn().await?;
        let rows = queries::by_ids(&mut conn, keys).await?;
        Ok(rows.into_iter().map(|unit| (unit.id, unit)).collect())
    }
}

/// A page of a unit's direct sub-units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChildrenOf(pub UnitId, pub Window);

impl Loader<ChildrenOf> for DbLoader {
    type Value = ChildPage<Unit>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[ChildrenOf],
    ) -> Result<HashMap<ChildrenOf, Self::Value>, AppError> {
        let keys: Vec<(UnitId, Window)> = keys.iter().map(|k| (k.0, k.1)).collect();
        let pages = child_pages(&self.db, queries::CHILDREN_SQL, &keys, |unit: &Unit| {
            unit.parent_id.unwrap_or(UnitId(0))
        })
        .await?;
        Ok(pages
            .into_iter()
            .map(|((parent, window), page)| (ChildrenOf(parent, window), page))
            .collect())
    }
}
