//! Appeals (keberatan): filing within the window, one open appeal, the decider, the decision,
//! the history, and concurrent decisions.

use serde_json::json;

use crate::evaluations::{CREATE, PUBLISH, UPDATE, asn_id, events, published};
use crate::support::{TestApp, codes, data, personas};

const FILE: &str = "mutation ($id: ID!, $reason: String!) {
  fileAppeal(input: { evaluationId: $id, reason: $reason }) { id status originalPredikat evaluation { status } } }";
const DECIDE: &str = "mutation ($input: DecideAppealInput!) {
  decideAppeal(input: $input) { id status decidedBy { nip } newPredikat originalPredikat
    evaluation { status predikat workResultRating behaviourRating history { action before after } } } }";

async fn filed(app: &TestApp) -> (String, String) {
    let evaluation = published(app, "DI_BAWAH_EKSPEKTASI", "SESUAI_EKSPEKTASI").await;
    let body = data(
        app.query(
            personas::PERAWAT,
            FILE,
            json!({ "id": evaluation, "reason": "Target tercapai 95%." }),
        )
        .await,
    );
    (
        evaluation,
        body["fileAppeal"]["id"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn the_evaluated_asn_files_one_appeal_and_the_evaluation_locks() {
    let app = TestApp::new().await;
    let filed_before = events(&app, "APPEAL_FILED").await;
    let evaluation = published(&app, "DI_BAWAH_EKSPEKTASI", "SESUAI_EKSPEKTASI").await;

    let by_supervisor = app
        .query(
            personas::KEPALA_PUSKESMAS,
            FILE,
            json!({ "id": evaluation, "reason": "x" }),
        )
        .await;
    assert_eq!(codes(&by_supervisor), ["FORBIDDEN"]);
    let empty = app
        .query(
            personas::PERAWAT,
            FILE,
            json!({ "id": evaluation, "reason": "  " }),
        )
        .await;
    assert_eq!(codes(&empty), ["BAD_USER_INPUT"]);

    let body = data(
        app.query(
            personas::PERAWAT,
            FILE,
            json!({ "id": evaluation, "reason": "Target tercapai 95%." }),
        )
        .await,
    );
    assert_eq!(body["fileAppeal"]["status"], "OPEN");
    assert_eq!(body["fileAppeal"]["originalPredikat"], "BUTUH_PERBAIKAN");
    assert_eq!(body["fileAppeal"]["evaluation"]["status"], "APPEALED");
    assert_eq!(events(&app, "APPEAL_FILED").await, filed_before + 1);

    let again = app
        .query(
            personas::PERAWAT,
            FILE,
            json!({ "id": evaluation, "reason": "lagi" }),
        )
        .await;
    assert_eq!(codes(&again), ["CONFLICT"]);
    let edit = app
        .query(
            personas::KEPALA_PUSKESMAS,
            UPDATE,
            json!({ "input": { "id": evaluation, "summary": "x" } }),
        )
        .await;
    assert_eq!(codes(&edit), ["INVALID_STATE"]);
}

#[tokio::test]
async fn appeals_after_the_window_or_on_drafts_are_refused() {
    let app = TestApp::new().await;
    let evaluation = published(&app, "SESUAI_EKSPEKTASI", "SESUAI_EKSPEKTASI").await;
    app.clock.advance(chrono::Duration::days(15));
    let late = app
        .query(
            personas::PERAWAT,
            FILE,
            json!({ "id": evaluation, "reason": "terlambat" }),
        )
        .await;
    assert_eq!(codes(&late), ["DEADLINE_PASSED"]);

    let staff = asn_id(&app, personas::KEPALA_PUSKESMAS).await;
    let draft = data(
        app.query(
            personas::KEPALA_DINKES,
            CREATE,
            json!({ "input": { "asnId": staff,
        "period": { "year": 2026, "kind": "ANNUAL", "number": 1 } } }),
        )
        .await,
    );
    let draft = draft["createEvaluation"]["id"].as_str().unwrap();
    let on_draft = app
        .query(
            personas::KEPALA_PUSKESMAS,
            FILE,
            json!({ "id": draft, "reason": "x" }),
        )
        .await;
    assert_eq!(codes(&on_draft), ["INVALID_STATE"]);
}

#[tokio::test]
async fn the_atasan_pejabat_penilai_decides_and_the_original_ratings_stay_in_history() {
    let app = TestApp::new().await;
    let decided_before = events(&app, "APPEAL_DECIDED").await;
    let (_, appeal) = filed(&app).await;
    let revise = |nip| {
        app.query(nip, DECIDE, json!({ "input": { "appealId": appeal, "decision": "REVISED", "note": "Bukti mendukung.",
            "workResultRating": "SESUAI_EKSPEKTASI", "behaviourRating": "SESUAI_EKSPEKTASI" } }))
    };
    for wrong in [
        personas::KEPALA_PUSKESMAS,
        personas::PERAWAT,
        personas::ADMIN,
        personas::GURU,
    ] {
        assert_eq!(codes(&revise(wrong).await), ["FORBIDDEN"], "{wrong}");
    }
    let half = app
        .query(
            personas::KEPALA_DINKES,
            DECIDE,
            json!({ "input": { "appealId": appeal, "decision": "REVISED",
        "note": "x", "workResultRating": "SESUAI_EKSPEKTASI" } }),
        )
        .await;
    assert_eq!(codes(&half), ["BAD_USER_INPUT"]);
    let rejected_with_ratings = app
        .query(
            personas::KEPALA_DINKES,
            DECIDE,
            json!({ "input": { "appealId": appeal,
        "decision": "REJECTED", "note": "x", "behaviourRating": "SESUAI_EKSPEKTASI" } }),
        )
        .await;
    assert_eq!(codes(&rejected_with_ratings), ["BAD_USER_INPUT"]);

    let body = data(revise(personas::KEPALA_DINKES).await);
    let decided = &body["decideAppeal"];
    assert_eq!(decided["status"], "REVISED");
    assert_eq!(decided["decidedBy"]["nip"], personas::KEPALA_DINKES);
    assert_eq!(decided["originalPredikat"], "BUTUH_PERBAIKAN");
    assert_eq!(decided["newPredikat"], "BAIK");
    let evaluation = &decided["evaluation"];
    assert_eq!(evaluation["status"], "FINAL");
    assert_eq!(evaluation["predikat"], "BAIK");
    let revision = evaluation["history"].as_array().unwrap().last().unwrap();
    assert_eq!(revision["action"], "REVISED_ON_APPEAL");
    assert_eq!(
        revision["before"]["workResultRating"],
        "DI_BAWAH_EKSPEKTASI"
    );
    assert_eq!(revision["after"]["workResultRating"], "SESUAI_EKSPEKTASI");
    assert_eq!(events(&app, "APPEAL_DECIDED").await, decided_before + 1);

    // Final: no second decision.
    assert_eq!(
        codes(&revise(personas::KEPALA_DINKES).await),
        ["INVALID_STATE"]
    );
}

#[tokio::test]
async fn an_admin_decides_when_the_evaluator_has_no_supervisor() {
    let app = TestApp::new().await;
    let kapus = asn_id(&app, personas::KEPALA_PUSKESMAS).await;
    let body = data(
        app.query(
            personas::KEPALA_DINKES,
            CREATE,
            json!({ "input": { "asnId": kapus,
        "period": { "year": 2026, "kind": "QUARTERLY", "number": 4 },
        "workResultRating": "DI_ATAS_EKSPEKTASI", "behaviourRating": "DI_BAWAH_EKSPEKTASI" } }),
        )
        .await,
    );
    let evaluation = body["createEvaluation"]["id"].as_str().unwrap().to_owned();
    data(
        app.query(
            personas::KEPALA_DINKES,
            PUBLISH,
            json!({ "id": evaluation }),
        )
        .await,
    );
    let body = data(
        app.query(
            personas::KEPALA_PUSKESMAS,
            FILE,
            json!({ "id": evaluation, "reason": "Tidak sesuai." }),
        )
        .await,
    );
    let appeal = body["fileAppeal"]["id"].as_str().unwrap().to_owned();
    let reject = |nip| {
        app.query(nip, DECIDE, json!({ "input": { "appealId": appeal, "decision": "REJECTED", "note": "Rating tetap." } }))
    };
    assert_eq!(
        codes(&reject(personas::KEPALA_DINKES).await),
        ["FORBIDDEN"],
        "the evaluator never decides"
    );
    let body = data(reject(personas::ADMIN).await);
    assert_eq!(body["decideAppeal"]["status"], "REJECTED");
    assert_eq!(body["decideAppeal"]["evaluation"]["predikat"], "KURANG");
    assert_eq!(body["decideAppeal"]["evaluation"]["status"], "FINAL");
}

#[tokio::test]
async fn concurrent_decisions_write_once() {
    let app = TestApp::new().await;
    let decided_before = events(&app, "APPEAL_DECIDED").await;
    let (evaluation, appeal) = filed(&app).await;
    let revise = |work: &'static str| {
        app.query(personas::KEPALA_DINKES, DECIDE, json!({ "input": { "appealId": appeal, "decision": "REVISED",
            "note": "Keputusan.", "workResultRating": work, "behaviourRating": "SESUAI_EKSPEKTASI" } }))
    };
    let (a, b) = tokio::join!(revise("SESUAI_EKSPEKTASI"), revise("DI_ATAS_EKSPEKTASI"));
    let outcomes = [codes(&a), codes(&b)];
    let successes = outcomes.iter().filter(|c| c.is_empty()).count();
    assert_eq!(successes, 1, "{a} {b}");
    assert!(
        outcomes
            .iter()
            .any(|c| c == &["INVALID_STATE"] || c == &["CONFLICT"]),
        "{a} {b}"
    );
    assert_eq!(events(&app, "APPEAL_DECIDED").await, decided_before + 1);
    let read = data(
        app.query(
            personas::PERAWAT,
            "query ($id: ID!) { evaluation(id: $id) { history { action } } }",
            json!({ "id": evaluation }),
        )
        .await,
    );
    let revisions = read["evaluation"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "REVISED_ON_APPEAL")
        .count();
    assert_eq!(revisions, 1);
}

#[tokio::test]
async fn who_reads_appeals() {
    let app = TestApp::new().await;
    let (evaluation, appeal) = filed(&app).await;
    let cases = [
        (personas::PERAWAT, true),
        (personas::KEPALA_PUSKESMAS, true),
        (personas::KEPALA_DINKES, true),
        (personas::ADMIN, true),
        (personas::GURU, false),
        (personas::ANALIS, false),
        (personas::AUDITOR, false),
    ];
    for (nip, visible) in cases {
        let listed = data(
            app.query(
                nip,
                "query ($e: ID!) { appeals(filter: { status: [OPEN], evaluationId: $e }) { totalCount } }", json!({ "e": evaluation }),
            )
            .await,
        );
        assert_eq!(listed["appeals"]["totalCount"], i32::from(visible), "{nip}");
        let direct = app
            .query(
                nip,
                "query ($id: ID!) { appeal(id: $id) { reason } }",
                json!({ "id": appeal }),
            )
            .await;
        if visible {
            assert!(
                direct["data"]["appeal"]["reason"].is_string(),
                "{nip}: {direct}"
            );
            assert_eq!(codes(&direct), Vec::<String>::new(), "{nip}: {direct}");
        } else {
            assert!(direct["data"]["appeal"].is_null(), "{nip}: {direct}");
            assert_eq!(codes(&direct), ["FORBIDDEN"], "{nip}: {direct}");
        }
        let nested = app
            .query(
                nip,
                "query ($id: ID!) { evaluation(id: $id) { appeals { reason } } }",
                json!({ "id": evaluation }),
            )
            .await;
        if visible {
            assert_eq!(codes(&nested), Vec::<String>::new(), "{nip}: {nested}");
            assert_eq!(
                nested["data"]["evaluation"]["appeals"]
                    .as_array()
                    .unwrap()
                    .len(),
                1,
                "{nip}"
            );
        } else if nip == personas::AUDITOR {
            // The inspector of the unit reads the evaluation, without its appeals.
            assert_eq!(codes(&nested), Vec::<String>::new(), "{nip}: {nested}");
            assert_eq!(
                nested["data"]["evaluation"]["appeals"],
                json!([]),
                "{nip}: {nested}"
            );
        } else {
            // Everyone else is refused the evaluation itself.
            assert!(nested["data"]["evaluation"].is_null(), "{nip}: {nested}");
            assert_eq!(codes(&nested), ["FORBIDDEN"], "{nip}: {nested}");
        }
    }
    let decided = data(
        app.query(
            personas::ADMIN,
            "query ($e: ID!) { appeals(filter: { status: [REJECTED, REVISED], evaluationId: $e }) { totalCount } }",
            json!({ "e": evaluation }),
        )
        .await,
    );
    assert_eq!(decided["appeals"]["totalCount"], 0);
}
