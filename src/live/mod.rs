//! Live review results: GraphQL subscriptions fed by the event hub.
//!
//! Each subscription yields an event object with a `cursor` (where the subscriber stands after
//! it, see [`cursor`]: pass it as `after` to resume) and the record. Every event is checked
//! against the subscriber's viewer with the same rules as queries, and against the narrowing
//! arguments; a narrowing argument naming a record the viewer may not read is refused with
//! FORBIDDEN when subscribing.
//!
//! A subscription with `after` replays every event after the cursor from the outbox, page by
//! page, before going live, each event once ([`replay`]). A subscription never skips events:
//! when it cannot deliver them it ends with an error saying so, and where resuming helps,
//! `extensions.resumeAfter` is the cursor to subscribe again with ([`stream::events`]).

pub mod budget;
pub mod cursor;
pub mod replay;
pub mod stream;

use async_graphql::{Context, ID, SimpleObject, Subscription};
use futures_util::Stream;

use crate::activities::model::Activity;
use crate::appeals::model::Appeal;
use crate::auth::rules::{
    RecordKind, can_read, can_read_appeal, can_read_evaluation, can_read_feedback,
};
use crate::error::{AppError, AppResult};
use crate::evaluations::model::{Evaluation, EvaluationStatus};
use crate::events::EventKind;
use crate::events::position::Position;
use crate::events::records::Record;
use crate::feedback::model::Feedback;
use crate::graphql::context::ContextExt;
use crate::ids::{AppealId, AsnId, EvaluationId, UnitId};
use stream::events;

/// An evaluation was published.
#[derive(SimpleObject, Debug, Clone)]
pub struct EvaluationPublished {
    /// Where the subscription stands after this event: pass it as `after` to resume with every
    /// event it had not delivered by then, in order, each once.
    pub cursor: String,
    /// The published evaluation.
    pub evaluation: Evaluation,
}

/// An appeal was decided.
#[derive(SimpleObject, Debug, Clone)]
pub struct AppealDecided {
    /// Where the subscription stands after this event: pass it as `after` to resume with every
    /// event it had not delivered by then, in order, each once.
    pub cursor: String,
    /// The decided appeal.
    pub appeal: Appeal,
}

/// An appeal was filed.
#[derive(SimpleObject, Debug, Clone)]
pub struct AppealFiled {
    /// Where the subscription stands after this event: pass it as `after` to resume with every
    /// event it had not delivered by then, in order, each once.
    pub cursor: String,
    /// The filed appeal.
    pub appeal: Appeal,
}

/// An activity was reviewed (approved, returned for revision or rejected).
#[derive(SimpleObject, Debug, Clone)]
pub struct ActivityReviewed {
    /// Where the subscription stands after this event: pass it as `after` to resume with every
    /// event it had not delivered by then, in order, each once.
    pub cursor: String,
    /// The reviewed activity.
    pub activity: Activity,
}

/// New feedback, or a reply in an evaluation's dialog.
#[derive(SimpleObject, Debug, Clone)]
pub struct FeedbackAdded {
    /// Where the subscription stands after this event: pass it as `after` to resume with every
    /// event it had not delivered by then, in order, each once.
    pub cursor: String,
    /// The new entry.
    pub feedback: Feedback,
}

/// The appeal of an appeal event with its cursor, if the viewer may read it and it passes the
/// narrowing (one appeal, a unit subtree).
fn appeal_for(
    viewer: &crate::auth::Viewer,
    event: &crate::events::records::LoadedEvent,
    at: &Position,
    only: Option<AppealId>,
    within: Option<&str>,
) -> Option<(String, Appeal)> {
    let Record::Appeal {
        appeal,
        subject,
        evaluator,
    } = &event.record
    else {
        return None;
    };
    let visible = can_read_appeal(
        viewer,
        subject.asn.subject(&subject.unit_path),
        evaluator.person(),
    );
    let wanted = only.is_none_or(|id| id == appeal.id)
        && within.is_none_or(|p| subject.unit_path.starts_with(p));
    (visible && wanted).then(|| (cursor::encode(at), appeal.clone()))
}

