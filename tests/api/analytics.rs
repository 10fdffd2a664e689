//! Dashboard aggregates: `performanceSummary` and `performanceTrend` against figures computed by
//! hand from a small fixture, sub-unit inclusion, range checks and statement counts. Access
//! rules are in [`access`], calibration and the distribution check in [`curves`].
//!
//! The fixture (on the bare directory, so nothing else is counted), under Pemerintah Kota Dumai:
//!
//! ```text
//! ANL      (head H)   H; s1 (supervisor H); x2 (supervisor: the ADMIN persona)
//! ├ ANL.A  (head A)   A (supervisor H); a1 a2 a3 a4 (supervisor A)
//! └ ANL.B  (head B)   B (supervisor H); b1 b2 b3 (supervisor B)
//! ```
//!
//! Evaluations of 2026 Q3 (predikat, stored status, published days before the test clock):
//! A SANGAT_BAIK FINAL; B BAIK PUBLISHED 2 d; s1 BAIK PUBLISHED 40 d (window closed → FINAL);
//! x2 SANGAT_KURANG FINAL (by ADMIN); a1 a2 SANGAT_BAIK FINAL; a3 SANGAT_BAIK PUBLISHED 2 d;
//! a4 DRAFT (ratings of SANGAT_BAIK); b1 BUTUH_PERBAIKAN APPEALED (appeal OPEN); b2 KURANG FINAL
//! (appeal REJECTED); b3 BAIK FINAL (appeal REVISED). 2026 Q2: a1 and b1 BAIK FINAL.
//!
//! Activities: a1 07-01 120 min APPROVED, a1 08-03 90 min SUBMITTED, b1 09-30 180 min APPROVED,
//! s1 07-15 45 min REJECTED, x2 08-10 60 min REVISION_REQUESTED, b2 10-01 120 min APPROVED.

mod access;
mod curves;
mod suppression;

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveTime};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kinerja::db::schema::{activities, appeals, asn, evaluations, units};
use kinerja::ids::UnitId;
use serde_json::{Value, json};

use crate::support::{TestApp, codes, data, personas, test_now};

/// The fixture's app, row ids and NIPs.
pub struct Fixture {
    pub app: TestApp,
    asn: HashMap<&'static str, i64>,
    unit: HashMap<&'static str, i64>,
}

impl Fixture {
    /// The NIP of fixture ASN `key`.
    pub fn nip(&self, key: &str) -> String {
        nip_of(self.index(key))
    }

    fn index(&self, key: &str) -> usize {
        STAFF.iter().position(|(k, ..)| *k == key).unwrap()
    }

    /// The row id of fixture ASN `key`.
    pub fn asn_id(&self, key: &str) -> i64 {
        self.asn[key]
    }

    /// The global ID of fixture unit `code`.
    pub fn unit(&self, code: &str) -> String {
        UnitId(self.unit[code]).to_global().to_string()
    }
}

fn nip_of(index: usize) -> String {
    format!("19700101199503{}{index:03}", 2)
}

/// (key, unit, supervisor key; `"ADMIN"` is the ADMIN persona), supervisors first.
const STAFF: [(&str, &str, Option<&str>); 12] = [
    ("H", "ANL", None),
    ("s1", "ANL", Some("H")),
    ("x2", "ANL", Some("ADMIN")),
    ("A", "ANL.A", Some("H")),
    ("a1", "ANL.A", Some("A")),
    ("a2", "ANL.A", Some("A")),
    ("a3", "ANL.A", Some("A")),
    ("a4", "ANL.A", Some("A")),
    ("B", "ANL.B", Some("H")),
    ("b1", "ANL.B", Some("B")),
    ("b2", "ANL.B", Some("B")),
    ("b3", "ANL.B", Some("B")),
];

