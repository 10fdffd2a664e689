//! Batched appeal lookups: by id and per evaluation.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;

use super::graphql::AppealsOfEvaluation;
use super::model::Appeal;
use super::queries;
use crate::error::AppError;
use crate::graphql::loaders::DbLoader;
use crate::ids::{AppealId, EvaluationId};

impl Loader<AppealId> for DbLoader {
    type Value = Appeal;
    type Error = AppError;

    async fn load(&self, keys: &[AppealId]) -> Result<HashMap<AppealId, Appeal>, AppError> {
        let mut conn = self.db.conn().await?;
        let rows = queries::by_ids(&mut conn, keys).await?;
        Ok(rows.into_iter().map(|a| (a.id, a)).collect())
    }
}

impl Loader<AppealsOfEvaluation> for DbLoader {
    type Value = Vec<Appeal>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[AppealsOfEvaluation],
    ) -> Result<HashMap<AppealsOfEvaluation, Vec<Appeal>>, AppError> {
        let ids: Vec<EvaluationId> = keys.iter().map(|k| k.0).collect();
        let mut conn = self.db.conn().await?;
        let mut out: HashMap<AppealsOfEvaluation, Vec<Appeal>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for appeal in queries::on_evaluations(&mut conn, &ids).await? {
            out.entry(AppealsOfEvaluation(appeal.evaluation_id))
                .or_default()
                .push(appeal);
        }
        Ok(out)
    }
}
