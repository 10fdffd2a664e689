//! Filing and deciding appeals (PP 30/2019 Pasal 59): the evaluated ASN files within the
//! window after publication; the atasan pejabat penilai (or an ADMIN when there is none)
//! decides, finally. Each is one transaction with its audit entries and events.

use async_graphql::{Context, ID, InputObject, Object};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde_json::json;

use super::model::{Appeal, AppealDecision, AppealStatus};
use crate::asn::model::Asn;
use crate::audit::{self, Change};
use crate::auth::rules::may_decide_appeal;
use crate::db::schema::{appeals, evaluations};
use crate::error::{AppError, AppResult};
use crate::evaluations::model::{Evaluation, EvaluationStatus};
use crate::evaluations::mutations::lock;
use crate::evaluations::predikat::predikat;
use crate::evaluations::workflow::check_appealable;
use crate::events::{self, EventKind};
use crate::graphql::context::ContextExt;
use crate::ids::{AppealId, EvaluationId};
use crate::ratings::Rating;

/// An appeal on a published evaluation.
#[derive(InputObject, Debug)]
pub struct FileAppealInput {
    /// The evaluation.
    pub evaluation_id: ID,
    /// The reasons (1–5000 characters).
    pub reason: String,
}

/// The decision on an open appeal.
#[derive(InputObject, Debug)]
pub struct DecideAppealInput {
    /// The appeal.
    pub appeal_id: ID,
    /// REJECTED (ratings stand) or REVISED (both new ratings required).
    pub decision: AppealDecision,
    /// The reasoning (1–5000 characters).
    pub note: String,
    /// New rating of hasil kerja (REVISED only).
    pub work_result_rating: Option<Rating>,
    /// New rating of perilaku kerja (REVISED only).
    pub behaviour_rating: Option<Rating>,
}

fn text(value: &str, what: &str) -> AppResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 5000 {
        return Err(AppError::bad_input(format!(
            "{what} must have 1–5000 characters"
        )));
    }
    Ok(value.to_owned())
}

/// Appeal mutations.
#[derive(Default)]
pub struct AppealsMutation;

