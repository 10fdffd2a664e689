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

fn signed(secret: &[u8], sub: &str, exp_offset: i64) -> String {
    let now = kinerja::auth::jwt::now_secs() as i64;
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &json!({ "sub": sub, "iat": now, "exp": now + exp_offset }),
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

#[tokio::test]
async fn a_valid_token_reads_the_directory() {
    let app = TestApp::new().await;
    let token = app.token(personas::PERAWAT);
    let (status, body) = post(&app, Some(&format!("Bearer {token}")), "{ viewer { nip } }").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["viewer"]["nip"], personas::PERAWAT);
}

#[tokio::test]
async fn bad_tokens_are_refused_with_401() {
    let app = TestApp::new().await;
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
                    600
                )
            ),
            "signature",
        ),
        (
            "expired",
            format!(
                "Bearer {}",
                signed(crate::support::SECRET, personas::PERAWAT, -600)
            ),
            "expired",
        ),
        (
            "unknown subject",
            format!(
                "Bearer {}",
                signed(crate::support::SECRET, "199912312020121001", 600)
            ),
            "not an active ASN",
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
    let now = kinerja::auth::jwt::now_secs();
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &json!({ "sub": personas::GURU, "exp": now + 60 }),
        &EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap(),
    )
    .unwrap();
    assert_eq!(keys.verify(&token).unwrap().sub, personas::GURU);

    // An HS256 token is refused by an RS256 verifier, whatever its secret.
    let hs = signed(RSA_PUBLIC.as_bytes(), personas::GURU, 60);
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
