//! Ranked matches as a reader sees them: each result with why it fits.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::challenges::ChallengeView;
use crate::app::startups::StartupView;
use crate::domain::mark::Mark;
use crate::domain::taxonomy::Technology;
use crate::search::ranking::MatchExplanation;

/// A challenge that fits, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChallengeMatch {
    pub challenge: ChallengeView,
    pub explanation: MatchExplanation,
    /// The caller's organisation's mark on this match; null when unmarked.
    pub mark: Option<Mark>,
}

/// Challenges that fit, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChallengeMatches {
    pub items: Vec<ChallengeMatch>,
    /// The lowest fit listed (0 to 100): `min_fit`, or the default.
    pub min_fit: u8,
    /// Matches among the `limit` best left out for a fit below `min_fit`.
    pub below_min_fit: usize,
}

/// A start-up that could solve the challenge, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct StartupMatch {
    pub startup: StartupView,
    pub explanation: MatchExplanation,
    /// The live introduction of this start-up to the challenge, if there
    /// is one: the caller is a party to it (it is their challenge, or they
    /// broker for the start-up's province).
    pub live_introduction_id: Option<Uuid>,
    /// Whether the caller may introduce this pair now (invite or propose):
    /// the rules `app::introductions::start` checks, so that a page offers
    /// only a move that succeeds.
    pub may_introduce: bool,
    /// The caller's organisation's mark on this match; null when unmarked.
    pub mark: Option<Mark>,
}

/// Start-ups that could solve a challenge, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct StartupMatches {
    pub items: Vec<StartupMatch>,
    /// The lowest fit listed (0 to 100): `min_fit`, or the default.
    pub min_fit: u8,
    /// Matches among the `limit` best left out for a fit below `min_fit`.
    pub below_min_fit: usize,
}

/// What a draft profile would match.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchPreview {
    /// Codes the text suggests, when the draft names none.
    pub suggested_technologies: Vec<Technology>,
    pub items: Vec<ChallengeMatch>,
    /// The lowest fit listed (0 to 100): `min_fit`, or the default.
    pub min_fit: u8,
    /// Matches among the `limit` best left out for a fit below `min_fit`.
    pub below_min_fit: usize,
}
