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

/// The evaluations and the dialog questions `body` (an [`EVALUATIONS`] answer) shows.
fn evaluated(body: &Value) -> (usize, usize) {
    let evaluations: Vec<&Value> = body["units"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|u| u["node"]["asns"]["edges"].as_array().unwrap().iter())
        .flat_map(|a| a["node"]["evaluations"]["edges"].as_array().unwrap().iter())
        .collect();
    let questions = evaluations
        .iter()
        .map(|e| e["node"]["feedback"].as_array().map_or(0, Vec::len))
        .sum();
    (evaluations.len(), questions)
}

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

/// A board of the fixture's staff and their evaluations, each list filtered by the viewer's
/// scope in SQL.
const BOARD: &str = "query ($root: ID!) {
  units(filter: { parentId: $root }, first: 20) {
    edges { node { asns(first: 20) { totalCount edges { node {
      name
      evaluations(first: 5) { totalCount edges { node { predikat status period { label } } } }
    } } } } }
  }
}";

#[tokio::test]
async fn restricted_viewers_stay_bounded_too() {
    let mut counts = Vec::new();
    for width in [5, 20] {
        let app = TestApp::new().await;
        let root = fixture(&app, width).await;
        evaluate_fixture(&app, width).await;
        // A UNIT_ADMIN of the fixture reads everything in it through the unit filter; the
        // head of its first sub-unit reads the evaluations of their own staff only.
        data(
            app.query(
                personas::ADMIN,
                "mutation ($a: ID!, $u: ID!) { grantRole(input: { asnId: $a, role: UNIT_ADMIN, unitId: $u }) { nip } }",
                json!({ "a": crate::evaluations::asn_id(&app, personas::GURU).await, "u": root }),
            )
            .await,
        );
        let head = format!("1985{width:03}{:03}{:08}", 0, 0);
        for (nip, expected) in [
            (personas::ADMIN, width * (width - 1)),
            (personas::GURU, width * (width - 1)),
            (head.as_str(), width - 1),
        ] {
            let (body, board) = app.run(Some(nip), BOARD, json!({ "root": root })).await;
            assert_eq!(evaluated(&data(body)).0, expected, "{nip} at {width}");
            // The same board with the evaluations' appeals, notes, history and dialog, whose
            // rules load the evaluated ASN, their evaluator and the dialog's recipients.
            let (body, full) = app
                .run(Some(nip), EVALUATIONS, json!({ "root": root }))
                .await;
            assert_eq!(
                evaluated(&data(body)),
                (expected, expected),
                "{nip} at {width}"
            );
            counts.push((board, full));
        }
    }
    // The board: the viewer, units, members, the members' units (for the rule), evaluations;
    // the scope is a condition of each statement, not a statement of its own. The head is one
    // of the ASN listed, and the viewer's own evaluations (drafts hidden from them) are a
    // statement of their own at that level. The same at 5×5 and 20×20.
    let boards: Vec<usize> = counts.iter().map(|c| c.0).collect();
    assert_eq!(
        boards,
        [5, 5, 6, 5, 5, 6],
        "ADMIN, unit admin, head at 5×5, then at 20×20"
    );
    // With the nested rules, ADMIN's 10 (units_asns_evaluations_feedback_stay_bounded) holds
    // for the others only while the loads of one level finish in order: the evaluator,
    // the evaluated ASN and the dialog's recipient are loaded from several fields of a level,
    // and a field asking for an ASN whose load is still in flight starts another (the loader
    // shares no load in flight). That adds statements per level, never per row: 380 evaluations
    // at 20×20 cost what 20 cost at 5×5.
    for (viewer, (_, full)) in ["ADMIN", "unit admin", "head"].iter().cycle().zip(&counts) {
        assert!((10..=13).contains(full), "{viewer}: {full} statements");
    }
}

/// Runs a mutation as `nip` and returns its data and statement count; fails on any error.
async fn mutate(app: &TestApp, nip: &str, query: &str, variables: Value) -> (Value, usize) {
    let (body, statements) = app.run(Some(nip), query, variables).await;
    (data(body), statements)
}

