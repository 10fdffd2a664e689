//! SQL statements per request are bounded by the query's depth, not by its row count.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kinerja::db::schema::{asn, units};
use serde_json::{Value, json};

use crate::support::{TestApp, data, personas};

/// Adds a unit under DUMAI with `width` sub-units of `width` ASN each; in every sub-unit the
/// first ASN supervises the others. Returns the new unit's global ID.
async fn fixture(app: &TestApp, width: usize) -> String {
    let mut conn = app.conn().await;
    let dumai: i64 = units::table
        .filter(units::code.eq("DUMAI"))
        .select(units::id)
        .first(&mut conn)
        .await
        .unwrap();
    let root: i64 = diesel::insert_into(units::table)
        .values((
            units::code.eq(format!("FIXTURE-{width}")),
            units::name.eq(format!("Fixture {width}")),
            units::kind.eq("BADAN"),
            units::parent_id.eq(dumai),
        ))
        .returning(units::id)
        .get_result(&mut conn)
        .await
        .unwrap();
    for u in 0..width {
        let unit: i64 = diesel::insert_into(units::table)
            .values((
                units::code.eq(format!("FIXTURE-{width}.{u:03}")),
                units::name.eq(format!("Bidang {u:03}")),
                units::kind.eq("BIDANG"),
                units::parent_id.eq(root),
            ))
            .returning(units::id)
            .get_result(&mut conn)
            .await
            .unwrap();
        let mut head = None;
        for a in 0..width {
            let id: i64 = diesel::insert_into(asn::table)
                .values((
                    asn::nip.eq(format!("1985{:03}{:03}{:08}", width, u, a)),
                    asn::name.eq(format!("Pegawai {u:03}-{a:03}")),
                    asn::gender.eq("FEMALE"),
                    asn::employment_type.eq("PNS"),
                    asn::grade.eq("III/a"),
                    asn::position.eq("Analis"),
                    asn::position_kind.eq("FUNGSIONAL"),
                    asn::unit_id.eq(unit),
                    asn::supervisor_id.eq(head),
                ))
                .returning(asn::id)
                .get_result(&mut conn)
                .await
                .unwrap();
            head = head.or(Some(id));
        }
    }
    kinerja::ids::UnitId(root).to_global().to_string()
}

const NESTED: &str = "query ($root: ID!) {
  units(filter: { parentId: $root }, first: 100) {
    edges { node { name asns(first: 100) { edges { node { name supervisor { name unit { name } } } } } } }
  }
}";

const WIDE: &str = "query ($root: ID!) {
  units(filter: { parentId: $root }, first: 20) {
    totalCount
    edges { node {
      name parent { code } head { name }
      children { totalCount }
      asns(first: 20) { totalCount edges { node {
        name unit { code ancestors { code } }
        supervisor { name subordinates(first: 20) { totalCount edges { node { nip } } } }
        supervisorChain { nip }
        roles { role }
      } } }
    } }
  }
}";

fn leaf_count(body: &Value) -> usize {
    body["units"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["asns"]["edges"].as_array().unwrap().len())
        .sum()
}

async fn measure(width: usize, query: &str) -> (usize, usize) {
    let app = TestApp::new().await;
    let root = fixture(&app, width).await;
    let (body, statements) = app
        .run(Some(personas::ADMIN), query, json!({ "root": root }))
        .await;
    let body = data(body);
    (leaf_count(&body), statements)
}

#[tokio::test]
async fn units_asns_supervisor_unit_is_five_statements_at_any_size() {
    // viewer + units page + members of all units + their supervisors + the supervisors' units
    let (rows_small, small) = measure(5, NESTED).await;
    let (rows_large, large) = measure(20, NESTED).await;
    assert_eq!((rows_small, rows_large), (25, 400));
    assert_eq!(small, 5, "5×5");
    assert_eq!(large, 5, "20×20");
}

