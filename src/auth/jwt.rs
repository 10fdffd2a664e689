//! JWT verification (HS256 with a shared secret, or RS256 with an identity provider's public
//! key) and issuing of development tokens.
//!
//! The validity window (`exp`, and `nbf` when present) is checked against the deployment's
//! clock ([`crate::clock::Clock`]), like every other rule that reads the time, with a leeway of
//! [`LEEWAY_SECS`] for clock skew between kinerja and the identity provider.

use std::net::SocketAddr;
use std::sync::Arc;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::clock::{Clock, SystemClock};
use crate::config::{DEV_JWT_SECRET, JwtConfig};
use crate::error::{AppError, AppResult};

/// Seconds of clock skew tolerated on `exp` and `nbf`.
pub const LEEWAY_SECS: u64 = 5;
/// Longest subject accepted; a NIP has 18 characters.
const MAX_SUBJECT_CHARS: usize = 64;

/// The claims kinerja reads: the subject's NIP and the validity window.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// NIP of the ASN the token speaks for.
    pub sub: String,
    /// Expiry, seconds since the epoch.
    pub exp: u64,
    /// Issue time, seconds since the epoch.
    #[serde(default)]
    pub iat: u64,
    /// Not valid before this time, seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
}

/// Keys for verifying (and, with a secret, signing) tokens, and the clock they read.
#[derive(Clone)]
pub struct JwtKeys {
    decoding: DecodingKey,
    encoding: Option<EncodingKey>,
    validation: Validation,
    clock: Arc<dyn Clock>,
}

impl JwtKeys {
    /// HS256 with `secret`.
    pub fn hs256(secret: &[u8]) -> Self {
        Self {
            decoding: DecodingKey::from_secret(secret),
            encoding: Some(EncodingKey::from_secret(secret)),
            validation: validation(Algorithm::HS256),
            clock: Arc::new(SystemClock),
        }
    }

    /// The same keys reading the time from `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Now, in seconds since the epoch, by these keys' clock.
    pub fn now_secs(&self) -> u64 {
        u64::try_from(self.clock.now().timestamp()).unwrap_or(0)
    }

    /// RS256 verification with a PEM public key; such keys cannot issue tokens.
    pub fn rs256(public_key_pem: &[u8]) -> AppResult<Self> {
        let decoding = DecodingKey::from_rsa_pem(public_key_pem)
            .map_err(|err| AppError::bad_input(format!("invalid RS256 public key: {err}")))?;
        Ok(Self {
            decoding,
            encoding: None,
            validation: validation(Algorithm::RS256),
            clock: Arc::new(SystemClock),
        })
    }

    /// The keys configured by `config`. Without a secret or key, the built-in development secret
    /// is used — only when `bind` is a loopback address (or absent, for CLI use), with a warning.
    pub fn from_config(config: &JwtConfig, bind: Option<SocketAddr>) -> AppResult<Self> {
        if let Some(path) = &config.jwt_public_key_file {
            let pem = std::fs::read(path).map_err(|err| {
                AppError::bad_input(format!("cannot read {}: {err}", path.display()))
            })?;
            return Self::rs256(&pem);
        }
        if let Some(secret) = &config.jwt_secret {
            if secret.len() < 32 {
                return Err(AppError::bad_input(
                    "KINERJA_JWT_SECRET must be at least 32 bytes long",
                ));
            }
            return Ok(Self::hs256(secret.as_bytes()));
        }
        match bind {
            Some(addr) if !addr.ip().is_loopback() => Err(AppError::bad_input(format!(
                "no KINERJA_JWT_SECRET or KINERJA_JWT_PUBLIC_KEY_FILE is set; the development \
                 secret is only allowed on a loopback address, not {addr}"
            ))),
            _ => {
                tracing::warn!(
                    "using the built-in development JWT secret; set KINERJA_JWT_SECRET in production"
                );
                Ok(Self::hs256(DEV_JWT_SECRET.as_bytes()))
            }
        }
    }

    /// Verifies signature and algorithm, then the validity window by the keys' clock and the
    /// subject's form; returns the claims.
    pub fn verify(&self, token: &str) -> AppResult<Claims> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|err| {
                use jsonwebtoken::errors::ErrorKind;
                let why = match err.kind() {
                    ErrorKind::InvalidSignature => "the token signature is invalid",
                    ErrorKind::InvalidAlgorithm => "the token uses a different algorithm",
                    ErrorKind::MissingRequiredClaim(_) => "the token lacks a required claim",
                    _ => "the token is malformed",
                };
                AppError::unauthenticated(why)
            })?;
        check_window(&claims, self.now_secs())?;
        check_subject(&claims.sub)?;
        Ok(claims)
    }

    /// Signs a token for `nip`, valid for `ttl_secs` seconds from now by the keys' clock.
    pub fn issue(&self, nip: &str, ttl_secs: u64) -> AppResult<String> {
        let key = self
            .encoding
            .as_ref()
            .ok_or_else(|| AppError::bad_input("tokens can only be issued with an HS256 secret"))?;
        let now = self.now_secs();
        let claims = Claims {
            sub: nip.to_owned(),
            iat: now,
            exp: now.saturating_add(ttl_secs),
            nbf: None,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, key)
            .map_err(AppError::internal)
    }
}