/// The two ratings giving `predikat`.
fn ratings(predikat: &str) -> (&'static str, &'static str) {
    match predikat {
        "SANGAT_BAIK" => ("DI_ATAS_EKSPEKTASI", "DI_ATAS_EKSPEKTASI"),
        "BAIK" => ("SESUAI_EKSPEKTASI", "SESUAI_EKSPEKTASI"),
        "BUTUH_PERBAIKAN" => ("DI_BAWAH_EKSPEKTASI", "SESUAI_EKSPEKTASI"),
        "KURANG" => ("SESUAI_EKSPEKTASI", "DI_BAWAH_EKSPEKTASI"),
        _ => ("DI_BAWAH_EKSPEKTASI", "DI_BAWAH_EKSPEKTASI"),
    }
}

/// (ASN, evaluator, quarter, predikat, status, days since publication).
const EVALUATIONS: [(&str, &str, i32, &str, &str, i64); 13] = [
    ("A", "H", 3, "SANGAT_BAIK", "FINAL", 40),
    ("B", "H", 3, "BAIK", "PUBLISHED", 2),
    ("s1", "H", 3, "BAIK", "PUBLISHED", 40),
    ("x2", "ADMIN", 3, "SANGAT_KURANG", "FINAL", 40),
    ("a1", "A", 3, "SANGAT_BAIK", "FINAL", 40),
    ("a2", "A", 3, "SANGAT_BAIK", "FINAL", 40),
    ("a3", "A", 3, "SANGAT_BAIK", "PUBLISHED", 2),
    ("a4", "A", 3, "SANGAT_BAIK", "DRAFT", 0),
    ("b1", "B", 3, "BUTUH_PERBAIKAN", "APPEALED", 5),
    ("b2", "B", 3, "KURANG", "FINAL", 40),
    ("b3", "B", 3, "BAIK", "FINAL", 40),
    ("a1", "A", 2, "BAIK", "FINAL", 120),
    ("b1", "B", 2, "BAIK", "FINAL", 120),
];

/// (ASN, date, start hour, minutes, status).
const ACTIVITIES: [(&str, &str, u32, i64, &str); 6] = [
    ("a1", "2026-07-01", 8, 120, "APPROVED"),
    ("a1", "2026-08-03", 8, 90, "SUBMITTED"),
    ("b1", "2026-09-30", 13, 180, "APPROVED"),
    ("s1", "2026-07-15", 8, 45, "REJECTED"),
    ("x2", "2026-08-10", 8, 60, "REVISION_REQUESTED"),
    ("b2", "2026-10-01", 8, 120, "APPROVED"),
];