#[tokio::test]
async fn mutations_issue_a_fixed_number_of_statements() {
    use crate::evaluations::asn_id;
    use crate::supervision::{INSPECTOR_2, PKM_STAFF, asn_gid, unit_gid};
    let app = TestApp::new().await;
    let perawat = asn_id(&app, personas::PERAWAT).await;
    let kapus = personas::KEPALA_PUSKESMAS;
    let mut counts: Vec<(&str, usize)> = Vec::new();

    let (body, n) = mutate(&app, personas::PERAWAT,
        "mutation ($input: CreateActivityInput!) { createActivity(input: $input) { id } }",
        json!({ "input": { "date": "2026-11-27", "startTime": "21:00", "endTime": "22:00", "description": "Pelayanan malam" } })).await;
    counts.push(("createActivity", n));
    let activity = body["createActivity"]["id"].clone();
    let (_, n) = mutate(
        &app,
        personas::PERAWAT,
        "mutation ($input: UpdateActivityInput!) { updateActivity(input: $input) { id } }",
        json!({ "input": { "id": activity, "endTime": "22:30" } }),
    )
    .await;
    counts.push(("updateActivity", n));
    let (_, n) = mutate(&app, kapus,
        "mutation ($id: ID!) { reviewActivity(input: { activityId: $id, decision: APPROVE }) { id } }",
        json!({ "id": activity })).await;
    counts.push(("reviewActivity", n));

    let (body, n) = mutate(&app, kapus, crate::evaluations::CREATE,
        json!({ "input": { "asnId": perawat, "period": { "year": 2026, "kind": "QUARTERLY", "number": 4 },
            "workResultRating": "SESUAI_EKSPEKTASI", "behaviourRating": "SESUAI_EKSPEKTASI",
            "behaviourNotes": [{ "value": "KOMPETEN", "note": "Terampil" }] } })).await;
    counts.push(("createEvaluation", n));
    let evaluation = body["createEvaluation"]["id"].clone();
    let (_, n) = mutate(
        &app,
        kapus,
        crate::evaluations::UPDATE,
        json!({ "input": { "id": evaluation, "workResultRating": "DI_BAWAH_EKSPEKTASI" } }),
    )
    .await;
    counts.push(("updateEvaluation", n));
    let (_, n) = mutate(
        &app,
        kapus,
        crate::evaluations::PUBLISH,
        json!({ "id": evaluation }),
    )
    .await;
    counts.push(("publishEvaluation", n));
    let (_, n) = mutate(
        &app,
        personas::PERAWAT,
        "mutation ($input: GiveFeedbackInput!) { giveFeedback(input: $input) { id } }",
        json!({ "input": { "recipientId": asn_id(&app, kapus).await, "evaluationId": evaluation,
            "kind": "QUESTION", "body": "Apa yang perlu saya perbaiki?" } }),
    )
    .await;
    counts.push(("giveFeedback", n));
    let (body, n) = mutate(&app, personas::PERAWAT,
        "mutation ($e: ID!) { fileAppeal(input: { evaluationId: $e, reason: \"Mohon ditinjau\" }) { id } }",
        json!({ "e": evaluation })).await;
    counts.push(("fileAppeal", n));
    let (_, n) = mutate(&app, personas::KEPALA_DINKES,
        "mutation ($a: ID!) { decideAppeal(input: { appealId: $a, decision: REVISED, note: \"Terverifikasi\",
           workResultRating: SESUAI_EKSPEKTASI, behaviourRating: SESUAI_EKSPEKTASI }) { id } }",
        json!({ "a": body["fileAppeal"]["id"] })).await;
    counts.push(("decideAppeal", n));

    let (body, n) = mutate(&app, personas::PERAWAT,
        "mutation ($input: CreateTargetInput!) { createTarget(input: $input) { id } }",
        json!({ "input": { "year": 2027, "title": "Asuhan keperawatan", "kind": "TAMBAHAN",
            "indicators": [{ "aspect": "KUANTITAS", "description": "Pasien", "targetValue": 100.0, "unitOfMeasure": "orang" }] } })).await;
    counts.push(("createTarget", n));
    let target = body["createTarget"]["id"].clone();
    let (_, n) = mutate(
        &app,
        personas::PERAWAT,
        "mutation ($input: UpdateTargetInput!) { updateTarget(input: $input) { id } }",
        json!({ "input": { "id": target, "title": "Asuhan keperawatan rawat jalan" } }),
    )
    .await;
    counts.push(("updateTarget", n));
    let (_, n) = mutate(
        &app,
        kapus,
        "mutation ($id: ID!) { agreeTarget(id: $id) { id } }",
        json!({ "id": target }),
    )
    .await;
    counts.push(("agreeTarget", n));

    let unit = unit_gid(&app, "DINKES.PKM-DUMAI-KOTA").await;
    for observed in [2, 5] {
        let mut observations = Vec::new();
        for nip in &PKM_STAFF[..observed] {
            observations.push(json!({ "asnId": asn_gid(&app, nip).await, "finding": "Tertib", "rating": "SESUAI_EKSPEKTASI" }));
        }
        let (_, n) = mutate(&app, personas::AUDITOR,
            "mutation ($input: RecordSupervisionVisitInput!) { recordSupervisionVisit(input: $input) { id } }",
            json!({ "input": { "unitId": unit, "visitedOn": "2026-11-27", "summary": "Kunjungan",
                "memberIds": [asn_gid(&app, INSPECTOR_2).await], "observations": observations } })).await;
        counts.push((
            if observed == 2 {
                "recordSupervisionVisit×2"
            } else {
                "recordSupervisionVisit×5"
            },
            n,
        ));
    }
    let (_, n) = mutate(
        &app,
        personas::ADMIN,
        "mutation ($a: ID!) { grantRole(input: { asnId: $a, role: ANALYST }) { roles { role } } }",
        json!({ "a": perawat }),
    )
    .await;
    counts.push(("grantRole", n));
    let (_, n) = mutate(
        &app,
        personas::ADMIN,
        "mutation ($a: ID!) { revokeRole(input: { asnId: $a, role: ANALYST }) { roles { role } } }",
        json!({ "a": perawat }),
    )
    .await;
    counts.push(("revokeRole", n));
    // Measured: the viewer, the reads the rule checks need (batched per kind), the
    // transaction with the row, its audit entries and its outbox event, and the returned
    // selection. A visit costs the same with two observations or five.
    assert_eq!(
        counts,
        [
            ("createActivity", 6),
            ("updateActivity", 8),
            ("reviewActivity", 9),
            ("createEvaluation", 8),
            ("updateEvaluation", 6),
            ("publishEvaluation", 7),
            ("giveFeedback", 9),
            ("fileAppeal", 8),
            ("decideAppeal", 13),
            ("createTarget", 7),
            ("updateTarget", 8),
            ("agreeTarget", 8),
            ("recordSupervisionVisit×2", 11),
            ("recordSupervisionVisit×5", 11),
            ("grantRole", 8),
            ("revokeRole", 8),
        ]
    );
}
