//! JWT verification (HS256 with a shared secret, or RS256 with an identity provider's public
//! key) and issuing of development tokens.

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::{DEV_JWT_SECRET, JwtConfig};
use crate::error::{AppError, AppResult};

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
}

/// Keys for verifying (and, with a secret, signing) tokens.
#[derive(Clone)]
pub struct JwtKeys {
    decoding: DecodingKey,
    encoding: Option<EncodingKey>,
    validation: Validation,
}

impl JwtKeys {
    /// HS256 with `secret`.
    pub fn hs256(secret: &[u8]) -> Self {
        Self {
            decoding: DecodingKey::from_secret(secret),
            encoding: Some(EncodingKey::from_secret(secret)),
            validation: validation(Algorithm::HS256),
        }
    }

    /// RS256 verification with a PEM public key; such keys cannot issue tokens.
    pub fn rs256(public_key_pem: &[u8]) -> AppResult<Self> {
        let decoding = DecodingKey::from_rsa_pem(public_key_pem)
            .map_err(|err| AppError::bad_input(format!("invalid RS256 public key: {err}")))?;
        Ok(Self {
            decoding,
            encoding: None,
            validation: validation(Algorithm::RS256),
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

    /// Verifies signature, algorithm and expiry; returns the claims.
    pub fn verify(&self, token: &str) -> AppResult<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|err| {
                use jsonwebtoken::errors::ErrorKind;
                let why = match err.kind() {
                    ErrorKind::ExpiredSignature => "the token has expired",
                    ErrorKind::InvalidSignature => "the token signature is invalid",
                    ErrorKind::InvalidAlgorithm => "the token uses a different algorithm",
                    ErrorKind::MissingRequiredClaim(_) => "the token lacks a required claim",
                    _ => "the token is malformed",
                };
                AppError::unauthenticated(why)
            })
    }

    /// Signs a token for `nip`, valid for `ttl_secs` seconds.
    pub fn issue(&self, nip: &str, ttl_secs: u64) -> AppResult<String> {
        let key = self
            .encoding
            .as_ref()
            .ok_or_else(|| AppError::bad_input("tokens can only be issued with an HS256 secret"))?;
        let now = now_secs();
        let claims = Claims {
            sub: nip.to_owned(),
            iat: now,
            exp: now + ttl_secs,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, key)
            .map_err(AppError::internal)
    }
}

fn validation(algorithm: Algorithm) -> Validation {
    let mut validation = Validation::new(algorithm);
    validation.leeway = 5;
    validation.validate_exp = true;
    validation.set_required_spec_claims(&["exp", "sub"]);
    validation
}

/// Seconds since the epoch.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
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

    #[test]
    fn bearer_headers() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("abc"), None);
    }
}
