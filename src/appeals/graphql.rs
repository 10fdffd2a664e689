//! GraphQL face of appeals: the `Appeal` type and the `appeal`/`appeals` queries.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};

use super::model::{Appeal, AppealStatus};
use super::queries::{self, AppealCriteria};
use crate::asn::loaders::with_unit;
use crate::asn::model::Asn;
use crate::auth::rules::can_read_appeal;
use crate::error::{AppError, AppResult};
use crate::evaluations::model::Evaluation;
use crate::evaluations::predikat::{Predikat, predikat};
use crate::graphql::context::ContextExt;
use crate::graphql::pagination::{self, PageArgs, connection, list_cost};
use crate::ids::{AppealId, AsnId, EvaluationId, UnitId};
use crate::ratings::Rating;

crate::connection_type!(Appeal, AppealConnection, AppealEdge);

/// The appeals on one evaluation (loader key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AppealsOfEvaluation(pub EvaluationId);

/// Whether the viewer may read `appeal`.
pub async fn readable(ctx: &Context<'_>, appeal: &Appeal) -> AppResult<bool> {
    let viewer = ctx.viewer()?;
    let loaders = ctx.loaders()?;
    let (appellant, unit) = with_unit(loaders, appeal.appellant_id).await?;
    let evaluation: Evaluation = loaders
        .load_one(appeal.evaluation_id)
        .await?
        .ok_or_else(|| AppError::internal("appeal without evaluation"))?;
    let evaluator: Asn = loaders
        .load_one(evaluation.evaluator_id)
        .await?
        .ok_or_else(|| AppError::internal("evaluation without evaluator"))?;
    Ok(can_read_appeal(
        viewer,
        appellant.subject(&unit.path),
        evaluator.person(),
    ))
}

/// A keberatan (PP 30/2019 Pasal 59) on a published evaluation, filed by the evaluated ASN and
/// decided by the atasan pejabat penilai.
#[Object]
impl Appeal {
    /// Global object ID.
    pub async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// The appealed evaluation; null when the viewer may not read it (the decider reads the
    /// appeal, but the evaluation only while above the appellant in the supervisor chain).
    async fn evaluation(&self, ctx: &Context<'_>) -> AppResult<Option<Evaluation>> {
        let Some(evaluation) = ctx.loaders()?.load_one(self.evaluation_id).await? else {
            return Ok(None);
        };
        Ok(crate::evaluations::graphql::readable(ctx, &evaluation)
            .await?
            .then_some(evaluation))
    }

    /// The evaluated ASN who filed the appeal.
    async fn appellant(&self, ctx: &Context<'_>) -> AppResult<Option<Asn>> {
        ctx.loaders()?.load_one(self.appellant_id).await
    }

    /// The appellant's reasons.
    async fn reason(&self) -> &str {
        &self.reason
    }

    /// Where the appeal stands.
    async fn status(&self) -> AppealStatus {
        self.status
    }

    /// When it was filed.
    async fn filed_at(&self) -> DateTime<Utc> {
        self.filed_at
    }

    /// Who decided it.
    async fn decided_by(&self, ctx: &Context<'_>) -> AppResult<Option<Asn>> {
        match self.decided_by {
            Some(id) => ctx.loaders()?.load_one(id).await,
            None => Ok(None),
        }
    }

    /// When it was decided.
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.decided_at
    }

    /// The decider's reasoning.
    async fn decision_note(&self) -> Option<&str> {
        self.decision_note.as_deref()
    }

    /// Rating of hasil kerja when the appeal was filed.
    async fn original_work_result_rating(&self) -> Rating {
        self.original_work_result_rating
    }

    /// Rating of perilaku kerja when the appeal was filed.
    async fn original_behaviour_rating(&self) -> Rating {
        self.original_behaviour_rating
    }

    /// Predikat when the appeal was filed.
    async fn original_predikat(&self) -> Predikat {
        predikat(
            self.original_work_result_rating,
            self.original_behaviour_rating,
        )
    }

    /// Revised rating of hasil kerja (REVISED only).
    async fn new_work_result_rating(&self) -> Option<Rating> {
        self.new_work_result_rating
    }

    /// Revised rating of perilaku kerja (REVISED only).
    async fn new_behaviour_rating(&self) -> Option<Rating> {
        self.new_behaviour_rating
    }

    /// Predikat after the revision (REVISED only).
    async fn new_predikat(&self) -> Option<Predikat> {
        Some(predikat(
            self.new_work_result_rating?,
            self.new_behaviour_rating?,
        ))
    }
}

/// Which appeals to list. All conditions must hold.
#[derive(InputObject, Debug, Default)]
pub struct AppealFilter {
    /// Only these statuses.
    pub status: Option<Vec<AppealStatus>>,
    /// Of ASN in this unit or any of its sub-units.
    pub unit_id: Option<ID>,
    /// Decided by this ASN.
    pub decider_id: Option<ID>,
    /// On this evaluation.
    pub evaluation_id: Option<ID>,
}

/// Appeal queries.
#[derive(Default)]
pub struct AppealsQuery;

#[Object]
impl AppealsQuery {
    /// One appeal; null with FORBIDDEN when the viewer may not read it.
    async fn appeal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the appeal.")] id: ID,
    ) -> AppResult<Option<Appeal>> {
        ctx.viewer()?;
        let appeal = ctx
            .loaders()?
            .load_one(AppealId::from_global(&id)?)
            .await?
            .ok_or_else(|| AppError::not_found("no appeal with that ID"))?;
        if !readable(ctx, &appeal).await? {
            return Err(AppError::forbidden("you may not read this appeal"));
        }
        Ok(Some(appeal))
    }

    /// Appeals the viewer may read (their own, those of ASN below them, those they are to
    /// decide), newest first.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    async fn appeals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which appeals; all conditions must hold.")] filter: Option<AppealFilter>,
        #[graphql(desc = "At most this many from the start (≤ 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (≤ 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
    ) -> AppResult<AppealConnection> {
        let viewer = ctx.viewer()?;
        let plan = PageArgs {
            first,
            after,
            last,
            before,
        }
        .plan()?;
        let filter = filter.unwrap_or_default();
        let criteria = AppealCriteria {
            statuses: filter.status.unwrap_or_default(),
            unit: filter
                .unit_id
                .as_ref()
                .map(UnitId::from_global)
                .transpose()?,
            decider: filter
                .decider_id
                .as_ref()
                .map(AsnId::from_global)
                .transpose()?,
            evaluation: filter
                .evaluation_id
                .as_ref()
                .map(EvaluationId::from_global)
                .transpose()?,
        };
        let mut conn = ctx.db()?.conn().await?;
        let total = if plan.needs_total() || pagination::wants_total(ctx) {
            Some(queries::count(&mut conn, viewer, &criteria).await?)
        } else {
            None
        };
        let window = plan.window(total);
        let rows = queries::page(&mut conn, viewer, &criteria, window).await?;
        Ok(connection(rows, window, total).into())
    }
}
