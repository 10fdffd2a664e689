//! Relay object identification: the `Node` interface and `node` / `nodes`.

use async_graphql::{Context, ID, Interface, Object};

use crate::activities::model::Activity;
use crate::appeals::model::Appeal;
use crate::asn::model::Asn;
use crate::error::{AppError, AppResult};
use crate::evaluations::model::Evaluation;
use crate::feedback::model::Feedback;
use crate::graphql::context::ContextExt;
use crate::ids::{
    ActivityId, AppealId, AsnId, EvaluationId, FeedbackId, ObservationId, TargetId, UnitId,
    VisitId, decode_global,
};
use crate::supervision::model::{Observation, SupervisionVisit};
use crate::targets::model::PerformanceTarget;
use crate::units::model::Unit;

/// Anything with a global ID that `node(id:)` can fetch.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Global object ID."))]
pub enum Node {
    /// A unit kerja.
    Unit(Unit),
    /// An ASN.
    Asn(Asn),
    /// An evaluation.
    Evaluation(Evaluation),
    /// An appeal.
    Appeal(Appeal),
    /// A performance target (RHK).
    PerformanceTarget(PerformanceTarget),
    /// A daily activity.
    Activity(Activity),
    /// A supervision visit.
    SupervisionVisit(SupervisionVisit),
    /// An observation made on a supervision visit.
    Observation(Observation),
    /// A feedback entry.
    Feedback(Feedback),
}

/// Most IDs `nodes` accepts at once.
pub const MAX_NODES: usize = 100;

async fn fetch(ctx: &Context<'_>, id: &ID) -> AppResult<Option<Node>> {
    let (type_name, _) = decode_global(id)?;
    let loaders = ctx.loaders()?;
    let node = match type_name.as_str() {
        UnitId::TYPE_NAME => loaders
            .load_one(UnitId::from_global(id)?)
            .await?
            .map(Node::Unit),
        AsnId::TYPE_NAME => loaders
            .load_one(AsnId::from_global(id)?)
            .await?
            .map(Node::Asn),
        EvaluationId::TYPE_NAME => Some(Node::Evaluation(
            crate::evaluations::graphql::load_readable(ctx, EvaluationId::from_global(id)?).await?,
        )),
        AppealId::TYPE_NAME => {
            let appeal = loaders.load_one(AppealId::from_global(id)?).await?;
            match appeal {
                Some(appeal) if !crate::appeals::graphql::readable(ctx, &appeal).await? => {
                    return Err(AppError::forbidden("you may not read this appeal"));
                }
                other => other.map(Node::Appeal),
            }
        }
        TargetId::TYPE_NAME => crate::targets::graphql::fetch(ctx, TargetId::from_global(id)?)
            .await?
            .map(Node::PerformanceTarget),
        ActivityId::TYPE_NAME => {
            crate::activities::graphql::fetch(ctx, ActivityId::from_global(id)?)
                .await?
                .map(Node::Activity)
        }
        VisitId::TYPE_NAME => loaders
            .load_one(VisitId::from_global(id)?)
            .await?
            .map(Node::SupervisionVisit),
        ObservationId::TYPE_NAME => Some(Node::Observation(
            crate::supervision::graphql::load_readable(ctx, ObservationId::from_global(id)?)
                .await?,
        )),
        FeedbackId::TYPE_NAME => Some(Node::Feedback(
            crate::feedback::graphql::load_readable(ctx, FeedbackId::from_global(id)?).await?,
        )),
        other => {
            return Err(AppError::bad_input(format!(
                "IDs of type {other} cannot be fetched with node"
            )));
        }
    };
    node.map(Some)
        .ok_or_else(|| AppError::not_found(format!("no {type_name} with that ID")))
}

/// `node` and `nodes`.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Fetches any object by its global ID; null with `NOT_FOUND` when it does not exist, and
    /// null with `FORBIDDEN` when it is a personal record the viewer may not read.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global object ID.")] id: ID,
    ) -> AppResult<Option<Node>> {
        ctx.viewer()?;
        fetch(ctx, &id).await
    }

    /// Fetches objects by global ID, in the order given; ones that do not exist, or that the
    /// viewer may not read, are null.
    /// Malformed IDs fail the whole field with `BAD_USER_INPUT`. At most 100 IDs.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global object IDs (at most 100).")] ids: Vec<ID>,
    ) -> AppResult<Vec<Option<Node>>> {
        ctx.viewer()?;
        if ids.len() > MAX_NODES {
            return Err(AppError::too_complex("ids", MAX_NODES, ids.len()));
        }
        for id in &ids {
            decode_global(id)?;
        }
        // Concurrent loads are batched by the DataLoader: one statement per type.
        let found = futures_util::future::join_all(ids.iter().map(|id| fetch(ctx, id))).await;
        found
            .into_iter()
            .map(|node| match node {
                Ok(node) => Ok(node),
                Err(err)
                    if matches!(
                        err.code(),
                        crate::error::ErrorCode::NotFound | crate::error::ErrorCode::Forbidden
                    ) =>
                {
                    Ok(None)
                }
                Err(err) => Err(err),
            })
            .collect()
    }
}
