//! Pure checks of activity input, each failing with a message that names the rule.

use chrono::{NaiveDate, NaiveTime};

use super::model::ActivityDecision;
use crate::error::{AppError, AppResult};

/// Longest description, review note and output unit.
const MAX_DESCRIPTION: usize = 2000;
const MAX_NOTE: usize = 2000;
const MAX_UNIT: usize = 50;
const MAX_URL: usize = 2000;

/// Parses a local time written exactly `HH:MM` (00:00–23:59).
pub fn hhmm(raw: &str, field: &str) -> AppResult<NaiveTime> {
    let bad = || {
        AppError::bad_input(format!(
            "`{field}` must be a time HH:MM (00:00–23:59), got {raw:?}"
        ))
    };
    let b = raw.as_bytes();
    if b.len() != 5
        || b[2] != b':'
        || !b
            .iter()
            .enumerate()
            .all(|(i, c)| i == 2 || c.is_ascii_digit())
    {
        return Err(bad());
    }
    let hour = u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0');
    let minute = u32::from(b[3] - b'0') * 10 + u32::from(b[4] - b'0');
    NaiveTime::from_hms_opt(hour, minute, 0).ok_or_else(bad)
}

/// Checks that an interval ends after it starts.
pub fn interval(start: NaiveTime, end: NaiveTime) -> AppResult<()> {
    if end <= start {
        return Err(AppError::bad_input(format!(
            "`endTime` ({}) must be after `startTime` ({})",
            end.format("%H:%M"),
            start.format("%H:%M")
        )));
    }
    Ok(())
}

/// Checks an activity date against today (local calendar): not in the future
/// (`BAD_USER_INPUT`), not more than `window_days` days ago (`DEADLINE_PASSED`).
pub fn date(date: NaiveDate, today: NaiveDate, window_days: i64) -> AppResult<()> {
    if date > today {
        return Err(AppError::bad_input(format!(
            "`date` {date} is in the future (today is {today}); report work after it is done"
        )));
    }
    let age = (today - date).num_days();
    if age > window_days {
        return Err(AppError::deadline_passed(format!(
            "activities must be reported within {window_days} days: {date} was {age} days ago"
        ))
        .with("windowDays", window_days));
    }
    Ok(())
}

/// Checks a description: trimmed, 1–2000 characters.
pub fn description(raw: &str) -> AppResult<String> {
    let text = raw.trim();
    if text.is_empty() || text.chars().count() > MAX_DESCRIPTION {
        return Err(AppError::bad_input(format!(
            "`description` must have 1–{MAX_DESCRIPTION} characters"
        )));
    }
    Ok(text.to_owned())
}

/// Checks an output: a quantity ≥ 0 and a unit of 1–50 characters, given together or not at all.
pub fn output(
    quantity: Option<i32>,
    unit: Option<&str>,
) -> AppResult<(Option<i32>, Option<String>)> {
    let unit = unit.map(str::trim);
    match (quantity, unit) {
        (None, None) => Ok((None, None)),
        (Some(q), Some(u)) => {
            if q < 0 {
                return Err(AppError::bad_input("`outputQuantity` must not be negative"));
            }
            if u.is_empty() || u.chars().count() > MAX_UNIT {
                return Err(AppError::bad_input(format!(
                    "`outputUnit` must have 1–{MAX_UNIT} characters"
                )));
            }
            Ok((Some(q), Some(u.to_owned())))
        }
        _ => Err(AppError::bad_input(
            "`outputQuantity` and `outputUnit` go together: give both or neither",
        )),
    }
}

/// Checks an evidence link: an absolute http(s) URL with a host, without spaces.
pub fn evidence_url(raw: &str) -> AppResult<String> {
    let url = raw.trim();
    let bad = || {
        AppError::bad_input(
            "`evidenceUrl` must be an http:// or https:// link of at most 2000 characters",
        )
    };
    if url.len() > MAX_URL || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(bad)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err(bad());
    }
    Ok(url.to_owned())
}

