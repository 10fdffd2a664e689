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

fn measured(body: &serde_json::Value) -> (Option<&str>, Option<u64>, Option<u64>) {
    let ext = &body["errors"][0]["extensions"];
    (
        ext["measure"].as_str(),
        ext["limit"].as_u64(),
        ext["actual"].as_u64(),
    )
}

#[tokio::test]
async fn too_many_root_fields_or_aliases_are_refused() {
    let app = TestApp::with_limits(Limits {
        max_root_fields: 3,
        max_aliases: 4,
        ..Limits::default()
    })
    .await;
    // Three root fields, one through a fragment: accepted.
    data(
        app.query(
            personas::GURU,
            "{ viewer { nip } a: viewer { nip } ...F } fragment F on Query { b: viewer { nip } }",
            json!({}),
        )
        .await,
    );
    let (body, statements) = app
        .run(
            Some(personas::GURU),
            "{ viewer { nip } a: viewer { nip } ...F } fragment F on Query { b: viewer { nip } c: viewer { nip } }",
            json!({}),
        )
        .await;
    assert_eq!(codes(&body), ["QUERY_TOO_COMPLEX"]);
    assert_eq!(measured(&body), (Some("root fields"), Some(3), Some(4)));
    assert_eq!(statements, 1, "only the viewer lookup ran");

    let aliases = "{ viewer { a: nip b: nip c: name d: name e: name } }";
    let body = app.query(personas::GURU, aliases, json!({})).await;
    assert_eq!(codes(&body), ["QUERY_TOO_COMPLEX"]);
    assert_eq!(measured(&body), (Some("aliases"), Some(4), Some(5)));
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = TestApp::with_limits(Limits {
        max_body_bytes: 1000,
        ..Limits::default()
    })
    .await;
    let post = |query: String| {
        reqwest::Client::new()
            .post(app.http("/graphql"))
            .bearer_auth(app.token(personas::GURU))
            .header("content-type", "application/json")
            .body(json!({ "query": query }).to_string())
            .send()
    };
    let small = post("{ viewer { nip } }".to_owned()).await.unwrap();
    assert_eq!(small.status(), 200);
    let padding = " ".repeat(1000);
    let large = post(format!("{{ viewer {{ nip }} }}{padding}"))
        .await
        .unwrap();
    assert_eq!(large.status(), 413);
    let body: serde_json::Value = large.json().await.unwrap();
    assert_eq!(codes(&body), ["QUERY_TOO_COMPLEX"]);
    let (measure, limit, actual) = measured(&body);
    assert_eq!((measure, limit), (Some("body bytes"), Some(1000)));
    assert!(actual.unwrap() > 1000, "{body}");
}
