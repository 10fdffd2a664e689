//! GraphQL face of evaluations: the `Evaluation` type and the `evaluation`/`evaluations` queries.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::sql_types::{Integer, Nullable, Text};

use super::loaders::{EvaluationsOf, NotesOf};
use super::model::{CoreValue, Evaluation, EvaluationStatus, Period, PeriodKind};
use super::predikat::{Predikat, PredikatRule, rule};
use super::queries::{self, EvaluationCriteria, EvaluationOrderField};
use super::workflow::{appeal_deadline, effective_status};
use crate::appeals::graphql::AppealsOfEvaluation;
use crate::appeals::model::Appeal;
use crate::asn::loaders::with_unit;
use crate::asn::model::Asn;
use crate::audit::graphql::{AuditEntry, HistoryOf};
use crate::auth::rules::{can_read_appeal, can_read_evaluation};
use crate::db::ranked::BoundQuery;
use crate::error::{AppError, AppResult};
use crate::graphql::context::ContextExt;
use crate::graphql::pagination::{self, OrderDirection, PageArgs, connection, list_cost};
use crate::ids::{AsnId, EvaluationId, UnitId};
use crate::ratings::Rating;

crate::connection_type!(Evaluation, EvaluationConnection, EvaluationEdge);

/// An evaluation period.
#[derive(SimpleObject, Debug, Clone)]
pub struct PeriodInfo {
    /// Year.
    pub year: i32,
    /// Quarterly, annual or monthly.
    pub kind: PeriodKind,
    /// Number within the year (quarter 1–4, month 1–12, or 1 for the year).
    pub number: i32,
    /// Label, e.g. "Triwulan III 2026".
    pub label: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
}

impl PeriodInfo {
    /// The facts of `period`.
    pub fn of(period: Period) -> Self {
        let (start_date, end_date) = period.dates();
        Self {
            year: period.year,
            kind: period.kind,
            number: period.number,
            label: period.label(),
            start_date,
            end_date,
        }
    }
}

/// A note on one BerAKHLAK core value.
#[derive(SimpleObject, Debug, Clone)]
pub struct BehaviourNote {
    /// The core value.
    pub value: CoreValue,
    /// The evaluator's note.
    pub note: String,
}

/// Whether the viewer may read `evaluation`.
pub async fn readable(ctx: &Context<'_>, evaluation: &Evaluation) -> AppResult<bool> {
    let viewer = ctx.viewer()?;
    let (asn, unit) = with_unit(ctx.loaders()?, evaluation.asn_id).await?;
    Ok(can_read_evaluation(
        viewer,
        asn.subject(&unit.path),
        evaluation.asn_id,
        evaluation.evaluator_id,
        evaluation.status == EvaluationStatus::Draft,
    ))
}

/// Loads an evaluation the viewer may read: NOT_FOUND or FORBIDDEN otherwise.
pub async fn load_readable(ctx: &Context<'_>, id: EvaluationId) -> AppResult<Evaluation> {
    let evaluation = ctx
        .loaders()?
        .load_one(id)
        .await?
        .ok_or_else(|| AppError::not_found("no evaluation with that ID"))?;
    if !readable(ctx, &evaluation).await? {
        return Err(AppError::forbidden("you may not read this evaluation"));
    }
    Ok(evaluation)
}

/// A periodic evaluation (penilaian kinerja) of one ASN by their pejabat penilai.
#[Object]
impl Evaluation {
    /// Global object ID.
    pub async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// The evaluated ASN.
    async fn asn(&self, ctx: &Context<'_>) -> AppResult<Option<Asn>> {
        ctx.loaders()?.load_one(self.asn_id).await
    }

    /// The pejabat penilai who wrote the evaluation.
    async fn evaluator(&self, ctx: &Context<'_>) -> AppResult<Option<Asn>> {
        ctx.loaders()?.load_one(self.evaluator_id).await
    }

    /// The period evaluated.
    async fn period(&self) -> PeriodInfo {
        PeriodInfo::of(self.as_period())
    }

    /// Rating of hasil kerja (work results); null until set.
    async fn work_result_rating(&self) -> Option<Rating> {
        self.work_result_rating
    }

    /// Rating of perilaku kerja (behaviour); null until set.
    async fn behaviour_rating(&self) -> Option<Rating> {
        self.behaviour_rating
    }

    /// The predikat of the two ratings; null until both are set.
    async fn predikat(&self) -> Option<Predikat> {
        self.predikat
    }

