//! Performance targets (RHK): creation and cascading, editing, agreement, visibility, audit.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kinerja::db::schema::audit_log;
use serde_json::{Value, json};

use crate::support::{TestApp, codes, data, personas};

/// Dokter at Puskesmas Dumai Kota; a peer of the perawat under the Kepala Puskesmas.
pub const DOKTER: &str = "199110022020011001";
/// Perawat Terampil at Puskesmas Dumai Kota, under the Perawat Ahli Muda (not the persona).
pub const AGUNG: &str = "199412122023211001";

const CREATE: &str = "mutation ($input: CreateTargetInput!) {
  createTarget(input: $input) {
    id year title kind status asn { nip } parentTarget { id title }
    indicators { aspect description targetValue unitOfMeasure }
  }
}";

const UPDATE: &str = "mutation ($input: UpdateTargetInput!) {
  updateTarget(input: $input) { id title kind status parentTarget { id } indicators { aspect description } }
}";

const AGREE: &str = "mutation ($id: ID!) {
  agreeTarget(id: $id) { id status agreedBy { nip } agreedAt }
}";

const NODE: &str = "query ($id: ID!) {
  node(id: $id) { ... on PerformanceTarget { id title childTargets { title asn { nip } } } }
}";

/// The global ID of the ASN with `nip`.
pub async fn asn_id(app: &TestApp, nip: &str) -> String {
    let body = data(
        app.query(
            personas::GURU,
            "query ($nip: String!) { asn(nip: $nip) { id } }",
            json!({ "nip": nip }),
        )
        .await,
    );
    body["asn"]["id"].as_str().unwrap().to_owned()
}

/// A fresh test app without the targets, activities (with their audit entries and events) and
/// supervision visits the demo seed may hold, so tests count only what they create and
/// inspectors start without visited units.
/// A database with the directory only: no seeded targets, activities or visits.
pub async fn empty_app() -> TestApp {
    TestApp::bare().await
}

fn input(year: i32, title: &str, parent: Option<&str>) -> Value {
    json!({
        "year": year,
        "title": title,
        "kind": "UTAMA",
        "parentTargetId": parent,
        "indicators": [
            { "aspect": "KUANTITAS", "description": "Pasien dilayani", "targetValue": 1200, "unitOfMeasure": "pasien" },
            { "aspect": "WAKTU", "description": "Laporan bulanan tepat waktu", "targetValue": 12, "unitOfMeasure": "bulan" }
        ]
    })
}

/// Creates a 2026 target of `nip` (cascading from `parent`) and returns its global ID.
pub async fn create_target(app: &TestApp, nip: &str, title: &str, parent: Option<&str>) -> String {
    let body = data(
        app.query(nip, CREATE, json!({ "input": input(2026, title, parent) }))
            .await,
    );
    body["createTarget"]["id"].as_str().unwrap().to_owned()
}

async fn audit_actions(app: &TestApp, entity_type: &str) -> Vec<String> {
    let mut conn = app.conn().await;
    audit_log::table
        .filter(audit_log::entity_type.eq(entity_type))
        .order_by(audit_log::id)
        .select(audit_log::action)
        .load(&mut conn)
        .await
        .unwrap()
}

fn code(response: &Value) -> String {
    codes(response).into_iter().next().unwrap_or_default()
}

