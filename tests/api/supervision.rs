//! Supervision visits and observations: who records them, what a visit must hold, who reads
//! which observation through every path, and statement counts of the nested reads.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kinerja::ids::AsnId;
use serde_json::{Value, json};

use crate::support::{TestApp, codes, data, personas};

/// The second INSPECTOR of the demo (P2UPD, Inspektorat).
pub const INSPECTOR_2: &str = "198604172008082001";
/// A doctor at Puskesmas Dumai Kota, supervised by the Kepala Puskesmas (a peer of the nurse).
pub const DOKTER: &str = "199110022020011001";
/// Kasubbag Umum dan Kepegawaian of the Dinas Kesehatan: UNIT_ADMIN of DINKES.
pub const UNIT_ADMIN_DINKES: &str = "198208162008011001";
/// More staff of Puskesmas Dumai Kota, all below the Kepala Puskesmas.
pub const PKM_STAFF: [&str; 5] = [
    DOKTER,
    "198407152009032001",
    "199412122023211001",
    "199606062024212001",
    "199302112025242001",
];

/// Global ID of the ASN with `nip`.
pub async fn asn_gid(app: &TestApp, nip: &str) -> String {
    let body = data(
        app.query(
            personas::GURU,
            "query ($n: String!) { asn(nip: $n) { id } }",
            json!({ "n": nip }),
        )
        .await,
    );
    body["asn"]["id"].as_str().unwrap().to_owned()
}

/// Global ID of the unit with `code`.
pub async fn unit_gid(app: &TestApp, code: &str) -> String {
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

const RECORD: &str = "mutation ($input: RecordSupervisionVisitInput!) {
  recordSupervisionVisit(input: $input) {
    id visitedOn summary unit { code } recordedBy { nip } team { nip }
    observations { totalCount edges { node { id asn { nip } rating finding evidenceUrl visit { id } } } }
  }
}";

/// An observation input for `nip`.
pub async fn observation(app: &TestApp, nip: &str, rating: &str) -> Value {
    json!({
        "asnId": asn_gid(app, nip).await,
        "finding": format!("  Pelayanan diamati ({nip})  "),
        "rating": rating,
        "evidenceUrl": "https://dokumen.dumaikota.go.id/pengawasan/1.jpg",
    })
}

/// Records a visit to `unit` as `inspector` with `members`, observing `observed`.
pub async fn record(
    app: &TestApp,
    inspector: &str,
    unit: &str,
    members: &[&str],
    observed: &[&str],
) -> Value {
    let mut observations = Vec::new();
    for nip in observed {
        observations.push(observation(app, nip, "SESUAI_EKSPEKTASI").await);
    }
    let mut member_ids = Vec::new();
    for nip in members {
        member_ids.push(asn_gid(app, nip).await);
    }
    let input = json!({
        "unitId": unit_gid(app, unit).await,
        "visitedOn": "2026-11-27",
        "summary": "Kunjungan pengawasan layanan",
        "observations": observations,
        "memberIds": member_ids,
    });
    app.query(inspector, RECORD, json!({ "input": input }))
        .await
}

