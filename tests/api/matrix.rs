//! The authorisation matrix: for each demo persona and each kind of personal record about the
//! perawat (and the open appeal), what can be read through every path — `node(id)`, the direct
//! field, the top-level connection and its count, and the nested fields — with zero leaks.
//! Every path must agree with the one expected answer per persona and record.

use serde_json::{Value, json};

use crate::support::{TestApp, codes, data, personas};

/// The UNIT_ADMIN of Dinas Kesehatan in the demo data.
const UNIT_ADMIN: &str = "198208162008011001";

/// IDs of the records under test, read as ADMIN.
struct Records {
    perawat: String,
    evaluation: String,
    activity: String,
    feedback: String,
    observation: String,
    appeal: String,
}

async fn records(app: &TestApp) -> Records {
    let body = data(
        app.query(
            personas::ADMIN,
            "query ($n: String!) {
               asn(nip: $n) { id
                 evaluations(first: 1) { nodes { id status } }
                 activities(first: 1) { nodes { id } }
                 feedbackReceived(first: 50) { nodes { id evaluationId } }
                 observations(first: 1) { nodes { id } } }
               appeals(filter: { status: [OPEN] }) { nodes { id } } }",
            json!({ "n": personas::PERAWAT }),
        )
        .await,
    );
    let asn = &body["asn"];
    let id = |v: &Value| v.as_str().unwrap().to_owned();
    assert_eq!(asn["evaluations"]["nodes"][0]["status"], "PUBLISHED");
    let plain_feedback = asn["feedbackReceived"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["evaluationId"].is_null())
        .expect("feedback outside a dialog");
    Records {
        perawat: id(&asn["id"]),
        evaluation: id(&asn["evaluations"]["nodes"][0]["id"]),
        activity: id(&asn["activities"]["nodes"][0]["id"]),
        feedback: id(&plain_feedback["id"]),
        observation: id(&asn["observations"]["nodes"][0]["id"]),
        appeal: id(&body["appeals"]["nodes"][0]["id"]),
    }
}

/// Expected visibility: (evaluation, activity, feedback, observation, appeal).
const EXPECTED: [(&str, [bool; 5]); 8] = [
    (personas::PERAWAT, [true, true, true, true, false]),
    (personas::KEPALA_PUSKESMAS, [true, true, true, true, true]),
    (personas::KEPALA_DINKES, [true, true, true, true, true]),
    (personas::ADMIN, [true, true, true, true, true]),
    (UNIT_ADMIN, [true, true, true, true, true]),
    // The inspector visited the puskesmas: evaluations and activities, and the observation
    // the team made — but no feedback or appeals.
    (personas::AUDITOR, [true, true, false, true, false]),
    (personas::ANALIS, [false, false, false, false, false]),
    (personas::GURU, [false, false, false, false, false]),
];

fn contains(list: &Value, id: &str) -> bool {
    list.as_array()
        .is_some_and(|items| items.iter().any(|item| item["id"] == id))
}

const PATHS: &str = "query ($p: ID!, $n: String!, $e: ID!, $a: ID!, $f: ID!, $o: ID!, $ap: ID!) {
  nodeE: node(id: $e) { id }
  directE: evaluation(id: $e) { id feedback { id kind } }
  listE: evaluations(filter: { asnId: $p }, first: 100) { totalCount nodes { id } }
  nodeA: node(id: $a) { id }
  directA: activity(id: $a) { id }
  listA: activities(filter: { asnId: $p }, first: 100) { totalCount nodes { id } }
  nodeF: node(id: $f) { id }
  nodeO: node(id: $o) { id }
  visits: supervisionVisits(first: 100) { nodes { observations(first: 100) { nodes { id } } } }
  nodeAp: node(id: $ap) { id }
  directAp: appeal(id: $ap) { id }
  listAp: appeals(first: 100) { totalCount nodes { id } }
  asn(nip: $n) {
    evaluations(first: 100) { totalCount nodes { id } }
    activities(first: 100) { totalCount nodes { id } }
    activitySummary(year: 2026, month: 11) { approvedMinutes }
    feedbackReceived(first: 100) { totalCount nodes { id } }
    observations(first: 100) { totalCount nodes { id } }
  }
  unit(code: \"DINKES.PKM-DUMAI-KOTA\") {
    asns(first: 100) { nodes { nip evaluations(first: 100) { nodes { id appeals { id } observations { id } } } } }
  }
}";

