//! Small groups withheld from the ANALYST: on the demo data (Dinas Kesehatan has five counted
//! evaluations of 2026 Q3, all in Puskesmas Dumai Kota: three by its head, one of its head by
//! the head of the Dinas, one by another evaluator) against ADMIN, with the default minimum
//! (5) and configured ones; and on the analytics fixture, the unit with and without its
//! sub-units, and a trend.

use chrono::Duration;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kinerja::config::{RuleSettings, Settings};
use kinerja::db::schema::{asn, evaluations};
use serde_json::{Value, json};

use super::{Fixture, counts, fixture, q3};
use crate::support::{TestApp, data, personas, test_now};

const SUMMARY: &str = "query ($unit: ID!, $period: PeriodInput!, $sub: Boolean) {
  performanceSummary(unitId: $unit, period: $period, includeSubunits: $sub) {
    evaluatedCount staffCount suppressed minimumGroupSize
    predikatDistribution { predikat count } statusCounts { status count }
    activityMinutes { approvedMinutes targetMinutes } appeals { filed }
  } }";

const CALIBRATION: &str = "query ($unit: ID!, $period: PeriodInput!) {
  evaluatorCalibration(unitId: $unit, period: $period) {
    evaluatedCount suppressed suppressedEvaluators minimumGroupSize
    unitDistribution { count } unitMeanScore
    evaluators { evaluator { nip } evaluatedCount suppressed meanScore leniency distance
      distribution { predikat count } }
  } }";

const CHECK: &str = "query ($unit: ID!, $period: PeriodInput!) {
  distributionCheck(unitId: $unit, period: $period, capaianOrganisasi: BAIK) {
    evaluatedCount suppressed minimumGroupSize satisfied
    distribution { count } bounds { actualCount } violations { rule }
  } }";

/// The evaluator of the one counted evaluation not by the head of the Puskesmas nor of the
/// Dinas (the demo data's 199412122023211001, KURANG).
const SINGLE_EVALUATOR: &str = "198407152009032001";

/// The global ID of the demo unit `code`.
async fn unit(app: &TestApp, code: &str) -> String {
    let body = data(
        app.query(
            personas::ADMIN,
            "query ($code: String!) { unit(code: $code) { id } }",
            json!({ "code": code }),
        )
        .await,
    );
    body["unit"]["id"].as_str().unwrap().to_owned()
}

/// Runs `query` on the 2026 Q3 figures of `unit` as `nip`; returns its one root field and
/// the statements it cost.
async fn ask(app: &TestApp, nip: &str, query: &str, unit: &str, sub: bool) -> (Value, usize) {
    let (body, statements) = app
        .run(
            Some(nip),
            query,
            json!({ "unit": unit, "period": q3(), "sub": sub }),
        )
        .await;
    let data = data(body);
    let root = data.as_object().unwrap().values().next().unwrap().clone();
    (root, statements)
}

/// The evaluator row of `nip`.
fn row<'a>(calibration: &'a Value, nip: &str) -> &'a Value {
    calibration["evaluators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["evaluator"]["nip"] == nip)
        .unwrap_or_else(|| panic!("no row of {nip} in {calibration}"))
}

fn with_minimum(minimum: i64) -> Settings {
    Settings {
        rules: RuleSettings {
            min_aggregate_group: minimum,
            ..RuleSettings::default()
        },
        ..Settings::default()
    }
}

