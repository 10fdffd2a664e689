//! `evaluatorCalibration`: each evaluator's predikat spread against the unit's, to answer "the
//! assessment is not objective" with figures.
//!
//! Per evaluator: the share of each predikat beside the unit's share and the difference; the
//! distance between the two spreads (total variation: half the sum of the absolute share
//! differences, 0 = the same spread, 1 = nothing in common); and the leniency, the evaluator's
//! mean score minus the unit's, scoring SANGAT_BAIK 5, BAIK 4, BUTUH_PERBAIKAN 3, KURANG 2,
//! SANGAT_KURANG 1 (positive = rates higher than the unit as a whole).
//!
//! For a viewer from whom small groups are withheld ([`super::suppression`]) an evaluator's
//! figures are shown only when they describe the evaluator's whole team of the period, of at
//! least the minimum, without revealing a smaller group by difference with the unit's
//! figures; the unit's figures as for `performanceSummary`.

use async_graphql::{ComplexObject, Context, SimpleObject};

use super::access::Scoped;
use super::by_evaluator::ByEvaluator;
use super::counts::{PREDIKAT, PredikatCount, PredikatCounts};
use super::suppression;
use crate::asn::model::Asn;
use crate::auth::rules::AggregateCoverage;
use crate::error::AppResult;
use crate::evaluations::graphql::PeriodInfo;
use crate::evaluations::model::Period;
use crate::evaluations::predikat::Predikat;
use crate::graphql::context::ContextExt;
use crate::ids::AsnId;
use crate::units::model::Unit;

/// The score of a predikat for the mean: SANGAT_BAIK 5 down to SANGAT_KURANG 1.
pub fn score(predikat: Predikat) -> i64 {
    match predikat {
        Predikat::SangatBaik => 5,
        Predikat::Baik => 4,
        Predikat::ButuhPerbaikan => 3,
        Predikat::Kurang => 2,
        Predikat::SangatKurang => 1,
    }
}

/// The mean score of `counts`; None when nothing is counted.
pub fn mean_score(counts: &PredikatCounts) -> Option<f64> {
    let total = counts.total();
    (total > 0).then(|| {
        PREDIKAT
            .iter()
            .map(|p| score(*p) * counts.get(*p))
            .sum::<i64>() as f64
            / total as f64
    })
}

/// The total variation distance between two spreads (0–1).
pub fn distance(a: &PredikatCounts, b: &PredikatCounts) -> f64 {
    PREDIKAT
        .iter()
        .map(|p| (a.share(*p) - b.share(*p)).abs())
        .sum::<f64>()
        / 2.0
}

/// One predikat in an evaluator's spread beside the unit's.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct PredikatDeviation {
    /// The predikat.
    pub predikat: Predikat,
    /// The evaluator's evaluations with this predikat.
    pub count: i64,
    /// Their share of the evaluator's counted evaluations.
    pub share: f64,
    /// The share of this predikat in the whole unit.
    pub unit_share: f64,
    /// `share` − `unitShare` (positive = the evaluator gives it more often).
    pub deviation: f64,
}

/// One evaluator's predikat spread against the unit's.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct EvaluatorDistribution {
    /// The evaluator.
    #[graphql(skip)]
    pub evaluator_id: AsnId,
    /// The evaluator's counted evaluations of ASN in the unit.
    pub evaluated_count: i64,
    /// All five predikat, best first: the evaluator's share beside the unit's; null when
    /// withheld (see `suppressed`).
    pub distribution: Option<Vec<PredikatDeviation>>,
    /// The evaluator's mean score (SANGAT_BAIK 5 … SANGAT_KURANG 1); null when withheld.
    pub mean_score: Option<f64>,
    /// The evaluator's mean score minus the unit's (positive = more lenient than the unit);
    /// null when withheld.
    pub leniency: Option<f64>,
    /// Total variation distance between the evaluator's spread and the unit's: half the sum of
    /// the absolute share differences; 0 = the same spread, 1 = nothing in common; null when
    /// withheld.
    pub distance: Option<f64>,
    /// Whether this evaluator's figures are withheld from the viewer: they would describe
    /// fewer than `minimumGroupSize` ASN (a small team, part of a team, or with the unit's
    /// figures a small remainder of it).
    pub suppressed: bool,
}

#[ComplexObject]
impl EvaluatorDistribution {
    /// The evaluator (pejabat penilai); directory fields only.
    async fn evaluator(&self, ctx: &Context<'_>) -> AppResult<Option<Asn>> {
        ctx.loaders()?.load_one(self.evaluator_id).await
    }
}

