//! Evaluations: who writes them, the life cycle, the predikat, visibility and the appeal window.

use serde_json::{Value, json};

use crate::support::{TestApp, codes, data, personas};

pub const CREATE: &str = "mutation ($input: CreateEvaluationInput!) {
  createEvaluation(input: $input) { id status predikat predikatLabel
    predikatRule { predikat explanation regulation } behaviourNotes { value note } } }";
pub const UPDATE: &str = "mutation ($input: UpdateEvaluationInput!) {
  updateEvaluation(input: $input) { id status workResultRating behaviourRating predikat } }";
pub const PUBLISH: &str =
    "mutation ($id: ID!) { publishEvaluation(id: $id) { id status publishedAt appealDeadline } }";
const READ: &str = "query ($id: ID!) { evaluation(id: $id) { id status predikat
  history { action actor { nip } before after } } }";

pub async fn asn_id(app: &TestApp, nip: &str) -> String {
    let body = data(
        app.query(
            personas::ADMIN,
            "query ($n: String!) { asn(nip: $n) { id } }",
            json!({ "n": nip }),
        )
        .await,
    );
    body["asn"]["id"].as_str().unwrap().to_owned()
}

/// Creates an evaluation of `subject` by `evaluator` for Q4 2026 (the demo data holds Q3)
/// with the given ratings.
pub async fn create(
    app: &TestApp,
    evaluator: &str,
    subject: &str,
    work: &str,
    behaviour: &str,
) -> Value {
    let subject_id = asn_id(app, subject).await;
    app.query(
        evaluator,
        CREATE,
        json!({ "input": {
            "asnId": subject_id,
            "period": { "year": 2026, "kind": "QUARTERLY", "number": 4 },
            "workResultRating": work,
            "behaviourRating": behaviour,
            "summary": "Pelayanan pasien baik.",
            "behaviourNotes": [{ "value": "BERORIENTASI_PELAYANAN", "note": "Ramah dan cekatan" }]
        } }),
    )
    .await
}

/// A published Q4 evaluation of the perawat by the kepala puskesmas; returns its ID.
pub async fn published(app: &TestApp, work: &str, behaviour: &str) -> String {
    let body = data(
        create(
            app,
            personas::KEPALA_PUSKESMAS,
            personas::PERAWAT,
            work,
            behaviour,
        )
        .await,
    );
    let id = body["createEvaluation"]["id"].as_str().unwrap().to_owned();
    data(
        app.query(personas::KEPALA_PUSKESMAS, PUBLISH, json!({ "id": id }))
            .await,
    );
    id
}

#[tokio::test]
async fn the_direct_supervisor_creates_with_the_predikat_of_the_matrix() {
    let app = TestApp::new().await;
    let body = data(
        create(
            &app,
            personas::KEPALA_PUSKESMAS,
            personas::PERAWAT,
            "SESUAI_EKSPEKTASI",
            "DI_BAWAH_EKSPEKTASI",
        )
        .await,
    );
    let e = &body["createEvaluation"];
    assert_eq!(e["status"], "DRAFT");
    assert_eq!(e["predikat"], "KURANG");
    assert_eq!(e["predikatLabel"], "Kurang/Misconduct");
    assert!(
        e["predikatRule"]["explanation"]
            .as_str()
            .unwrap()
            .contains("Sesuai Ekspektasi")
    );
    assert!(
        e["predikatRule"]["regulation"]
            .as_str()
            .unwrap()
            .contains("PermenPANRB 6/2022")
    );
    assert_eq!(
        e["behaviourNotes"],
        json!([{ "value": "BERORIENTASI_PELAYANAN", "note": "Ramah dan cekatan" }])
    );
}

#[tokio::test]
async fn only_the_direct_supervisor_may_evaluate() {
    let app = TestApp::new().await;
    let count = || app.query(personas::ADMIN, "{ evaluations { totalCount } }", json!({}));
    let before = data(count().await)["evaluations"]["totalCount"].clone();
    for evaluator in [
        personas::KEPALA_DINKES,
        personas::PERAWAT,
        personas::ADMIN,
        personas::GURU,
    ] {
        let body = create(
            &app,
            evaluator,
            personas::PERAWAT,
            "SESUAI_EKSPEKTASI",
            "SESUAI_EKSPEKTASI",
        )
        .await;
        assert_eq!(codes(&body), ["FORBIDDEN"], "{evaluator}");
        assert!(body["data"].is_null());
    }
    assert_eq!(
        data(count().await)["evaluations"]["totalCount"],
        before,
        "nothing half-written"
    );
}

