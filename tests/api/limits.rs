//! Depth and complexity limits, and the cost reported on accepted queries.

use kinerja::config::Limits;
use serde_json::json;

use crate::support::{TestApp, codes, data, personas};

#[tokio::test]
async fn accepted_queries_report_their_cost() {
    let app = TestApp::new().await;
    let body = app
        .query(
            personas::GURU,
            "{ viewer { name unit { name } } }",
            json!({}),
        )
        .await;
    let cost = &body["extensions"]["cost"];
    assert_eq!(cost["depth"], 3);
    assert!(cost["complexity"].as_u64().unwrap() >= 4);
    assert_eq!(cost["maxDepth"], Limits::default().max_depth);
}

#[tokio::test]
async fn too_deep_queries_are_refused() {
    let app = TestApp::with_limits(Limits {
        max_depth: 4,
        ..Limits::default()
    })
    .await;
    let ok = app
        .query(
            personas::GURU,
            "{ viewer { unit { parent { name } } } }",
            json!({}),
        )
        .await;
    data(ok);
    let deep = app
        .query(
            personas::GURU,
            "{ viewer { unit { parent { parent { name } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(codes(&deep), ["QUERY_TOO_COMPLEX"]);
    let ext = &deep["errors"][0]["extensions"];
    assert_eq!(
        (
            ext["limit"].as_u64(),
            ext["actual"].as_u64(),
            ext["measure"].as_str()
        ),
        (Some(4), Some(5), Some("depth"))
    );
    assert!(deep["data"].is_null());
}

#[tokio::test]
async fn complex_queries_are_refused_before_running() {
    let app = TestApp::new().await;
    // 100 units × 100 ASN × 100 subordinates: far beyond the default complexity limit.
    let q = "{ units(first: 100) { edges { node { asns(first: 100) { edges { node {
              subordinates(first: 100) { edges { node { name } } } } } } } } } }";
    let (body, statements) = app.run(Some(personas::GURU), q, json!({})).await;
    assert_eq!(codes(&body), ["QUERY_TOO_COMPLEX"]);
    assert_eq!(body["errors"][0]["extensions"]["measure"], "complexity");
    assert_eq!(statements, 1, "only the viewer lookup ran");
}

#[tokio::test]
async fn malformed_documents_are_bad_input() {
    let app = TestApp::new().await;
    for query in [
        "{ viewer { ",
        "{ nosuchfield }",
        "query ($x: Int) { viewer { name } }",
        "{ viewer }",
    ] {
        let body = app.query(personas::GURU, query, json!({})).await;
        assert_eq!(codes(&body), ["BAD_USER_INPUT"], "{query}: {body}");
    }
}