/// Builds the fixture on a bare directory.
pub async fn fixture() -> Fixture {
    let app = TestApp::bare().await;
    let mut conn = app.conn().await;
    let mut unit = HashMap::new();
    let dumai: i64 = units::table
        .filter(units::code.eq("DUMAI"))
        .select(units::id)
        .first(&mut conn)
        .await
        .unwrap();
    for (code, kind, parent) in [
        ("ANL", "BADAN", None),
        ("ANL.A", "BIDANG", Some("ANL")),
        ("ANL.B", "BIDANG", Some("ANL")),
    ] {
        let parent_id = parent.map_or(dumai, |p| unit[p]);
        let id: i64 = diesel::insert_into(units::table)
            .values((
                units::code.eq(code),
                units::name.eq(format!("Unit {code}")),
                units::kind.eq(kind),
                units::parent_id.eq(parent_id),
            ))
            .returning(units::id)
            .get_result(&mut conn)
            .await
            .unwrap();
        unit.insert(code, id);
    }
    let admin: i64 = asn::table
        .filter(asn::nip.eq(personas::ADMIN))
        .select(asn::id)
        .first(&mut conn)
        .await
        .unwrap();
    let mut ids: HashMap<&'static str, i64> = HashMap::from([("ADMIN", admin)]);
    for (index, (key, unit_code, supervisor)) in STAFF.iter().enumerate() {
        let id: i64 = diesel::insert_into(asn::table)
            .values((
                asn::nip.eq(nip_of(index)),
                asn::name.eq(format!("Pegawai {key}")),
                asn::gender.eq("FEMALE"),
                asn::employment_type.eq("PNS"),
                asn::grade.eq("III/a"),
                asn::position.eq("Analis"),
                asn::position_kind.eq("FUNGSIONAL"),
                asn::unit_id.eq(unit[unit_code]),
                asn::supervisor_id.eq(supervisor.map(|s| ids[s])),
            ))
            .returning(asn::id)
            .get_result(&mut conn)
            .await
            .unwrap();
        ids.insert(key, id);
    }
    for (code, head) in [("ANL", "H"), ("ANL.A", "A"), ("ANL.B", "B")] {
        diesel::update(units::table.find(unit[code]))
            .set(units::head_id.eq(ids[head]))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let mut evaluation_ids = HashMap::new();
    for (who, by, quarter, predikat, status, days) in EVALUATIONS {
        let (work, behaviour) = ratings(predikat);
        let published = (status != "DRAFT").then(|| test_now() - Duration::days(days));
        let finalized = (status == "FINAL").then(|| test_now() - Duration::days(days - 14));
        let id: i64 = diesel::insert_into(evaluations::table)
            .values((
                evaluations::asn_id.eq(ids[who]),
                evaluations::evaluator_id.eq(ids[by]),
                evaluations::period_year.eq(2026),
                evaluations::period_kind.eq("QUARTERLY"),
                evaluations::period_number.eq(quarter),
                evaluations::work_result_rating.eq(work),
                evaluations::behaviour_rating.eq(behaviour),
                evaluations::predikat.eq(predikat),
                evaluations::status.eq(status),
                evaluations::published_at.eq(published),
                evaluations::finalized_at.eq(finalized),
            ))
            .returning(evaluations::id)
            .get_result(&mut conn)
            .await
            .unwrap();
        evaluation_ids.insert((who, quarter), id);
    }
    // b1 appealed (open); b2's appeal was rejected; b3's revised from BUTUH_PERBAIKAN to BAIK.
    for (who, status, new) in [
        ("b1", "OPEN", None),
        ("b2", "REJECTED", None),
        ("b3", "REVISED", Some("SESUAI_EKSPEKTASI")),
    ] {
        let decided = status != "OPEN";
        diesel::insert_into(appeals::table)
            .values((
                appeals::evaluation_id.eq(evaluation_ids[&(who, 3)]),
                appeals::appellant_id.eq(ids[who]),
                appeals::reason.eq("Capaian saya lebih tinggi."),
                appeals::status.eq(status),
                appeals::decided_by.eq(decided.then_some(ids["H"])),
                appeals::decided_at.eq(decided.then(|| test_now() - Duration::days(20))),
                appeals::decision_note.eq(decided.then_some("Diputuskan.")),
                appeals::original_work_result_rating.eq("DI_BAWAH_EKSPEKTASI"),
                appeals::original_behaviour_rating.eq("SESUAI_EKSPEKTASI"),
                appeals::new_work_result_rating.eq(new),
                appeals::new_behaviour_rating.eq(new),
            ))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    for (who, date, hour, minutes, status) in ACTIVITIES {
        let start = NaiveTime::from_hms_opt(hour, 0, 0).unwrap();
        let reviewed = status != "SUBMITTED";
        diesel::insert_into(activities::table)
            .values((
                activities::asn_id.eq(ids[who]),
                activities::activity_date.eq(date.parse::<NaiveDate>().unwrap()),
                activities::start_time.eq(start),
                activities::end_time.eq(start + Duration::minutes(minutes)),
                activities::description.eq("Pelayanan"),
                activities::status.eq(status),
                activities::reviewed_at.eq(reviewed.then(test_now)),
                activities::reviewed_by.eq(reviewed.then_some(ids["H"])),
            ))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    Fixture {
        app,
        asn: ids,
        unit,
    }
}

pub const SUMMARY: &str = "query ($unit: ID!, $period: PeriodInput!, $sub: Boolean) {
  performanceSummary(unitId: $unit, period: $period, includeSubunits: $sub) {
    unit { code } period { label } includesSubunits coverage staffCount evaluatedCount
    predikatDistribution { predikat count share }
    statusCounts { status count }
    activityMinutes { approvedMinutes pendingMinutes revisionMinutes rejectedMinutes targetMinutes approvedShare }
    appeals { filed open revised rejected }
  } }";

pub fn q3() -> Value {
    json!({ "year": 2026, "kind": "QUARTERLY", "number": 3 })
}

/// The predikat counts of a distribution, best first.
pub fn counts(distribution: &Value) -> Vec<i64> {
    distribution
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["count"].as_i64().unwrap())
        .collect()
}

/// The status counts, DRAFT, PUBLISHED, APPEALED, FINAL.
fn statuses(summary: &Value) -> Vec<(String, i64)> {
    summary["statusCounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["status"].as_str().unwrap().to_owned(),
                s["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn status_list(counts: [i64; 4]) -> Vec<(String, i64)> {
    ["DRAFT", "PUBLISHED", "APPEALED", "FINAL"]
        .iter()
        .zip(counts)
        .map(|(s, c)| ((*s).to_owned(), c))
        .collect()
}

/// Runs `performanceSummary` of `unit` for 2026 Q3 as `nip`.
pub async fn summary(f: &Fixture, nip: &str, unit: &str, sub: bool) -> (Value, usize) {
    let (body, statements) = f
        .app
        .run(
            Some(nip),
            SUMMARY,
            json!({ "unit": f.unit(unit), "period": q3(), "sub": sub }),
        )
        .await;
    (body, statements)
}

#[tokio::test]
async fn a_summary_matches_the_figures_computed_by_hand() {
    let f = fixture().await;
    let (body, statements) = summary(&f, personas::ADMIN, "ANL", true).await;
    let s = data(body)["performanceSummary"].clone();
    assert_eq!(s["unit"]["code"], "ANL");
    assert_eq!(s["period"]["label"], "Triwulan III 2026");
    assert_eq!(s["includesSubunits"], true);
    assert_eq!(s["coverage"], "ALL_RECORDS");
    assert_eq!(s["staffCount"], 12);
    // Not the draft of a4: A a1 a2 a3 SANGAT_BAIK; B s1 b3 BAIK; b1; b2; x2.
    assert_eq!(s["evaluatedCount"], 10);
    assert_eq!(counts(&s["predikatDistribution"]), [4, 3, 1, 1, 1]);
    assert_eq!(s["predikatDistribution"][0]["predikat"], "SANGAT_BAIK");
    assert_eq!(s["predikatDistribution"][0]["share"], 0.4);
    // Published 2 days ago: B, a3; s1's window closed, so FINAL with A x2 a1 a2 b2 b3.
    assert_eq!(statuses(&s), status_list([1, 2, 1, 7]));
    let minutes = &s["activityMinutes"];
    assert_eq!(minutes["approvedMinutes"], 300);
    assert_eq!(minutes["pendingMinutes"], 90);
    assert_eq!(minutes["revisionMinutes"], 60);
    assert_eq!(minutes["rejectedMinutes"], 45);
    assert_eq!(minutes["targetMinutes"], 12 * 3 * 6750);
    assert_eq!(minutes["approvedShare"], 300.0 / 243_000.0);
    assert_eq!(
        s["appeals"],
        json!({ "filed": 3, "open": 1, "revised": 1, "rejected": 1 })
    );
    // The viewer, the unit with its access facts, the figures; the unit is not loaded again.
    assert_eq!(statements, 3);
}

#[tokio::test]
async fn sub_units_are_counted_only_when_asked() {
    let f = fixture().await;
    let s = data(summary(&f, personas::ADMIN, "ANL", false).await.0)["performanceSummary"].clone();
    assert_eq!(s["includesSubunits"], false);
    // H, s1 and x2 work in ANL itself; s1 BAIK (FINAL by now), x2 SANGAT_KURANG.
    assert_eq!(s["staffCount"], 3);
    assert_eq!(s["evaluatedCount"], 2);
    assert_eq!(counts(&s["predikatDistribution"]), [0, 1, 0, 0, 1]);
    assert_eq!(statuses(&s), status_list([0, 0, 0, 2]));
    assert_eq!(s["activityMinutes"]["approvedMinutes"], 0);
    assert_eq!(s["activityMinutes"]["rejectedMinutes"], 45);
    assert_eq!(s["activityMinutes"]["revisionMinutes"], 60);
    assert_eq!(s["activityMinutes"]["targetMinutes"], 3 * 3 * 6750);
    assert_eq!(s["appeals"]["filed"], 0);

    let leaf =
        data(summary(&f, personas::ADMIN, "ANL.B", false).await.0)["performanceSummary"].clone();
    let with =
        data(summary(&f, personas::ADMIN, "ANL.B", true).await.0)["performanceSummary"].clone();
    assert_eq!(leaf["evaluatedCount"], 4, "B b1 b2 b3");
    assert_eq!(
        leaf["evaluatedCount"], with["evaluatedCount"],
        "no sub-units"
    );
}

const TREND: &str = "query ($unit: ID!, $from: PeriodInput!, $to: PeriodInput!) {
  performanceTrend(unitId: $unit, from: $from, to: $to) {
    period { label } evaluatedCount predikatDistribution { count }
    statusCounts { status count } activityMinutes { approvedMinutes targetMinutes }
    appeals { filed }
  } }";

fn quarter(number: i32) -> Value {
    json!({ "year": 2026, "kind": "QUARTERLY", "number": number })
}

#[tokio::test]
async fn a_trend_has_one_entry_per_period_from_one_statement() {
    let f = fixture().await;
    let (body, statements) = f
        .app
        .run(
            Some(personas::ADMIN),
            TREND,
            json!({ "unit": f.unit("ANL"), "from": quarter(1), "to": quarter(4) }),
        )
        .await;
    let trend = data(body)["performanceTrend"].as_array().unwrap().clone();
    let labels: Vec<&str> = trend
        .iter()
        .map(|t| t["period"]["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "Triwulan I 2026",
            "Triwulan II 2026",
            "Triwulan III 2026",
            "Triwulan IV 2026"
        ]
    );
    let evaluated: Vec<i64> = trend
        .iter()
        .map(|t| t["evaluatedCount"].as_i64().unwrap())
        .collect();
    assert_eq!(evaluated, [0, 2, 10, 0]);
    assert_eq!(counts(&trend[1]["predikatDistribution"]), [0, 2, 0, 0, 0]);
    assert_eq!(counts(&trend[2]["predikatDistribution"]), [4, 3, 1, 1, 1]);
    assert_eq!(counts(&trend[0]["predikatDistribution"]), [0; 5]);
    let approved: Vec<i64> = trend
        .iter()
        .map(|t| t["activityMinutes"]["approvedMinutes"].as_i64().unwrap())
        .collect();
    assert_eq!(approved, [0, 0, 300, 120]);
    assert!(
        trend
            .iter()
            .all(|t| t["activityMinutes"]["targetMinutes"] == 243_000)
    );
    assert_eq!(trend[2]["appeals"]["filed"], 3);
    assert_eq!(trend[1]["appeals"]["filed"], 0);
    // Every period comes from the same statement: viewer, unit, figures.
    assert_eq!(statements, 3);

    // The same period as a one-entry trend gives the summary's figures.
    let one = data(
        f.app
            .query(
                personas::ADMIN,
                TREND,
                json!({ "unit": f.unit("ANL"), "from": quarter(3), "to": quarter(3) }),
            )
            .await,
    )["performanceTrend"][0]
        .clone();
    assert_eq!(one, trend[2]);
}

#[tokio::test]
async fn statement_counts_do_not_grow_with_rows_or_periods() {
    let f = fixture().await;
    let months = |from: i32, to: i32| {
        json!({
            "unit": f.unit("ANL"),
            "from": { "year": 2026, "kind": "MONTHLY", "number": from },
            "to": { "year": 2026, "kind": "MONTHLY", "number": to },
        })
    };
    let (one, few) = f.app.run(Some(personas::ADMIN), TREND, months(7, 7)).await;
    let (twelve, many) = f.app.run(Some(personas::ADMIN), TREND, months(1, 12)).await;
    assert_eq!(data(one)["performanceTrend"].as_array().unwrap().len(), 1);
    let twelve = data(twelve)["performanceTrend"].as_array().unwrap().clone();
    assert_eq!(twelve.len(), 12);
    assert_eq!(twelve[6]["activityMinutes"]["approvedMinutes"], 120, "July");
    assert_eq!(twelve[6]["activityMinutes"]["targetMinutes"], 12 * 6750);
    assert_eq!((few, many), (3, 3));

    // Ten times the staff and evaluations: the same statements.
    let (_, before) = summary(&f, personas::ADMIN, "ANL", true).await;
    let mut conn = f.app.conn().await;
    for n in 0..100 {
        let id: i64 = diesel::insert_into(asn::table)
            .values((
                asn::nip.eq(format!("197101011995031{n:03}")),
                asn::name.eq(format!("Tambahan {n}")),
                asn::gender.eq("MALE"),
                asn::employment_type.eq("PNS"),
                asn::grade.eq("II/a"),
                asn::position.eq("Pengadministrasi"),
                asn::position_kind.eq("PELAKSANA"),
                asn::unit_id.eq(f.unit["ANL.A"]),
                asn::supervisor_id.eq(f.asn_id("A")),
            ))
            .returning(asn::id)
            .get_result(&mut conn)
            .await
            .unwrap();
        diesel::insert_into(evaluations::table)
            .values((
                evaluations::asn_id.eq(id),
                evaluations::evaluator_id.eq(f.asn_id("A")),
                evaluations::period_year.eq(2026),
                evaluations::period_kind.eq("QUARTERLY"),
                evaluations::period_number.eq(3),
                evaluations::work_result_rating.eq("SESUAI_EKSPEKTASI"),
                evaluations::behaviour_rating.eq("SESUAI_EKSPEKTASI"),
                evaluations::predikat.eq("BAIK"),
                evaluations::status.eq("FINAL"),
                evaluations::published_at.eq(test_now() - Duration::days(30)),
                evaluations::finalized_at.eq(test_now() - Duration::days(16)),
            ))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let (body, after) = summary(&f, personas::ADMIN, "ANL", true).await;
    assert_eq!(data(body)["performanceSummary"]["evaluatedCount"], 110);
    assert_eq!((before, after), (3, 3));
}

#[tokio::test]
async fn bad_periods_and_ranges_are_bad_input_and_unknown_units_not_found() {
    let f = fixture().await;
    let unit = f.unit("ANL");
    let month =
        |year: i32, number: i32| json!({ "year": year, "kind": "MONTHLY", "number": number });
    let cases = [
        json!({ "unit": unit, "from": quarter(3), "to": quarter(2) }),
        json!({ "unit": unit, "from": quarter(1), "to": month(2026, 3) }),
        json!({ "unit": unit, "from": month(2023, 1), "to": month(2026, 1) }),
        json!({ "unit": unit, "from": quarter(0), "to": quarter(1) }),
    ];
    for variables in cases {
        let body = f.app.query(personas::ADMIN, TREND, variables.clone()).await;
        assert_eq!(codes(&body), ["BAD_USER_INPUT"], "{variables}");
    }
    let body = f
        .app
        .query(
            personas::ADMIN,
            SUMMARY,
            json!({ "unit": unit, "period": { "year": 2026, "kind": "ANNUAL", "number": 2 } }),
        )
        .await;
    assert_eq!(codes(&body), ["BAD_USER_INPUT"]);
    let nowhere = UnitId(999_999).to_global().to_string();
    let body = f
        .app
        .query(
            personas::ADMIN,
            SUMMARY,
            json!({ "unit": nowhere, "period": q3() }),
        )
        .await;
    assert_eq!(codes(&body), ["NOT_FOUND"], "{body}");
    let not_a_unit = kinerja::ids::AsnId(1).to_global().to_string();
    let body = f
        .app
        .query(
            personas::ADMIN,
            SUMMARY,
            json!({ "unit": not_a_unit, "period": q3() }),
        )
        .await;
    assert_eq!(codes(&body), ["BAD_USER_INPUT"]);
}
