//! The periods a dashboard covers: one checked period, or a bounded range of periods of one
//! kind.

use crate::error::{AppError, AppResult};
use crate::evaluations::model::{Period, PeriodKind};
use crate::evaluations::mutations::PeriodInput;

/// The longest range `performanceTrend` accepts, in periods (three years of months).
pub const MAX_TREND_PERIODS: usize = 36;

/// The checked period of `input`, or BAD_USER_INPUT.
pub fn period_of(input: PeriodInput) -> AppResult<Period> {
    Period {
        year: input.year,
        kind: input.kind,
        number: input.number,
    }
    .validate()
    .map_err(AppError::bad_input)
}

/// How many periods of `kind` a year has.
fn per_year(kind: PeriodKind) -> i32 {
    match kind {
        PeriodKind::Annual => 1,
        PeriodKind::Quarterly => 4,
        PeriodKind::Monthly => 12,
    }
}

/// Calendar months in one period of `kind`.
pub fn months_in(kind: PeriodKind) -> i64 {
    i64::from(12 / per_year(kind))
}

/// Position of a period on a line of periods of its kind.
fn ordinal(period: Period) -> i32 {
    period.year * per_year(period.kind) + period.number - 1
}

/// Every period from `from` to `to`, both included: they must be of the same kind, `from` not
/// after `to`, and at most [`MAX_TREND_PERIODS`] of them.
pub fn range(from: PeriodInput, to: PeriodInput) -> AppResult<Vec<Period>> {
    let (from, to) = (period_of(from)?, period_of(to)?);
    if from.kind != to.kind {
        return Err(AppError::bad_input(
            "`from` and `to` must be periods of the same kind",
        ));
    }
    let (first, last) = (ordinal(from), ordinal(to));
    if first > last {
        return Err(AppError::bad_input("`from` must not be after `to`"));
    }
    let count = (last - first + 1) as usize;
    if count > MAX_TREND_PERIODS {
        return Err(AppError::bad_input(format!(
            "a trend covers at most {MAX_TREND_PERIODS} periods, not {count}"
        ))
        .with("limit", MAX_TREND_PERIODS as u64));
    }
    let per = per_year(from.kind);
    Ok((first..=last)
        .map(|n| Period {
            year: n.div_euclid(per),
            kind: from.kind,
            number: n.rem_euclid(per) + 1,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn input(year: i32, kind: PeriodKind, number: i32) -> PeriodInput {
        PeriodInput { year, kind, number }
    }

    fn labels(periods: &[Period]) -> Vec<String> {
        periods.iter().map(|p| p.label()).collect()
    }

    #[test]
    fn a_range_crosses_years_in_order() {
        let q = PeriodKind::Quarterly;
        let periods = range(input(2025, q, 3), input(2026, q, 2)).unwrap();
        assert_eq!(
            labels(&periods),
            [
                "Triwulan III 2025",
                "Triwulan IV 2025",
                "Triwulan I 2026",
                "Triwulan II 2026"
            ]
        );
        let one = range(input(2026, q, 1), input(2026, q, 1)).unwrap();
        assert_eq!(labels(&one), ["Triwulan I 2026"]);
        let months = range(
            input(2025, PeriodKind::Monthly, 11),
            input(2026, PeriodKind::Monthly, 2),
        )
        .unwrap();
        assert_eq!(
            months
                .iter()
                .map(|p| (p.year, p.number))
                .collect::<Vec<_>>(),
            [(2025, 11), (2025, 12), (2026, 1), (2026, 2)]
        );
    }

    #[test]
    fn bad_ranges_are_bad_input() {
        let m = PeriodKind::Monthly;
        let cases = [
            range(input(2026, m, 2), input(2026, m, 1)),
            range(input(2026, m, 1), input(2026, PeriodKind::Quarterly, 1)),
            range(input(2023, m, 1), input(2026, m, 12)),
            range(input(2026, m, 13), input(2026, m, 13)),
        ];
        for case in cases {
            assert_eq!(case.unwrap_err().code(), ErrorCode::BadUserInput);
        }
        assert_eq!(
            range(input(2024, m, 1), input(2026, m, 12)).unwrap().len(),
            36
        );
    }

    #[test]
    fn periods_span_whole_months() {
        assert_eq!(months_in(PeriodKind::Annual), 12);
        assert_eq!(months_in(PeriodKind::Quarterly), 3);
        assert_eq!(months_in(PeriodKind::Monthly), 1);
    }
}
