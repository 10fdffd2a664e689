//! GraphQL face of feedback: the `Feedback` type and the helpers behind
//! `Asn.feedbackReceived`, `Asn.feedbackGiven`, `Evaluation.feedback` and `node(id)`.

use std::collections::HashMap;

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

use super::loaders::{FeedbackOnEvaluation, FeedbackPage, FeedbackParent};
use super::model::{Feedback, FeedbackKind};
use crate::asn::loaders::with_unit;
use crate::asn::model::Asn;
use crate::auth::rules::{self, RecordKind, SqlScope};
use crate::error::{AppError, AppResult};
use crate::graphql::context::ContextExt;
use crate::graphql::pagination::{PageArgs, connection, list_cost};
use crate::ids::{AsnId, EvaluationId, FeedbackId, UnitId};
use crate::units::model::Unit;

crate::connection_type!(Feedback, FeedbackConnection, FeedbackEdge);

/// A feedback entry (umpan balik) or a message of an evaluation's dialog. Visible to its author,
/// its recipient, the recipient's supervisor chain, unit admins above them and admins.
#[Object]
impl Feedback {
    /// Global object ID.
    pub async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// Who wrote it.
    async fn author(&self, ctx: &Context<'_>) -> AppResult<Asn> {
        ctx.loaders()?
            .load_one(self.author_id)
            .await?
            .ok_or_else(|| AppError::internal("feedback without author"))
    }

    /// To whom it was written.
    async fn recipient(&self, ctx: &Context<'_>) -> AppResult<Asn> {
        ctx.loaders()?
            .load_one(self.recipient_id)
            .await?
            .ok_or_else(|| AppError::internal("feedback without recipient"))
    }

    /// What kind of feedback it is.
    async fn kind(&self) -> FeedbackKind {
        self.kind
    }

    /// The text.
    async fn body(&self) -> &str {
        &self.body
    }

    /// When it was written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// ID of the evaluation whose dialog it belongs to, if any.
    async fn evaluation_id(&self) -> Option<ID> {
        self.evaluation_id.map(EvaluationId::to_global)
    }

    /// The evaluation whose dialog this entry belongs to; null when there is none or the
    /// viewer may not read it.
    async fn evaluation(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<crate::evaluations::model::Evaluation>> {
        let Some(id) = self.evaluation_id else {
            return Ok(None);
        };
        let Some(evaluation) = ctx.loaders()?.load_one(id).await? else {
            return Ok(None);
        };
        Ok(crate::evaluations::graphql::readable(ctx, &evaluation)
            .await?
            .then_some(evaluation))
    }

    /// The entry this one replies to; null for a top-level entry or when the viewer may not
    /// read the parent.
    async fn parent(&self, ctx: &Context<'_>) -> AppResult<Option<Feedback>> {
        let Some(parent_id) = self.parent_id else {
            return Ok(None);
        };
        let Some(parent) = ctx.loaders()?.load_one(parent_id).await? else {
            return Ok(None);
        };
        Ok(readable(ctx, &parent).await?.then_some(parent))
    }

    /// The replies the viewer may read, oldest first.
    #[graphql(complexity = "list_cost(first, None, child_complexity)")]
    async fn replies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (≤ 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
    ) -> AppResult<FeedbackConnection> {
        page(ctx, FeedbackParent::RepliesTo(self.id), first, after).await
    }
}

async fn page(
    ctx: &Context<'_>,
    parent: FeedbackParent,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<FeedbackConnection> {
    let scope = SqlScope::of(ctx.viewer()?, RecordKind::Personal);
    let window = PageArgs::forward(first, after).plan()?.window(None);
    let key = FeedbackPage {
        parent,
        window,
        scope,
    };
    let page = ctx.loaders()?.load_one(key).await?.unwrap_or_default();
    Ok(connection(page.rows, window, Some(page.total)).into())
}

/// `Asn.feedbackReceived`: feedback to `asn` that the viewer may read, newest first.
pub async fn received_by(
    ctx: &Context<'_>,
    asn: &Asn,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<FeedbackConnection> {
    page(ctx, FeedbackParent::ReceivedBy(asn.id), first, after).await
}

/// `Asn.feedbackGiven`: feedback written by `asn` that the viewer may read, newest first.
pub async fn given_by(
    ctx: &Context<'_>,
    asn: &Asn,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<FeedbackConnection> {
    page(ctx, FeedbackParent::GivenBy(asn.id), first, after).await
}

/// Whether the viewer may read `entry` (loads its recipient and their unit).
pub async fn readable(ctx: &Context<'_>, entry: &Feedback) -> AppResult<bool> {
    let viewer = ctx.viewer()?;
    if entry.author_id == viewer.asn_id {
        return Ok(true);
    }
    let (recipient, unit) = with_unit(ctx.loaders()?, entry.recipient_id).await?;
    Ok(rules::can_read_feedback(
        viewer,
        entry.author_id,
        recipient.subject(&unit.path),
    ))
}

/// The entry with `id`: `NOT_FOUND` when it does not exist, `FORBIDDEN` when the viewer may not
/// read it (for `node(id)`).
pub async fn load_readable(ctx: &Context<'_>, id: FeedbackId) -> AppResult<Feedback> {
    let entry = ctx
        .loaders()?
        .load_one(id)
        .await?
        .ok_or_else(|| AppError::not_found("no feedback with that ID"))?;
    if !readable(ctx, &entry).await? {
        return Err(AppError::forbidden("you may not read this feedback"));
    }
    Ok(entry)
}

/// `Evaluation.feedback`: the top-level entries of the evaluation's dialog that the viewer may
/// read, oldest first (their replies hang below them).
pub async fn on_evaluation(
    ctx: &Context<'_>,
    evaluation: EvaluationId,
) -> AppResult<Vec<Feedback>> {
    let viewer = ctx.viewer()?;
    let loaders = ctx.loaders()?;
    let entries = loaders
        .load_one(FeedbackOnEvaluation(evaluation))
        .await?
        .unwrap_or_default();
    let recipients: HashMap<AsnId, Asn> = loaders
        .load_many(entries.iter().map(|f| f.recipient_id))
        .await?;
    let units: HashMap<UnitId, Unit> = loaders
        .load_many(recipients.values().map(|a| a.unit_id))
        .await?;
    Ok(entries
        .into_iter()
        .filter(|f| {
            let recipient = recipients.get(&f.recipient_id);
            let unit = recipient.and_then(|r| units.get(&r.unit_id));
            match (recipient, unit) {
                (Some(r), Some(u)) => {
                    rules::can_read_feedback(viewer, f.author_id, r.subject(&u.path))
                }
                _ => false,
            }
        })
        .collect())
}
