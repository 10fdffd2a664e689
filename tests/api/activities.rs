//! Daily activities: reporting, editing and reviewing, with every rule and the review race.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kinerja::config::{RuleSettings, Settings};
use kinerja::db::schema::{audit_log, events};
use serde_json::{Value, json};

use crate::support::{TestApp, codes, data, personas};
use crate::targets::{DOKTER, create_target, empty_app};

pub const CREATE: &str = "mutation ($input: CreateActivityInput!) {
  createActivity(input: $input) {
    id date startTime endTime minutes status description outputQuantity outputUnit evidenceUrl
    target { id } asn { nip } reviewedBy { nip } reviewNote
  }
}";

const UPDATE: &str = "mutation ($input: UpdateActivityInput!) {
  updateActivity(input: $input) {
    id date startTime endTime minutes status description outputQuantity outputUnit reviewedBy { nip } reviewNote
  }
}";

pub const REVIEW: &str = "mutation ($input: ReviewActivityInput!) {
  reviewActivity(input: $input) { id status reviewedBy { nip } reviewedAt reviewNote }
}";

/// An activity input on `date` from `start` to `end`.
pub fn activity(date: &str, start: &str, end: &str) -> Value {
    json!({ "date": date, "startTime": start, "endTime": end, "description": "Pelayanan pasien rawat jalan" })
}

/// Reports an activity of `nip` and returns its global ID.
pub async fn create_activity(
    app: &TestApp,
    nip: &str,
    date: &str,
    start: &str,
    end: &str,
) -> String {
    let body = data(
        app.query(nip, CREATE, json!({ "input": activity(date, start, end) }))
            .await,
    );
    body["createActivity"]["id"].as_str().unwrap().to_owned()
}

/// Reviews `id` as `nip`; returns the whole response.
pub async fn review(
    app: &TestApp,
    nip: &str,
    id: &str,
    decision: &str,
    note: Option<&str>,
) -> Value {
    let input = json!({ "activityId": id, "decision": decision, "note": note });
    app.query(nip, REVIEW, json!({ "input": input })).await
}

pub fn code(response: &Value) -> String {
    codes(response).into_iter().next().unwrap_or_default()
}

