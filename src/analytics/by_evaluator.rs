//! Counted evaluations of a unit in one period by predikat, per evaluator and in total, in one
//! statement (`GROUP BY ROLLUP`): the data of `evaluatorCalibration` and `distributionCheck`.
//! For a viewer from whom small groups are withheld, the total row also carries the unit tree
//! and the whole organisation's counted evaluations of the period by unit and evaluator, which
//! [`super::suppression`] decides on.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Integer, Json, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::access::Scoped;
use super::counts::{PredikatCounts, predikat_counts_sql};
use super::suppression::{Cells, UNITS_JSON_SQL};
use crate::auth::rules::evaluation_sql;
use crate::error::AppResult;
use crate::evaluations::model::Period;
use crate::ids::AsnId;

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Nullable<BigInt>)]
    evaluator_id: Option<i64>,
    #[diesel(embed)]
    counts: PredikatCounts,
    #[diesel(sql_type = Nullable<Json>)]
    cells: Option<serde_json::Value>,
}

/// Parameters: `$1` unit path pattern, `$2`–`$4` the period, `$5` an ASN left out (or NULL),
/// `$6`–`$9` the inspectable scope, `$10` whether to return the cells for suppression. The row
/// with a NULL evaluator is the total.
fn by_evaluator_sql() -> String {
    format!(
        "SELECT e.evaluator_id, {predikat}, \
           CASE WHEN GROUPING(e.evaluator_id) = 1 AND $10 THEN json_build_object( \
             'units', {units}, \
             'evaluated', (SELECT COALESCE(json_agg(json_build_array(x.unit_id, \
                 x.evaluator_id, x.n)), '[]') \
               FROM (SELECT c.unit_id, o.evaluator_id, count(*) AS n \
                 FROM evaluations o JOIN asn c ON c.id = o.asn_id \
                 WHERE o.period_year = $2 AND o.period_kind = $3 AND o.period_number = $4 \
                   AND o.status <> 'DRAFT' \
                 GROUP BY c.unit_id, o.evaluator_id) x)) END AS cells \
         FROM evaluations e \
         WHERE e.period_year = $2 AND e.period_kind = $3 AND e.period_number = $4 \
           AND e.status <> 'DRAFT' \
           AND e.asn_id IN (SELECT m.id FROM asn m WHERE m.unit_id IN \
             (SELECT d.id FROM units d WHERE d.path LIKE $1)) \
           AND e.asn_id IS DISTINCT FROM $5 \
           AND {readable} \
         GROUP BY ROLLUP (e.evaluator_id) \
         ORDER BY e.evaluator_id NULLS FIRST",
        predikat = predikat_counts_sql("e", "TRUE"),
        readable = evaluation_sql("e", 6),
        units = UNITS_JSON_SQL,
    )
}

/// Counted evaluations by predikat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ByEvaluator {
    /// All counted evaluations.
    pub total: PredikatCounts,
    /// Per evaluator, by evaluator id.
    pub evaluators: Vec<(AsnId, PredikatCounts)>,
    /// The cells for suppression (empty unless the scope withholds small groups).
    pub cells: Cells,
}

/// The counted (PUBLISHED, APPEALED, FINAL) evaluations of `period` of the scoped unit's ASN,
/// leaving out the evaluation of `except` if given.
pub async fn by_evaluator(
    conn: &mut AsyncPgConnection,
    scoped: &Scoped,
    period: Period,
    except: Option<AsnId>,
) -> AppResult<ByEvaluator> {
    let query = diesel::sql_query(by_evaluator_sql())
        .into_boxed()
        .bind::<Text, _>(scoped.unit_pattern())
        .bind::<Integer, _>(period.year)
        .bind::<Text, _>(period.kind)
        .bind::<Integer, _>(period.number)
        .bind::<Nullable<BigInt>, _>(except.map(|a| a.0));
    let rows: Vec<Row> = scoped
        .inspectable
        .bind(query)
        .bind::<Bool, _>(scoped.minimum_group.is_some())
        .load(conn)
        .await?;
    let mut out = ByEvaluator::default();
    for row in rows {
        match row.evaluator_id {
            Some(id) => out.evaluators.push((AsnId(id), row.counts)),
            None => {
                out.total = row.counts;
                out.cells = Cells::parse(row.cells)?;
            }
        }
    }
    Ok(out)
}
