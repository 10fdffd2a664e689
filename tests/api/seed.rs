//! The demo data set: personas, supervisors, roles, idempotence.

use serde_json::json;

use crate::support::{TestApp, data, personas};

#[tokio::test]
async fn personas_have_their_supervisors_and_roles() {
    let app = TestApp::new().await;
    let query = "query ($nip: String!) { asn(nip: $nip) { nip position supervisor { nip } roles { role } } }";
    let expected = [
        (personas::ADMIN, None, vec!["ADMIN"]),
        (personas::KEPALA_DINKES, None, vec![]),
        (
            personas::KEPALA_PUSKESMAS,
            Some(personas::KEPALA_DINKES),
            vec![],
        ),
        (personas::PERAWAT, Some(personas::KEPALA_PUSKESMAS), vec![]),
        (personas::AUDITOR, None, vec!["INSPECTOR"]),
        (personas::ANALIS, None, vec!["ANALYST"]),
        (personas::GURU, None, vec![]),
    ];
    for (nip, supervisor, roles) in expected {
        // Read as ADMIN, who may see everyone's roles.
        let asn = data(
            app.query(personas::ADMIN, query, json!({ "nip": nip }))
                .await,
        )["asn"]
            .clone();
        assert_eq!(asn["nip"], nip);
        assert_eq!(asn["supervisor"]["nip"].as_str(), supervisor, "{nip}");
        let got: Vec<&str> = asn["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["role"].as_str().unwrap())
            .collect();
        assert_eq!(got, roles, "{nip}");
    }
}

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let app = TestApp::new().await;
    let report = kinerja::seed::demo(
        &kinerja::db::Db::new(app.pool.clone()),
        crate::support::test_now(),
    )
    .await
    .unwrap();
    assert!(report.already_present);
    let count = data(
        app.query(
            personas::GURU,
            "{ units { totalCount } asns { totalCount } }",
            json!({}),
        )
        .await,
    );
    assert_eq!(
        count["units"]["totalCount"],
        kinerja::seed::demo_data::UNITS.len()
    );
    assert_eq!(
        count["asns"]["totalCount"],
        kinerja::seed::demo_data::ASN.len()
    );
}

#[tokio::test]
async fn reviews_cover_every_status_and_both_appeal_outcomes() {
    let app = TestApp::new().await;
    let body = data(
        app.query(
            personas::ADMIN,
            "{ evaluations(first: 100) { nodes { status asn { nip } } }
               open: appeals(filter: { status: [OPEN] }) { totalCount }
               decided: appeals(filter: { status: [REJECTED, REVISED] }) { totalCount } }",
            json!({}),
        )
        .await,
    );
    let nodes = body["evaluations"]["nodes"].as_array().unwrap();
    for status in ["DRAFT", "PUBLISHED", "APPEALED", "FINAL"] {
        assert!(
            nodes.iter().any(|n| n["status"] == status),
            "no {status} evaluation: {body}"
        );
    }
    assert!(
        nodes
            .iter()
            .any(|n| n["status"] == "PUBLISHED" && n["asn"]["nip"] == personas::PERAWAT),
        "the perawat persona has a PUBLISHED evaluation"
    );
    assert_eq!(body["open"]["totalCount"], 1);
    assert_eq!(body["decided"]["totalCount"], 1);
}
