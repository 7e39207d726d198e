//! Request bodies of the challenge routes.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::domain::challenge::ChallengeStatus;

/// A status change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChangeRequest {
    pub status: ChallengeStatus,
}
