//! Monthly effective minutes: the sums of an ASN's activity minutes by status in one calendar
//! month, computed in SQL for a whole list of ASN in one statement. The sums and the share of
//! the target are shared with the unit dashboards ([`crate::analytics`]).

use async_graphql::SimpleObject;
use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Date};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::error::{AppError, AppResult};
use crate::ids::AsnId;

/// Activity minutes by review status (of one ASN in one month, or of a unit in a period).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, QueryableByName)]
pub struct MonthMinutes {
    /// APPROVED.
    #[diesel(sql_type = BigInt)]
    pub approved: i64,
    /// SUBMITTED (waiting for review).
    #[diesel(sql_type = BigInt)]
    pub pending: i64,
    /// REVISION_REQUESTED.
    #[diesel(sql_type = BigInt)]
    pub revision: i64,
    /// REJECTED.
    #[diesel(sql_type = BigInt)]
    pub rejected: i64,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    asn_id: i64,
    #[diesel(embed)]
    minutes: MonthMinutes,
}

/// The four sums of [`MonthMinutes`] over the activity rows aliased `ac`, as select columns
/// named like its fields.
pub fn minutes_by_status_sql(ac: &str) -> String {
    [
        ("APPROVED", "approved"),
        ("SUBMITTED", "pending"),
        ("REVISION_REQUESTED", "revision"),
        ("REJECTED", "rejected"),
    ]
    .map(|(status, column)| {
        format!(
            "COALESCE(SUM({ac}.minutes) FILTER (WHERE {ac}.status = '{status}'), 0)::BIGINT \
             AS {column}"
        )
    })
    .join(", ")
}

fn month_sql() -> String {
    format!(
        "SELECT o.id AS asn_id, {} \
         FROM unnest($1::BIGINT[]) AS o(id) \
         LEFT JOIN activities ac \
           ON ac.asn_id = o.id AND ac.activity_date >= $2 AND ac.activity_date < $3 \
         GROUP BY o.id",
        minutes_by_status_sql("ac")
    )
}

/// The first day of `month` of `year` and of the month after it.
pub fn month_bounds(year: i32, month: u32) -> AppResult<(NaiveDate, NaiveDate)> {
    let bad = || AppError::bad_input("`year` must be 2000–2100 and `month` 1–12");
    if !(2000..=2100).contains(&year) {
        return Err(bad());
    }
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .ok_or_else(bad)?;
    Ok((first, next))
}

/// The minutes of each ASN in `asns` in `month` of `year`, in one statement.
pub async fn month_minutes(
    conn: &mut AsyncPgConnection,
    asns: &[AsnId],
    year: i32,
    month: u32,
) -> AppResult<Vec<(AsnId, MonthMinutes)>> {
    let (first, next) = month_bounds(year, month)?;
    let ids: Vec<i64> = asns.iter().map(|a| a.0).collect();
    let rows: Vec<Row> = diesel::sql_query(month_sql())
        .bind::<Array<BigInt>, _>(ids)
        .bind::<Date, _>(first)
        .bind::<Date, _>(next)
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| (AsnId(row.asn_id), row.minutes))
        .collect())
}

/// An ASN's effective minutes in one calendar month against the monthly target, for the
/// e-Kinerja dashboards.
#[derive(SimpleObject, Debug, Clone)]
pub struct ActivitySummary {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: i32,
    /// Minutes of APPROVED activities: the effective minutes.
    pub approved_minutes: i64,
    /// Minutes of SUBMITTED activities waiting for review.
    pub pending_minutes: i64,
    /// Minutes of activities returned for revision.
    pub revision_minutes: i64,
    /// Minutes of rejected activities.
    pub rejected_minutes: i64,
    /// The configured monthly target of effective minutes (default 6,750).
    pub target_minutes: i64,
    /// Approved minutes divided by the target (1.0 = target reached; 0 when the target is 0).
    pub approved_share: f64,
}

impl ActivitySummary {
    /// The summary of `minutes` against `target_minutes`.
    pub fn new(year: i32, month: i32, minutes: MonthMinutes, target_minutes: i64) -> Self {
        let approved_share = share_of_target(minutes.approved, target_minutes);
        Self {
            year,
            month,
            approved_minutes: minutes.approved,
            pending_minutes: minutes.pending,
            revision_minutes: minutes.revision,
            rejected_minutes: minutes.rejected,
            target_minutes,
            approved_share,
        }
    }
}

/// `minutes` divided by `target` (1.0 = target reached; 0 when the target is 0).
pub fn share_of_target(minutes: i64, target: i64) -> f64 {
    if target > 0 {
        minutes as f64 / target as f64
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_bounds_cover_the_calendar_month() {
        let (a, b) = month_bounds(2026, 12).unwrap();
        assert_eq!(
            (a.to_string(), b.to_string()),
            ("2026-12-01".into(), "2027-01-01".into())
        );
        let (a, b) = month_bounds(2028, 2).unwrap();
        assert_eq!(
            (a.to_string(), b.to_string()),
            ("2028-02-01".into(), "2028-03-01".into())
        );
        assert!(month_bounds(2026, 0).is_err());
        assert!(month_bounds(2026, 13).is_err());
        assert!(month_bounds(1999, 1).is_err());
    }

    #[test]
    fn the_share_is_approved_over_target() {
        let minutes = MonthMinutes {
            approved: 3375,
            pending: 60,
            ..MonthMinutes::default()
        };
        let summary = ActivitySummary::new(2026, 11, minutes, 6750);
        assert!((summary.approved_share - 0.5).abs() < 1e-9);
        assert_eq!(
            ActivitySummary::new(2026, 11, minutes, 0).approved_share,
            0.0
        );
    }
}