#[tokio::test]
async fn bad_input_and_duplicates() {
    let app = TestApp::new().await;
    data(
        create(
            &app,
            personas::KEPALA_PUSKESMAS,
            personas::PERAWAT,
            "SESUAI_EKSPEKTASI",
            "SESUAI_EKSPEKTASI",
        )
        .await,
    );
    let again = create(
        &app,
        personas::KEPALA_PUSKESMAS,
        personas::PERAWAT,
        "DI_ATAS_EKSPEKTASI",
        "SESUAI_EKSPEKTASI",
    )
    .await;
    assert_eq!(codes(&again), ["CONFLICT"]);

    let perawat = asn_id(&app, personas::PERAWAT).await;
    let cases = [
        json!({ "asnId": perawat, "period": { "year": 2026, "kind": "QUARTERLY", "number": 5 } }),
        json!({ "asnId": perawat, "period": { "year": 2026, "kind": "ANNUAL", "number": 2 } }),
        json!({ "asnId": perawat, "period": { "year": 1990, "kind": "MONTHLY", "number": 1 } }),
        json!({ "asnId": perawat, "period": { "year": 2026, "kind": "ANNUAL", "number": 1 },
                "behaviourNotes": [{ "value": "LOYAL", "note": "a" }, { "value": "LOYAL", "note": "b" }] }),
        json!({ "asnId": perawat, "period": { "year": 2026, "kind": "ANNUAL", "number": 1 },
                "behaviourNotes": [{ "value": "LOYAL", "note": "   " }] }),
        json!({ "asnId": "VW5pdDox", "period": { "year": 2026, "kind": "ANNUAL", "number": 1 } }),
        json!({ "asnId": perawat, "period": { "year": 2026, "kind": "YEARLY", "number": 1 } }),
    ];
    for input in cases {
        let body = app
            .query(
                personas::KEPALA_PUSKESMAS,
                CREATE,
                json!({ "input": input }),
            )
            .await;
        let got = codes(&body);
        assert!(
            !got.is_empty() && got.iter().all(|c| c == "BAD_USER_INPUT"),
            "{input}: {body}"
        );
    }
}

#[tokio::test]
async fn the_life_cycle_of_an_evaluation() {
    let app = TestApp::new().await;
    let published_before = events(&app, "EVALUATION_PUBLISHED").await;
    let body = data(
        create(
            &app,
            personas::KEPALA_PUSKESMAS,
            personas::PERAWAT,
            "SESUAI_EKSPEKTASI",
            "SESUAI_EKSPEKTASI",
        )
        .await,
    );
    let id = body["createEvaluation"]["id"].as_str().unwrap().to_owned();

    // Only the evaluator edits; the ratings change the predikat.
    let other = app
        .query(
            personas::KEPALA_DINKES,
            UPDATE,
            json!({ "input": { "id": id, "summary": "x" } }),
        )
        .await;
    assert_eq!(codes(&other), ["FORBIDDEN"]);
    let updated = data(app.query(personas::KEPALA_PUSKESMAS, UPDATE, json!({ "input": { "id": id, "workResultRating": "DI_ATAS_EKSPEKTASI", "behaviourRating": "DI_ATAS_EKSPEKTASI" } })).await);
    assert_eq!(updated["updateEvaluation"]["predikat"], "SANGAT_BAIK");

    // Only the evaluator publishes.
    let other = app
        .query(personas::PERAWAT, PUBLISH, json!({ "id": id }))
        .await;
    assert_eq!(codes(&other), ["FORBIDDEN"]);
    let published = data(
        app.query(personas::KEPALA_PUSKESMAS, PUBLISH, json!({ "id": id }))
            .await,
    );
    assert_eq!(published["publishEvaluation"]["status"], "PUBLISHED");
    assert_eq!(
        published["publishEvaluation"]["appealDeadline"],
        "2026-12-12T02:00:00+00:00"
    );

    // Published evaluations are locked.
    let late = app
        .query(
            personas::KEPALA_PUSKESMAS,
            UPDATE,
            json!({ "input": { "id": id, "summary": "late" } }),
        )
        .await;
    assert_eq!(codes(&late), ["INVALID_STATE"]);
    let twice = app
        .query(personas::KEPALA_PUSKESMAS, PUBLISH, json!({ "id": id }))
        .await;
    assert_eq!(codes(&twice), ["INVALID_STATE"]);

    // The history records each change; one EVALUATION_PUBLISHED event is in the outbox.
    let read = data(
        app.query(personas::PERAWAT, READ, json!({ "id": id }))
            .await,
    );
    let actions: Vec<&str> = read["evaluation"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["CREATED", "RATINGS_CHANGED", "PUBLISHED"]);
    assert_eq!(
        read["evaluation"]["history"][1]["before"]["predikat"],
        "BAIK"
    );
    assert_eq!(
        read["evaluation"]["history"][1]["after"]["predikat"],
        "SANGAT_BAIK"
    );
    assert_eq!(
        events(&app, "EVALUATION_PUBLISHED").await,
        published_before + 1
    );
}