#[tokio::test]
async fn every_path_agrees_and_nothing_leaks() {
    let app = TestApp::new().await;
    let r = records(&app).await;
    let variables = json!({ "p": r.perawat, "n": personas::PERAWAT, "e": r.evaluation, "a": r.activity,
        "f": r.feedback, "o": r.observation, "ap": r.appeal });
    for (nip, [evaluation, activity, feedback, observation, appeal]) in EXPECTED {
        let body = app.query(nip, PATHS, variables.clone()).await;
        let d = &body["data"];
        let errors: Vec<(String, String)> = body["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                (
                    e["path"][0].as_str().unwrap_or("").to_owned(),
                    e["extensions"]["code"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        let forbidden = |field: &str| errors.contains(&(field.to_owned(), "FORBIDDEN".to_owned()));
        // Direct access: the record, or null with FORBIDDEN.
        for (field, visible, id) in [
            ("nodeE", evaluation, &r.evaluation),
            ("directE", evaluation, &r.evaluation),
            ("nodeA", activity, &r.activity),
            ("directA", activity, &r.activity),
            ("nodeF", feedback, &r.feedback),
            ("nodeO", observation, &r.observation),
            ("nodeAp", appeal, &r.appeal),
            ("directAp", appeal, &r.appeal),
        ] {
            assert_eq!(
                d[field]["id"] == id.as_str(),
                visible,
                "{nip} {field}: {body}"
            );
            assert_eq!(
                forbidden(field),
                !visible,
                "{nip} {field} FORBIDDEN: {body}"
            );
        }
        // The dialog on the evaluation (a question by the perawat to her evaluator) follows the
        // feedback rule, also where the evaluation itself is readable (the inspector).
        if evaluation {
            let dialog = d["directE"]["feedback"].as_array().unwrap();
            assert_eq!(
                !dialog.is_empty(),
                feedback,
                "{nip} evaluation.feedback: {dialog:?}"
            );
        }
        // Connections and their counts.
        assert_eq!(
            contains(&d["listE"]["nodes"], &r.evaluation),
            evaluation,
            "{nip} listE"
        );
        assert_eq!(
            d["listE"]["totalCount"].as_i64().unwrap() > 0,
            evaluation,
            "{nip} listE count"
        );
        assert_eq!(
            contains(&d["listA"]["nodes"], &r.activity),
            activity,
            "{nip} listA"
        );
        assert_eq!(
            d["listA"]["totalCount"].as_i64().unwrap() > 0,
            activity,
            "{nip} listA count"
        );
        assert_eq!(
            contains(&d["listAp"]["nodes"], &r.appeal),
            appeal,
            "{nip} listAp"
        );
        let seen_in_visits = d["visits"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| contains(&v["observations"]["nodes"], &r.observation));
        assert_eq!(seen_in_visits, observation, "{nip} visits.observations");
        // Nested under the ASN.
        let asn = &d["asn"];
        assert_eq!(
            contains(&asn["evaluations"]["nodes"], &r.evaluation),
            evaluation,
            "{nip} asn.evaluations"
        );
        assert_eq!(
            contains(&asn["activities"]["nodes"], &r.activity),
            activity,
            "{nip} asn.activities"
        );
        assert_eq!(
            asn["activitySummary"].is_object(),
            activity,
            "{nip} asn.activitySummary"
        );
        assert_eq!(
            contains(&asn["feedbackReceived"]["nodes"], &r.feedback),
            feedback,
            "{nip} asn.feedbackReceived"
        );
        if !feedback {
            assert_eq!(
                asn["feedbackReceived"]["totalCount"], 0,
                "{nip}: no count leaks"
            );
        }
        assert_eq!(
            contains(&asn["observations"]["nodes"], &r.observation),
            observation,
            "{nip} asn.observations"
        );
        // Nested under the unit: Unit.asns.evaluations, and the evaluation's appeals and
        // observations.
        let perawat = d["unit"]["asns"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["nip"] == personas::PERAWAT)
            .unwrap()
            .clone();
        let nested = perawat["evaluations"]["nodes"].as_array().unwrap();
        let nested_evaluation = nested.iter().find(|e| e["id"] == r.evaluation.as_str());
        assert_eq!(
            nested_evaluation.is_some(),
            evaluation,
            "{nip} unit.asns.evaluations"
        );
        if let Some(e) = nested_evaluation {
            assert_eq!(
                contains(&e["observations"], &r.observation),
                observation,
                "{nip} evaluation.observations"
            );
        }
        let appeals_anywhere = d["unit"]["asns"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|a| a["evaluations"]["nodes"].as_array().unwrap().iter())
            .any(|e| contains(&e["appeals"], &r.appeal));
        assert_eq!(
            appeals_anywhere, appeal,
            "{nip} unit.asns.evaluations.appeals"
        );
    }
}

/// Ns. Hendrawati, Perawat Ahli Muda at Puskesmas Dumai Kota: her evaluation of the last
/// quarter is the demo data's DRAFT, by the Kepala Puskesmas.
const DRAFTED: &str = "198407152009032001";

const TRAIL: &str = "query ($n: String!, $after: String) { asn(nip: $n) {
  auditTrail(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    nodes { action entityType entityId before after } } } }";

