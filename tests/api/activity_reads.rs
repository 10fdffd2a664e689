//! Reading activities: the `activities` connection and its filters, direct reads, inspectors,
//! `Asn.activities`, `Asn.activitySummary`, and statement counts of nested reads.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kinerja::config::{RuleSettings, Settings};
use kinerja::db::schema::{
    activities, asn, performance_targets, supervision_visit_members, supervision_visits,
    target_indicators, units,
};
use serde_json::{Value, json};

use crate::activities::{create_activity, review};
use crate::support::{TestApp, codes, data, personas};
use crate::targets::{AGUNG, DOKTER, asn_id, create_target, empty_app};

const LIST: &str = "query ($f: ActivityFilter, $o: ActivityOrder, $first: Int, $last: Int) {
  activities(filter: $f, orderBy: $o, first: $first, last: $last) {
    totalCount edges { node { id date startTime status asn { nip } } }
  }
}";

async fn unit_id(app: &TestApp, code: &str) -> String {
    let body = data(
        app.query(
            personas::GURU,
            "query ($c: String!) { unit(code: $c) { id } }",
            json!({ "c": code }),
        )
        .await,
    );
    body["unit"]["id"].as_str().unwrap().to_owned()
}

fn dates(body: &Value) -> Vec<String> {
    body["activities"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["node"]["date"].as_str().unwrap(),
                e["node"]["startTime"].as_str().unwrap()
            )
        })
        .collect()
}

/// Five activities at Puskesmas Dumai Kota: three of the perawat (one approved), one of the
/// dokter, one of Agung (two levels below the Kepala Puskesmas).
async fn puskesmas_log(app: &TestApp) -> Vec<String> {
    let ids = vec![
        create_activity(app, personas::PERAWAT, "2026-11-25", "08:00", "09:00").await,
        create_activity(app, personas::PERAWAT, "2026-11-26", "08:00", "09:30").await,
        create_activity(app, personas::PERAWAT, "2026-11-27", "13:00", "14:00").await,
        create_activity(app, DOKTER, "2026-11-26", "08:00", "12:00").await,
        create_activity(app, AGUNG, "2026-11-27", "07:30", "08:00").await,
    ];
    data(review(app, personas::KEPALA_PUSKESMAS, &ids[1], "APPROVE", None).await);
    ids
}