#[tokio::test]
async fn a_wide_nested_query_stays_bounded() {
    let (rows_small, small) = measure(5, WIDE).await;
    let (rows_large, large) = measure(20, WIDE).await;
    assert_eq!((rows_small, rows_large), (25, 400));
    assert_eq!(small, large, "statements must not grow with rows");
    // The viewer, the count and the page, then one batched statement per loader and depth
    // level (parents/units/ancestors, heads/supervisors/chains, children, members,
    // subordinates, role grants): 11, measured, the same at 5×5 and 20×20.
    assert_eq!(large, 11, "{large} statements");
}

/// Gives every ASN of the fixture below `FIXTURE-{width}` except the heads a published
/// evaluation by their head.
async fn evaluate_fixture(app: &TestApp, width: usize) {
    use kinerja::db::schema::evaluations;
    let mut conn = app.conn().await;
    let staff: Vec<(i64, Option<i64>)> = asn::table
        .filter(asn::nip.like(format!("1985{width:03}%")))
        .filter(asn::supervisor_id.is_not_null())
        .select((asn::id, asn::supervisor_id))
        .load(&mut conn)
        .await
        .unwrap();
    for (id, supervisor) in staff {
        let evaluation: i64 = diesel::insert_into(evaluations::table)
            .values((
                evaluations::asn_id.eq(id),
                evaluations::evaluator_id.eq(supervisor.unwrap()),
                evaluations::period_year.eq(2026),
                evaluations::period_kind.eq("QUARTERLY"),
                evaluations::period_number.eq(3),
                evaluations::work_result_rating.eq("SESUAI_EKSPEKTASI"),
                evaluations::behaviour_rating.eq("DI_ATAS_EKSPEKTASI"),
                evaluations::predikat.eq("BAIK"),
                evaluations::status.eq("PUBLISHED"),
                evaluations::published_at.eq(crate::support::test_now()),
            ))
            .returning(evaluations::id)
            .get_result(&mut conn)
            .await
            .unwrap();
        // The evaluated ASN asks a question in the evaluation's dialog.
        diesel::insert_into(kinerja::db::schema::feedback::table)
            .values((
                kinerja::db::schema::feedback::author_id.eq(id),
                kinerja::db::schema::feedback::recipient_id.eq(supervisor.unwrap()),
                kinerja::db::schema::feedback::evaluation_id.eq(evaluation),
                kinerja::db::schema::feedback::kind.eq("QUESTION"),
                kinerja::db::schema::feedback::body.eq("Bagaimana saya bisa memperbaiki?"),
            ))
            .execute(&mut conn)
            .await
            .unwrap();
    }
}

const EVALUATIONS: &str = "query ($root: ID!) {
  units(filter: { parentId: $root }, first: 20) {
    edges { node { asns(first: 20) { edges { node {
      name
      evaluations(first: 5) { totalCount edges { node {
        predikat status period { label } evaluator { name }
        appeals { status } behaviourNotes { value } history { action }
        feedback { body author { name unit { name } } }
      } } }
    } } } } }
  }
}";

#[tokio::test]
async fn units_asns_evaluations_feedback_stay_bounded() {
    let mut counts = Vec::new();
    for width in [5, 20] {
        let app = TestApp::new().await;
        let root = fixture(&app, width).await;
        evaluate_fixture(&app, width).await;
        let (body, statements) = app
            .run(Some(personas::ADMIN), EVALUATIONS, json!({ "root": root }))
            .await;
        let body = data(body);
        let evaluated: i64 = body["units"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|u| u["node"]["asns"]["edges"].as_array().unwrap().iter())
            .map(|a| a["node"]["evaluations"]["totalCount"].as_i64().unwrap())
            .sum();
        assert_eq!(evaluated as usize, width * (width - 1));
        counts.push(statements);
    }
    assert_eq!(
        counts[0], counts[1],
        "statements must not grow with rows: {counts:?}"
    );
    // viewer, units page, members, units of members, evaluations, evaluators, notes, history,
    // appeals, the dialog's feedback (its authors and their units come from the loader's
    // cache): 10, the same at 5×5 and 20×20.
    assert_eq!(counts[1], 10, "{counts:?}");
}
