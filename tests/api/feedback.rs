//! Feedback and the evaluation dialog: who may write, threads, the dialog rules, who reads
//! which entry through every path, and statement counts of the nested reads.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kinerja::db::Db;
use kinerja::db::schema::{asn, evaluations, events, feedback};
use kinerja::feedback::loaders::FeedbackOnEvaluation;
use kinerja::graphql::loaders::new_loaders;
use kinerja::ids::{EvaluationId, UnitId};
use serde_json::{Value, json};

use crate::supervision::{DOKTER, UNIT_ADMIN_DINKES, asn_gid};
use crate::support::{TestApp, codes, data, personas};

/// Perawat Ahli Muda at Puskesmas Dumai Kota; supervises [`AGUNG`].
const PERAWAT_AHLI_MUDA: &str = "198407152009032001";
/// Perawat Terampil at Puskesmas Dumai Kota (a peer of the nurse with another supervisor).
const AGUNG: &str = "199412122023211001";

async fn id_of(app: &TestApp, nip: &str) -> i64 {
    let mut conn = app.conn().await;
    asn::table
        .filter(asn::nip.eq(nip))
        .select(asn::id)
        .first(&mut conn)
        .await
        .unwrap()
}

/// Inserts an evaluation of `nip` by `evaluator` for 2026 month `quarter` (months 1–4 are
/// free in the demo data, which holds quarterly evaluations) in `status`;
/// returns its global ID.
async fn evaluation(
    app: &TestApp,
    nip: &str,
    evaluator: &str,
    quarter: i32,
    status: &str,
) -> String {
    let (asn_id, evaluator_id) = (id_of(app, nip).await, id_of(app, evaluator).await);
    let published = status != "DRAFT";
    let mut conn = app.conn().await;
    let id: i64 = diesel::insert_into(evaluations::table)
        .values((
            evaluations::asn_id.eq(asn_id),
            evaluations::evaluator_id.eq(evaluator_id),
            evaluations::period_year.eq(2026),
            evaluations::period_kind.eq("MONTHLY"),
            evaluations::period_number.eq(quarter),
            evaluations::work_result_rating.eq(published.then_some("SESUAI_EKSPEKTASI")),
            evaluations::behaviour_rating.eq(published.then_some("SESUAI_EKSPEKTASI")),
            evaluations::predikat.eq(published.then_some("BAIK")),
            evaluations::status.eq(status),
            evaluations::published_at.eq(published.then(crate::support::test_now)),
        ))
        .returning(evaluations::id)
        .get_result(&mut conn)
        .await
        .unwrap();
    EvaluationId(id).to_global().to_string()
}

const GIVE: &str = "mutation ($input: GiveFeedbackInput!) { giveFeedback(input: $input) {
    id kind body evaluationId author { nip } recipient { nip } parent { id } } }";

/// Gives feedback as `author`; `extra` adds `evaluationId` / `parentId`.
async fn give(
    app: &TestApp,
    author: &str,
    recipient: &str,
    kind: &str,
    body: &str,
    extra: Value,
) -> Value {
    let mut input = json!({
        "recipientId": asn_gid(app, recipient).await,
        "kind": kind,
        "body": body,
    });
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    app.query(author, GIVE, json!({ "input": input })).await
}