#[Object]
impl AppealsMutation {
    /// Files an appeal (keberatan) on the viewer's own published evaluation, within the appeal
    /// window; the evaluation is locked until the appeal is decided.
    async fn file_appeal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The evaluation and the reasons.")] input: FileAppealInput,
    ) -> AppResult<Appeal> {
        let viewer = ctx.viewer()?;
        let evaluation_id = EvaluationId::from_global(&input.evaluation_id)?;
        let reason = text(&input.reason, "reason")?;
        let now = ctx.time()?.now();
        let window = ctx.settings()?.rules.appeal_window_days;
        let appellant = viewer.asn_id;
        let mut conn = ctx.db()?.conn().await?;
        let (appeal, evaluation) = conn.transaction::<_, AppError, _>(async |conn| {
            let evaluation = lock(conn, evaluation_id).await?;
            if evaluation.asn_id != appellant {
                return Err(AppError::forbidden("only the evaluated ASN may appeal an evaluation"));
            }
            check_appealable(&evaluation, now, window)?;
            let (Some(work), Some(behaviour)) = (evaluation.work_result_rating, evaluation.behaviour_rating) else {
                return Err(AppError::internal("published evaluation without ratings"));
            };
            let appeal: Appeal = diesel::insert_into(appeals::table)
                .values((
                    appeals::evaluation_id.eq(evaluation_id),
                    appeals::appellant_id.eq(appellant),
                    appeals::reason.eq(&reason),
                    appeals::filed_at.eq(now),
                    appeals::original_work_result_rating.eq(work),
                    appeals::original_behaviour_rating.eq(behaviour),
                ))
                .returning(Appeal::as_returning())
                .get_result(conn)
                .await?;
            let locked: Evaluation = diesel::update(evaluations::table.find(evaluation_id))
                .set((
                    evaluations::status.eq(EvaluationStatus::Appealed),
                    evaluations::updated_at.eq(now),
                ))
                .returning(Evaluation::as_returning())
                .get_result(conn)
                .await?;
            audit::record(
                conn,
                Change {
                    actor: Some(appellant),
                    subject: appellant,
                    entity_type: EvaluationId::TYPE_NAME,
                    entity_id: evaluation_id.0,
                    action: "APPEALED",
                    before: Some(json!({ "status": EvaluationStatus::Published })),
                    after: Some(json!({ "status": EvaluationStatus::Appealed, "appealId": appeal.id })),
                },
                now,
            )
            .await?;
            events::publish(
                conn,
                EventKind::AppealFiled,
                appeal.id.0,
                json!({ "evaluationId": evaluation_id, "appellantId": appellant, "evaluatorId": evaluation.evaluator_id }),
                now,
            )
            .await?;
            Ok((appeal, locked))
        })
        .await?;
        // Later fields of this response read the evaluation through the request's loader.
        ctx.loaders()?.feed_one(evaluation.id, evaluation).await;
        Ok(appeal)
    }

    /// Decides an open appeal: the evaluator's supervisor (atasan pejabat penilai), or an ADMIN
    /// when the evaluator has none. The decision is final; the evaluation becomes FINAL.
    async fn decide_appeal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The appeal, the decision and its reasoning.")] input: DecideAppealInput,
    ) -> AppResult<Appeal> {
        let viewer = ctx.viewer()?;
        let appeal_id = AppealId::from_global(&input.appeal_id)?;
        let note = text(&input.note, "note")?;
        let new_ratings = match (
            input.decision,
            input.work_result_rating,
            input.behaviour_rating,
        ) {
            (AppealDecision::Revised, Some(work), Some(behaviour)) => Some((work, behaviour)),
            (AppealDecision::Revised, _, _) => {
                return Err(AppError::bad_input(
                    "a REVISED decision needs both workResultRating and behaviourRating",
                ));
            }
            (AppealDecision::Rejected, None, None) => None,
            (AppealDecision::Rejected, _, _) => {
                return Err(AppError::bad_input(
                    "a REJECTED decision takes no new ratings",
                ));
            }
        };
        let loaders = ctx.loaders()?;
        let appeal: Appeal = loaders
            .load_one(appeal_id)
            .await?
            .ok_or_else(|| AppError::not_found("no appeal with that ID"))?;
        let evaluation: Evaluation = loaders
            .load_one(appeal.evaluation_id)
            .await?
            .ok_or_else(|| AppError::internal("appeal without evaluation"))?;
        let evaluator: Asn = loaders
            .load_one(evaluation.evaluator_id)
            .await?
            .ok_or_else(|| AppError::internal("evaluation without evaluator"))?;
        if !may_decide_appeal(viewer, evaluator.person()) {
            return Err(AppError::forbidden(
                "only the atasan pejabat penilai (the evaluator's supervisor) may decide this appeal",
            ));
        }
        let now = ctx.time()?.now();
        let decider = viewer.asn_id;
        let mut conn = ctx.db()?.conn().await?;
        let (decided, after) = conn.transaction::<_, AppError, _>(async |conn| {
            let current: Appeal = appeals::table
                .find(appeal_id)
                .select(Appeal::as_select())
                .for_update()
                .first(conn)
                .await?;
            if current.status != AppealStatus::Open {
                return Err(AppError::invalid_state(format!(
                    "the appeal was already decided ({})",
                    current.status.as_str()
                )));
            }
            let before = lock(conn, current.evaluation_id).await?;
            let status = match new_ratings {
                Some(_) => AppealStatus::Revised,
                None => AppealStatus::Rejected,
            };
            let decided: Appeal = diesel::update(appeals::table.find(appeal_id))
                .set((
                    appeals::status.eq(status),
                    appeals::decided_by.eq(decider),
                    appeals::decided_at.eq(now),
                    appeals::decision_note.eq(&note),
                    appeals::new_work_result_rating.eq(new_ratings.map(|r| r.0)),
                    appeals::new_behaviour_rating.eq(new_ratings.map(|r| r.1)),
                ))
                .returning(Appeal::as_returning())
                .get_result(conn)
                .await?;
            let (work, behaviour) = new_ratings.unwrap_or((
                current.original_work_result_rating,
                current.original_behaviour_rating,
            ));
            let after: Evaluation = diesel::update(evaluations::table.find(current.evaluation_id))
                .set((
                    evaluations::work_result_rating.eq(work),
                    evaluations::behaviour_rating.eq(behaviour),
                    evaluations::predikat.eq(predikat(work, behaviour)),
                    evaluations::status.eq(EvaluationStatus::Final),
                    evaluations::finalized_at.eq(now),
                    evaluations::updated_at.eq(now),
                ))
                .returning(Evaluation::as_returning())
                .get_result(conn)
                .await?;
            let state = |e: &Evaluation| {
                json!({
                    "workResultRating": e.work_result_rating,
                    "behaviourRating": e.behaviour_rating,
                    "predikat": e.predikat,
                    "status": e.status,
                })
            };
            audit::record(
                conn,
                Change {
                    actor: Some(decider),
                    subject: current.appellant_id,
                    entity_type: AppealId::TYPE_NAME,
                    entity_id: appeal_id.0,
                    action: "DECIDED",
                    before: Some(json!({ "status": AppealStatus::Open })),
                    after: Some(json!({ "status": status, "note": note })),
                },
                now,
            )
            .await?;
            audit::record(
                conn,
                Change {
                    actor: Some(decider),
                    subject: current.appellant_id,
                    entity_type: EvaluationId::TYPE_NAME,
                    entity_id: current.evaluation_id.0,
                    action: if new_ratings.is_some() { "REVISED_ON_APPEAL" } else { "CONFIRMED_ON_APPEAL" },
                    before: Some(state(&before)),
                    after: Some(state(&after)),
                },
                now,
            )
            .await?;
            events::publish(
                conn,
                EventKind::AppealDecided,
                appeal_id.0,
                json!({ "evaluationId": current.evaluation_id, "appellantId": current.appellant_id, "status": status }),
                now,
            )
            .await?;
            Ok((decided, after))
        })
        .await?;
        loaders.feed_one(after.id, after).await;
        loaders.feed_one(decided.id, decided.clone()).await;
        Ok(decided)
    }
}
