//! Request and response bodies of the account routes that only the API has.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::sessions::IssuedTokens;

/// Tokens after a login or refresh.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// Bearer token for `Authorization`, valid for `expires_in` seconds.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_in: i64,
    /// Use once at `/api/v1/auth/refresh` for a new pair.
    pub refresh_token: String,
    pub user_id: Uuid,
}

impl From<IssuedTokens> for TokenResponse {
    fn from(tokens: IssuedTokens) -> Self {
        TokenResponse {
            access_token: tokens.access_token,
            token_type: "Bearer".to_owned(),
            expires_in: tokens.access_expires_in_seconds,
            refresh_token: tokens.refresh_token,
            user_id: tokens.user_id,
        }
    }
}

/// A plain answer whose only content is what to do next.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageResponse {
    pub message: String,
}

/// The one answer to every well-formed registration.
pub const REGISTRATION_ANSWER: &str =
    "check your mail: it tells you how to go on (confirm your address, or log in if you have an account)";

/// A refresh token to spend.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub refresh_token: String,
}