/// Checks a review note: required (non-blank) for REQUEST_REVISION and REJECT; at most 2000
/// characters; a blank note on APPROVE is no note.
pub fn review_note(decision: ActivityDecision, note: Option<&str>) -> AppResult<Option<String>> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE) {
        return Err(AppError::bad_input(format!(
            "`note` must have at most {MAX_NOTE} characters"
        )));
    }
    if decision.needs_note() && note.is_none() {
        return Err(AppError::bad_input(
            "a `note` is required to request a revision or to reject: tell the ASN why",
        ));
    }
    Ok(note.map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn times_are_strict_hh_mm() {
        assert_eq!(
            hhmm("07:30", "startTime").unwrap(),
            NaiveTime::from_hms_opt(7, 30, 0).unwrap()
        );
        assert_eq!(
            hhmm("23:59", "endTime").unwrap(),
            NaiveTime::from_hms_opt(23, 59, 0).unwrap()
        );
        for bad in [
            "7:30", "07:3", "24:00", "07:60", "0730", "07:30:00", "ab:cd", "", " 7:30", "-1:00",
        ] {
            let err = hhmm(bad, "startTime").unwrap_err();
            assert_eq!(err.code().as_str(), "BAD_USER_INPUT", "{bad}");
            assert!(err.message().contains("startTime"), "{}", err.message());
        }
        let (a, b) = (hhmm("08:00", "s").unwrap(), hhmm("09:00", "e").unwrap());
        assert!(interval(a, b).is_ok());
        assert!(interval(b, a).is_err());
        assert!(interval(a, a).is_err());
    }

    #[test]
    fn dates_within_the_window() {
        let today = d("2026-11-28");
        assert!(date(today, today, 7).is_ok());
        assert!(
            date(d("2026-11-21"), today, 7).is_ok(),
            "exactly 7 days ago"
        );
        let err = date(d("2026-11-20"), today, 7).unwrap_err();
        assert_eq!(err.code().as_str(), "DEADLINE_PASSED");
        assert!(err.message().contains("8 days ago"), "{}", err.message());
        assert_eq!(
            date(d("2026-11-29"), today, 7).unwrap_err().code().as_str(),
            "BAD_USER_INPUT"
        );
        assert_eq!(
            date(d("2026-11-26"), today, 1).unwrap_err().code().as_str(),
            "DEADLINE_PASSED"
        );
    }

    #[test]
    fn outputs_links_and_notes() {
        assert_eq!(
            output(Some(3), Some(" laporan ")).unwrap(),
            (Some(3), Some("laporan".into()))
        );
        assert_eq!(output(None, None).unwrap(), (None, None));
        assert!(output(Some(3), None).is_err());
        assert!(output(None, Some("laporan")).is_err());
        assert!(output(Some(-1), Some("laporan")).is_err());
        assert!(output(Some(1), Some(" ")).is_err());

        assert!(evidence_url("https://drive.dumaikota.go.id/x?y=1").is_ok());
        assert!(evidence_url("HTTP://example.org").is_ok());
        for bad in [
            "ftp://x.org/a",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "http://a b",
            "example.org",
        ] {
            assert!(evidence_url(bad).is_err(), "{bad}");
        }

        assert_eq!(review_note(ActivityDecision::Approve, None).unwrap(), None);
        assert_eq!(
            review_note(ActivityDecision::Approve, Some("  ")).unwrap(),
            None
        );
        assert!(review_note(ActivityDecision::Reject, None).is_err());
        assert!(review_note(ActivityDecision::RequestRevision, Some(" ")).is_err());
        assert_eq!(
            review_note(ActivityDecision::Reject, Some(" duplikat "))
                .unwrap()
                .as_deref(),
            Some("duplikat")
        );
        assert!(description(" ").is_err());
        assert_eq!(description(" Rapat ").unwrap(), "Rapat");
    }
}
