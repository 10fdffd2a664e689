//! The dashboard queries: `performanceSummary`, `performanceTrend`, `evaluatorCalibration` and
//! `distributionCheck`. Each checks the viewer's access to the unit (one statement) and then
//! computes its figures in one statement, whatever the number of rows or periods.

use async_graphql::{Context, ID, Object};

use super::access::authorize;
use super::by_evaluator::by_evaluator;
use super::calibration::EvaluatorCalibration;
use super::distribution::DistributionCheck;
use super::figures::figures;
use super::periods::{period_of, range};
use super::pola::PredikatOrganisasi;
use super::summary::PerformanceSummary;
use super::suppression::{self, SummaryWithheld};
use crate::error::{AppError, AppResult};
use crate::evaluations::model::Period;
use crate::evaluations::mutations::PeriodInput;
use crate::graphql::context::ContextExt;

/// Dashboard queries over a unit's records.
#[derive(Default)]
pub struct AnalyticsQuery;

/// The summaries of `periods` (all of one kind) of a unit, one statement for all of them.
async fn summaries(
    ctx: &Context<'_>,
    unit_id: &ID,
    include_subunits: bool,
    periods: &[Period],
) -> AppResult<Vec<PerformanceSummary>> {
    let kind = periods
        .first()
        .map(|p| p.kind)
        .ok_or_else(|| AppError::bad_input("no period given"))?;
    let scoped = authorize(ctx, unit_id, include_subunits).await?;
    let rules = ctx.settings()?.rules;
    let clock = (ctx.time()?.now(), rules.appeal_window_days);
    let mut conn = ctx.db()?.conn().await?;
    let (rows, cells): (Vec<_>, Vec<_>) = figures(&mut conn, &scoped, kind, periods, clock)
        .await?
        .into_iter()
        .unzip();
    let withheld = match scoped.minimum_group {
        Some(minimum) => {
            suppression::summaries(&cells, scoped.unit.id.0, scoped.include_subunits, minimum)
        }
        None => vec![SummaryWithheld::default(); periods.len()],
    };
    Ok(periods
        .iter()
        .zip(rows)
        .zip(withheld)
        .map(|((period, row), withheld)| {
            PerformanceSummary::new(
                &scoped,
                *period,
                row,
                rules.monthly_target_minutes,
                withheld,
            )
        })
        .collect())
}

#[Object]
impl AnalyticsQuery {
    /// The dashboard figures of a unit for one period: counted evaluations by predikat and by
    /// status, activity minutes against the target, appeals by outcome.
    ///
    /// Readable by ADMIN and ANALYST (over all records), a UNIT_ADMIN of the unit or a unit
    /// above it, the heads of the unit and of units above it and everyone above them in the
    /// supervisor chain, and inspectors of units they visited (over the records they may read;
    /// see `coverage`); null with FORBIDDEN for everyone else, null with NOT_FOUND for an
    /// unknown unit. Figures describing fewer than `minimumGroupSize` ASN are withheld from a
    /// viewer who may not read the counted records one by one (ANALYST): see `suppressed`.
    async fn performance_summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the unit.")] unit_id: ID,
        #[graphql(desc = "The period: year, kind and number.")] period: PeriodInput,
        #[graphql(
            default_with = "Some(true)",
            desc = "Count the ASN of the unit's sub-units too (default true; null means true)."
        )]
        include_subunits: Option<bool>,
    ) -> AppResult<Option<PerformanceSummary>> {
        let period = period_of(period)?;
        let mut all = summaries(ctx, &unit_id, include_subunits.unwrap_or(true), &[period]).await?;
        all.pop()
            .map(Some)
            .ok_or_else(|| AppError::internal("summary: no row for the period"))
    }

    /// The figures of `performanceSummary` for every period from `from` to `to` (both
    /// included, oldest first), computed in one statement. `from` and `to` must be of the same
    /// kind (QUARTERLY, ANNUAL or MONTHLY), `from` not after `to`, and the range at most 36
    /// periods long (else BAD_USER_INPUT). Access as for `performanceSummary`.
    async fn performance_trend(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the unit.")] unit_id: ID,
        #[graphql(desc = "The first period of the range.")] from: PeriodInput,
        #[graphql(desc = "The last period of the range; the same kind as `from`.")] to: PeriodInput,
        #[graphql(
            default_with = "Some(true)",
            desc = "Count the ASN of the unit's sub-units too (default true; null means true)."
        )]
        include_subunits: Option<bool>,
    ) -> AppResult<Option<Vec<PerformanceSummary>>> {
        let periods = range(from, to)?;
        summaries(ctx, &unit_id, include_subunits.unwrap_or(true), &periods)
            .await
            .map(Some)
    }

    /// Each evaluator's predikat spread in a unit and period against the unit's overall spread,
    /// with a distance and a leniency figure per evaluator. Access as for
    /// `performanceSummary`.
    async fn evaluator_calibration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the unit.")] unit_id: ID,
        #[graphql(desc = "The period: year, kind and number.")] period: PeriodInput,
        #[graphql(
            default_with = "Some(true)",
            desc = "Count the ASN of the unit's sub-units too (default true; null means true)."
        )]
        include_subunits: Option<bool>,
    ) -> AppResult<Option<EvaluatorCalibration>> {
        let period = period_of(period)?;
        let scoped = authorize(ctx, &unit_id, include_subunits.unwrap_or(true)).await?;
        let mut conn = ctx.db()?.conn().await?;
        let counts = by_evaluator(&mut conn, &scoped, period, None).await?;
        Ok(Some(EvaluatorCalibration::new(&scoped, period, counts)))
    }

    /// The predikat spread of a unit's staff (its head left out) against the pola distribusi
    /// of PermenPANRB 6/2022 for the unit's capaian kinerja organisasi, listing each bound the
    /// spread breaks. Access as for `performanceSummary`.
    async fn distribution_check(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the unit.")] unit_id: ID,
        #[graphql(desc = "The period: year, kind and number.")] period: PeriodInput,
        #[graphql(desc = "The unit's capaian kinerja organisasi, which selects the curve.")]
        capaian_organisasi: PredikatOrganisasi,
        #[graphql(
            default_with = "Some(true)",
            desc = "Count the ASN of the unit's sub-units too (default true; null means true)."
        )]
        include_subunits: Option<bool>,
    ) -> AppResult<Option<DistributionCheck>> {
        let period = period_of(period)?;
        let scoped = authorize(ctx, &unit_id, include_subunits.unwrap_or(true)).await?;
        let mut conn = ctx.db()?.conn().await?;
        let counts = by_evaluator(&mut conn, &scoped, period, scoped.unit.head_id).await?;
        Ok(Some(DistributionCheck::new(
            &scoped,
            period,
            capaian_organisasi,
            counts.total,
            &counts.cells,
        )))
    }
}