/// Like [`give`], expecting success; returns the new entry's ID.
async fn given(
    app: &TestApp,
    author: &str,
    recipient: &str,
    kind: &str,
    body: &str,
    extra: Value,
) -> String {
    let body = data(give(app, author, recipient, kind, body, extra).await);
    body["giveFeedback"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn supervisors_above_peers_and_self_may_give_feedback() {
    let app = TestApp::bare().await;
    let (events_before, feedback_before) = {
        let mut conn = app.conn().await;
        let events_before: Option<i64> = events::table
            .select(diesel::dsl::max(events::id))
            .first(&mut conn)
            .await
            .unwrap();
        let feedback_before: Option<i64> = feedback::table
            .select(diesel::dsl::max(feedback::id))
            .first(&mut conn)
            .await
            .unwrap();
        (events_before.unwrap_or(0), feedback_before.unwrap_or(0))
    };
    let cases = [
        (personas::KEPALA_DINKES, personas::PERAWAT, None),
        (personas::KEPALA_PUSKESMAS, personas::PERAWAT, None),
        (DOKTER, personas::PERAWAT, None),
        (personas::PERAWAT, personas::PERAWAT, None),
        (
            personas::PERAWAT,
            personas::KEPALA_DINKES,
            Some("FORBIDDEN"),
        ),
        (personas::GURU, personas::PERAWAT, Some("FORBIDDEN")),
        (personas::ADMIN, personas::PERAWAT, Some("FORBIDDEN")),
        (personas::AUDITOR, personas::PERAWAT, Some("FORBIDDEN")),
        (UNIT_ADMIN_DINKES, personas::PERAWAT, Some("FORBIDDEN")),
    ];
    let mut written = 0;
    for (author, recipient, error) in cases {
        let body = give(
            &app,
            author,
            recipient,
            "APPRECIATION",
            "Terima kasih",
            json!({}),
        )
        .await;
        match error {
            None => {
                let entry = &data(body)["giveFeedback"];
                assert_eq!(entry["author"]["nip"], author);
                assert_eq!(entry["recipient"]["nip"], recipient);
                assert!(entry["evaluationId"].is_null() && entry["parent"].is_null());
                written += 1;
            }
            Some(code) => assert_eq!(codes(&body), [code], "{author} → {recipient}"),
        }
    }
    // Each entry emitted FEEDBACK_ADDED with recipient, author and evaluation.
    let mut conn = app.conn().await;
    let payloads: Vec<(String, i64, serde_json::Value)> = events::table
        .filter(events::kind.eq("FEEDBACK_ADDED"))
        .filter(events::id.gt(events_before))
        .order_by(events::id)
        .select((events::kind, events::entity_id, events::payload))
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(payloads.len(), written);
    let entries: Vec<i64> = feedback::table
        .filter(feedback::id.gt(feedback_before))
        .order_by(feedback::id)
        .select(feedback::id)
        .load(&mut conn)
        .await
        .unwrap();
    let nurse = id_of(&app, personas::PERAWAT).await;
    let boss = id_of(&app, personas::KEPALA_DINKES).await;
    assert_eq!(payloads[0].0, "FEEDBACK_ADDED");
    assert_eq!(payloads[0].1, entries[0]);
    assert_eq!(
        payloads[0].2,
        json!({ "recipientId": nurse, "authorId": boss, "evaluationId": null })
    );
}

#[tokio::test]
async fn bodies_kinds_and_ids_are_checked() {
    let app = TestApp::bare().await;
    let give_nurse = |body: String, kind: &'static str, extra: Value| {
        let app = &app;
        async move {
            give(
                app,
                personas::KEPALA_PUSKESMAS,
                personas::PERAWAT,
                kind,
                &body,
                extra,
            )
            .await
        }
    };
    for bad in [String::new(), "   \n ".to_owned(), "x".repeat(5001)] {
        let body = give_nurse(bad, "COACHING", json!({})).await;
        assert_eq!(codes(&body), ["BAD_USER_INPUT"]);
    }
    let long = format!("  {}  ", "y".repeat(5000));
    let body = data(give_nurse(long, "COACHING", json!({})).await);
    assert_eq!(
        body["giveFeedback"]["body"].as_str().unwrap().len(),
        5000,
        "trimmed"
    );

    let answer = give_nurse("Jawaban".into(), "ANSWER", json!({})).await;
    assert_eq!(
        codes(&answer),
        ["BAD_USER_INPUT"],
        "an ANSWER needs a parent"
    );
    let ghost = kinerja::ids::FeedbackId(999_999).to_global().to_string();
    let missing = give_nurse("Balasan".into(), "COACHING", json!({ "parentId": ghost })).await;
    assert_eq!(codes(&missing), ["NOT_FOUND"]);
    let unit = UnitId(1).to_global().to_string();
    let foreign = give_nurse("Balasan".into(), "COACHING", json!({ "parentId": unit })).await;
    assert_eq!(codes(&foreign), ["BAD_USER_INPUT"]);
    let no_eval = kinerja::ids::EvaluationId(999_999).to_global().to_string();
    let missing = give_nurse(
        "Catatan".into(),
        "COACHING",
        json!({ "evaluationId": no_eval }),
    )
    .await;
    assert_eq!(codes(&missing), ["NOT_FOUND"]);
    let nobody = app
        .query(
            personas::KEPALA_PUSKESMAS,
            GIVE,
            json!({ "input": { "recipientId": kinerja::ids::AsnId(999_999).to_global().to_string(),
                "kind": "COACHING", "body": "Halo" } }),
        )
        .await;
    assert_eq!(codes(&nobody), ["NOT_FOUND"]);
}

#[tokio::test]
async fn the_evaluation_dialog_question_answer_and_its_rules() {
    let app = TestApp::bare().await;
    // The Kepala Puskesmas (unit PKM) is evaluated by the Kepala Dinas (unit DINKES): outside
    // the dialog she may not write to him.
    let eval = evaluation(
        &app,
        personas::KEPALA_PUSKESMAS,
        personas::KEPALA_DINKES,
        3,
        "PUBLISHED",
    )
    .await;
    let nurse_eval = evaluation(
        &app,
        personas::PERAWAT,
        personas::KEPALA_PUSKESMAS,
        3,
        "PUBLISHED",
    )
    .await;
    let draft = evaluation(
        &app,
        personas::PERAWAT,
        personas::KEPALA_PUSKESMAS,
        4,
        "DRAFT",
    )
    .await;
    let (kp, kd) = (personas::KEPALA_PUSKESMAS, personas::KEPALA_DINKES);

    let outside = give(&app, kp, kd, "QUESTION", "Mengapa?", json!({})).await;
    assert_eq!(codes(&outside), ["FORBIDDEN"]);
    let question = data(
        give(
            &app,
            kp,
            kd,
            "QUESTION",
            "Mengapa?",
            json!({ "evaluationId": eval }),
        )
        .await,
    );
    let question = &question["giveFeedback"];
    assert_eq!(question["evaluationId"], eval.as_str());
    let q = question["id"].as_str().unwrap().to_owned();

    // The evaluator answers; the reply inherits the evaluation and shows its parent.
    let answer = data(give(&app, kd, kp, "ANSWER", "Karena…", json!({ "parentId": q })).await);
    let answer = &answer["giveFeedback"];
    assert_eq!(answer["evaluationId"], eval.as_str());
    assert_eq!(answer["parent"]["id"], q.as_str());
    let a = answer["id"].as_str().unwrap().to_owned();
    // She follows up on the answer; the thread stays on the evaluation.
    let follow_up = data(give(&app, kp, kd, "QUESTION", "Lalu?", json!({ "parentId": a })).await);
    assert_eq!(follow_up["giveFeedback"]["evaluationId"], eval.as_str());

    // Thread rules.
    let not_a_question = give(&app, kp, kd, "ANSWER", "…", json!({ "parentId": a })).await;
    assert_eq!(
        codes(&not_a_question),
        ["BAD_USER_INPUT"],
        "an ANSWER replies to a QUESTION"
    );
    let wrong_recipient = give(
        &app,
        kd,
        personas::PERAWAT,
        "ANSWER",
        "…",
        json!({ "parentId": q }),
    )
    .await;
    assert_eq!(codes(&wrong_recipient), ["BAD_USER_INPUT"]);
    let other_eval = give(
        &app,
        kd,
        kp,
        "ANSWER",
        "…",
        json!({ "parentId": q, "evaluationId": nurse_eval }),
    )
    .await;
    assert_eq!(codes(&other_eval), ["BAD_USER_INPUT"]);
    // Feedback on an evaluation goes to one of its parties.
    let third = give(
        &app,
        kd,
        personas::PERAWAT,
        "COACHING",
        "…",
        json!({ "evaluationId": eval }),
    )
    .await;
    assert_eq!(codes(&third), ["BAD_USER_INPUT"]);
    // Never on a DRAFT.
    let on_draft = give(
        &app,
        kp,
        personas::PERAWAT,
        "COACHING",
        "…",
        json!({ "evaluationId": draft }),
    )
    .await;
    assert_eq!(codes(&on_draft), ["INVALID_STATE"]);
    // Others: the atasan may comment on the nurse's evaluation; a peer, who may give her
    // feedback but cannot read her evaluation, may not; an ADMIN gives no feedback.
    data(
        give(
            &app,
            kd,
            personas::PERAWAT,
            "APPRECIATION",
            "Bagus",
            json!({ "evaluationId": nurse_eval }),
        )
        .await,
    );
    let peer = give(
        &app,
        DOKTER,
        personas::PERAWAT,
        "APPRECIATION",
        "…",
        json!({ "evaluationId": nurse_eval }),
    )
    .await;
    assert_eq!(codes(&peer), ["FORBIDDEN"]);
    let admin = give(
        &app,
        personas::ADMIN,
        personas::PERAWAT,
        "APPRECIATION",
        "…",
        json!({ "evaluationId": nurse_eval }),
    )
    .await;
    assert_eq!(codes(&admin), ["FORBIDDEN"]);
    // Nobody replies to an entry they may not read.
    let stranger = give(
        &app,
        personas::GURU,
        kp,
        "QUESTION",
        "…",
        json!({ "parentId": q }),
    )
    .await;
    assert_eq!(codes(&stranger), ["FORBIDDEN"]);

    // The event names the evaluation.
    let mut conn = app.conn().await;
    let last: serde_json::Value = events::table
        .filter(events::kind.eq("FEEDBACK_ADDED"))
        .order_by(events::id.desc())
        .select(events::payload)
        .first(&mut conn)
        .await
        .unwrap();
    let nurse_eval_id = EvaluationId::from_global(&async_graphql::ID(nurse_eval.clone())).unwrap();
    assert_eq!(last["evaluationId"], nurse_eval_id.0);

    // The dialog's top-level entries of both evaluations load in one statement, oldest first.
    let db = Db::new(app.pool.clone());
    let loaders = new_loaders(&db);
    let eval_id = EvaluationId::from_global(&async_graphql::ID(eval.clone())).unwrap();
    let found = loaders
        .load_many([
            FeedbackOnEvaluation(eval_id),
            FeedbackOnEvaluation(nurse_eval_id),
        ])
        .await
        .unwrap();
    assert_eq!(db.statements(), 1);
    let bodies = |k| -> Vec<String> { found[&k].iter().map(|f| f.body.clone()).collect() };
    assert_eq!(
        bodies(FeedbackOnEvaluation(eval_id)),
        ["Mengapa?"],
        "replies are not top-level"
    );
    assert_eq!(bodies(FeedbackOnEvaluation(nurse_eval_id)), ["Bagus"]);
}

mod reads;
