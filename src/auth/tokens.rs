//! Access tokens (short-lived JWTs, HS256 pinned) and refresh tokens
//! (random, opaque, stored only as a SHA-256 hash).

use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::config::AuthSettings;
use crate::domain::account::Role;

/// The one algorithm accepted; tokens that name another (or `none`) are refused.
const ALGORITHM: Algorithm = Algorithm::HS256;
/// Clock skew tolerated when checking `exp` and `nbf`.
const LEEWAY_SECONDS: u64 = 5;

/// What an access token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    /// The user id.
    pub sub: Uuid,
    /// The session id; revoking the session ends the token.
    pub sid: Uuid,
    pub role: Role,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

/// Why an access token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the access token has expired")]
    Expired,
    #[error("the access token is not valid")]
    Invalid,
}

/// Signs and checks access tokens.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    access_token_ttl: chrono::Duration,
}

impl TokenKeys {
    /// Keys from the configured secret.
    pub fn new(settings: &AuthSettings) -> Self {
        let secret = settings.jwt_secret.expose_secret().as_bytes();
        let mut validation = Validation::new(ALGORITHM);
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub", "nbf"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            access_token_ttl: chrono::Duration::from_std(settings.access_token_ttl)
                .unwrap_or_else(|_| chrono::Duration::minutes(15)),
        }
    }

    /// How long an access token lives, in seconds.
    pub fn access_token_ttl_seconds(&self) -> i64 {
        self.access_token_ttl.num_seconds()
    }

    /// Signs an access token for `user_id` in `session_id`.
    pub fn issue_access_token(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        role: Role,
        now: DateTime<Utc>,
    ) -> anyhow::Result<String> {
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id,
            sid: session_id,
            role,
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: (now + self.access_token_ttl).timestamp(),
        };
        encode(&Header::new(ALGORITHM), &claims, &self.encoding)
            .map_err(|error| anyhow::anyhow!("failed to sign access token: {error}"))
    }

    /// Checks signature, algorithm, issuer, audience and lifetime.
    pub fn verify_access_token(&self, token: &str) -> Result<AccessClaims, TokenError> {
        decode::<AccessClaims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|error| match error.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
    }
}

/// A new refresh token: the secret for the client and the hash to store.
pub struct RefreshToken {
    pub secret: String,
    pub hash: Vec<u8>,
}

impl RefreshToken {
    /// 256 random bits, hex-encoded.
    pub fn generate() -> Self {
        let mut bytes = [0_u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let secret = hex::encode(bytes);
        let hash = hash_refresh_token(&secret);
        RefreshToken { secret, hash }
    }
}

/// The stored form of a refresh token.
pub fn hash_refresh_token(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn keys() -> TokenKeys {
        TokenKeys::new(&AuthSettings::with_secret(SecretString::from(
            "a test secret that is long enough for hs256".to_owned(),
        )))
    }

    #[test]
    fn a_token_round_trips() {
        let keys = keys();
        let (user, session) = (Uuid::new_v4(), Uuid::new_v4());
        let token = keys
            .issue_access_token(user, session, Role::Startup, Utc::now())
            .unwrap();
        let claims = keys.verify_access_token(&token).unwrap();
        assert_eq!(
            (claims.sub, claims.sid, claims.role),
            (user, session, Role::Startup)
        );
    }

    #[test]
    fn expired_and_foreign_tokens_are_refused() {
        let keys = keys();
        let long_ago = Utc::now() - chrono::Duration::hours(2);
        let expired = keys
            .issue_access_token(Uuid::new_v4(), Uuid::new_v4(), Role::Admin, long_ago)
            .unwrap();
        assert_eq!(keys.verify_access_token(&expired), Err(TokenError::Expired));
        let other = TokenKeys::new(&AuthSettings::with_secret(SecretString::from(
            "another secret that is also long enough!!".to_owned(),
        )));
        let foreign = other
            .issue_access_token(Uuid::new_v4(), Uuid::new_v4(), Role::Admin, Utc::now())
            .unwrap();
        assert_eq!(keys.verify_access_token(&foreign), Err(TokenError::Invalid));
    }

    #[test]
    fn refresh_tokens_are_stored_hashed() {
        let token = RefreshToken::generate();
        assert_eq!(token.hash, hash_refresh_token(&token.secret));
        assert_eq!(token.hash.len(), 32);
        assert_ne!(token.secret.as_bytes(), token.hash.as_slice());
    }
}
