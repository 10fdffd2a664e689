//! The figures of `performanceSummary` and `performanceTrend`: for each period of a list, the
//! counted evaluations by predikat and status, the activity minutes by review status, the
//! appeals by outcome and the active staff — all periods in one statement, grouped by period.
//! For a viewer from whom small groups are withheld the same statement also returns the unit
//! tree and the group sizes [`super::suppression`] decides on.

use chrono::{DateTime, Duration, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Bool, Date, Integer, Json, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::access::Scoped;
use super::counts::{PredikatCounts, predikat_columns, predikat_counts_sql};
use super::suppression::{Cells, STAFF_JSON_SQL, UNITS_JSON_SQL};
use crate::activities::summary::{MonthMinutes, minutes_by_status_sql};
use crate::auth::rules::{appeal_sql, evaluation_sql, readable_asn_sql};
use crate::error::{AppError, AppResult};
use crate::evaluations::model::{Period, PeriodKind};

/// Evaluations by effective status (see [`crate::evaluations::workflow::effective_status`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, QueryableByName)]
pub struct StatusCounts {
    /// DRAFT.
    #[diesel(sql_type = BigInt)]
    pub draft: i64,
    /// PUBLISHED, appeal window still open.
    #[diesel(sql_type = BigInt)]
    pub published: i64,
    /// APPEALED.
    #[diesel(sql_type = BigInt)]
    pub appealed: i64,
    /// FINAL, or PUBLISHED with the appeal window closed.
    #[diesel(sql_type = BigInt)]
    pub finalized: i64,
}

/// Appeals on the counted evaluations, by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, QueryableByName)]
pub struct AppealTally {
    /// All appeals.
    #[diesel(sql_type = BigInt)]
    pub appeals_filed: i64,
    /// Not decided yet.
    #[diesel(sql_type = BigInt)]
    pub appeals_open: i64,
    /// Decided with new ratings.
    #[diesel(sql_type = BigInt)]
    pub appeals_revised: i64,
    /// Decided, ratings stand.
    #[diesel(sql_type = BigInt)]
    pub appeals_rejected: i64,
}

/// The figures of one period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, QueryableByName)]
pub struct Figures {
    /// Active ASN counted (the staff the minute target applies to).
    #[diesel(sql_type = BigInt)]
    pub staff: i64,
    /// Counted evaluations by predikat.
    #[diesel(embed)]
    pub predikat: PredikatCounts,
    /// Evaluations by effective status.
    #[diesel(embed)]
    pub statuses: StatusCounts,
    /// Activity minutes in the period by review status.
    #[diesel(embed)]
    pub minutes: MonthMinutes,
    /// Appeals on the counted evaluations.
    #[diesel(embed)]
    pub appeals: AppealTally,
}

/// A row of the statement: a period's figures and, for suppression, its cells.
#[derive(QueryableByName)]
struct Row {
    #[diesel(embed)]
    figures: Figures,
    #[diesel(sql_type = Nullable<Json>)]
    cells: Option<serde_json::Value>,
}

/// Columns every period has, zero when nothing matched.
const ZEROED: [&str; 12] = [
    "draft",
    "published",
    "appealed",
    "finalized",
    "approved",
    "pending",
    "revision",
    "rejected",
    "appeals_filed",
    "appeals_open",
    "appeals_revised",
    "appeals_rejected",
];

/// The statement. Parameters: `$1` unit path pattern, `$2` period kind, `$3`–`$6` the periods'
/// years, numbers, first and last days, `$7` the moment before which a PUBLISHED evaluation's
/// appeal window has closed, `$8`–`$11` the inspectable scope, `$12`–`$15` the personal scope,
/// `$16` whether to return the cells for suppression: the whole organisation's counted
/// evaluations by unit and evaluator per period, and in the first period's row the unit tree
/// and the active staff by unit.
fn figures_sql() -> String {
    let evaluated = "e.status <> 'DRAFT'";
    let zeroed = predikat_columns()
        .chain(ZEROED.iter().map(|c| (*c).to_owned()))
        .map(|c| format!("COALESCE({c}, 0)::BIGINT AS {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "WITH p AS ( \
           SELECT * FROM unnest($3::INT[], $4::INT[], $5::DATE[], $6::DATE[]) \
             WITH ORDINALITY AS p(year, number, first_day, last_day, ord)), \
         members AS ( \
           SELECT m.id, m.active FROM asn m \
           WHERE m.unit_id IN (SELECT d.id FROM units d WHERE d.path LIKE $1)), \
         ev AS ( \
           SELECT p.ord, {predikat}, \
             count(*) FILTER (WHERE e.status = 'DRAFT') AS draft, \
             count(*) FILTER (WHERE e.status = 'PUBLISHED' AND e.published_at >= $7) AS published, \
             count(*) FILTER (WHERE e.status = 'APPEALED') AS appealed, \
             count(*) FILTER (WHERE e.status = 'FINAL' \
               OR (e.status = 'PUBLISHED' AND e.published_at < $7)) AS finalized \
           FROM p JOIN evaluations e ON e.period_year = p.year AND e.period_kind = $2 \
             AND e.period_number = p.number \
           WHERE e.asn_id IN (SELECT id FROM members) AND {readable_evaluation} \
           GROUP BY p.ord), \
         act AS ( \
           SELECT p.ord, {minutes} \
           FROM p JOIN activities ac ON ac.activity_date BETWEEN p.first_day AND p.last_day \
           WHERE ac.asn_id IN (SELECT id FROM members) AND {readable_activity} \
           GROUP BY p.ord), \
         ap AS ( \
           SELECT p.ord, count(*) AS appeals_filed, \
             count(*) FILTER (WHERE a.status = 'OPEN') AS appeals_open, \
             count(*) FILTER (WHERE a.status = 'REVISED') AS appeals_revised, \
             count(*) FILTER (WHERE a.status = 'REJECTED') AS appeals_rejected \
           FROM p JOIN evaluations e ON e.period_year = p.year AND e.period_kind = $2 \
             AND e.period_number = p.number \
           JOIN appeals a ON a.evaluation_id = e.id \
           WHERE e.asn_id IN (SELECT id FROM members) AND {readable_appeal} \
           GROUP BY p.ord), \
         staff AS ( \
           SELECT count(*) AS staff FROM members m WHERE m.active AND {readable_member}), \
         cells AS ( \
           SELECT p.ord, c.unit_id, e.evaluator_id, count(*) AS n \
           FROM p JOIN evaluations e ON e.period_year = p.year AND e.period_kind = $2 \
             AND e.period_number = p.number \
           JOIN asn c ON c.id = e.asn_id \
           WHERE $16 AND {evaluated} \
           GROUP BY p.ord, c.unit_id, e.evaluator_id) \
         SELECT s.staff, {zeroed}, \
           CASE WHEN $16 THEN json_strip_nulls(json_build_object( \
             'evaluated', (SELECT COALESCE(json_agg(json_build_array(c.unit_id, \
                 c.evaluator_id, c.n)), '[]') FROM cells c WHERE c.ord = p.ord), \
             'units', CASE WHEN p.ord = 1 THEN {units} END, \
             'staff', CASE WHEN p.ord = 1 THEN {staff} END)) END AS cells \
         FROM p CROSS JOIN staff s \
         LEFT JOIN ev ON ev.ord = p.ord \
         LEFT JOIN act ON act.ord = p.ord \
         LEFT JOIN ap ON ap.ord = p.ord \
         ORDER BY p.ord",
        predikat = predikat_counts_sql("e", evaluated),
        readable_evaluation = evaluation_sql("e", 8),
        minutes = minutes_by_status_sql("ac"),
        readable_activity = readable_asn_sql("ac.asn_id", 8),
        readable_appeal = appeal_sql("a", "e", 12),
        readable_member = readable_asn_sql("m.id", 8),
        units = UNITS_JSON_SQL,
        staff = STAFF_JSON_SQL,
    )
}

/// The figures of each of `periods` (all of `kind`) for the scoped unit, in one statement, in
/// the order of `periods`, each with its cells when the scope withholds small groups (the
/// first period's with the unit tree and the staff). `now` and `appeal_window_days` tell
/// PUBLISHED from FINAL.
pub async fn figures(
    conn: &mut AsyncPgConnection,
    scoped: &Scoped,
    kind: PeriodKind,
    periods: &[Period],
    (now, appeal_window_days): (DateTime<Utc>, i64),
) -> AppResult<Vec<(Figures, Cells)>> {
    let (firsts, lasts): (Vec<_>, Vec<_>) = periods.iter().map(|p| p.dates()).unzip();
    let query = diesel::sql_query(figures_sql())
        .into_boxed()
        .bind::<Text, _>(scoped.unit_pattern())
        .bind::<Text, _>(kind)
        .bind::<Array<Integer>, _>(periods.iter().map(|p| p.year).collect::<Vec<_>>())
        .bind::<Array<Integer>, _>(periods.iter().map(|p| p.number).collect::<Vec<_>>())
        .bind::<Array<Date>, _>(firsts)
        .bind::<Array<Date>, _>(lasts)
        .bind::<Timestamptz, _>(now - Duration::days(appeal_window_days));
    let query = scoped
        .personal
        .bind(scoped.inspectable.bind(query))
        .bind::<Bool, _>(scoped.minimum_group.is_some());
    let rows: Vec<Row> = query.load(conn).await?;
    if rows.len() != periods.len() {
        return Err(AppError::internal("figures: one row per period expected"));
    }
    rows.into_iter()
        .map(|row| Ok((row.figures, Cells::parse(row.cells)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_figure_column_is_selected_once() {
        let sql = figures_sql();
        for column in predikat_columns().chain(ZEROED.iter().map(|c| (*c).to_owned())) {
            assert_eq!(
                sql.matches(&format!("COALESCE({column}, 0)::BIGINT AS {column}"))
                    .count(),
                1,
                "{column}"
            );
        }
    }
}
