//! Batched feedback lookups: by id, the top-level entries of an evaluation's dialog, and pages
//! of feedback received, given and replied (filtered by the viewer's scope in SQL).

use std::collections::HashMap;

use async_graphql::dataloader::Loader;

use super::model::Feedback;
use super::queries;
use crate::auth::rules::SqlScope;
use crate::db::ranked::{ChildPage, child_pages_with};
use crate::error::AppError;
use crate::graphql::loaders::DbLoader;
use crate::graphql::pagination::Window;
use crate::ids::{AsnId, EvaluationId, FeedbackId};

impl Loader<FeedbackId> for DbLoader {
    type Value = Feedback;
    type Error = AppError;

    async fn load(&self, keys: &[FeedbackId]) -> Result<HashMap<FeedbackId, Feedback>, AppError> {
        let mut conn = self.db.conn().await?;
        let rows = queries::by_ids(&mut conn, keys).await?;
        Ok(rows.into_iter().map(|f| (f.id, f)).collect())
    }
}

/// The top-level entries of an evaluation's dialog, oldest first. Not filtered by viewer: read
/// them through [`super::graphql::on_evaluation`], which applies the visibility rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FeedbackOnEvaluation(pub EvaluationId);

impl Loader<FeedbackOnEvaluation> for DbLoader {
    type Value = Vec<Feedback>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[FeedbackOnEvaluation],
    ) -> Result<HashMap<FeedbackOnEvaluation, Self::Value>, AppError> {
        let ids: Vec<EvaluationId> = keys.iter().map(|k| k.0).collect();
        let mut conn = self.db.conn().await?;
        let mut out: HashMap<FeedbackOnEvaluation, Vec<Feedback>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for entry in queries::on_evaluations(&mut conn, &ids).await? {
            if let Some(evaluation) = entry.evaluation_id {
                out.entry(FeedbackOnEvaluation(evaluation))
                    .or_default()
                    .push(entry);
            }
        }
        Ok(out)
    }
}

/// Which pages of feedback a [`FeedbackPage`] key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedbackParent {
    /// Received by this ASN, newest first.
    ReceivedBy(AsnId),
    /// Written by this ASN, newest first.
    GivenBy(AsnId),
    /// Replies to this entry, oldest first.
    RepliesTo(FeedbackId),
}

/// A page of feedback under one parent that the viewer (of `scope`) may read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FeedbackPage {
    /// Whose feedback.
    pub parent: FeedbackParent,
    /// The slice.
    pub window: Window,
    /// The viewer's scope.
    pub scope: SqlScope,
}

impl Loader<FeedbackPage> for DbLoader {
    type Value = ChildPage<Feedback>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[FeedbackPage],
    ) -> Result<HashMap<FeedbackPage, Self::Value>, AppError> {
        let mut out = HashMap::with_capacity(keys.len());
        let mut received = Vec::new();
        let mut given = Vec::new();
        let mut replies = Vec::new();
        for key in keys {
            match key.parent {
                FeedbackParent::ReceivedBy(id) => {
                    received.push((id, key.window, key.scope.clone()))
                }
                FeedbackParent::GivenBy(id) => given.push((id, key.window, key.scope.clone())),
                FeedbackParent::RepliesTo(id) => replies.push((id, key.window, key.scope.clone())),
            }
        }
        if !received.is_empty() {
            let pages = child_pages_with(
                &self.db,
                &queries::received_sql(),
                &received,
                |f: &Feedback| f.recipient_id,
                SqlScope::bind,
            )
            .await?;
            out.extend(pages.into_iter().map(|((id, window, scope), page)| {
                let parent = FeedbackParent::ReceivedBy(id);
                (
                    FeedbackPage {
                        parent,
                        window,
                        scope,
                    },
                    page,
                )
            }));
        }
        if !given.is_empty() {
            let pages = child_pages_with(
                &self.db,
                &queries::given_sql(),
                &given,
                |f: &Feedback| f.author_id,
                SqlScope::bind,
            )
            .await?;
            out.extend(pages.into_iter().map(|((id, window, scope), page)| {
                let parent = FeedbackParent::GivenBy(id);
                (
                    FeedbackPage {
                        parent,
                        window,
                        scope,
                    },
                    page,
                )
            }));
        }
        if !replies.is_empty() {
            let pages = child_pages_with(
                &self.db,
                &queries::replies_sql(),
                &replies,
                |f: &Feedback| f.parent_id.unwrap_or(FeedbackId(0)),
                SqlScope::bind,
            )
            .await?;
            out.extend(pages.into_iter().map(|((id, window, scope), page)| {
                let parent = FeedbackParent::RepliesTo(id);
                (
                    FeedbackPage {
                        parent,
                        window,
                        scope,
                    },
                    page,
                )
            }));
        }
        Ok(out)
    }
}
