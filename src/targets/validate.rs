//! Pure checks of target input, each failing with a message that names the field.

use super::model::IndicatorValues;
use super::mutations::IndicatorInput;
use crate::error::{AppError, AppResult};

/// Most indicators one target may have.
pub const MAX_INDICATORS: usize = 20;

/// Checks a title: trimmed, 1–500 characters.
pub fn title(raw: &str) -> AppResult<String> {
    let title = raw.trim();
    if title.is_empty() || title.chars().count() > 500 {
        return Err(AppError::bad_input("`title` must have 1–500 characters"));
    }
    Ok(title.to_owned())
}

/// Checks a year of an SKP.
pub fn year(year: i32) -> AppResult<i32> {
    if !(2000..=2100).contains(&year) {
        return Err(AppError::bad_input("`year` must be between 2000 and 2100"));
    }
    Ok(year)
}

/// Checks indicators: 1–20 of them, each with a description, a finite value ≥ 0 and a unit.
pub fn indicators(input: &[IndicatorInput]) -> AppResult<Vec<IndicatorValues>> {
    if input.is_empty() || input.len() > MAX_INDICATORS {
        return Err(AppError::bad_input(format!(
            "an RHK needs 1–{MAX_INDICATORS} indicators, got {}",
            input.len()
        )));
    }
    input
        .iter()
        .enumerate()
        .map(|(i, ind)| {
            let description = ind.description.trim();
            if description.is_empty() || description.chars().count() > 500 {
                return Err(AppError::bad_input(format!(
                    "indicator {}: `description` must have 1–500 characters",
                    i + 1
                )));
            }
            if !ind.target_value.is_finite() || ind.target_value < 0.0 {
                return Err(AppError::bad_input(format!(
                    "indicator {}: `targetValue` must be a number ≥ 0",
                    i + 1
                )));
            }
            let unit = ind.unit_of_measure.trim();
            if unit.is_empty() || unit.chars().count() > 50 {
                return Err(AppError::bad_input(format!(
                    "indicator {}: `unitOfMeasure` must have 1–50 characters",
                    i + 1
                )));
            }
            Ok(IndicatorValues {
                aspect: ind.aspect,
                description: description.to_owned(),
                target_value: ind.target_value,
                unit_of_measure: unit.to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::model::IndicatorAspect;

    fn indicator(description: &str, value: f64, unit: &str) -> IndicatorInput {
        IndicatorInput {
            aspect: IndicatorAspect::Kuantitas,
            description: description.to_owned(),
            target_value: value,
            unit_of_measure: unit.to_owned(),
        }
    }

    #[test]
    fn indicators_are_checked_one_by_one() {
        let ok = indicators(&[indicator("  Laporan  ", 12.0, " dokumen ")]).unwrap();
        assert_eq!(ok[0].description, "Laporan");
        assert_eq!(ok[0].unit_of_measure, "dokumen");
        assert!(indicators(&[]).is_err(), "none");
        let many: Vec<_> = (0..21).map(|_| indicator("x", 1.0, "u")).collect();
        assert!(indicators(&many).is_err(), "too many");
        for (bad, what) in [
            (indicator(" ", 1.0, "u"), "description"),
            (indicator("x", -1.0, "u"), "targetValue"),
            (indicator("x", f64::NAN, "u"), "targetValue"),
            (indicator("x", 1.0, ""), "unitOfMeasure"),
        ] {
            let err = indicators(&[indicator("fine", 1.0, "u"), bad]).unwrap_err();
            assert_eq!(err.code().as_str(), "BAD_USER_INPUT");
            assert!(
                err.message().starts_with("indicator 2"),
                "{}",
                err.message()
            );
            assert!(err.message().contains(what), "{}", err.message());
        }
    }

    #[test]
    fn titles_and_years() {
        assert_eq!(
            title("  Meningkatnya layanan  ").unwrap(),
            "Meningkatnya layanan"
        );
        assert!(title("   ").is_err());
        assert!(title(&"x".repeat(501)).is_err());
        assert!(year(1999).is_err() && year(2101).is_err());
        assert_eq!(year(2026).unwrap(), 2026);
    }
}