    /// The predikat's official label ("Kurang/Misconduct" for KURANG).
    async fn predikat_label(&self) -> Option<&'static str> {
        self.predikat.map(Predikat::label)
    }

    /// Why the evaluation has its predikat: the ratings, the cell of the matrix, the regulation.
    async fn predikat_rule(&self) -> Option<PredikatRule> {
        Some(rule(self.work_result_rating?, self.behaviour_rating?))
    }

    /// Notes per BerAKHLAK core value, in the order of the values.
    async fn behaviour_notes(&self, ctx: &Context<'_>) -> AppResult<Vec<BehaviourNote>> {
        let notes = ctx
            .loaders()?
            .load_one(NotesOf(self.id))
            .await?
            .unwrap_or_default();
        Ok(notes
            .into_iter()
            .map(|n| BehaviourNote {
                value: n.core_value,
                note: n.note,
            })
            .collect())
    }

    /// The evaluator's summary.
    async fn summary(&self) -> Option<&str> {
        self.summary.as_deref()
    }

    /// Where the evaluation is in its life; FINAL once the appeal window has closed.
    async fn status(&self, ctx: &Context<'_>) -> AppResult<EvaluationStatus> {
        let window = ctx.settings()?.rules.appeal_window_days;
        Ok(effective_status(self, ctx.time()?.now(), window))
    }

    /// When it was published.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.published_at
    }

    /// Last moment an appeal may be filed; null before publication.
    async fn appeal_deadline(&self, ctx: &Context<'_>) -> AppResult<Option<DateTime<Utc>>> {
        let window = ctx.settings()?.rules.appeal_window_days;
        Ok(self.published_at.map(|p| appeal_deadline(p, window)))
    }

    /// When it became final.
    async fn finalized_at(&self) -> Option<DateTime<Utc>> {
        self.finalized_at
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// Appeals (keberatan) filed on this evaluation, oldest first; empty for viewers who may
    /// read the evaluation but not the appeals (inspectors).
    async fn appeals(&self, ctx: &Context<'_>) -> AppResult<Vec<Appeal>> {
        let viewer = ctx.viewer()?;
        let loaders = ctx.loaders()?;
        let (asn, unit) = with_unit(loaders, self.asn_id).await?;
        let evaluator: Asn = loaders
            .load_one(self.evaluator_id)
            .await?
            .ok_or_else(|| AppError::internal("evaluation without evaluator"))?;
        if !can_read_appeal(viewer, asn.subject(&unit.path), evaluator.person()) {
            return Ok(Vec::new());
        }
        Ok(loaders
            .load_one(AppealsOfEvaluation(self.id))
            .await?
            .unwrap_or_default())
    }

    /// The dialog on this evaluation (top-level feedback entries, oldest first; replies via
    /// `Feedback.replies`) that the viewer may read.
    async fn feedback(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Vec<crate::feedback::model::Feedback>> {
        crate::feedback::graphql::on_evaluation(ctx, self.id).await
    }

    /// Observations of the evaluated ASN made on supervision visits during the evaluated
    /// period, shown beside the evaluation; only those the viewer may read.
    async fn observations(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Vec<crate::supervision::model::Observation>> {
        let (from, to) = self.as_period().dates();
        crate::supervision::graphql::observations_for(ctx, self.asn_id, from, to).await
    }

    /// Every recorded change of its ratings and status (the original ratings stay here after
    /// an appeal revises them), oldest first.
    async fn history(&self, ctx: &Context<'_>) -> AppResult<Vec<AuditEntry>> {
        Ok(ctx
            .loaders()?
            .load_one(HistoryOf(EvaluationId::TYPE_NAME, self.id.0))
            .await?
            .unwrap_or_default())
    }
}

/// An evaluation's ASN's nested list: the ASN's evaluations the viewer may read.
pub async fn of_asn(
    ctx: &Context<'_>,
    asn: &Asn,
    first: Option<i32>,
    after: Option<String>,
    filter: Option<PeriodFilter>,
) -> AppResult<EvaluationConnection> {
    let viewer = ctx.viewer()?;
    let window = PageArgs::forward(first, after).plan()?.window(None);
    let unit = ctx
        .loaders()?
        .load_one(asn.unit_id)
        .await?
        .ok_or_else(|| AppError::internal("ASN without unit"))?;
    let subject = asn.subject(&unit.path);
    if !crate::auth::rules::can_read(viewer, subject, crate::auth::rules::RecordKind::Inspectable) {
        return Ok(connection(Vec::new(), window, Some(0)).into());
    }
    let key = EvaluationsOf {
        asn: asn.id,
        window,
        with_drafts: asn.id != viewer.asn_id,
        periods: filter.unwrap_or_default(),
    };
    let page = ctx.loaders()?.load_one(key).await?.unwrap_or_default();
    Ok(connection(page.rows, window, Some(page.total)).into())
}

/// Which periods an ASN's nested evaluation list shows. All given conditions must hold.
// Also the period part of the loader key [`EvaluationsOf`].
#[derive(InputObject, Debug, Default, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeriodFilter {
    /// Period year.
    pub year: Option<i32>,
    /// Period kind.
    pub kind: Option<PeriodKind>,
    /// Period number.
    pub number: Option<i32>,
}

impl PeriodFilter {
    /// Binds the filter as `$4`–`$6` of [`queries::OF_ASN_SQL`].
    pub fn bind(&self, query: BoundQuery) -> BoundQuery {
        query
            .bind::<Nullable<Integer>, _>(self.year)
            .bind::<Nullable<Text>, _>(self.kind.map(|kind| kind.as_str()))
            .bind::<Nullable<Integer>, _>(self.number)
    }
}

/// Which evaluations to list. All conditions must hold.
#[derive(InputObject, Debug, Default)]
pub struct EvaluationFilter {
    /// Of this ASN.
    pub asn_id: Option<ID>,
    /// Of ASN in this unit or any of its sub-units.
    pub unit_id: Option<ID>,
    /// Period year.
    pub year: Option<i32>,
    /// Period kind.
    pub period_kind: Option<PeriodKind>,
    /// Period number.
    pub period_number: Option<i32>,
    /// Only these predikat.
    pub predikat: Option<Vec<Predikat>>,
    /// Only these statuses (FINAL includes published evaluations whose appeal window closed).
    pub status: Option<Vec<EvaluationStatus>>,
    /// Written by this evaluator.
    pub evaluator_id: Option<ID>,
}

impl EvaluationFilter {
    fn criteria(self) -> AppResult<EvaluationCriteria> {
        Ok(EvaluationCriteria {
            asn: self.asn_id.as_ref().map(AsnId::from_global).transpose()?,
            unit: self.unit_id.as_ref().map(UnitId::from_global).transpose()?,
            year: self.year,
            kind: self.period_kind,
            number: self.period_number,
            predikat: self.predikat.unwrap_or_default(),
            statuses: self.status.unwrap_or_default(),
            evaluator: self
                .evaluator_id
                .as_ref()
                .map(AsnId::from_global)
                .transpose()?,
        })
    }
}

/// Order of an evaluation list.
#[derive(InputObject, Debug)]
pub struct EvaluationOrder {
    /// Sort key.
    #[graphql(default)]
    pub field: EvaluationOrderField,
    /// Direction.
    #[graphql(default_with = "OrderDirection::Desc")]
    pub direction: OrderDirection,
}

impl Default for EvaluationOrder {
    fn default() -> Self {
        Self {
            field: EvaluationOrderField::Period,
            direction: OrderDirection::Desc,
        }
    }
}

/// Evaluation queries.
#[derive(Default)]
pub struct EvaluationsQuery;

#[Object]
impl EvaluationsQuery {
    /// One evaluation; null with FORBIDDEN when the viewer may not read it.
    async fn evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the evaluation.")] id: ID,
    ) -> AppResult<Option<Evaluation>> {
        ctx.viewer()?;
        load_readable(ctx, EvaluationId::from_global(&id)?)
            .await
            .map(Some)
    }

    /// Evaluations the viewer may read, filtered; newest period first unless `orderBy` says
    /// otherwise.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    async fn evaluations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which evaluations; all conditions must hold.")] filter: Option<
            EvaluationFilter,
        >,
        #[graphql(desc = "Sort order; newest period first by default.")] order_by: Option<
            EvaluationOrder,
        >,
        #[graphql(desc = "At most this many from the start (≤ 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (≤ 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
    ) -> AppResult<EvaluationConnection> {
        let viewer = ctx.viewer()?;
        let plan = PageArgs {
            first,
            after,
            last,
            before,
        }
        .plan()?;
        let criteria = filter.unwrap_or_default().criteria()?;
        let order = order_by.unwrap_or_default();
        let clock = (ctx.time()?.now(), ctx.settings()?.rules.appeal_window_days);
        let mut conn = ctx.db()?.conn().await?;
        let total = if plan.needs_total() || pagination::wants_total(ctx) {
            Some(queries::count(&mut conn, viewer, &criteria, clock.0, clock.1).await?)
        } else {
            None
        };
        let window = plan.window(total);
        let rows = queries::page(
            &mut conn,
            viewer,
            &criteria,
            (order.field, order.direction),
            window,
            clock,
        )
        .await?;
        Ok(connection(rows, window, total).into())
    }
}