#[tokio::test]
async fn an_analyst_does_not_read_one_persons_predikat_through_calibration() {
    let app = TestApp::new().await;
    let dinkes = unit(&app, "DINKES").await;

    let (admin, _) = ask(&app, personas::ADMIN, CALIBRATION, &dinkes, true).await;
    let single = row(&admin, SINGLE_EVALUATOR);
    assert_eq!(single["evaluatedCount"], 1);
    assert_eq!(
        single["distribution"][3],
        json!({ "predikat": "KURANG", "count": 1 })
    );
    assert_eq!(admin["suppressedEvaluators"], 0);
    assert_eq!(admin["minimumGroupSize"], Value::Null);

    let (analyst, statements) = ask(&app, personas::ANALIS, CALIBRATION, &dinkes, true).await;
    // The unit's five are shown; no evaluator evaluated five, so no row is.
    assert_eq!(analyst["evaluatedCount"], 5);
    assert_eq!(analyst["suppressed"], false);
    assert_eq!(counts(&analyst["unitDistribution"]), [1, 1, 1, 2, 0]);
    assert_eq!(analyst["minimumGroupSize"], 5);
    assert_eq!(analyst["suppressedEvaluators"], 3);
    let single = row(&analyst, SINGLE_EVALUATOR);
    assert_eq!(single["evaluatedCount"], 1);
    assert_eq!(single["suppressed"], true);
    for figure in ["distribution", "meanScore", "leniency", "distance"] {
        assert_eq!(single[figure], Value::Null, "{figure}");
    }
    let kapus = row(&analyst, personas::KEPALA_PUSKESMAS);
    assert_eq!(kapus["evaluatedCount"], 3);
    assert_eq!(kapus["distribution"], Value::Null);
    // Withheld rows are ordered by what is shown of them: the most evaluations first.
    assert_eq!(
        analyst["evaluators"][0]["evaluator"]["nip"],
        personas::KEPALA_PUSKESMAS
    );
    // The viewer, the unit, the counts with the cells, the evaluators' directory rows.
    assert_eq!(statements, 4);
}

#[tokio::test]
async fn a_team_is_shown_only_when_the_rest_of_its_unit_is_large_enough() {
    // Minimum 3: the head of the Puskesmas evaluated three, but the Puskesmas minus them
    // would be the other two (the head, SANGAT_BAIK, and one KURANG): withheld.
    let three = TestApp::with_settings(with_minimum(3)).await;
    let pkm = unit(&three, "DINKES.PKM-DUMAI-KOTA").await;
    let (c, _) = ask(&three, personas::ANALIS, CALIBRATION, &pkm, true).await;
    assert_eq!(c["suppressed"], false);
    assert_eq!(row(&c, personas::KEPALA_PUSKESMAS)["suppressed"], true);
    assert_eq!(c["suppressedEvaluators"], 3);

    // Minimum 2: the rest (two) is large enough, the team is shown, the single rows are not.
    let two = TestApp::with_settings(with_minimum(2)).await;
    let pkm = unit(&two, "DINKES.PKM-DUMAI-KOTA").await;
    let (c, _) = ask(&two, personas::ANALIS, CALIBRATION, &pkm, true).await;
    let kapus = row(&c, personas::KEPALA_PUSKESMAS);
    assert_eq!(kapus["suppressed"], false);
    assert_eq!(counts(&kapus["distribution"]), [0, 1, 1, 1, 0]);
    assert_eq!(row(&c, SINGLE_EVALUATOR)["suppressed"], true);
    assert_eq!(row(&c, personas::KEPALA_DINKES)["suppressed"], true);
    assert_eq!(c["suppressedEvaluators"], 2);
    assert_eq!(c["minimumGroupSize"], 2);
}

#[tokio::test]
async fn small_units_are_withheld_from_analysts_and_shown_to_admins() {
    let app = TestApp::new().await;
    // Puskesmas Bukit Kapur: nobody evaluated in Q3 (zeros describe nobody), four staff.
    let small = unit(&app, "DINKES.PKM-BUKIT-KAPUR").await;
    let (s, statements) = ask(&app, personas::ANALIS, SUMMARY, &small, true).await;
    assert_eq!(s["evaluatedCount"], 0);
    assert_eq!(s["staffCount"], 4, "directory figures stay");
    assert_eq!(counts(&s["predikatDistribution"]), [0; 5]);
    assert_eq!(s["activityMinutes"], Value::Null, "the minutes of four");
    assert_eq!(s["suppressed"], true);
    assert_eq!(s["minimumGroupSize"], 5);
    assert_eq!(statements, 3);
    let (admin, _) = ask(&app, personas::ADMIN, SUMMARY, &small, true).await;
    assert_eq!(admin["suppressed"], false);
    assert_eq!(admin["minimumGroupSize"], Value::Null);
    assert!(admin["activityMinutes"]["approvedMinutes"].is_i64());

    // Puskesmas Dumai Kota: five evaluated, seven staff: everything shown, as to ADMIN.
    let pkm = unit(&app, "DINKES.PKM-DUMAI-KOTA").await;
    let (s, _) = ask(&app, personas::ANALIS, SUMMARY, &pkm, true).await;
    let (admin, _) = ask(&app, personas::ADMIN, SUMMARY, &pkm, true).await;
    assert_eq!(s["suppressed"], false);
    assert_eq!(counts(&s["predikatDistribution"]), [1, 1, 1, 2, 0]);
    for figure in [
        "predikatDistribution",
        "statusCounts",
        "activityMinutes",
        "appeals",
    ] {
        assert_eq!(s[figure], admin[figure], "{figure}");
    }
}