#[tokio::test]
async fn the_activities_connection_filters_in_sql() {
    let app = empty_app().await;
    puskesmas_log(&app).await;
    let pkm = unit_id(&app, "DINKES.PKM-DUMAI-KOTA").await;
    let total = |nip: &'static str, filter: Value| {
        let app = &app;
        async move {
            let body = data(
                app.query(nip, LIST, json!({ "f": filter, "first": 100 }))
                    .await,
            );
            body["activities"]["totalCount"].as_i64().unwrap()
        }
    };
    assert_eq!(
        total(personas::KEPALA_PUSKESMAS, json!({ "unitId": pkm })).await,
        5
    );
    assert_eq!(total(personas::KEPALA_DINKES, json!({})).await, 5);
    assert_eq!(
        total(
            personas::ADMIN,
            json!({ "unitId": unit_id(&app, "DINKES").await })
        )
        .await,
        5
    );
    assert_eq!(
        total(
            personas::ADMIN,
            json!({ "unitId": unit_id(&app, "BKPSDM").await })
        )
        .await,
        0
    );
    assert_eq!(total(personas::PERAWAT, json!({})).await, 3, "own only");
    assert_eq!(total(personas::GURU, json!({ "unitId": pkm })).await, 0);
    assert_eq!(total(personas::ANALIS, json!({})).await, 0);
    assert_eq!(total(personas::AUDITOR, json!({})).await, 0, "no visit yet");
    let perawat = asn_id(&app, personas::PERAWAT).await;
    assert_eq!(
        total(personas::KEPALA_PUSKESMAS, json!({ "asnId": perawat })).await,
        3
    );
    assert_eq!(total(personas::GURU, json!({ "asnId": perawat })).await, 0);
    assert_eq!(
        total(
            personas::KEPALA_PUSKESMAS,
            json!({ "status": ["APPROVED"] })
        )
        .await,
        1
    );
    assert_eq!(
        total(
            personas::KEPALA_PUSKESMAS,
            json!({ "status": ["SUBMITTED", "REJECTED"] })
        )
        .await,
        4
    );
    assert_eq!(
        total(
            personas::KEPALA_PUSKESMAS,
            json!({ "from": "2026-11-26", "to": "2026-11-26" })
        )
        .await,
        2
    );

    let newest_first = data(app.query(personas::PERAWAT, LIST, json!({})).await);
    assert_eq!(
        dates(&newest_first),
        ["2026-11-27 13:00", "2026-11-26 08:00", "2026-11-25 08:00"]
    );
    let oldest_first = data(
        app.query(
            personas::PERAWAT,
            LIST,
            json!({ "o": { "field": "DATE", "direction": "ASC" }, "last": 2 }),
        )
        .await,
    );
    assert_eq!(
        dates(&oldest_first),
        ["2026-11-26 08:00", "2026-11-27 13:00"]
    );
    let by_minutes = data(
        app.query(
            personas::PERAWAT,
            LIST,
            json!({ "o": { "field": "MINUTES" } }),
        )
        .await,
    );
    assert_eq!(dates(&by_minutes)[0], "2026-11-26 08:00", "longest first");

    let response = app
        .query(
            personas::PERAWAT,
            LIST,
            json!({ "f": { "from": "2026-11-27", "to": "2026-11-01" } }),
        )
        .await;
    assert_eq!(codes(&response), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn direct_reads_refuse_and_inspectors_read_visited_units() {
    let app = empty_app().await;
    let target = create_target(&app, personas::PERAWAT, "Asuhan keperawatan", None).await;
    let mut input = crate::activities::activity("2026-11-27", "08:00", "09:00");
    input["targetId"] = json!(target);
    let body = data(
        app.query(
            personas::PERAWAT,
            crate::activities::CREATE,
            json!({ "input": input }),
        )
        .await,
    );
    let id = body["createActivity"]["id"].as_str().unwrap().to_owned();
    let q = "query ($id: ID!) { activity(id: $id) { minutes target { title } history { action } }
                               node(id: $id) { ... on Activity { description } } }";
    for nip in [personas::GURU, personas::AUDITOR, personas::ANALIS, DOKTER] {
        let response = app.query(nip, q, json!({ "id": id })).await;
        assert_eq!(
            codes(&response),
            ["FORBIDDEN", "FORBIDDEN"],
            "{nip}: {response}"
        );
        assert!(response["data"]["activity"].is_null() && response["data"]["node"].is_null());
    }
    for nip in [
        personas::PERAWAT,
        personas::KEPALA_PUSKESMAS,
        personas::KEPALA_DINKES,
        personas::ADMIN,
    ] {
        let body = data(app.query(nip, q, json!({ "id": id })).await);
        assert_eq!(
            body["activity"]["target"]["title"], "Asuhan keperawatan",
            "{nip}"
        );
        assert_eq!(
            body["activity"]["history"][0]["action"], "SUBMITTED",
            "{nip}"
        );
    }

    // After a supervision visit to the Puskesmas, the inspector reads its activities — but not
    // the personal records around them (targets, audit trail).
    let mut conn = app.conn().await;
    let pkm: i64 = units::table
        .filter(units::code.eq("DINKES.PKM-DUMAI-KOTA"))
        .select(units::id)
        .first(&mut conn)
        .await
        .unwrap();
    let auditor: i64 = asn::table
        .filter(asn::nip.eq(personas::AUDITOR))
        .select(asn::id)
        .first(&mut conn)
        .await
        .unwrap();
    let visit: i64 = diesel::insert_into(supervision_visits::table)
        .values((
            supervision_visits::unit_id.eq(pkm),
            supervision_visits::visited_on
                .eq(chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()),
            supervision_visits::summary.eq("Kunjungan pengawasan"),
            supervision_visits::recorded_by.eq(auditor),
        ))
        .returning(supervision_visits::id)
        .get_result(&mut conn)
        .await
        .unwrap();
    diesel::insert_into(supervision_visit_members::table)
        .values((
            supervision_visit_members::visit_id.eq(visit),
            supervision_visit_members::asn_id.eq(auditor),
        ))
        .execute(&mut conn)
        .await
        .unwrap();
    let body = data(app.query(personas::AUDITOR, q, json!({ "id": id })).await);
    assert_eq!(body["activity"]["minutes"], 60);
    assert!(body["activity"]["target"].is_null() && body["activity"]["history"].is_null());
    let on_target = "query ($id: ID!) { node(id: $id) { ... on PerformanceTarget {
        activities { totalCount edges { node { id } } } } } }";
    let body = data(
        app.query(
            personas::KEPALA_PUSKESMAS,
            on_target,
            json!({ "id": target }),
        )
        .await,
    );
    assert_eq!(
        body["node"]["activities"]["edges"][0]["node"]["id"],
        id.as_str()
    );
    let response = app
        .query(personas::AUDITOR, on_target, json!({ "id": target }))
        .await;
    assert_eq!(
        codes(&response),
        ["FORBIDDEN"],
        "targets stay personal: {response}"
    );
    let body = data(app.query(personas::AUDITOR, LIST, json!({})).await);
    assert_eq!(body["activities"]["totalCount"], 1);
}

