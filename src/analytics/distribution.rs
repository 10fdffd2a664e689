//! `distributionCheck`: the predikat spread of a unit's staff against the pola distribusi of
//! the unit's capaian kinerja organisasi ([`super::pola`]).
//!
//! The head of the unit is left out: their predikat follows the capaian organisasi itself
//! (their rating of hasil kerja is the unit's result), not the curve.
//!
//! For a viewer from whom small groups are withheld ([`super::suppression`]) the check is
//! shown only when the unit's figures are, and when the head's evaluation is not counted in
//! them: otherwise the check and `performanceSummary` would differ by the head's predikat.

use async_graphql::SimpleObject;

use super::access::Scoped;
use super::counts::{PredikatCount, PredikatCounts, ratio};
use super::pola::{BoundKind, PredikatOrganisasi, pola};
use super::suppression::{self, Cells};
use crate::auth::rules::AggregateCoverage;
use crate::evaluations::graphql::PeriodInfo;
use crate::evaluations::model::Period;
use crate::evaluations::predikat::Predikat;
use crate::units::model::Unit;

/// One bound of the pola distribusi and how the unit's staff measure against it.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct DistributionBound {
    /// The predikat whose combined count is bounded (e.g. BUTUH_PERBAIKAN and KURANG for "at
    /// least one Butuh Perbaikan and/or Kurang/Misconduct").
    pub predikat: Vec<Predikat>,
    /// MIN (at least) or MAX (at most).
    pub kind: BoundKind,
    /// The bound as a share of the evaluated staff; null for "at least one".
    pub allowed_share: Option<f64>,
    /// The bound as a count for `evaluatedCount` staff: a minimum share rounded up, a maximum
    /// share rounded down.
    pub allowed_count: i64,
    /// Evaluated staff with these predikat.
    pub actual_count: i64,
    /// `actualCount` divided by the evaluated staff (0 when none are).
    pub actual_share: f64,
    /// Whether the staff keep the bound.
    pub satisfied: bool,
    /// The bound in words, e.g. "at least 60% Butuh Perbaikan".
    pub rule: String,
}

/// A unit's staff predikat spread against the pola distribusi (PermenPANRB 6/2022) of its
/// capaian kinerja organisasi. Counts PUBLISHED, APPEALED and FINAL evaluations (not DRAFT) of
/// the unit's ASN except the unit's head. A violation is a warning for the approver, not a
/// block.
#[derive(SimpleObject, Debug, Clone)]
pub struct DistributionCheck {
    /// The unit.
    pub unit: Unit,
    /// The period.
    pub period: PeriodInfo,
    /// Whether the ASN of the unit's sub-units are counted too.
    pub includes_subunits: bool,
    /// Whether the figures count every record of the unit or only those the viewer may read.
    pub coverage: AggregateCoverage,
    /// The capaian kinerja organisasi checked against.
    pub capaian_organisasi: PredikatOrganisasi,
    /// Evaluated staff (the unit's head left out).
    pub evaluated_count: i64,
    /// The staff's spread: all five predikat, best first, zeros included; null when withheld
    /// (see `suppressed`).
    pub distribution: Option<Vec<PredikatCount>>,
    /// Every bound of the pola distribusi with the staff's figures; null when withheld.
    pub bounds: Option<Vec<DistributionBound>>,
    /// The bounds the staff break, empty when the spread fits the curve; null when withheld.
    pub violations: Option<Vec<DistributionBound>>,
    /// Whether no bound is broken; null when withheld.
    pub satisfied: Option<bool>,
    /// Whether the check is withheld from the viewer: fewer than `minimumGroupSize` ASN are
    /// evaluated, the figures would reveal such a group by difference with other units'
    /// figures, or the unit's head has a counted evaluation (the check would then differ from
    /// `performanceSummary` by the head's predikat alone).
    pub suppressed: bool,
    /// The smallest group of ASN whose figures this viewer is shown
    /// (`KINERJA_MIN_AGGREGATE_GROUP`); null when nothing is withheld from the viewer because
    /// they may read the counted records one by one.
    pub minimum_group_size: Option<i64>,
}

impl DistributionCheck {
    /// The check of the staff's `counts` for `period` against the curve of `capaian`,
    /// withheld from the viewer as [`suppression::distribution`] says on `cells`.
    pub fn new(
        scoped: &Scoped,
        period: Period,
        capaian: PredikatOrganisasi,
        counts: PredikatCounts,
        cells: &Cells,
    ) -> Self {
        let evaluated = counts.total();
        let shown = scoped.minimum_group.is_none_or(|minimum| {
            suppression::distribution(
                cells,
                scoped.unit.id.0,
                scoped.include_subunits,
                evaluated,
                minimum,
            )
        });
        let bounds: Vec<DistributionBound> = pola(capaian)
            .iter()
            .map(|bound| {
                let actual: i64 = bound.predikat.iter().map(|p| counts.get(*p)).sum();
                DistributionBound {
                    predikat: bound.predikat.to_vec(),
                    kind: bound.kind,
                    allowed_share: bound.allowed_share(),
                    allowed_count: bound.allowed_count(evaluated),
                    actual_count: actual,
                    actual_share: ratio(actual, evaluated),
                    satisfied: bound.holds(actual, evaluated),
                    rule: bound.describe(),
                }
            })
            .collect();
        let violations: Vec<DistributionBound> =
            bounds.iter().filter(|b| !b.satisfied).cloned().collect();
        Self {
            unit: scoped.unit.clone(),
            period: PeriodInfo::of(period),
            includes_subunits: scoped.include_subunits,
            coverage: scoped.coverage,
            capaian_organisasi: capaian,
            evaluated_count: evaluated,
            distribution: shown.then(|| counts.distribution()),
            satisfied: shown.then_some(violations.is_empty()),
            bounds: shown.then_some(bounds),
            violations: shown.then_some(violations),
            suppressed: !shown,
            minimum_group_size: scoped.minimum_group,
        }
    }
}
