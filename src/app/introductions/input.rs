//! What a party asks of an introduction: to start one, to move it on, to
//! add a note. The API reads these from JSON; the pages build them from forms.

use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::introduction::{IntroductionAction, Outcome};
use crate::domain::startup::StartupRef;

/// A request to start an introduction. Who asks decides how it starts:
/// a ROM officer (or an admin) proposes one for a start-up of their
/// provinces, a start-up expresses interest (for itself; `startup_id` may
/// be left out), a procurement officer invites a start-up to a challenge of
/// their organisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIntroductionRequest {
    pub challenge_id: Uuid,
    /// The start-up's id, or for procurement (who sees cards only) the
    /// handle of its card (`card-…`).
    #[schema(value_type = Option<String>)]
    pub startup_id: Option<StartupRef>,
    /// Why this pair should meet; shown to both sides.
    #[schema(max_length = 4000)]
    pub message: Option<String>,
}

/// A request to move an introduction on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    pub action: IntroductionAction,
    /// For `record_outcome` only.
    pub outcome: Option<Outcome>,
    /// Feedback with `decline` (shared with the other side), the reason of
    /// `withdraw`, and required with the outcome `no_fit`.
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// A new note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNoteRequest {
    #[schema(
        min_length = 1,
        max_length = 4000,
        pattern = r"[^\s\x00-\x1f\x7f-\x9f]"
    )]
    pub body: String,
    /// Shared notes are read by every party; others only by the author's side.
    #[serde(default)]
    pub shared: bool,
}
