//! Attacks with tokens: forged algorithms, confused keys, malformed claims and oversized
//! headers. Each is `UNAUTHENTICATED` with HTTP 401 (or refused by the HTTP layer for its
//! size), and the server keeps answering.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::support::{SECRET, TestApp, codes, personas};

const RSA_PRIVATE: &str = include_str!("../../fixtures/rs256-private.pem");
const RSA_PUBLIC: &str = include_str!("../../fixtures/rs256-public.pem");

/// A token with any header and claims, signed (or not) as `signature` says.
fn forged(header: &Value, claims: &Value, signature: &[u8]) -> String {
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

fn hs256(claims: &Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

#[tokio::test]
async fn token_attacks_are_unauthenticated() {
    let app = TestApp::new().await;
    let now = app.keys.now_secs();
    let valid = json!({ "sub": personas::ADMIN, "exp": now + 600 });
    let rs256 = jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &valid,
        &EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap(),
    )
    .unwrap();
    let cases: Vec<(&str, String)> = vec![
        (
            "alg none, no signature",
            forged(&json!({ "alg": "none", "typ": "JWT" }), &valid, b""),
        ),
        (
            "alg HS256 signed with the RS256 public key (key confusion)",
            hs256(&valid, RSA_PUBLIC.as_bytes()),
        ),
        ("RS256 where HS256 is configured", rs256),
        (
            "HS512 with the right secret",
            jsonwebtoken::encode(
                &Header::new(Algorithm::HS512),
                &valid,
                &EncodingKey::from_secret(SECRET),
            )
            .unwrap(),
        ),
        ("a valid signature over claims then changed", {
            let good = hs256(&valid, SECRET);
            let mut parts: Vec<&str> = good.split('.').collect();
            let other = URL_SAFE_NO_PAD
                .encode(json!({ "sub": personas::PERAWAT, "exp": now + 600 }).to_string());
            parts[1] = &other;
            parts.join(".")
        }),
        ("no exp", hs256(&json!({ "sub": personas::ADMIN }), SECRET)),
        (
            "exp as a string",
            hs256(
                &json!({ "sub": personas::ADMIN, "exp": (now + 600).to_string() }),
                SECRET,
            ),
        ),
        (
            "expired an hour ago",
            hs256(
                &json!({ "sub": personas::ADMIN, "exp": now - 3600 }),
                SECRET,
            ),
        ),
        (
            "nbf an hour ahead",
            hs256(
                &json!({ "sub": personas::ADMIN, "exp": now + 7200, "nbf": now + 3600 }),
                SECRET,
            ),
        ),
        (
            "sub as a number",
            hs256(
                &json!({ "sub": 197501012000031001u64, "exp": now + 600 }),
                SECRET,
            ),
        ),
        (
            "sub with a NUL byte",
            hs256(
                &json!({ "sub": "19750101\u{0}2000031001", "exp": now + 600 }),
                SECRET,
            ),
        ),
        (
            "sub that is not a NIP of anyone",
            hs256(&json!({ "sub": "' OR '1'='1", "exp": now + 600 }), SECRET),
        ),
        (
            "sub of 8 KiB",
            hs256(
                &json!({ "sub": "1".repeat(8192), "exp": now + 600 }),
                SECRET,
            ),
        ),
        (
            "claims that are not even UTF-8",
            format!(
                "{}.{}.{}",
                URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
                URL_SAFE_NO_PAD.encode([0xff, 0xfe, 0x00]),
                URL_SAFE_NO_PAD.encode(b"x")
            ),
        ),
        ("one segment", "eyJhbGciOiJIUzI1NiJ9".to_owned()),
        ("four segments", format!("{}.x", hs256(&valid, SECRET))),
    ];
    for (name, token) in cases {
        let (status, body) = post(&app, &format!("Bearer {token}")).await;
        assert_eq!(status, 401, "{name}: {body}");
        assert_eq!(codes(&body), ["UNAUTHENTICATED"], "{name}: {body}");
        assert!(body["data"].is_null(), "{name}: {body}");
    }
    // A header of 1 MiB is refused by the HTTP layer, and the server keeps answering.
    let huge = format!("Bearer {}", "a".repeat(1 << 20));
    let response = reqwest::Client::new()
        .post(app.http("/graphql"))
        .header("content-type", "application/json")
        .header("authorization", huge)
        .body(r#"{"query":"{ viewer { nip } }"}"#)
        .send()
        .await;
    if let Ok(response) = response {
        assert!(response.status().is_client_error(), "{}", response.status());
    }
    let (status, body) = post(&app, &format!("Bearer {}", app.token(personas::ADMIN))).await;
    assert_eq!(
        (status, &body["data"]["viewer"]["nip"]),
        (200, &json!(personas::ADMIN))
    );
}

async fn post(app: &TestApp, authorization: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(app.http("/graphql"))
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .header("authorization", authorization)
        .body(r#"{"query":"{ viewer { nip } }"}"#)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}