/// The whole audit trail of `subject` as `viewer` reads it: its count, its entries (newest
/// first) and the statements its first page cost.
async fn trail(app: &TestApp, viewer: &str, subject: &str) -> (i64, Vec<Value>, usize) {
    let mut entries = Vec::new();
    let mut after = Value::Null;
    let mut first_page = None;
    loop {
        let (body, statements) = app
            .run(Some(viewer), TRAIL, json!({ "n": subject, "after": after }))
            .await;
        first_page.get_or_insert(statements);
        let page = data(body)["asn"]["auditTrail"].clone();
        entries.extend(page["nodes"].as_array().unwrap().iter().cloned());
        if page["pageInfo"]["hasNextPage"] != true {
            let total = page["totalCount"].as_i64().unwrap();
            assert_eq!(
                total,
                entries.len() as i64,
                "{viewer}: the count is what is listed"
            );
            return (total, entries, first_page.unwrap());
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn the_audit_trail_shows_an_evaluation_only_to_those_who_may_read_it() {
    let app = TestApp::new().await;
    let evaluations = data(
        app.query(
            personas::ADMIN,
            "query ($n: String!) { asn(nip: $n) { evaluations(first: 10) { nodes { id status } } } }",
            json!({ "n": DRAFTED }),
        )
        .await,
    );
    let draft = evaluations["asn"]["evaluations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["status"] == "DRAFT")
        .expect("the demo data's draft")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let about_draft = |entries: &[Value]| -> Vec<String> {
        entries
            .iter()
            .filter(|e| e["entityId"] == draft.as_str())
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    };
    // The evaluated ASN may not read her draft, directly or in her audit trail (where its
    // ratings and predikat would show in `after`).
    let direct = app
        .query(
            DRAFTED,
            "query ($id: ID!) { evaluation(id: $id) { id predikat } }",
            json!({ "id": draft }),
        )
        .await;
    assert_eq!(codes(&direct), ["FORBIDDEN"], "{direct}");
    let (own_total, own, statements) = trail(&app, DRAFTED, DRAFTED).await;
    assert_eq!(
        about_draft(&own),
        Vec::<String>::new(),
        "the draft's entries show in her trail"
    );
    // The viewer, the ASN, her unit (for the rule) and the page with its count.
    assert_eq!(statements, 4, "statements of the ASN's own trail");
    // Her evaluator reads the draft and its entry: the only one she was not shown.
    let (boss_total, boss, statements) = trail(&app, personas::KEPALA_PUSKESMAS, DRAFTED).await;
    assert_eq!(about_draft(&boss), ["CREATED"]);
    let created = boss
        .iter()
        .find(|e| e["entityId"] == draft.as_str())
        .unwrap();
    assert_eq!(created["entityType"], "Evaluation");
    assert!(created["after"]["predikat"].is_string(), "{created}");
    assert_eq!(boss_total, own_total + 1);
    assert_eq!(statements, 4, "statements of the supervisor's read");

    // Once published, the whole history of the evaluation is hers to read.
    data(
        app.query(
            personas::KEPALA_PUSKESMAS,
            crate::evaluations::PUBLISH,
            json!({ "id": draft }),
        )
        .await,
    );
    let (published_total, published, _) = trail(&app, DRAFTED, DRAFTED).await;
    assert_eq!(about_draft(&published), ["PUBLISHED", "CREATED"]);
    assert_eq!(published_total, own_total + 2);
}