pub fn message(response: &Value) -> String {
    response["errors"][0]["message"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

async fn create(app: &TestApp, nip: &str, input: Value) -> Value {
    app.query(nip, CREATE, json!({ "input": input })).await
}

/// Audit entries of Activity with `action`, and ACTIVITY_REVIEWED events.
pub async fn count_rows(app: &TestApp, action: &str) -> (i64, i64) {
    let mut conn = app.conn().await;
    let audits: i64 = audit_log::table
        .filter(audit_log::entity_type.eq("Activity"))
        .filter(audit_log::action.eq(action))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    let events: i64 = events::table
        .filter(events::kind.eq("ACTIVITY_REVIEWED"))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    (audits, events)
}

#[tokio::test]
async fn an_asn_reports_their_work_with_derived_minutes() {
    let app = empty_app().await;
    let target = create_target(&app, personas::PERAWAT, "Asuhan keperawatan", None).await;
    let mut input = activity("2026-11-27", "07:30", "09:00");
    input["outputQuantity"] = json!(14);
    input["outputUnit"] = json!("pasien");
    input["evidenceUrl"] = json!("https://drive.dumaikota.go.id/bukti/1");
    input["targetId"] = json!(target);
    let body = data(create(&app, personas::PERAWAT, input).await);
    let created = &body["createActivity"];
    assert_eq!(created["date"], "2026-11-27");
    assert_eq!(
        (created["startTime"].as_str(), created["endTime"].as_str()),
        (Some("07:30"), Some("09:00"))
    );
    assert_eq!(created["minutes"], 90);
    assert_eq!(created["status"], "SUBMITTED");
    assert_eq!(created["outputQuantity"], 14);
    assert_eq!(created["target"]["id"], target.as_str());
    assert_eq!(created["asn"]["nip"], personas::PERAWAT);
    assert!(created["reviewedBy"].is_null());
    assert_eq!(count_rows(&app, "SUBMITTED").await.0, 1);
}

#[tokio::test]
async fn dates_must_be_past_and_within_the_window() {
    let app = empty_app().await;
    let future = create(
        &app,
        personas::PERAWAT,
        activity("2026-11-29", "08:00", "09:00"),
    )
    .await;
    assert_eq!(code(&future), "BAD_USER_INPUT");
    assert!(message(&future).contains("future"), "{future}");
    data(
        create(
            &app,
            personas::PERAWAT,
            activity("2026-11-28", "07:00", "08:00"),
        )
        .await,
    );
    data(
        create(
            &app,
            personas::PERAWAT,
            activity("2026-11-21", "08:00", "09:00"),
        )
        .await,
    );
    let late = create(
        &app,
        personas::PERAWAT,
        activity("2026-11-20", "08:00", "09:00"),
    )
    .await;
    assert_eq!(code(&late), "DEADLINE_PASSED", "8 days ago: {late}");
    assert!(message(&late).contains("within 7 days"), "{late}");

    // Today's work is late once the clock passes the window.
    app.clock.advance(chrono::Duration::days(8));
    let late = create(
        &app,
        personas::PERAWAT,
        activity("2026-11-28", "10:00", "11:00"),
    )
    .await;
    assert_eq!(code(&late), "DEADLINE_PASSED", "{late}");
    data(
        create(
            &app,
            personas::PERAWAT,
            activity("2026-11-29", "10:00", "11:00"),
        )
        .await,
    );

    let malformed = create(
        &app,
        personas::PERAWAT,
        activity("2026-13-01", "08:00", "09:00"),
    )
    .await;
    assert_eq!(code(&malformed), "BAD_USER_INPUT", "{malformed}");
}

#[tokio::test]
async fn the_window_is_configurable() {
    let settings = Settings {
        rules: RuleSettings {
            activity_window_days: 2,
            ..RuleSettings::default()
        },
        ..Settings::default()
    };
    let app = TestApp::build(crate::support::Fixture::Directory, settings).await;
    data(
        create(
            &app,
            personas::PERAWAT,
            activity("2026-11-26", "08:00", "09:00"),
        )
        .await,
    );
    let late = create(
        &app,
        personas::PERAWAT,
        activity("2026-11-25", "08:00", "09:00"),
    )
    .await;
    assert_eq!(code(&late), "DEADLINE_PASSED", "{late}");
    assert!(message(&late).contains("within 2 days"), "{late}");
}

#[tokio::test]
async fn times_outputs_links_and_targets_are_checked() {
    let app = empty_app().await;
    for (start, end, what) in [
        ("7:30", "09:00", "startTime"),
        ("08:00", "24:00", "endTime"),
        ("08:60", "09:00", "startTime"),
        ("09:00", "08:00", "after"),
        ("09:00", "09:00", "after"),
    ] {
        let response = create(&app, personas::PERAWAT, activity("2026-11-27", start, end)).await;
        assert_eq!(code(&response), "BAD_USER_INPUT", "{start}-{end}");
        assert!(message(&response).contains(what), "{response}");
    }
    let mut bad_link = activity("2026-11-27", "08:00", "09:00");
    bad_link["evidenceUrl"] = json!("javascript:alert(1)");
    let mut half_output = activity("2026-11-27", "08:00", "09:00");
    half_output["outputQuantity"] = json!(3);
    let mut blank = activity("2026-11-27", "08:00", "09:00");
    blank["description"] = json!("  ");
    let others = create_target(&app, DOKTER, "RHK dokter", None).await;
    let mut foreign_target = activity("2026-11-27", "08:00", "09:00");
    foreign_target["targetId"] = json!(others);
    let mut wrong_type = activity("2026-11-27", "08:00", "09:00");
    wrong_type["targetId"] = json!(crate::targets::asn_id(&app, personas::PERAWAT).await);
    for (input, what) in [
        (bad_link, "evidenceUrl"),
        (half_output, "outputUnit"),
        (blank, "description"),
        (foreign_target, "your own targets"),
        (wrong_type, "PerformanceTarget"),
    ] {
        let response = create(&app, personas::PERAWAT, input).await;
        assert_eq!(code(&response), "BAD_USER_INPUT", "{what}: {response}");
        assert!(message(&response).contains(what), "{what}: {response}");
    }
    assert_eq!(count_rows(&app, "SUBMITTED").await.0, 0, "nothing written");
}

#[tokio::test]
async fn intervals_of_one_day_must_not_overlap() {
    let app = empty_app().await;
    let first = create_activity(&app, personas::PERAWAT, "2026-11-27", "08:00", "10:00").await;
    let response = create(
        &app,
        personas::PERAWAT,
        activity("2026-11-27", "09:00", "11:00"),
    )
    .await;
    assert_eq!(code(&response), "CONFLICT", "{response}");
    assert!(
        message(&response).contains("overlaps your activity 08:00–10:00"),
        "{response}"
    );
    assert_eq!(
        response["errors"][0]["extensions"]["conflictingActivityId"],
        first.as_str()
    );
    let inside = create(
        &app,
        personas::PERAWAT,
        activity("2026-11-27", "08:30", "09:00"),
    )
    .await;
    assert_eq!(code(&inside), "CONFLICT");
    // Touching intervals, another day, another ASN: fine.
    data(
        create(
            &app,
            personas::PERAWAT,
            activity("2026-11-27", "10:00", "11:00"),
        )
        .await,
    );
    data(
        create(
            &app,
            personas::PERAWAT,
            activity("2026-11-26", "08:00", "10:00"),
        )
        .await,
    );
    data(create(&app, DOKTER, activity("2026-11-27", "08:00", "10:00")).await);
    // A rejected entry frees its interval.
    data(
        review(
            &app,
            personas::KEPALA_PUSKESMAS,
            &first,
            "REJECT",
            Some("Duplikat"),
        )
        .await,
    );
    data(
        create(
            &app,
            personas::PERAWAT,
            activity("2026-11-27", "09:00", "09:30"),
        )
        .await,
    );
}

#[tokio::test]
async fn the_owner_edits_until_the_review_and_a_revision_resubmits() {
    let app = empty_app().await;
    let id = create_activity(&app, personas::PERAWAT, "2026-11-27", "08:00", "09:00").await;
    let edit = |input: Value| {
        let app = &app;
        async move {
            app.query(personas::PERAWAT, UPDATE, json!({ "input": input }))
                .await
        }
    };
    let body = data(
        edit(json!({ "id": id, "endTime": "09:45", "outputQuantity": 2, "outputUnit": "laporan" }))
            .await,
    );
    assert_eq!(body["updateActivity"]["minutes"], 105);
    assert_eq!(body["updateActivity"]["status"], "SUBMITTED");
    let body = data(edit(json!({ "id": id, "outputQuantity": null, "outputUnit": null })).await);
    assert!(
        body["updateActivity"]["outputUnit"].is_null(),
        "null clears"
    );
    assert_eq!(
        body["updateActivity"]["description"], "Pelayanan pasien rawat jalan",
        "omitted stays"
    );

    let response = app
        .query(
            personas::KEPALA_PUSKESMAS,
            UPDATE,
            json!({ "input": { "id": id, "description": "x" } }),
        )
        .await;
    assert_eq!(code(&response), "FORBIDDEN", "{response}");
    let other = create_activity(&app, personas::PERAWAT, "2026-11-27", "10:00", "11:00").await;
    let response = edit(json!({ "id": other, "startTime": "09:30" })).await;
    assert_eq!(code(&response), "CONFLICT", "{response}");
    let response = edit(json!({ "id": other, "date": "2026-11-19" })).await;
    assert_eq!(code(&response), "DEADLINE_PASSED", "{response}");
    let response = edit(json!({ "id": other, "startTime": "11:30" })).await;
    assert_eq!(
        code(&response),
        "BAD_USER_INPUT",
        "end before start: {response}"
    );

    data(
        review(
            &app,
            personas::KEPALA_PUSKESMAS,
            &id,
            "REQUEST_REVISION",
            Some("Lengkapi bukti"),
        )
        .await,
    );
    let body = data(edit(json!({ "id": id, "description": "Pelayanan pasien, 14 pasien" })).await);
    let resubmitted = &body["updateActivity"];
    assert_eq!(resubmitted["status"], "SUBMITTED", "an edit resubmits");
    assert!(resubmitted["reviewedBy"].is_null() && resubmitted["reviewNote"].is_null());
    let history = data(
        app.query(
            personas::PERAWAT,
            "query ($id: ID!) { activity(id: $id) { history { action after } } }",
            json!({ "id": id }),
        )
        .await,
    );
    let actions: Vec<&str> = history["activity"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["SUBMITTED", "UPDATED", "UPDATED", "REVIEWED", "RESUBMITTED"]
    );
    assert_eq!(
        history["activity"]["history"][3]["after"]["note"],
        "Lengkapi bukti"
    );

    data(review(&app, personas::KEPALA_PUSKESMAS, &id, "APPROVE", None).await);
    let response = edit(json!({ "id": id, "description": "changed later" })).await;
    assert_eq!(
        code(&response),
        "INVALID_STATE",
        "approved is immutable: {response}"
    );
    data(
        review(
            &app,
            personas::KEPALA_PUSKESMAS,
            &other,
            "REJECT",
            Some("Bukan tugas"),
        )
        .await,
    );
    let response = edit(json!({ "id": other, "description": "x" })).await;
    assert_eq!(
        code(&response),
        "INVALID_STATE",
        "rejected is final: {response}"
    );
}