/// Each evaluator's predikat spread in a unit and period against the unit's overall spread.
/// Counts PUBLISHED, APPEALED and FINAL evaluations (not DRAFT) of ASN in the unit.
#[derive(SimpleObject, Debug, Clone)]
pub struct EvaluatorCalibration {
    /// The unit.
    pub unit: Unit,
    /// The period.
    pub period: PeriodInfo,
    /// Whether the ASN of the unit's sub-units are counted too.
    pub includes_subunits: bool,
    /// Whether the figures count every record of the unit or only those the viewer may read.
    pub coverage: AggregateCoverage,
    /// Counted evaluations in the unit.
    pub evaluated_count: i64,
    /// The unit's spread: all five predikat, best first, zeros included; null when withheld
    /// (see `suppressed`).
    pub unit_distribution: Option<Vec<PredikatCount>>,
    /// The unit's mean score (SANGAT_BAIK 5 … SANGAT_KURANG 1); null when nothing is counted
    /// or when withheld.
    pub unit_mean_score: Option<f64>,
    /// One entry per evaluator: those shown, the most deviating (largest `distance`) first,
    /// then those withheld, the most evaluations first.
    pub evaluators: Vec<EvaluatorDistribution>,
    /// Whether the unit's figures are withheld from the viewer: fewer than
    /// `minimumGroupSize` ASN are evaluated, or the figures would reveal such a group by
    /// difference with other units' figures. Every evaluator's figures are withheld then too.
    pub suppressed: bool,
    /// Evaluators whose figures are withheld (`suppressed`).
    pub suppressed_evaluators: i64,
    /// The smallest group of ASN whose figures this viewer is shown
    /// (`KINERJA_MIN_AGGREGATE_GROUP`); null when nothing is withheld from the viewer because
    /// they may read the counted records one by one.
    pub minimum_group_size: Option<i64>,
}

impl EvaluatorCalibration {
    /// The calibration of `counts` for `period` of the scoped unit, withholding from the
    /// viewer what [`suppression::calibration`] says.
    pub fn new(scoped: &Scoped, period: Period, counts: ByEvaluator) -> Self {
        let unit = counts.total;
        let unit_mean = mean_score(&unit);
        let (unit_shown, rows_shown) = match scoped.minimum_group {
            Some(minimum) => {
                let rows: Vec<(i64, i64)> = counts
                    .evaluators
                    .iter()
                    .map(|(id, own)| (id.0, own.total()))
                    .collect();
                let (unit_shown, rows_shown) = suppression::calibration(
                    &counts.cells,
                    scoped.unit.id.0,
                    scoped.include_subunits,
                    &rows,
                    minimum,
                );
                (unit_shown, Some(rows_shown))
            }
            None => (true, None),
        };
        let mut evaluators: Vec<EvaluatorDistribution> = counts
            .evaluators
            .iter()
            .map(|(id, own)| {
                let shown = rows_shown.as_ref().is_none_or(|rows| rows.contains(&id.0));
                let mean = mean_score(own).unwrap_or_default();
                EvaluatorDistribution {
                    evaluator_id: *id,
                    evaluated_count: own.total(),
                    distribution: shown.then(|| {
                        PREDIKAT
                            .iter()
                            .map(|p| PredikatDeviation {
                                predikat: *p,
                                count: own.get(*p),
                                share: own.share(*p),
                                unit_share: unit.share(*p),
                                deviation: own.share(*p) - unit.share(*p),
                            })
                            .collect()
                    }),
                    mean_score: shown.then_some(mean),
                    leniency: shown.then(|| mean - unit_mean.unwrap_or_default()),
                    distance: shown.then(|| distance(own, &unit)),
                    suppressed: !shown,
                }
            })
            .collect();
        // Shown rows by their figures, then withheld rows by what is shown of them.
        evaluators.sort_by(|a, b| {
            a.suppressed
                .cmp(&b.suppressed)
                .then(
                    b.distance
                        .unwrap_or_default()
                        .total_cmp(&a.distance.unwrap_or_default()),
                )
                .then(b.evaluated_count.cmp(&a.evaluated_count))
                .then(a.evaluator_id.cmp(&b.evaluator_id))
        });
        Self {
            unit: scoped.unit.clone(),
            period: PeriodInfo::of(period),
            includes_subunits: scoped.include_subunits,
            coverage: scoped.coverage,
            evaluated_count: unit.total(),
            unit_distribution: unit_shown.then(|| unit.distribution()),
            unit_mean_score: unit_mean.filter(|_| unit_shown),
            suppressed_evaluators: evaluators.iter().filter(|e| e.suppressed).count() as i64,
            evaluators,
            suppressed: !unit_shown,
            minimum_group_size: scoped.minimum_group,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_and_mean_of_a_lenient_evaluator() {
        let unit = PredikatCounts {
            sangat_baik: 4,
            baik: 3,
            butuh_perbaikan: 1,
            kurang: 1,
            sangat_kurang: 1,
        };
        let lenient = PredikatCounts {
            sangat_baik: 3,
            ..PredikatCounts::default()
        };
        assert!((distance(&lenient, &unit) - 0.6).abs() < 1e-9);
        assert!((mean_score(&unit).unwrap() - 3.8).abs() < 1e-9);
        assert_eq!(mean_score(&lenient), Some(5.0));
        assert_eq!(distance(&unit, &unit), 0.0);
        assert_eq!(mean_score(&PredikatCounts::default()), None);
    }
}