#[tokio::test]
async fn a_configured_minimum_withholds_more() {
    let app = TestApp::with_settings(with_minimum(6)).await;
    let pkm = unit(&app, "DINKES.PKM-DUMAI-KOTA").await;
    let dinkes = unit(&app, "DINKES").await;
    let (s, statements) = ask(&app, personas::ANALIS, SUMMARY, &pkm, true).await;
    assert_eq!(s["evaluatedCount"], 5);
    assert_eq!(s["minimumGroupSize"], 6);
    assert_eq!(s["suppressed"], true);
    for figure in ["predikatDistribution", "statusCounts", "appeals"] {
        assert_eq!(s[figure], Value::Null, "{figure}");
    }
    assert!(s["activityMinutes"].is_object(), "seven staff");
    assert_eq!(statements, 3);
    // The five are all the Dinas (and the city) evaluated: withheld there too.
    let (d, _) = ask(&app, personas::ANALIS, SUMMARY, &dinkes, true).await;
    assert_eq!(d["predikatDistribution"], Value::Null);
    let (admin, _) = ask(&app, personas::ADMIN, SUMMARY, &pkm, true).await;
    assert_eq!(admin["suppressed"], false);
    assert_eq!(counts(&admin["predikatDistribution"]), [1, 1, 1, 2, 0]);
}

#[tokio::test]
async fn a_distribution_check_does_not_reveal_the_head_left_out() {
    let app = TestApp::new().await;
    // The head of the Puskesmas is evaluated: the check (four) and the summary (five) would
    // differ by the head's predikat alone.
    let pkm = unit(&app, "DINKES.PKM-DUMAI-KOTA").await;
    let (c, statements) = ask(&app, personas::ANALIS, CHECK, &pkm, true).await;
    assert_eq!(c["evaluatedCount"], 4);
    assert_eq!(c["suppressed"], true);
    for figure in ["satisfied", "distribution", "bounds", "violations"] {
        assert_eq!(c[figure], Value::Null, "{figure}");
    }
    assert_eq!(statements, 3);
    let (admin, _) = ask(&app, personas::ADMIN, CHECK, &pkm, true).await;
    assert_eq!(admin["suppressed"], false);
    assert_eq!(counts(&admin["distribution"]), [0, 1, 1, 2, 0]);

    // The head of the Dinas has no counted evaluation: the check counts what the summary does.
    let dinkes = unit(&app, "DINKES").await;
    let (c, _) = ask(&app, personas::ANALIS, CHECK, &dinkes, true).await;
    let (admin, _) = ask(&app, personas::ADMIN, CHECK, &dinkes, true).await;
    assert_eq!(c["suppressed"], false);
    assert_eq!(c["evaluatedCount"], 5);
    for figure in ["satisfied", "distribution", "bounds", "violations"] {
        assert_eq!(c[figure], admin[figure], "{figure}");
    }
}

