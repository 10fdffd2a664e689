//! `evaluatorCalibration` and `distributionCheck` on the fixture: per-evaluator spreads against
//! the unit's, and the pola distribusi bounds a crafted spread breaks.

use serde_json::{Value, json};

use super::{Fixture, counts, fixture, q3};
use crate::support::{data, personas};

const CALIBRATION: &str = "query ($unit: ID!, $period: PeriodInput!) {
  evaluatorCalibration(unitId: $unit, period: $period) {
    coverage evaluatedCount unitMeanScore unitDistribution { predikat count share }
    evaluators {
      evaluator { nip name }
      evaluatedCount meanScore leniency distance
      distribution { predikat count share unitShare deviation }
    }
  } }";

fn close(actual: &Value, expected: f64) -> bool {
    (actual.as_f64().unwrap() - expected).abs() < 1e-9
}

#[tokio::test]
async fn each_evaluator_is_set_against_the_unit() {
    let f = fixture().await;
    let (body, statements) = f
        .app
        .run(
            Some(personas::ADMIN),
            CALIBRATION,
            json!({ "unit": f.unit("ANL"), "period": q3() }),
        )
        .await;
    let c = data(body)["evaluatorCalibration"].clone();
    assert_eq!(c["coverage"], "ALL_RECORDS");
    assert_eq!(c["evaluatedCount"], 10);
    assert_eq!(counts(&c["unitDistribution"]), [4, 3, 1, 1, 1]);
    // (4·5 + 3·4 + 3 + 2 + 1) / 10
    assert!(close(&c["unitMeanScore"], 3.8));
    let evaluators = c["evaluators"].as_array().unwrap();
    let nips: Vec<&str> = evaluators
        .iter()
        .map(|e| e["evaluator"]["nip"].as_str().unwrap())
        .collect();
    // Most deviating first: ADMIN (x2 only, SANGAT_KURANG) 0.9, A (all SANGAT_BAIK) 0.6,
    // B 0.5, H 11/30.
    let (h, a, b) = (f.nip("H"), f.nip("A"), f.nip("B"));
    assert_eq!(nips, [personas::ADMIN, a.as_str(), b.as_str(), h.as_str()]);
    let expected = [
        (1, 1.0, -2.8, 0.9),
        (3, 5.0, 1.2, 0.6),
        (3, 3.0, -0.8, 0.5),
        (3, 13.0 / 3.0, 13.0 / 3.0 - 3.8, 11.0 / 30.0),
    ];
    for (e, (count, mean, leniency, distance)) in evaluators.iter().zip(expected) {
        assert_eq!(e["evaluatedCount"], count, "{e}");
        assert!(close(&e["meanScore"], mean), "{e}");
        assert!(close(&e["leniency"], leniency), "{e}");
        assert!(close(&e["distance"], distance), "{e}");
    }
    // A gives SANGAT_BAIK to everyone (a4's draft not counted): share 1 against the unit's 0.4.
    let a_sangat_baik = &evaluators[1]["distribution"][0];
    assert_eq!(a_sangat_baik["predikat"], "SANGAT_BAIK");
    assert_eq!(a_sangat_baik["count"], 3);
    assert!(close(&a_sangat_baik["share"], 1.0));
    assert!(close(&a_sangat_baik["unitShare"], 0.4));
    assert!(close(&a_sangat_baik["deviation"], 0.6));
    // The viewer, the unit, the counts, the evaluators' directory rows (one batch).
    assert_eq!(statements, 4);
}

const CHECK: &str = "query ($unit: ID!, $period: PeriodInput!, $capaian: PredikatOrganisasi!) {
  distributionCheck(unitId: $unit, period: $period, capaianOrganisasi: $capaian) {
    capaianOrganisasi evaluatedCount satisfied distribution { count }
    bounds { predikat kind satisfied }
    violations { predikat kind allowedShare allowedCount actualCount actualShare rule }
  } }";

async fn check(f: &Fixture, unit: &str, capaian: &str) -> (Value, usize) {
    let (body, statements) = f
        .app
        .run(
            Some(personas::ADMIN),
            CHECK,
            json!({ "unit": f.unit(unit), "period": q3(), "capaian": capaian }),
        )
        .await;
    (data(body)["distributionCheck"].clone(), statements)
}

#[tokio::test]
async fn a_crafted_spread_breaks_the_bounds_of_a_low_capaian() {
    let f = fixture().await;
    // Staff of ANL (its head H has no evaluation): 4 SANGAT_BAIK, 3 BAIK, 1 BUTUH_PERBAIKAN,
    // 1 KURANG, 1 SANGAT_KURANG.
    let (c, statements) = check(&f, "ANL", "BUTUH_PERBAIKAN").await;
    assert_eq!(c["evaluatedCount"], 10);
    assert_eq!(counts(&c["distribution"]), [4, 3, 1, 1, 1]);
    assert_eq!(c["satisfied"], false);
    assert_eq!(
        c["violations"],
        json!([
            {
                "predikat": ["BUTUH_PERBAIKAN"], "kind": "MIN", "allowedShare": 0.6,
                "allowedCount": 6, "actualCount": 1, "actualShare": 0.1,
                "rule": "at least 60% Butuh Perbaikan"
            },
            {
                "predikat": ["SANGAT_BAIK"], "kind": "MAX", "allowedShare": 0.1,
                "allowedCount": 1, "actualCount": 4, "actualShare": 0.4,
                "rule": "at most 10% Sangat Baik"
            }
        ])
    );
    assert_eq!(statements, 3);

    let (c, _) = check(&f, "ANL", "SANGAT_KURANG").await;
    let broken: Vec<(Value, Value, Value)> = c["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["predikat"].clone(),
                v["allowedCount"].clone(),
                v["actualCount"].clone(),
            )
        })
        .collect();
    assert_eq!(
        broken,
        [
            (json!(["SANGAT_KURANG"]), json!(6), json!(1)),
            (json!(["SANGAT_BAIK"]), json!(0), json!(4)),
        ]
    );
    assert_eq!(c["bounds"].as_array().unwrap().len(), 3);
    assert_eq!(
        c["bounds"][1]["satisfied"], true,
        "KURANG and/or BUTUH_PERBAIKAN: 2 ≥ 1"
    );

    for capaian in ["ISTIMEWA", "BAIK"] {
        let (c, _) = check(&f, "ANL", capaian).await;
        assert_eq!(c["satisfied"], true, "{capaian}");
        assert_eq!(c["violations"], json!([]));
    }
}

#[tokio::test]
async fn the_head_is_left_out_and_a_missing_low_predikat_is_a_violation() {
    let f = fixture().await;
    // ANL.A without its head A: a1 a2 a3 SANGAT_BAIK (a4 is a draft).
    let (c, _) = check(&f, "ANL.A", "BAIK").await;
    assert_eq!(c["evaluatedCount"], 3);
    assert_eq!(
        c["violations"],
        json!([{
            "predikat": ["BUTUH_PERBAIKAN", "KURANG"], "kind": "MIN", "allowedShare": null,
            "allowedCount": 1, "actualCount": 0, "actualShare": 0.0,
            "rule": "at least one Butuh Perbaikan and/or Kurang/Misconduct"
        }])
    );
    let (c, _) = check(&f, "ANL.A", "ISTIMEWA").await;
    let violation = &c["violations"][0];
    assert_eq!(violation["kind"], "MAX");
    assert_eq!(violation["allowedCount"], 2, "70% of 3, rounded down");
    assert_eq!(violation["actualCount"], 3);
}
