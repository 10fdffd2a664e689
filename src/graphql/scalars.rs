//! Custom scalars of the schema.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

/// A calendar date in the local calendar of the deployment (WIB for Dumai), written
/// `YYYY-MM-DD`, e.g. `2026-11-28`.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => parse_date(s)
                .map(Date)
                .ok_or_else(|| InputValueError::custom(format!("{s:?} is not a date YYYY-MM-DD"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// Parses exactly `YYYY-MM-DD` (no signs, no week dates, no padding variants).
fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Self(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(
            parse_date("2026-11-28"),
            NaiveDate::from_ymd_opt(2026, 11, 28)
        );
        for bad in [
            "2026-2-28",
            "2026-02-30",
            "+2026-02-28",
            "28-11-2026",
            "2026/11/28",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        let value = Date(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()).to_value();
        assert_eq!(value, Value::String("2026-01-05".into()));
    }
}