#[tokio::test]
async fn nested_activities_and_the_monthly_summary() {
    let settings = Settings {
        rules: RuleSettings {
            monthly_target_minutes: 3000,
            ..RuleSettings::default()
        },
        ..Settings::default()
    };
    let app = TestApp::build(crate::support::Fixture::Directory, settings).await;
    let kapus = personas::KEPALA_PUSKESMAS;
    let approved = create_activity(&app, personas::PERAWAT, "2026-11-24", "08:00", "09:30").await;
    let approved2 = create_activity(&app, personas::PERAWAT, "2026-11-25", "08:00", "09:00").await;
    create_activity(&app, personas::PERAWAT, "2026-11-26", "08:00", "08:30").await;
    let revision = create_activity(&app, personas::PERAWAT, "2026-11-27", "08:00", "08:45").await;
    let rejected = create_activity(&app, personas::PERAWAT, "2026-11-27", "09:00", "11:00").await;
    data(review(&app, kapus, &approved, "APPROVE", None).await);
    data(review(&app, kapus, &approved2, "APPROVE", None).await);
    data(review(&app, kapus, &revision, "REQUEST_REVISION", Some("Perbaiki")).await);
    data(review(&app, kapus, &rejected, "REJECT", Some("Tidak relevan")).await);

    let q = "query ($nip: String!, $month: Int!) { asn(nip: $nip) {
        activitySummary(year: 2026, month: $month) { year month approvedMinutes pendingMinutes
          revisionMinutes rejectedMinutes targetMinutes approvedShare }
        activities(first: 2, from: \"2026-11-25\", to: \"2026-11-27\") { totalCount edges { node { date startTime } } pageInfo { hasNextPage } }
    } }";
    let body = data(
        app.query(kapus, q, json!({ "nip": personas::PERAWAT, "month": 11 }))
            .await,
    );
    assert_eq!(
        body["asn"]["activitySummary"],
        json!({ "year": 2026, "month": 11, "approvedMinutes": 150, "pendingMinutes": 30,
                "revisionMinutes": 45, "rejectedMinutes": 120, "targetMinutes": 3000, "approvedShare": 0.05 })
    );
    let nested = &body["asn"]["activities"];
    assert_eq!(nested["totalCount"], 4, "24 Nov is outside the range");
    assert_eq!(
        nested["edges"][0]["node"]["startTime"], "09:00",
        "newest first"
    );
    assert_eq!(nested["pageInfo"]["hasNextPage"], true);

    let october = data(
        app.query(kapus, q, json!({ "nip": personas::PERAWAT, "month": 10 }))
            .await,
    );
    assert_eq!(october["asn"]["activitySummary"]["approvedMinutes"], 0);
    let hidden = data(
        app.query(
            personas::GURU,
            q,
            json!({ "nip": personas::PERAWAT, "month": 11 }),
        )
        .await,
    );
    assert!(hidden["asn"]["activitySummary"].is_null() && hidden["asn"]["activities"].is_null());
    let response = app
        .query(kapus, q, json!({ "nip": personas::PERAWAT, "month": 13 }))
        .await;
    assert_eq!(codes(&response), ["BAD_USER_INPUT"], "{response}");
}