#[tokio::test]
async fn publishing_needs_both_ratings() {
    let app = TestApp::new().await;
    let published_before = events(&app, "EVALUATION_PUBLISHED").await;
    let perawat = asn_id(&app, personas::PERAWAT).await;
    let body = data(app.query(personas::KEPALA_PUSKESMAS, CREATE, json!({ "input": { "asnId": perawat,
        "period": { "year": 2026, "kind": "ANNUAL", "number": 1 }, "workResultRating": "SESUAI_EKSPEKTASI" } })).await);
    assert!(body["createEvaluation"]["predikat"].is_null());
    let id = body["createEvaluation"]["id"].as_str().unwrap();
    let refused = app
        .query(personas::KEPALA_PUSKESMAS, PUBLISH, json!({ "id": id }))
        .await;
    assert_eq!(codes(&refused), ["INVALID_STATE"]);
    assert_eq!(events(&app, "EVALUATION_PUBLISHED").await, published_before);
}

#[tokio::test]
async fn drafts_are_hidden_from_the_evaluated_asn_and_strangers() {
    let app = TestApp::new().await;
    let body = data(
        create(
            &app,
            personas::KEPALA_PUSKESMAS,
            personas::PERAWAT,
            "SESUAI_EKSPEKTASI",
            "SESUAI_EKSPEKTASI",
        )
        .await,
    );
    let id = body["createEvaluation"]["id"].as_str().unwrap().to_owned();
    let readers = [
        (personas::KEPALA_PUSKESMAS, true),
        (personas::KEPALA_DINKES, true),
        (personas::ADMIN, true),
        (personas::PERAWAT, false),
        (personas::GURU, false),
        (personas::ANALIS, false),
        // The auditor visited the puskesmas (demo data): inspectors read its evaluations.
        (personas::AUDITOR, true),
    ];
    let ids = |connection: &Value| -> Vec<String> {
        connection["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
            .collect()
    };
    for (nip, visible) in readers {
        let direct = app
            .query(
                nip,
                "query ($id: ID!) { evaluation(id: $id) { id } node(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        let listed = data(
            app.query(
                nip,
                "{ evaluations(first: 100) { edges { node { id } } } }",
                json!({}),
            )
            .await,
        );
        let counted = data(app.query(nip, "{ evaluations(filter: { year: 2026, periodKind: QUARTERLY, periodNumber: 4 }) { totalCount } }", json!({})).await);
        let nested = data(
            app.query(
                nip,
                "query ($n: String!) { asn(nip: $n) { evaluations { edges { node { id } } } } }",
                json!({ "n": personas::PERAWAT }),
            )
            .await,
        );
        assert_eq!(ids(&listed["evaluations"]).contains(&id), visible, "{nip}");
        assert_eq!(
            counted["evaluations"]["totalCount"],
            i32::from(visible),
            "{nip}"
        );
        assert_eq!(
            ids(&nested["asn"]["evaluations"]).contains(&id),
            visible,
            "{nip}"
        );
        if visible {
            assert!(direct.get("errors").is_none(), "{nip}: {direct}");
        } else {
            assert_eq!(
                codes(&direct),
                ["FORBIDDEN", "FORBIDDEN"],
                "{nip}: {direct}"
            );
            assert!(direct["data"]["evaluation"].is_null() && direct["data"]["node"].is_null());
        }
    }
    // Once published, the evaluated ASN reads it.
    data(
        app.query(personas::KEPALA_PUSKESMAS, PUBLISH, json!({ "id": id }))
            .await,
    );
    data(
        app.query(personas::PERAWAT, READ, json!({ "id": id }))
            .await,
    );
}

#[tokio::test]
async fn the_appeal_window_closes_and_the_evaluation_becomes_final() {
    let app = TestApp::new().await;
    let id = published(&app, "SESUAI_EKSPEKTASI", "SESUAI_EKSPEKTASI").await;
    let status = |body: &Value| body["evaluation"]["status"].as_str().unwrap().to_owned();
    let in_q4 = |status: &str| {
        app.query(personas::ADMIN, "query ($s: EvaluationStatus!) { evaluations(filter: { status: [$s], periodNumber: 4 }) { totalCount } }", json!({ "s": status }))
    };
    app.clock.advance(chrono::Duration::days(14));
    assert_eq!(
        status(&data(
            app.query(personas::PERAWAT, READ, json!({ "id": id }))
                .await
        )),
        "PUBLISHED"
    );
    assert_eq!(
        data(in_q4("PUBLISHED").await)["evaluations"]["totalCount"],
        1
    );
    app.clock.advance(chrono::Duration::minutes(1));
    assert_eq!(
        status(&data(
            app.query(personas::PERAWAT, READ, json!({ "id": id }))
                .await
        )),
        "FINAL"
    );
    assert_eq!(data(in_q4("FINAL").await)["evaluations"]["totalCount"], 1);
    assert_eq!(
        data(in_q4("PUBLISHED").await)["evaluations"]["totalCount"],
        0
    );

    // The sweeper writes the status and audits it without an actor.
    let db = kinerja::db::Db::new(app.pool.clone());
    let done = kinerja::evaluations::sweeper::finalize_due(&db, app.clock_now(), 14)
        .await
        .unwrap();
    assert!(done >= 1);
    let read = data(
        app.query(personas::PERAWAT, READ, json!({ "id": id }))
            .await,
    );
    let last = read["evaluation"]["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "FINALIZED");
    assert!(last["actor"].is_null());
}

/// Events of `kind` in the outbox.
pub async fn events(app: &TestApp, kind: &str) -> i64 {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use kinerja::db::schema::events;
    let mut conn = app.conn().await;
    events::table
        .filter(events::kind.eq(kind))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_affected_asn_reads_the_audit_entries_about_them() {
    let app = TestApp::new().await;
    let id = published(&app, "SESUAI_EKSPEKTASI", "DI_ATAS_EKSPEKTASI").await;
    let q = "query ($n: String!) { asn(nip: $n) { auditTrail(first: 5) { totalCount
        nodes { action entityType entityId actor { nip } } } } }";
    let own = data(
        app.query(personas::PERAWAT, q, json!({ "n": personas::PERAWAT }))
            .await,
    );
    let trail = &own["asn"]["auditTrail"];
    assert!(trail["totalCount"].as_i64().unwrap() >= 2);
    assert_eq!(trail["nodes"][0]["action"], "PUBLISHED", "newest first");
    assert_eq!(trail["nodes"][0]["entityId"], id.as_str());
    assert_eq!(
        trail["nodes"][0]["actor"]["nip"],
        personas::KEPALA_PUSKESMAS
    );
    for stranger in [personas::GURU, personas::ANALIS, personas::AUDITOR] {
        let body = data(
            app.query(stranger, q, json!({ "n": personas::PERAWAT }))
                .await,
        );
        assert!(body["asn"]["auditTrail"].is_null(), "{stranger}");
    }
    let boss = data(
        app.query(
            personas::KEPALA_DINKES,
            q,
            json!({ "n": personas::PERAWAT }),
        )
        .await,
    );
    assert!(boss["asn"]["auditTrail"].is_object());
}

#[tokio::test]
async fn nested_evaluations_filter_by_period() {
    let app = TestApp::new().await;
    let query = "query ($nip: String!, $filter: PeriodFilter) { asn(nip: $nip) {
      evaluations(first: 10, filter: $filter) { totalCount edges { node { period { year kind number } } } } } }";
    let read = |filter: Value| {
        let app = &app;
        async move {
            let body = app
                .query(
                    personas::KEPALA_PUSKESMAS,
                    query,
                    json!({ "nip": personas::PERAWAT, "filter": filter }),
                )
                .await;
            data(body)["asn"]["evaluations"].clone()
        }
    };
    let all = read(Value::Null).await;
    let total = all["totalCount"].as_u64().unwrap();
    assert!(total > 0, "{all}");
    let first = all["edges"][0]["node"]["period"].clone();
    let same =
        read(json!({ "year": first["year"], "kind": first["kind"], "number": first["number"] }))
            .await;
    assert_eq!(same["totalCount"], 1, "{same}");
    assert_eq!(same["edges"][0]["node"]["period"], first);
    let none = read(json!({ "year": first["year"].as_i64().unwrap() - 5 })).await;
    assert_eq!(none["totalCount"], 0, "{none}");
}
