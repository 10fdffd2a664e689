//! `PerformanceSummary`: the dashboard figures of a unit for one period, as clients read them.

use async_graphql::SimpleObject;

use super::access::Scoped;
use super::counts::PredikatCount;
use super::figures::Figures;
use super::periods::months_in;
use super::suppression::SummaryWithheld;
use crate::activities::summary::share_of_target;
use crate::auth::rules::AggregateCoverage;
use crate::evaluations::graphql::PeriodInfo;
use crate::evaluations::model::{EvaluationStatus, Period};
use crate::units::model::Unit;

/// How many evaluations of a unit are in one status.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct StatusCount {
    /// The status as it is now (FINAL includes published evaluations whose appeal window has
    /// closed).
    pub status: EvaluationStatus,
    /// Evaluations in that status.
    pub count: i64,
}

/// Activity minutes of a unit's staff in a period against the target of effective minutes.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct UnitActivityMinutes {
    /// Minutes of APPROVED activities: the effective minutes.
    pub approved_minutes: i64,
    /// Minutes of SUBMITTED activities waiting for review.
    pub pending_minutes: i64,
    /// Minutes of activities returned for revision.
    pub revision_minutes: i64,
    /// Minutes of rejected activities.
    pub rejected_minutes: i64,
    /// The target: the configured monthly target of effective minutes (default 6,750) × the
    /// months of the period × `staffCount`.
    pub target_minutes: i64,
    /// `approvedMinutes` divided by `targetMinutes` (1.0 = target reached; 0 when the target
    /// is 0).
    pub approved_share: f64,
}

/// Appeals (keberatan) on a unit's counted evaluations of a period, by outcome.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct AppealCounts {
    /// All appeals filed.
    pub filed: i64,
    /// Appeals not decided yet.
    pub open: i64,
    /// Appeals decided with new ratings (REVISED).
    pub revised: i64,
    /// Appeals decided with the ratings standing (REJECTED).
    pub rejected: i64,
}

/// The dashboard figures of a unit (and, by default, its sub-units) for one period.
///
/// Evaluations count once published: PUBLISHED, APPEALED and FINAL count, DRAFT does not (it
/// appears only in `statusCounts`). ASN belong to the unit they work in now. Figures cover
/// only the records the viewer may read unless `coverage` is ALL_RECORDS.
///
/// A viewer who may not read the counted records one by one (the ANALYST) is not shown the
/// figures of small groups (`minimumGroupSize`): the evaluation figures (`predikatDistribution`,
/// `statusCounts`, `appeals`) are null when fewer than `minimumGroupSize` ASN are evaluated,
/// `activityMinutes` when the unit has fewer active staff — or when the figures would reveal
/// such a group by difference with other units' figures (e.g. the unit with and without its
/// sub-units); `suppressed` says so.
#[derive(SimpleObject, Debug, Clone)]
pub struct PerformanceSummary {
    /// The unit.
    pub unit: Unit,
    /// The period.
    pub period: PeriodInfo,
    /// Whether the ASN of the unit's sub-units are counted too.
    pub includes_subunits: bool,
    /// Whether the figures count every record of the unit or only those the viewer may read.
    pub coverage: AggregateCoverage,
    /// Active ASN counted.
    pub staff_count: i64,
    /// Counted evaluations of the period: PUBLISHED, APPEALED and FINAL (not DRAFT); the size
    /// of the group the evaluation figures describe.
    pub evaluated_count: i64,
    /// The counted evaluations by predikat: all five, best first, zeros included; null when
    /// withheld (see `suppressed`).
    pub predikat_distribution: Option<Vec<PredikatCount>>,
    /// Evaluations of the period by status: DRAFT, PUBLISHED, APPEALED, FINAL, zeros included;
    /// null when withheld (see `suppressed`).
    pub status_counts: Option<Vec<StatusCount>>,
    /// Activity minutes dated in the period against the target; null when withheld (see
    /// `suppressed`).
    pub activity_minutes: Option<UnitActivityMinutes>,
    /// Appeals on the counted evaluations of the period; null when withheld (see
    /// `suppressed`).
    pub appeals: Option<AppealCounts>,
    /// Whether figures of this entry are withheld (null) because they would describe, directly
    /// or by difference with other figures, fewer than `minimumGroupSize` ASN.
    pub suppressed: bool,
    /// The smallest group of ASN whose figures this viewer is shown (the server's
    /// `KINERJA_MIN_AGGREGATE_GROUP`); null when no figure is withheld from the viewer because
    /// they may read the counted records one by one (coverage READABLE_RECORDS, ADMIN,
    /// UNIT_ADMIN of the unit).
    pub minimum_group_size: Option<i64>,
}

impl PerformanceSummary {
    /// The summary of `figures` for `period` of the scoped unit, with `monthly_target` effective
    /// minutes expected of each ASN per month, without what `withheld` names.
    pub fn new(
        scoped: &Scoped,
        period: Period,
        figures: Figures,
        monthly_target: i64,
        withheld: SummaryWithheld,
    ) -> Self {
        let target_minutes = monthly_target * months_in(period.kind) * figures.staff;
        let statuses = figures.statuses;
        Self {
            unit: scoped.unit.clone(),
            period: PeriodInfo::of(period),
            includes_subunits: scoped.include_subunits,
            coverage: scoped.coverage,
            staff_count: figures.staff,
            evaluated_count: figures.predikat.total(),
            predikat_distribution: (!withheld.evaluations).then(|| figures.predikat.distribution()),
            status_counts: (!withheld.evaluations).then(|| {
                [
                    (EvaluationStatus::Draft, statuses.draft),
                    (EvaluationStatus::Published, statuses.published),
                    (EvaluationStatus::Appealed, statuses.appealed),
                    (EvaluationStatus::Final, statuses.finalized),
                ]
                .into_iter()
                .map(|(status, count)| StatusCount { status, count })
                .collect()
            }),
            activity_minutes: (!withheld.activities).then(|| UnitActivityMinutes {
                approved_minutes: figures.minutes.approved,
                pending_minutes: figures.minutes.pending,
                revision_minutes: figures.minutes.revision,
                rejected_minutes: figures.minutes.rejected,
                target_minutes,
                approved_share: share_of_target(figures.minutes.approved, target_minutes),
            }),
            appeals: (!withheld.evaluations).then_some(AppealCounts {
                filed: figures.appeals.appeals_filed,
                open: figures.appeals.appeals_open,
                revised: figures.appeals.appeals_revised,
                rejected: figures.appeals.appeals_rejected,
            }),
            suppressed: withheld.evaluations || withheld.activities,
            minimum_group_size: scoped.minimum_group,
        }
    }
}
