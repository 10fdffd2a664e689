//! Token handling over HTTP: missing, malformed, wrong signature, expired, unknown subject,
//! RS256, and what anonymous callers may do.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, codes, personas};

async fn post(app: &TestApp, authorization: Option<&str>, query: &str) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new()
        .post(app.http("/graphql"))
        .header("content-type", "application/json")
        .json(&json!({ "query": query }));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// A token for `sub` valid until `exp_offset` seconds after `now`, with `extra` claims.
fn signed_with(secret: &[u8], sub: &str, now: u64, exp_offset: i64, extra: Value) -> String {
    let now = now as i64;
    let mut claims = json!({ "sub": sub, "iat": now, "exp": now + exp_offset });
    if let (Some(claims), Some(extra)) = (claims.as_object_mut(), extra.as_object()) {
        claims.extend(extra.clone());
    }
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

fn signed(secret: &[u8], sub: &str, now: u64, exp_offset: i64) -> String {
    signed_with(secret, sub, now, exp_offset, json!({}))
}

#[tokio::test]
async fn a_valid_token_reads_the_directory() {
    let app = TestApp::new().await;
    // Issued and verified by the app's clock, which stands days before the machine's: a
    // token checked against the machine's clock would have expired.
    let token = app.token(personas::PERAWAT);
    let (status, body) = post(&app, Some(&format!("Bearer {token}")), "{ viewer { nip } }").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["viewer"]["nip"], personas::PERAWAT);
}

#[tokio::test]
async fn bad_tokens_are_refused_with_401() {
    let app = TestApp::new().await;
    // The app's clock, not the machine's, decides a token's validity window.
    let now = app.keys.now_secs();
    let secret = crate::support::SECRET;
    let cases = [
        (
            "malformed",
            "Bearer not.a.jwt".to_owned(),
            "the token is malformed",
        ),
        (
            "wrong scheme",
            format!("Basic {}", app.token(personas::PERAWAT)),
            "Bearer",
        ),
        (
            "wrong signature",
            format!(
                "Bearer {}",
                signed(
                    b"another-secret-another-secret-another",
                    personas::PERAWAT,
                    now,
                    600
                )
            ),
            "signature",
        ),
        (
            "expired",
            format!("Bearer {}", signed(secret, personas::PERAWAT, now, -600)),
            "expired",
        ),
        (
            "not valid yet",
            format!(
                "Bearer {}",
                signed_with(
                    secret,
                    personas::PERAWAT,
                    now,
                    7200,
                    json!({ "nbf": now + 3600 })
                )
            ),
            "not valid yet",
        ),
        (
            "unknown subject",
            format!("Bearer {}", signed(secret, "199912312020121001", now, 600)),
            "not an active ASN",
        ),
        (
            "a NUL byte in the subject",
            format!(
                "Bearer {}",
                signed(secret, "19920724\u{0}2019032004", now, 600)
            ),
            "subject is malformed",
        ),
        (
            "a subject of 4 KiB",
            format!("Bearer {}", signed(secret, &"1".repeat(4096), now, 600)),
            "subject is malformed",
        ),
    ];
    for (case, header, message) in cases {
        let (status, body) = post(&app, Some(&header), "{ viewer { nip } }").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{case}");
        assert_eq!(codes(&body), ["UNAUTHENTICATED"], "{case}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(message),
            "{case}: {body}"
        );
        assert!(body["data"].is_null(), "{case}");
    }
}

#[tokio::test]
async fn anonymous_callers_may_only_introspect() {
    let app = TestApp::new().await;
    let (status, body) = post(&app, None, "{ __typename __schema { queryType { name } } }").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");

    for query in [
        "{ viewer { nip } }",
        "{ __typename units { totalCount } }",
        "{ ...F } fragment F on Query { asns { totalCount } }",
        "{ ... on Query { node(id: \"QXNuOjE\") { id } } }",
    ] {
        let (status, body) = post(&app, None, query).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert_eq!(codes(&body), ["UNAUTHENTICATED"], "{query}");
        assert!(body["data"].is_null(), "{query}");
    }
}

const RSA_PRIVATE: &str = include_str!("../fixtures/rs256-private.pem");
const RSA_PUBLIC: &str = include_str!("../fixtures/rs256-public.pem");

#[test]
fn rs256_tokens_from_an_identity_provider_verify() {
    let keys = kinerja::auth::jwt::JwtKeys::rs256(RSA_PUBLIC.as_bytes()).unwrap();
    let now = keys.now_secs();
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &json!({ "sub": personas::GURU, "exp": now + 60 }),
        &EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap(),
    )
    .unwrap();
    assert_eq!(keys.verify(&token).unwrap().sub, personas::GURU);

    // An HS256 token is refused by an RS256 verifier, whatever its secret.
    let hs = signed(RSA_PUBLIC.as_bytes(), personas::GURU, now, 60);
    assert_eq!(
        keys.verify(&hs).unwrap_err().code().as_str(),
        "UNAUTHENTICATED"
    );
    // Such keys cannot issue tokens.
    assert!(keys.issue(personas::GURU, 60).is_err());
}

#[test]
fn the_development_secret_needs_a_loopback_address() {
    let config = kinerja::config::JwtConfig {
        jwt_secret: None,
        jwt_public_key_file: None,
    };
    assert!(
        kinerja::auth::jwt::JwtKeys::from_config(&config, Some("127.0.0.1:8080".parse().unwrap()))
            .is_ok()
    );
    assert!(
        kinerja::auth::jwt::JwtKeys::from_config(&config, Some("0.0.0.0:8080".parse().unwrap()))
            .is_err()
    );
    let short = kinerja::config::JwtConfig {
        jwt_secret: Some("short".into()),
        jwt_public_key_file: None,
    };
    assert!(kinerja::auth::jwt::JwtKeys::from_config(&short, None).is_err());
}