#[tokio::test]
async fn an_inspector_records_a_visit_with_its_team_and_observations() {
    let app = TestApp::bare().await;
    let body = data(
        record(
            &app,
            personas::AUDITOR,
            "DINKES.PKM-DUMAI-KOTA",
            &[INSPECTOR_2, personas::AUDITOR],
            &[personas::PERAWAT, DOKTER],
        )
        .await,
    );
    let visit = &body["recordSupervisionVisit"];
    assert_eq!(visit["visitedOn"], "2026-11-27");
    assert_eq!(visit["unit"]["code"], "DINKES.PKM-DUMAI-KOTA");
    assert_eq!(visit["recordedBy"]["nip"], personas::AUDITOR);
    let team: BTreeSet<&str> = visit["team"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["nip"].as_str().unwrap())
        .collect();
    assert_eq!(team, BTreeSet::from([personas::AUDITOR, INSPECTOR_2]));
    assert_eq!(visit["observations"]["totalCount"], 2);
    let first = &visit["observations"]["edges"][0]["node"];
    assert_eq!(first["asn"]["nip"], personas::PERAWAT);
    assert_eq!(first["rating"], "SESUAI_EKSPEKTASI");
    assert_eq!(
        first["finding"],
        format!("Pelayanan diamati ({})", personas::PERAWAT),
        "trimmed"
    );
    assert_eq!(first["visit"]["id"], visit["id"]);

    // One audit entry per observation, about the observed ASN, by the recorder.
    use kinerja::db::schema::{asn, audit_log};
    let mut conn = app.conn().await;
    let entries: Vec<(String, String, Option<String>)> = audit_log::table
        .inner_join(asn::table.on(asn::id.nullable().eq(audit_log::subject_asn_id)))
        .filter(audit_log::entity_type.eq("Observation"))
        .order_by(audit_log::id)
        .select((
            audit_log::action,
            asn::nip,
            diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Text>>(
                "(SELECT a.nip FROM asn a WHERE a.id = audit_log.actor_id)",
            ),
        ))
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        entries,
        [
            (
                "RECORDED".to_owned(),
                personas::PERAWAT.to_owned(),
                Some(personas::AUDITOR.to_owned())
            ),
            (
                "RECORDED".to_owned(),
                DOKTER.to_owned(),
                Some(personas::AUDITOR.to_owned())
            ),
        ]
    );

    // A visit to a parent unit may observe ASN of its sub-units.
    data(record(&app, INSPECTOR_2, "DINKES", &[], &[personas::PERAWAT]).await);
}

#[tokio::test]
async fn only_inspectors_record_visits() {
    let app = TestApp::bare().await;
    for nip in [
        personas::ADMIN,
        personas::KEPALA_DINKES,
        personas::KEPALA_PUSKESMAS,
        personas::ANALIS,
        UNIT_ADMIN_DINKES,
    ] {
        let body = record(
            &app,
            nip,
            "DINKES.PKM-DUMAI-KOTA",
            &[],
            &[personas::PERAWAT],
        )
        .await;
        assert_eq!(codes(&body), ["FORBIDDEN"], "{nip}");
    }
    let mut conn = app.conn().await;
    let visits: i64 = kinerja::db::schema::supervision_visits::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(visits, 0);
}