/// The path of a narrowing unit, loaded when subscribing.
async fn unit_path(ctx: &Context<'_>, unit: Option<ID>) -> AppResult<Option<String>> {
    let Some(id) = unit else { return Ok(None) };
    let unit: crate::units::model::Unit = ctx
        .loaders()?
        .load_one(UnitId::from_global(&id)?)
        .await?
        .ok_or_else(|| AppError::not_found("no unit with that ID"))?;
    Ok(Some(unit.path))
}

/// The root subscription type.
#[derive(Default)]
pub struct Subscription;

/// Live review results, delivered only to subscribers allowed to read them.
#[Subscription]
impl Subscription {
    /// Feedback written from now on (or after `after`) that the viewer may read: the
    /// recipient, the recipient's supervisor chain, unit admins above and admins, and the author.
    async fn feedback_added(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only the dialog of this evaluation (FORBIDDEN if the viewer may not read it)."
        )]
        evaluation_id: Option<ID>,
        #[graphql(
            desc = "Only feedback to this ASN (FORBIDDEN if the viewer may not read their feedback)."
        )]
        recipient_id: Option<ID>,
        #[graphql(
            desc = "Replay every event after this cursor first, in order, then go live. A cursor older than the oldest event the outbox keeps (its retention) fails with NOT_FOUND, `extensions.reason` CURSOR_EXPIRED, also when the events pruned after it were all of other kinds."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<FeedbackAdded>> + use<>>
    {
        let viewer = ctx.viewer()?;
        let evaluation = match evaluation_id {
            Some(id) => {
                let id = EvaluationId::from_global(&id)?;
                crate::evaluations::graphql::load_readable(ctx, id).await?;
                Some(id)
            }
            None => None,
        };
        let recipient = match recipient_id {
            Some(id) => {
                let id = AsnId::from_global(&id)?;
                let (asn, unit) = crate::asn::loaders::with_unit(ctx.loaders()?, id).await?;
                if !can_read(viewer, asn.subject(&unit.path), RecordKind::Personal) {
                    return Err(AppError::forbidden("you may not read this ASN's feedback").into());
                }
                Some(id)
            }
            None => None,
        };
        Ok(events(
            ctx,
            &[EventKind::FeedbackAdded],
            after,
            move |viewer, event, at| {
                let Record::Feedback {
                    feedback,
                    recipient: facts,
                } = &event.record
                else {
                    return None;
                };
                let visible = can_read_feedback(
                    viewer,
                    feedback.author_id,
                    facts.asn.subject(&facts.unit_path),
                );
                let wanted = evaluation.is_none_or(|id| feedback.evaluation_id == Some(id))
                    && recipient.is_none_or(|id| feedback.recipient_id == id);
                (visible && wanted).then(|| FeedbackAdded {
                    cursor: cursor::encode(at),
                    feedback: feedback.clone(),
                })
            },
        )?)
    }

    /// Evaluations published from now on (or after `after`) that the viewer may read:
    /// the evaluated ASN learns of their result the moment it is published.
    async fn evaluation_published(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only evaluations of ASN in this unit or its sub-units.")] unit_id: Option<
            ID,
        >,
        #[graphql(
            desc = "Replay every event after this cursor first, in order, then go live. A cursor older than the oldest event the outbox keeps (its retention) fails with NOT_FOUND, `extensions.reason` CURSOR_EXPIRED, also when the events pruned after it were all of other kinds."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<EvaluationPublished>> + use<>>
    {
        let within = unit_path(ctx, unit_id).await?;
        Ok(events(
            ctx,
            &[EventKind::EvaluationPublished],
            after,
            move |viewer, event, at| {
                let Record::Evaluation {
                    evaluation,
                    subject,
                } = &event.record
                else {
                    return None;
                };
                let visible = can_read_evaluation(
                    viewer,
                    subject.asn.subject(&subject.unit_path),
                    evaluation.asn_id,
                    evaluation.evaluator_id,
                    evaluation.status == EvaluationStatus::Draft,
                );
                let inside = within
                    .as_deref()
                    .is_none_or(|p| subject.unit_path.starts_with(p));
                (visible && inside).then(|| EvaluationPublished {
                    cursor: cursor::encode(at),
                    evaluation: evaluation.clone(),
                })
            },
        )?)
    }

    /// Appeal decisions from now on (or after `after`) that the viewer may read.
    async fn appeal_decided(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only the decision on this appeal (FORBIDDEN if the viewer may not read it)."
        )]
        appeal_id: Option<ID>,
        #[graphql(desc = "Only appeals of ASN in this unit or its sub-units.")] unit_id: Option<ID>,
        #[graphql(
            desc = "Replay every event after this cursor first, in order, then go live. A cursor older than the oldest event the outbox keeps (its retention) fails with NOT_FOUND, `extensions.reason` CURSOR_EXPIRED, also when the events pruned after it were all of other kinds."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<AppealDecided>> + use<>>
    {
        let only = match appeal_id {
            Some(id) => {
                let id = AppealId::from_global(&id)?;
                let appeal: Appeal = ctx
                    .loaders()?
                    .load_one(id)
                    .await?
                    .ok_or_else(|| AppError::not_found("no appeal with that ID"))?;
                if !crate::appeals::graphql::readable(ctx, &appeal).await? {
                    return Err(AppError::forbidden("you may not read this appeal").into());
                }
                Some(id)
            }
            None => None,
        };
        let within = unit_path(ctx, unit_id).await?;
        Ok(events(
            ctx,
            &[EventKind::AppealDecided],
            after,
            move |viewer, event, at| {
                appeal_for(viewer, event, at, only, within.as_deref())
                    .map(|(cursor, appeal)| AppealDecided { cursor, appeal })
            },
        )?)
    }

    /// Reviews of activities from now on (or after `after`) that the viewer may read: the
    /// ASN learns at once whether their log entry was approved.
    async fn activity_reviewed(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only activities of this ASN (FORBIDDEN if the viewer may not read them)."
        )]
        asn_id: Option<ID>,
        #[graphql(
            desc = "Replay every event after this cursor first, in order, then go live. A cursor older than the oldest event the outbox keeps (its retention) fails with NOT_FOUND, `extensions.reason` CURSOR_EXPIRED, also when the events pruned after it were all of other kinds."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<ActivityReviewed>> + use<>>
    {
        let only = match asn_id {
            Some(id) => {
                let id = AsnId::from_global(&id)?;
                let (asn, unit) = crate::asn::loaders::with_unit(ctx.loaders()?, id).await?;
                if !can_read(
                    ctx.viewer()?,
                    asn.subject(&unit.path),
                    RecordKind::Inspectable,
                ) {
                    return Err(
                        AppError::forbidden("you may not read this ASN's activities").into(),
                    );
                }
                Some(id)
            }
            None => None,
        };
        Ok(events(
            ctx,
            &[EventKind::ActivityReviewed],
            after,
            move |viewer, event, at| {
                let Record::Activity { activity, subject } = &event.record else {
                    return None;
                };
                let visible = can_read(
                    viewer,
                    subject.asn.subject(&subject.unit_path),
                    RecordKind::Inspectable,
                );
                (visible && only.is_none_or(|id| id == activity.asn_id)).then(|| ActivityReviewed {
                    cursor: cursor::encode(at),
                    activity: activity.clone(),
                })
            },
        )?)
    }

    /// Appeals filed from now on (or after `after`) that the viewer may read — for the
    /// atasan pejabat penilai who must decide them.
    async fn appeal_filed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only appeals of ASN in this unit or its sub-units.")] unit_id: Option<ID>,
        #[graphql(
            desc = "Replay every event after this cursor first, in order, then go live. A cursor older than the oldest event the outbox keeps (its retention) fails with NOT_FOUND, `extensions.reason` CURSOR_EXPIRED, also when the events pruned after it were all of other kinds."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<AppealFiled>> + use<>> {
        let within = unit_path(ctx, unit_id).await?;
        Ok(events(
            ctx,
            &[EventKind::AppealFiled],
            after,
            move |viewer, event, at| {
                appeal_for(viewer, event, at, None, within.as_deref())
                    .map(|(cursor, appeal)| AppealFiled { cursor, appeal })
            },
        )?)
    }
}
