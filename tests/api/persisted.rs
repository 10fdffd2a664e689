//! Automatic persisted queries: register by text and hash, then run by hash alone, on any
//! instance; the usual rules still apply to a document sent by hash.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, codes, personas};

const QUERY: &str = "{ viewer { nip } }";

pub fn persisted(query: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": kinerja::graphql::persisted::sha256_hex(query) } })
}

pub async fn post(base: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn get(base: &str, token: &str, query: &str, extensions: Value) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .get(format!("{base}/graphql"))
        .query(&[("query", query), ("extensions", &extensions.to_string())])
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_query_registered_once_runs_by_hash_on_every_instance() {
    let app = TestApp::new().await;
    let token = app.token(personas::GURU);
    let base = &app.http("");
    let by_hash = json!({ "extensions": persisted(QUERY) });

    let (status, body) = post(base, Some(&token), by_hash.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(codes(&body), ["PERSISTED_QUERY_NOT_FOUND"]);
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");

    let (status, body) = post(
        base,
        Some(&token),
        json!({ "query": QUERY, "extensions": persisted(QUERY) }),
    )
    .await;
    assert_eq!(
        (status, &body["data"]["viewer"]["nip"]),
        (StatusCode::OK, &json!(personas::GURU))
    );
    assert!(body["extensions"]["cost"].is_object(), "{body}");

    let (_, body) = post(base, Some(&token), by_hash).await;
    assert_eq!(body["data"]["viewer"]["nip"], personas::GURU, "{body}");
    let (_, body) = get(base, &token, "", persisted(QUERY)).await;
    assert_eq!(body["data"]["viewer"]["nip"], personas::GURU, "{body}");

    let other = format!("http://{}", app.second_instance().await);
    let (_, body) = get(&other, &token, "", persisted(QUERY)).await;
    assert_eq!(body["data"]["viewer"]["nip"], personas::GURU, "{body}");
}

#[tokio::test]
async fn wrong_hashes_versions_and_anonymous_registrations() {
    let app = TestApp::new().await;
    let token = app.token(personas::GURU);
    let base = &app.http("");

    let (status, body) = post(
        base,
        Some(&token),
        json!({ "query": QUERY, "extensions": persisted("{ viewer { name } }") }),
    )
    .await;
    assert_eq!(
        (status, codes(&body)),
        (StatusCode::BAD_REQUEST, vec!["BAD_USER_INPUT".to_owned()])
    );

    let (_, body) = post(
        base,
        Some(&token),
        json!({ "query": QUERY, "extensions": { "persistedQuery": { "version": 2, "sha256Hash": "00" } } }),
    )
    .await;
    assert_eq!(codes(&body), ["BAD_USER_INPUT"]);

    // An anonymous caller may send a hash along, but its documents are not kept.
    let introspection = "{ __typename }";
    let (_, body) = post(
        base,
        None,
        json!({ "query": introspection, "extensions": persisted(introspection) }),
    )
    .await;
    assert_eq!(body["data"]["__typename"], "Query", "{body}");
    let (_, body) = post(
        base,
        None,
        json!({ "extensions": persisted(introspection) }),
    )
    .await;
    assert_eq!(codes(&body), ["PERSISTED_QUERY_NOT_FOUND"]);
}

#[tokio::test]
async fn a_mutation_sent_by_hash_over_get_is_refused() {
    let app = TestApp::new().await;
    let token = app.token(personas::GURU);
    let base = &app.http("");
    // Registered with POST; it fails for this viewer, but the document is kept.
    let mutation = r#"mutation { publishEvaluation(id: "RXZhbHVhdGlvbjox") { id } }"#;
    post(
        base,
        Some(&token),
        json!({ "query": mutation, "extensions": persisted(mutation) }),
    )
    .await;
    let (status, body) = get(base, &token, "", persisted(mutation)).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
}

#[tokio::test]
async fn persisted_queries_are_pruned_after_their_retention() {
    let app = TestApp::new().await;
    let token = app.token(personas::GURU);
    let base = &app.http("");
    post(
        base,
        Some(&token),
        json!({ "query": QUERY, "extensions": persisted(QUERY) }),
    )
    .await;
    let by_hash = json!({ "extensions": persisted(QUERY) });
    let db = kinerja::db::Db::new(app.pool.clone());
    let prune = |at| kinerja::graphql::persisted::prune(&db, at, 30);
    // Registered at the app's clock; kept for exactly 30 days after it.
    let registered = app.clock_now();
    let boundary = registered + chrono::Duration::days(30);
    assert_eq!(prune(boundary).await.unwrap(), 0, "kept up to the boundary");
    let (_, body) = post(base, Some(&token), by_hash.clone()).await;
    assert_eq!(body["data"]["viewer"]["nip"], personas::GURU, "{body}");

    assert_eq!(
        prune(boundary + chrono::Duration::seconds(1))
            .await
            .unwrap(),
        1,
        "gone a second after"
    );
    let (_, body) = post(base, Some(&token), by_hash).await;
    assert_eq!(codes(&body), ["PERSISTED_QUERY_NOT_FOUND"]);
}