/// A unit under DUMAI with `width` ASN (the first supervises the others), each with one target
/// (the others' cascading from the head's) and `width` activities in November 2026, half of
/// them approved. Returns the unit's global ID.
async fn fixture(app: &TestApp, width: usize) -> String {
    let mut conn = app.conn().await;
    let dumai: i64 = units::table
        .filter(units::code.eq("DUMAI"))
        .select(units::id)
        .first(&mut conn)
        .await
        .unwrap();
    let unit: i64 = diesel::insert_into(units::table)
        .values((
            units::code.eq(format!("FIX-{width}")),
            units::name.eq("Fixture"),
            units::kind.eq("BADAN"),
            units::parent_id.eq(dumai),
        ))
        .returning(units::id)
        .get_result(&mut conn)
        .await
        .unwrap();
    let (mut head, mut head_target) = (None::<i64>, None::<i64>);
    for a in 0..width {
        let id: i64 = diesel::insert_into(asn::table)
            .values((
                asn::nip.eq(format!("1986{width:03}000{a:08}")),
                asn::name.eq(format!("Pegawai {a:03}")),
                asn::gender.eq("MALE"),
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
        let target: i64 = diesel::insert_into(performance_targets::table)
            .values((
                performance_targets::asn_id.eq(id),
                performance_targets::year.eq(2026),
                performance_targets::title.eq(format!("RHK {a}")),
                performance_targets::kind.eq("UTAMA"),
                performance_targets::parent_target_id.eq(head_target),
            ))
            .returning(performance_targets::id)
            .get_result(&mut conn)
            .await
            .unwrap();
        diesel::insert_into(target_indicators::table)
            .values((
                target_indicators::target_id.eq(target),
                target_indicators::aspect.eq("KUANTITAS"),
                target_indicators::description.eq("Dokumen"),
                target_indicators::target_value.eq(12.0),
                target_indicators::unit_of_measure.eq("dokumen"),
            ))
            .execute(&mut conn)
            .await
            .unwrap();
        for k in 0..width {
            let approved = k % 2 == 0;
            let reviewer = head.unwrap_or(id);
            diesel::insert_into(activities::table)
                .values((
                    activities::asn_id.eq(id),
                    activities::activity_date.eq(chrono::NaiveDate::from_ymd_opt(
                        2026,
                        11,
                        1 + k as u32,
                    )
                    .unwrap()),
                    activities::start_time.eq(chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap()),
                    activities::end_time.eq(chrono::NaiveTime::from_hms_opt(9, 30, 0).unwrap()),
                    activities::description.eq("Menyusun laporan"),
                    activities::target_id.eq(target),
                    activities::status.eq(if approved { "APPROVED" } else { "SUBMITTED" }),
                    activities::reviewed_by.eq(approved.then_some(reviewer)),
                    activities::reviewed_at.eq(approved.then(crate::support::test_now)),
                ))
                .execute(&mut conn)
                .await
                .unwrap();
        }
        head = head.or(Some(id));
        head_target = head_target.or(Some(target));
    }
    kinerja::ids::UnitId(unit).to_global().to_string()
}

const NESTED: &str = "query ($unit: ID!) {
  asns(filter: { unitId: $unit }, first: 100) { edges { node { name
    activitySummary(year: 2026, month: 11) { approvedMinutes pendingMinutes approvedShare }
    activities(first: 100) { totalCount edges { node { minutes status reviewedBy { name }
      target { title indicators { aspect } parentTarget { title } } } } }
    targets(year: 2026) { title childTargets { title } agreedBy { name } }
  } } }
}";

const TOP: &str = "query ($unit: ID!) {
  activities(filter: { unitId: $unit }, first: 100) { totalCount edges { node {
    minutes asn { name unit { code } } target { title asn { name } } reviewedBy { name }
  } } }
}";

async fn measure(width: usize, query: &str) -> (Value, usize) {
    let app = empty_app().await;
    let unit = fixture(&app, width).await;
    let (body, statements) = app
        .run(Some(personas::ADMIN), query, json!({ "unit": unit }))
        .await;
    (data(body), statements)
}

#[tokio::test]
async fn nested_activity_reads_are_bounded_by_depth() {
    let (small, small_count) = measure(3, NESTED).await;
    let (large, large_count) = measure(8, NESTED).await;
    let rows = |body: &Value| -> usize {
        body["asns"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["activities"]["edges"].as_array().unwrap().len())
            .sum()
    };
    assert_eq!((rows(&small), rows(&large)), (9, 64));
    let head = &large["asns"]["edges"][0]["node"];
    assert_eq!(head["activitySummary"]["approvedMinutes"], 4 * 90);
    assert_eq!(head["activitySummary"]["pendingMinutes"], 4 * 90);
    assert_eq!(
        head["targets"][0]["childTargets"].as_array().unwrap().len(),
        7
    );
    assert_eq!(
        small_count, large_count,
        "statements must not grow with rows"
    );
    // The viewer, the ASN page, then one batched statement per loader and level: the ASN and
    // their units (visibility), summaries, activity pages, targets of the ASN, the
    // activities' targets, indicators, child targets: measured, the same at 3×3 and 8×8.
    assert_eq!(large_count, 10, "{large_count} statements");

    let (small, small_count) = measure(3, TOP).await;
    let (large, large_count) = measure(8, TOP).await;
    assert_eq!(
        (
            small["activities"]["totalCount"].as_i64(),
            large["activities"]["totalCount"].as_i64()
        ),
        (Some(9), Some(64))
    );
    assert_eq!(
        small_count, large_count,
        "statements must not grow with rows"
    );
    // The viewer, the count and the page, then the ASN (owners, reviewers) with the targets,
    // then the units: 6, measured, the same at 3×3 and 8×8.
    assert_eq!(large_count, 6, "{large_count} statements");
}