/// Signature, algorithm and the presence of `exp` and `sub`; the time claims are checked by
/// [`check_window`] against the deployment's clock rather than the library's system time.
fn validation(algorithm: Algorithm) -> Validation {
    let mut validation = Validation::new(algorithm);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.set_required_spec_claims(&["exp", "sub"]);
    validation
}

/// A token is valid from `nbf` (if any) until `exp`, each with [`LEEWAY_SECS`] of skew.
fn check_window(claims: &Claims, now: u64) -> AppResult<()> {
    if claims.exp.saturating_add(LEEWAY_SECS) <= now {
        return Err(AppError::unauthenticated("the token has expired"));
    }
    if claims
        .nbf
        .is_some_and(|nbf| nbf > now.saturating_add(LEEWAY_SECS))
    {
        return Err(AppError::unauthenticated("the token is not valid yet"));
    }
    Ok(())
}

/// A subject is a short printable identifier (a NIP); anything else is refused before it
/// reaches the database.
fn check_subject(sub: &str) -> AppResult<()> {
    let printable = !sub.is_empty()
        && sub.chars().count() <= MAX_SUBJECT_CHARS
        && !sub.chars().any(char::is_control);
    if printable {
        Ok(())
    } else {
        Err(AppError::unauthenticated(
            "the token's subject is malformed",
        ))
    }
}

/// The token of an `Authorization: Bearer …` header value, if it has that form.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_verify_and_expire() {
        let keys = JwtKeys::hs256(b"0123456789abcdef0123456789abcdef");
        let token = keys.issue("197501012000031001", 60).unwrap();
        assert_eq!(keys.verify(&token).unwrap().sub, "197501012000031001");

        let other = JwtKeys::hs256(b"another-secret-another-secret-!!");
        assert_eq!(
            other.verify(&token).unwrap_err().message(),
            "the token signature is invalid"
        );
        assert_eq!(
            keys.verify("abc.def").unwrap_err().message(),
            "the token is malformed"
        );
    }

    fn signed(claims: serde_json::Value) -> String {
        let key = EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef");
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap()
    }

    #[test]
    fn the_window_is_read_from_the_keys_clock() {
        let start = chrono::DateTime::parse_from_rfc3339("2026-11-28T02:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let clock = crate::clock::ManualClock::new(start);
        let keys =
            JwtKeys::hs256(b"0123456789abcdef0123456789abcdef").with_clock(Arc::new(clock.clone()));
        let now = keys.now_secs();
        assert_eq!(now, 1_795_831_200, "2026-11-28T02:00:00Z");
        let token = keys.issue("197501012000031001", 60).unwrap();
        assert!(keys.verify(&token).is_ok());
        clock.advance(chrono::Duration::seconds(60 + LEEWAY_SECS as i64));
        assert_eq!(
            keys.verify(&token).unwrap_err().message(),
            "the token has expired"
        );
        clock.advance(chrono::Duration::seconds(-1));
        assert!(keys.verify(&token).is_ok(), "within the leeway");

        let later = signed(serde_json::json!({ "sub": "197501012000031001",
            "exp": now + 3600, "nbf": now + 600 }));
        clock.set(start);
        assert_eq!(
            keys.verify(&later).unwrap_err().message(),
            "the token is not valid yet"
        );
        clock.advance(chrono::Duration::seconds(600 - LEEWAY_SECS as i64));
        assert!(
            keys.verify(&later).is_ok(),
            "valid from nbf, with the leeway"
        );
    }

    #[test]
    fn subjects_must_be_short_and_printable() {
        let keys = JwtKeys::hs256(b"0123456789abcdef0123456789abcdef");
        let exp = keys.now_secs() + 60;
        for sub in ["", "1975\u{0}0101", "a\nb", &"9".repeat(65)] {
            let token = signed(serde_json::json!({ "sub": sub, "exp": exp }));
            assert_eq!(
                keys.verify(&token).unwrap_err().message(),
                "the token's subject is malformed",
                "{sub:?}"
            );
        }
    }

    #[test]
    fn bearer_headers() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("abc"), None);
    }
}