#[tokio::test]
async fn a_visit_must_be_well_formed() {
    let app = TestApp::bare().await;
    let pkm = unit_gid(&app, "DINKES.PKM-DUMAI-KOTA").await;
    let nurse = observation(&app, personas::PERAWAT, "DI_ATAS_EKSPEKTASI").await;
    let base = json!({
        "unitId": pkm,
        "visitedOn": "2026-11-28",
        "summary": "Kunjungan",
        "observations": [nurse],
    });
    let run = |patch: Value| {
        let mut input = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            input[k] = v.clone();
        }
        let app = &app;
        async move {
            app.query(personas::AUDITOR, RECORD, json!({ "input": input }))
                .await
        }
    };
    // Today is fine; tomorrow is not.
    data(run(json!({})).await);
    let future = run(json!({ "visitedOn": "2026-11-29" })).await;
    assert_eq!(codes(&future), ["BAD_USER_INPUT"]);
    assert!(
        future["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("future")
    );
    assert_eq!(
        codes(&run(json!({ "observations": [] })).await),
        ["BAD_USER_INPUT"]
    );
    assert_eq!(
        codes(&run(json!({ "summary": "   " })).await),
        ["BAD_USER_INPUT"]
    );
    let mut blank = nurse.clone();
    blank["finding"] = json!(" ");
    assert_eq!(
        codes(&run(json!({ "observations": [blank] })).await),
        ["BAD_USER_INPUT"]
    );
    let mut bad_url = nurse.clone();
    bad_url["evidenceUrl"] = json!("javascript:alert(1)");
    assert_eq!(
        codes(&run(json!({ "observations": [bad_url] })).await),
        ["BAD_USER_INPUT"]
    );

    // The observed ASN must work in the visited unit or below; the error names them.
    let guru = observation(&app, personas::GURU, "SESUAI_EKSPEKTASI").await;
    let outside = run(json!({ "observations": [nurse, guru] })).await;
    assert_eq!(codes(&outside), ["BAD_USER_INPUT"]);
    let message = outside["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("Nurul Hidayah") && message.contains(personas::GURU),
        "{message}"
    );
    assert!(message.contains("Puskesmas Dumai Kota"), "{message}");

    // Team members must hold INSPECTOR, and are not observed by their own team.
    let analyst = asn_gid(&app, personas::ANALIS).await;
    let not_inspector = run(json!({ "memberIds": [analyst] })).await;
    assert_eq!(codes(&not_inspector), ["BAD_USER_INPUT"]);
    assert!(
        not_inspector["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Dimas Pratama")
    );

    // IDs: unknown rows are NOT_FOUND, IDs of another type BAD_USER_INPUT.
    let unknown_unit = kinerja::ids::UnitId(999_999).to_global().to_string();
    assert_eq!(
        codes(&run(json!({ "unitId": unknown_unit })).await),
        ["NOT_FOUND"]
    );
    let wrong_type = asn_gid(&app, personas::PERAWAT).await;
    assert_eq!(
        codes(&run(json!({ "unitId": wrong_type })).await),
        ["BAD_USER_INPUT"]
    );
    let mut ghost = nurse.clone();
    ghost["asnId"] = json!(AsnId(999_999).to_global().to_string());
    assert_eq!(
        codes(&run(json!({ "observations": [ghost] })).await),
        ["NOT_FOUND"]
    );

    // Nothing but the first (valid) visit was written.
    let mut conn = app.conn().await;
    let visits: i64 = kinerja::db::schema::supervision_visits::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(visits, 1);
}

#[tokio::test]
async fn visits_are_listed_and_filtered_for_everyone() {
    let app = TestApp::bare().await;
    data(
        record(
            &app,
            personas::AUDITOR,
            "DINKES.PKM-DUMAI-KOTA",
            &[],
            &[personas::PERAWAT],
        )
        .await,
    );
    data(
        record(
            &app,
            INSPECTOR_2,
            "DINKES.PKM-BUKIT-KAPUR",
            &[],
            &["199509212020122001"],
        )
        .await,
    );
    let query = "query ($f: SupervisionVisitFilter) { supervisionVisits(filter: $f) {
        totalCount edges { node { summary unit { code } team { nip } } } } }";
    let count = |filter: Value| {
        let app = &app;
        async move {
            let body = data(
                app.query(personas::GURU, query, json!({ "f": filter }))
                    .await,
            );
            body["supervisionVisits"]["totalCount"].as_i64().unwrap()
        }
    };
    assert_eq!(count(json!({})).await, 2, "every caller reads visits");
    assert_eq!(
        count(json!({ "unitId": unit_gid(&app, "DINKES").await })).await,
        2
    );
    let pkm = unit_gid(&app, "DINKES.PKM-DUMAI-KOTA").await;
    assert_eq!(count(json!({ "unitId": pkm })).await, 1);
    assert_eq!(
        count(json!({ "unitId": unit_gid(&app, "DISDIKBUD").await })).await,
        0
    );
    assert_eq!(
        count(json!({ "from": "2026-11-27", "to": "2026-11-27" })).await,
        2
    );
    assert_eq!(count(json!({ "from": "2026-11-28" })).await, 0);
    let auditor = asn_gid(&app, personas::AUDITOR).await;
    assert_eq!(count(json!({ "inspectorId": auditor })).await, 1);
    let reversed = app
        .query(
            personas::GURU,
            query,
            json!({ "f": { "from": "2026-11-28", "to": "2026-11-01" } }),
        )
        .await;
    assert_eq!(codes(&reversed), ["BAD_USER_INPUT"]);
}

mod reads;
