//! GraphQL over HTTP: methods, media types and status codes; the service endpoints.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, codes, personas};

async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Option<String>, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = response.text().await.unwrap();
    (
        status,
        content_type,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn post_and_get_in_both_media_types() {
    let app = TestApp::new().await;
    let client = reqwest::Client::new();
    let auth = format!("Bearer {}", app.token(personas::GURU));

    let (status, content_type, body) = send(
        client
            .post(app.http("/graphql"))
            .header("authorization", &auth)
            .header("content-type", "application/json; charset=utf-8")
            .header(
                "accept",
                "application/graphql-response+json, application/json;q=0.9",
            )
            .body(json!({ "query": "{ viewer { nip } }" }).to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        content_type.as_deref(),
        Some("application/graphql-response+json")
    );
    assert_eq!(body["data"]["viewer"]["nip"], personas::GURU);

    let (status, content_type, body) = send(
        client
            .get(app.http("/graphql"))
            .query(&[
                ("query", "query Me($n: String!) { asn(nip: $n) { nip } }"),
                ("variables", &json!({ "n": personas::ADMIN }).to_string()),
                ("operationName", "Me"),
            ])
            .header("authorization", &auth),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type.as_deref(), Some("application/json"));
    assert_eq!(body["data"]["asn"]["nip"], personas::ADMIN);
}

#[tokio::test]
async fn request_errors_get_spec_status_codes() {
    let app = TestApp::new().await;
    let client = reqwest::Client::new();
    let auth = format!("Bearer {}", app.token(personas::GURU));
    let post = |accept: &'static str, body: String| {
        client
            .post(app.http("/graphql"))
            .header("authorization", &auth)
            .header("content-type", "application/json")
            .header("accept", accept)
            .body(body)
    };
    let graphql = "application/graphql-response+json";

    // A document that does not parse: 400 with graphql-response+json, 200 with json.
    let (status, _, body) = send(post(graphql, json!({ "query": "{ viewer {" }).to_string())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(codes(&body), ["BAD_USER_INPUT"]);
    let (status, _, body) = send(post(
        "application/json",
        json!({ "query": "{ viewer {" }).to_string(),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(codes(&body), ["BAD_USER_INPUT"]);

    // A field error during execution is still a 200 with data.
    let (status, _, body) = send(post(
        graphql,
        json!({ "query": "{ viewer { nip } unit(code: \"NOPE\") { name } }" }).to_string(),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(codes(&body), ["NOT_FOUND"]);
    assert_eq!(body["data"]["viewer"]["nip"], personas::GURU);

    // Invalid JSON, a body that is not a GraphQL request, the wrong content type.
    let (status, _, body) = send(post(graphql, "{not json".to_owned())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(codes(&body), ["BAD_USER_INPUT"]);
    let (status, _, _) = send(post(graphql, json!({ "nope": 1 }).to_string())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, body) = send(
        client
            .post(app.http("/graphql"))
            .header("authorization", &auth)
            .header("content-type", "text/plain")
            .body("{ viewer { nip } }"),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(codes(&body), ["BAD_USER_INPUT"]);

    // Unacceptable Accept.
    let (status, _, _) = send(post(
        "text/html",
        json!({ "query": "{ viewer { nip } }" }).to_string(),
    ))
    .await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);

    // Too large a body.
    let huge = json!({ "query": format!("{{ viewer {{ nip }} }} #{}", "x".repeat(300 * 1024)) })
        .to_string();
    let (status, _, _) = send(post(graphql, huge)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // Anonymous access to data with graphql-response+json is 401.
    let (status, _, body) = send(
        client
            .post(app.http("/graphql"))
            .header("content-type", "application/json")
            .header("accept", graphql)
            .body(json!({ "query": "{ viewer { nip } }" }).to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(codes(&body), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn mutations_over_get_are_405() {
    let app = TestApp::new().await;
    let response = reqwest::Client::new()
        .get(app.http("/graphql"))
        .query(&[("query", "mutation { __typename }")])
        .header(
            "authorization",
            format!("Bearer {}", app.token(personas::GURU)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "POST");
}

#[tokio::test]
async fn service_endpoints() {
    let app = TestApp::new().await;
    let client = reqwest::Client::new();
    let health = client.get(app.http("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    // Ready once the database answers and the event listener is up (it starts with the app).
    let mut ready = client.get(app.http("/readyz")).send().await.unwrap();
    for _ in 0..100 {
        if ready.status() == StatusCode::OK {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        ready = client.get(app.http("/readyz")).send().await.unwrap();
    }
    assert_eq!(ready.status(), StatusCode::OK);
    let graphiql = client.get(app.http("/graphiql")).send().await.unwrap();
    assert_eq!(graphiql.status(), StatusCode::OK);
    assert!(graphiql.text().await.unwrap().contains("/graphql"));

    // One successful request shows up in the metrics.
    let _ = client
        .post(app.http("/graphql"))
        .header("content-type", "application/json")
        .body(json!({ "query": "{ __typename }" }).to_string())
        .send()
        .await
        .unwrap();
    let metrics = client
        .get(app.http("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("kinerja_graphql_requests_total{status=\"2xx\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("kinerja_db_pool_connections{state=\"max\"} 8"),
        "{metrics}"
    );
}