/// Adds an ASN to fixture unit `code` with a FINAL 2026 Q3 evaluation by `evaluator`.
async fn add_evaluated(f: &Fixture, code: &str, evaluator: &str, nip: &str) {
    let mut conn = f.app.conn().await;
    let unit: i64 = kinerja::db::schema::units::table
        .filter(kinerja::db::schema::units::code.eq(code))
        .select(kinerja::db::schema::units::id)
        .first(&mut conn)
        .await
        .unwrap();
    let id: i64 = diesel::insert_into(asn::table)
        .values((
            asn::nip.eq(nip),
            asn::name.eq("Tambahan"),
            asn::gender.eq("MALE"),
            asn::employment_type.eq("PNS"),
            asn::grade.eq("II/a"),
            asn::position.eq("Pengadministrasi"),
            asn::position_kind.eq("PELAKSANA"),
            asn::unit_id.eq(unit),
            asn::supervisor_id.eq(f.asn_id(evaluator)),
        ))
        .returning(asn::id)
        .get_result(&mut conn)
        .await
        .unwrap();
    diesel::insert_into(evaluations::table)
        .values((
            evaluations::asn_id.eq(id),
            evaluations::evaluator_id.eq(f.asn_id(evaluator)),
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

#[tokio::test]
async fn a_unit_with_and_without_its_sub_units_reveals_no_small_group() {
    let f = fixture().await;
    // Five evaluated in ANL.A and in ANL.B each; ANL itself has two (s1 BAIK, x2
    // SANGAT_KURANG). Shown all, ANL − ANL.A − ANL.B would be those two.
    add_evaluated(&f, "ANL.A", "A", "197101011995031901").await;
    add_evaluated(&f, "ANL.B", "B", "197101011995031902").await;
    let shows = |body: &Value| !body["predikatDistribution"].is_null();
    let mut answers = Vec::new();
    for (code, sub) in [
        ("ANL", true),
        ("ANL", false),
        ("ANL.A", true),
        ("ANL.A", false),
        ("ANL.B", true),
    ] {
        let (s, _) = ask(&f.app, personas::ANALIS, SUMMARY, &f.unit(code), sub).await;
        let (admin, _) = ask(&f.app, personas::ADMIN, SUMMARY, &f.unit(code), sub).await;
        assert!(shows(&admin), "{code} {sub}");
        answers.push((code, sub, s["evaluatedCount"].clone(), shows(&s)));
    }
    // ANL is shown (12); to keep its two from being the difference, one of the five-ASN
    // sub-units goes back into the remainder (the first by id, ANL.A, with and without its
    // sub-units), so ANL − ANL.B is seven.
    assert_eq!(
        answers,
        [
            ("ANL", true, json!(12), true),
            ("ANL", false, json!(2), false),
            ("ANL.A", true, json!(5), false),
            ("ANL.A", false, json!(5), false),
            ("ANL.B", true, json!(5), true),
        ]
    );
}

#[tokio::test]
async fn each_period_of_a_trend_is_its_own_group() {
    let f = fixture().await;
    let (body, statements) = f
        .app
        .run(
            Some(personas::ANALIS),
            "query ($unit: ID!) { performanceTrend(unitId: $unit,
               from: { year: 2026, kind: QUARTERLY, number: 1 },
               to: { year: 2026, kind: QUARTERLY, number: 4 }) {
               evaluatedCount suppressed predikatDistribution { count }
               activityMinutes { approvedMinutes } } }",
            json!({ "unit": f.unit("ANL") }),
        )
        .await;
    let trend = data(body)["performanceTrend"].clone();
    let entries: Vec<(i64, bool, bool)> = trend
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["evaluatedCount"].as_i64().unwrap(),
                t["suppressed"].as_bool().unwrap(),
                t["predikatDistribution"].is_null(),
            )
        })
        .collect();
    // Q2 has two evaluated (a1, b1): withheld; nobody in Q1 and Q4; ten in Q3.
    assert_eq!(
        entries,
        [
            (0, false, false),
            (2, true, true),
            (10, false, false),
            (0, false, false)
        ]
    );
    // The staff (twelve) are the group of the minutes in every period.
    assert_eq!(trend[2]["activityMinutes"]["approvedMinutes"], 300);
    assert_eq!(trend[1]["activityMinutes"]["approvedMinutes"], 0);
    assert_eq!(statements, 3);
}