fn message(response: &Value) -> String {
    response["errors"][0]["message"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn an_rhk_cascades_from_the_direct_supervisors() {
    let app = empty_app().await;
    let parent = create_target(
        &app,
        personas::KEPALA_PUSKESMAS,
        "Meningkatnya mutu layanan",
        None,
    )
    .await;
    let body = data(
        app.query(
            personas::PERAWAT,
            CREATE,
            json!({ "input": input(2026, "Terlaksananya asuhan keperawatan", Some(&parent)) }),
        )
        .await,
    );
    let created = &body["createTarget"];
    assert_eq!(created["status"], "DRAFT");
    assert_eq!(created["kind"], "UTAMA");
    assert_eq!(created["asn"]["nip"], personas::PERAWAT);
    assert_eq!(created["parentTarget"]["id"], parent.as_str());
    assert_eq!(created["indicators"][1]["aspect"], "WAKTU");
    assert_eq!(created["indicators"][0]["targetValue"], 1200.0);

    let body = data(
        app.query(personas::KEPALA_PUSKESMAS, NODE, json!({ "id": parent }))
            .await,
    );
    assert_eq!(
        body["node"]["childTargets"],
        json!([{ "title": "Terlaksananya asuhan keperawatan", "asn": { "nip": personas::PERAWAT } }])
    );
    let history = data(
        app.query(
            personas::PERAWAT,
            "query ($id: ID!) { node(id: $id) { ... on PerformanceTarget { history { action actor { nip } after } } } }",
            json!({ "id": created["id"] }),
        )
        .await,
    );
    assert_eq!(history["node"]["history"][0]["action"], "CREATED");
    assert_eq!(
        history["node"]["history"][0]["after"]["indicators"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        audit_actions(&app, "PerformanceTarget").await,
        ["CREATED", "CREATED"]
    );
}

#[tokio::test]
async fn the_parent_must_be_the_direct_supervisors_rhk_of_the_same_year() {
    let app = empty_app().await;
    let dinkes = create_target(&app, personas::KEPALA_DINKES, "Dinas target", None).await;
    let response = app
        .query(
            personas::PERAWAT,
            CREATE,
            json!({ "input": input(2026, "x", Some(&dinkes)) }),
        )
        .await;
    assert_eq!(code(&response), "BAD_USER_INPUT");
    assert!(
        message(&response).contains("direct supervisor"),
        "{response}"
    );

    let kapus = create_target(&app, personas::KEPALA_PUSKESMAS, "Puskesmas target", None).await;
    let response = app
        .query(
            personas::PERAWAT,
            CREATE,
            json!({ "input": input(2027, "x", Some(&kapus)) }),
        )
        .await;
    assert_eq!(code(&response), "BAD_USER_INPUT");
    assert!(message(&response).contains("same year"), "{response}");

    let response = app
        .query(
            personas::GURU,
            CREATE,
            json!({ "input": input(2026, "x", Some(&kapus)) }),
        )
        .await;
    assert_eq!(
        code(&response),
        "BAD_USER_INPUT",
        "no supervisor: {response}"
    );

    let not_a_target = asn_id(&app, personas::PERAWAT).await;
    let response = app
        .query(
            personas::PERAWAT,
            CREATE,
            json!({ "input": input(2026, "x", Some(&not_a_target)) }),
        )
        .await;
    assert_eq!(code(&response), "BAD_USER_INPUT", "{response}");
    assert_eq!(
        audit_actions(&app, "PerformanceTarget").await.len(),
        2,
        "nothing else written"
    );
}

#[tokio::test]
async fn malformed_targets_are_refused() {
    let app = empty_app().await;
    let mut cases = Vec::new();
    let mut no_indicators = input(2026, "x", None);
    no_indicators["indicators"] = json!([]);
    cases.push((no_indicators, "indicators"));
    cases.push((input(2026, "   ", None), "title"));
    cases.push((input(1999, "x", None), "year"));
    let mut negative = input(2026, "x", None);
    negative["indicators"][1]["targetValue"] = json!(-5);
    cases.push((negative, "indicator 2"));
    let mut no_unit = input(2026, "x", None);
    no_unit["indicators"][0]["unitOfMeasure"] = json!(" ");
    cases.push((no_unit, "unitOfMeasure"));
    for (bad, what) in cases {
        let response = app
            .query(personas::PERAWAT, CREATE, json!({ "input": bad }))
            .await;
        assert_eq!(code(&response), "BAD_USER_INPUT", "{what}: {response}");
        assert!(message(&response).contains(what), "{what}: {response}");
    }
}

#[tokio::test]
async fn the_owner_edits_a_draft_only() {
    let app = empty_app().await;
    let parent = create_target(&app, personas::KEPALA_PUSKESMAS, "Induk", None).await;
    let id = create_target(&app, personas::PERAWAT, "Awal", Some(&parent)).await;
    let changes = json!({ "input": {
        "id": id, "title": "Diperbarui", "kind": "TAMBAHAN", "parentTargetId": null,
        "indicators": [{ "aspect": "KUALITAS", "description": "Kepuasan pasien", "targetValue": 90, "unitOfMeasure": "persen" }]
    }});
    let response = app
        .query(personas::KEPALA_PUSKESMAS, UPDATE, changes.clone())
        .await;
    assert_eq!(
        code(&response),
        "FORBIDDEN",
        "the supervisor does not edit: {response}"
    );

    let body = data(app.query(personas::PERAWAT, UPDATE, changes.clone()).await);
    let updated = &body["updateTarget"];
    assert_eq!(updated["title"], "Diperbarui");
    assert_eq!(updated["kind"], "TAMBAHAN");
    assert!(updated["parentTarget"].is_null(), "null removes the parent");
    assert_eq!(
        updated["indicators"],
        json!([{ "aspect": "KUALITAS", "description": "Kepuasan pasien" }])
    );

    // Omitted fields stay.
    let body = data(
        app.query(
            personas::PERAWAT,
            UPDATE,
            json!({ "input": { "id": id, "parentTargetId": parent } }),
        )
        .await,
    );
    assert_eq!(body["updateTarget"]["title"], "Diperbarui");
    assert_eq!(body["updateTarget"]["parentTarget"]["id"], parent.as_str());
    assert_eq!(
        body["updateTarget"]["indicators"].as_array().unwrap().len(),
        1
    );

    data(
        app.query(personas::KEPALA_PUSKESMAS, AGREE, json!({ "id": id }))
            .await,
    );
    let response = app.query(personas::PERAWAT, UPDATE, changes).await;
    assert_eq!(code(&response), "INVALID_STATE", "{response}");
    assert_eq!(
        audit_actions(&app, "PerformanceTarget").await,
        ["CREATED", "CREATED", "UPDATED", "UPDATED", "AGREED"]
    );
    let mut conn = app.conn().await;
    let (before, after): (Option<Value>, Option<Value>) = audit_log::table
        .filter(audit_log::action.eq("UPDATED"))
        .order_by(audit_log::id)
        .select((audit_log::before, audit_log::after))
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(before.unwrap()["title"], "Awal");
    assert_eq!(after.unwrap()["indicators"][0]["unitOfMeasure"], "persen");
}

#[tokio::test]
async fn only_the_direct_supervisor_agrees() {
    let app = empty_app().await;
    let id = create_target(&app, personas::PERAWAT, "RHK perawat", None).await;
    for nip in [
        personas::PERAWAT,
        personas::KEPALA_DINKES,
        personas::ADMIN,
        DOKTER,
    ] {
        let response = app.query(nip, AGREE, json!({ "id": id })).await;
        assert_eq!(code(&response), "FORBIDDEN", "{nip}: {response}");
    }
    let body = data(
        app.query(personas::KEPALA_PUSKESMAS, AGREE, json!({ "id": id }))
            .await,
    );
    assert_eq!(body["agreeTarget"]["status"], "AGREED");
    assert_eq!(
        body["agreeTarget"]["agreedBy"]["nip"],
        personas::KEPALA_PUSKESMAS
    );
    assert_eq!(body["agreeTarget"]["agreedAt"], "2026-11-28T02:00:00+00:00");
    let response = app
        .query(personas::KEPALA_PUSKESMAS, AGREE, json!({ "id": id }))
        .await;
    assert_eq!(code(&response), "INVALID_STATE", "{response}");
    let missing = kinerja::ids::TargetId(999_999).to_global().to_string();
    let response = app
        .query(personas::KEPALA_PUSKESMAS, AGREE, json!({ "id": missing }))
        .await;
    assert_eq!(code(&response), "NOT_FOUND", "{response}");
    assert_eq!(
        audit_actions(&app, "PerformanceTarget").await,
        ["CREATED", "AGREED"]
    );
}

#[tokio::test]
async fn targets_are_visible_to_the_chain_admins_and_direct_reports() {
    let app = empty_app().await;
    let kapus = create_target(&app, personas::KEPALA_PUSKESMAS, "Induk", None).await;
    let perawat = create_target(&app, personas::PERAWAT, "RHK perawat", Some(&kapus)).await;
    let dokter = create_target(&app, DOKTER, "RHK dokter", Some(&kapus)).await;

    let readable = |nip: &'static str, id: &String| {
        let app = &app;
        let id = id.clone();
        async move {
            let response = app.query(nip, NODE, json!({ "id": id })).await;
            match codes(&response).as_slice() {
                [] => true,
                [code] if code == "FORBIDDEN" => {
                    assert!(response["data"]["node"].is_null());
                    false
                }
                other => panic!("{nip}: {other:?}"),
            }
        }
    };
    for nip in [
        personas::PERAWAT,
        personas::KEPALA_PUSKESMAS,
        personas::KEPALA_DINKES,
        personas::ADMIN,
    ] {
        assert!(
            readable(nip, &perawat).await,
            "{nip} reads the perawat's RHK"
        );
    }
    for nip in [
        DOKTER,
        personas::GURU,
        personas::AUDITOR,
        personas::ANALIS,
        AGUNG,
    ] {
        assert!(
            !readable(nip, &perawat).await,
            "{nip} must not read the perawat's RHK"
        );
    }
    // Direct reports read their supervisor's RHK, not their grand-supervisor's.
    assert!(readable(personas::PERAWAT, &kapus).await);
    assert!(readable(DOKTER, &kapus).await);
    assert!(!readable(AGUNG, &kapus).await, "two levels down");
    assert!(!readable(personas::GURU, &kapus).await);

    // A report sees only the children they may read: their own, not their peer's.
    let body = data(app.query(DOKTER, NODE, json!({ "id": kapus })).await);
    assert_eq!(
        body["node"]["childTargets"],
        json!([{ "title": "RHK dokter", "asn": { "nip": DOKTER } }])
    );
    let body = data(
        app.query(personas::KEPALA_PUSKESMAS, NODE, json!({ "id": kapus }))
            .await,
    );
    assert_eq!(body["node"]["childTargets"].as_array().unwrap().len(), 2);

    // Asn.targets: null when hidden; `nodes` hides what `node` refuses.
    let q = "query ($nip: String!) { asn(nip: $nip) { targets(year: 2026) { title parentTarget { title } } } }";
    let hidden = data(
        app.query(personas::GURU, q, json!({ "nip": personas::PERAWAT }))
            .await,
    );
    assert!(hidden["asn"]["targets"].is_null());
    let own = data(
        app.query(personas::PERAWAT, q, json!({ "nip": personas::PERAWAT }))
            .await,
    );
    assert_eq!(
        own["asn"]["targets"],
        json!([{ "title": "RHK perawat", "parentTarget": { "title": "Induk" } }])
    );
    let other_year = data(
        app.query(
            personas::PERAWAT,
            "{ viewer { targets(year: 2025) { id } all: targets { id } } }",
            json!({}),
        )
        .await,
    );
    assert_eq!(other_year["viewer"]["targets"], json!([]));
    assert_eq!(other_year["viewer"]["all"].as_array().unwrap().len(), 1);
    let body = data(
        app.query(
            personas::GURU,
            "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [perawat, dokter] }),
        )
        .await,
    );
    assert_eq!(body["nodes"], json!([null, null]));
    // The audit trail and the activities behind a target are the owner's records: a direct
    // report reads the target only.
    let q = "query ($id: ID!) { node(id: $id) { ... on PerformanceTarget {
        title history { action } activities { totalCount } } } }";
    let body = data(app.query(DOKTER, q, json!({ "id": kapus })).await);
    assert_eq!(body["node"]["title"], "Induk");
    assert!(body["node"]["history"].is_null() && body["node"]["activities"].is_null());
    let body = data(
        app.query(personas::KEPALA_PUSKESMAS, q, json!({ "id": kapus }))
            .await,
    );
    assert_eq!(body["node"]["history"][0]["action"], "CREATED");
    assert_eq!(body["node"]["activities"]["totalCount"], 0);
}
