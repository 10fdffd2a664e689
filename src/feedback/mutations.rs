//! Giving feedback: top-level entries and replies, on an evaluation's dialog or not. The entry
//! and its FEEDBACK_ADDED event are written in one transaction.

use async_graphql::{Context, ID, InputObject, Object};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde_json::json;

use super::graphql::readable;
use super::model::{Feedback, FeedbackKind, NewFeedback};
use super::queries;
use crate::asn::loaders::with_unit;
use crate::auth::rules::{may_give_feedback, may_give_feedback_on_evaluation};
use crate::db::schema::feedback;
use crate::error::{AppError, AppResult};
use crate::events::{self, EventKind};
use crate::graphql::context::ContextExt;
use crate::ids::{AsnId, EvaluationId, FeedbackId};

/// Longest feedback body, in characters.
pub const MAX_BODY: usize = 5000;

/// A feedback entry to write.
#[derive(InputObject, Debug)]
pub struct GiveFeedbackInput {
    /// The ASN it is for. A reply goes to the author of its parent (or, when that author
    /// replies, to the parent's recipient); on an evaluation, to the evaluated ASN or the
    /// evaluator.
    pub recipient_id: ID,
    /// The evaluation whose dialog it belongs to (not a DRAFT). A reply inherits its parent's.
    pub evaluation_id: Option<ID>,
    /// The entry it replies to.
    pub parent_id: Option<ID>,
    /// Kind; an ANSWER replies to a QUESTION.
    pub kind: FeedbackKind,
    /// The text (1–5000 characters after trimming).
    pub body: String,
}

/// Feedback mutations.
#[derive(Default)]
pub struct FeedbackMutation;

#[Object]
impl FeedbackMutation {
    /// Gives feedback to an ASN, or replies in a thread. Supervisors above, peers in the same
    /// unit and the ASN themself may write; the two parties of an evaluation's dialog may
    /// always write in it.
    async fn give_feedback(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The entry to write.")] input: GiveFeedbackInput,
    ) -> AppResult<Feedback> {
        let viewer = ctx.viewer()?;
        let recipient_id = AsnId::from_global(&input.recipient_id)?;
        let mut evaluation_id = input
            .evaluation_id
            .as_ref()
            .map(EvaluationId::from_global)
            .transpose()?;
        let parent_id = input
            .parent_id
            .as_ref()
            .map(FeedbackId::from_global)
            .transpose()?;
        let body = input.body.trim();
        if body.is_empty() || body.chars().count() > MAX_BODY {
            return Err(AppError::bad_input(format!(
                "`body` must hold 1 to {MAX_BODY} characters"
            )));
        }
        if input.kind == FeedbackKind::Answer && parent_id.is_none() {
            return Err(AppError::bad_input(
                "an ANSWER replies to a QUESTION: pass `parentId`",
            ));
        }

        let loaders = ctx.loaders()?;
        let (recipient, _) = with_unit(loaders, recipient_id).await?;
        if let Some(parent_id) = parent_id {
            let parent: Feedback = loaders
                .load_one(parent_id)
                .await?
                .ok_or_else(|| AppError::not_found("no feedback with that `parentId`"))?;
            if !readable(ctx, &parent).await? {
                return Err(AppError::forbidden(
                    "you may not read the entry you reply to",
                ));
            }
            if evaluation_id.is_some_and(|e| Some(e) != parent.evaluation_id) {
                return Err(AppError::bad_input(
                    "a reply belongs to the same evaluation as its parent",
                ));
            }
            evaluation_id = parent.evaluation_id;
            let expected = if parent.author_id == viewer.asn_id {
                parent.recipient_id
            } else {
                parent.author_id
            };
            if recipient_id != expected {
                return Err(AppError::bad_input(
                    "a reply goes to the author of the entry it replies to \
                     (or, from that author, to its recipient)",
                ));
            }
            if input.kind == FeedbackKind::Answer && parent.kind != FeedbackKind::Question {
                return Err(AppError::bad_input("an ANSWER replies to a QUESTION"));
            }
        }
        let mut conn = ctx.db()?.conn().await?;
        match evaluation_id {
            Some(id) => {
                let facts = queries::evaluation_facts(&mut conn, id)
                    .await?
                    .ok_or_else(|| AppError::not_found("no evaluation with that ID"))?;
                if recipient_id != facts.asn_id && recipient_id != facts.evaluator_id {
                    return Err(AppError::bad_input(
                        "feedback on an evaluation goes to the evaluated ASN or the evaluator",
                    ));
                }
                let (evaluated, evaluated_unit) = with_unit(loaders, facts.asn_id).await?;
                if !may_give_feedback_on_evaluation(
                    viewer,
                    recipient.person(),
                    facts.asn_id,
                    evaluated.subject(&evaluated_unit.path),
                    facts.evaluator_id,
                ) {
                    return Err(AppError::forbidden(
                        "you may not write on this evaluation's dialog",
                    ));
                }
                if facts.status == "DRAFT" {
                    return Err(AppError::invalid_state(
                        "the evaluation is a DRAFT; its dialog opens when it is published",
                    ));
                }
            }
            None => {
                if !may_give_feedback(viewer, recipient.person()) {
                    return Err(AppError::forbidden(
                        "feedback comes from supervisors above the ASN, peers in their unit, \
                         or the ASN themself",
                    ));
                }
            }
        }

        let now = ctx.time()?.now();
        let author = viewer.asn_id;
        conn.transaction::<_, AppError, _>(async |conn| {
            let created: Feedback = diesel::insert_into(feedback::table)
                .values(NewFeedback {
                    author_id: author,
                    recipient_id,
                    evaluation_id,
                    parent_id,
                    kind: input.kind,
                    body,
                    created_at: now,
                })
                .returning(Feedback::as_returning())
                .get_result(conn)
                .await?;
            events::publish(
                conn,
                EventKind::FeedbackAdded,
                created.id.0,
                json!({
                    "recipientId": recipient_id,
                    "authorId": author,
                    "evaluationId": evaluation_id,
                }),
                now,
            )
            .await?;
            Ok(created)
        })
        .await
    }
}
