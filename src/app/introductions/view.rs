//! An introduction as each party sees it. What each side sees is decided
//! when the view is built (`app::introductions`): procurement gets an
//! anonymous start-up card and the start-up no officer's contact until
//! both sides accepted (`introduced_at`).

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::startups::StartupView;
use crate::db::introductions::{IntroductionRow, NoteRow};
use crate::domain::challenge::ChallengeStatus;
use crate::domain::introduction::{
    IntroductionAction, IntroductionOrigin, IntroductionState, Side,
};
use crate::domain::region::Rom;

/// A note.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteView {
    pub id: Uuid,
    pub side: Side,
    pub body: String,
    pub shared: bool,
    pub created_at: DateTime<Utc>,
    /// Whether the caller wrote it.
    pub mine: bool,
}

impl NoteView {
    /// The note as `caller_id` sees it.
    pub fn new(row: NoteRow, caller_id: Uuid) -> Self {
        NoteView {
            id: row.id,
            side: row.side,
            body: row.body,
            shared: row.shared,
            created_at: row.created_at,
            mine: row.author_id == Some(caller_id),
        }
    }
}

/// The challenge of an introduction. A party who may not see the challenge
/// itself (a colleague who is not vetted, for a `vetted` challenge) gets
/// its id only: the other fields are null and `visible` is false.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntroducedChallenge {
    pub id: Uuid,
    pub visible: bool,
    pub title: Option<String>,
    pub organisation_name: Option<String>,
    pub status: Option<ChallengeStatus>,
    pub closes_at: Option<DateTime<Utc>>,
}

/// A person to contact; revealed once both sides accepted.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactView {
    pub name: String,
    pub email: String,
}

/// An introduction as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntroductionView {
    pub id: Uuid,
    pub state: IntroductionState,
    pub origin: IntroductionOrigin,
    /// The ROM that brokered it, if one did.
    pub broker_rom: Option<Rom>,
    pub message: Option<String>,
    pub challenge: IntroducedChallenge,
    /// Anonymised for procurement until both sides accepted.
    pub startup: StartupView,
    /// The officer behind the challenge; null for the start-up until both
    /// sides accepted (and when the challenge has no creator on record).
    pub procurement_contact: Option<ContactView>,
    /// Whether contacts are revealed to both sides and the broker.
    pub contacts_revealed: bool,
    pub startup_accepted_at: Option<DateTime<Utc>>,
    pub procurement_accepted_at: Option<DateTime<Utc>>,
    pub introduced_at: Option<DateTime<Utc>>,
    pub meeting_held_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub declined_by: Option<Side>,
    /// Decline feedback, withdrawal reason or why there was no fit.
    pub reason: Option<String>,
    /// The side the caller acts for; null for an admin reading only.
    pub my_side: Option<Side>,
    /// What the caller may do now.
    pub allowed_actions: Vec<IntroductionAction>,
    /// The notes the caller may read.
    pub notes: Vec<NoteView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl IntroductionView {
    /// Assembles the view from what the use case loaded and decided.
    pub fn new(
        row: IntroductionRow,
        challenge: IntroducedChallenge,
        startup: StartupView,
        procurement_contact: Option<ContactView>,
        my_side: Option<Side>,
        notes: Vec<NoteView>,
    ) -> Self {
        let allowed_actions = match my_side {
            Some(side) => row.state.allowed_actions(side, row.origin),
            None => Vec::new(),
        };
        IntroductionView {
            id: row.id,
            state: row.state,
            origin: row.origin,
            broker_rom: row.broker_rom,
            message: row.message,
            challenge,
            startup,
            procurement_contact,
            contacts_revealed: row.introduced_at.is_some(),
            startup_accepted_at: row.startup_accepted_at,
            procurement_accepted_at: row.procurement_accepted_at,
            introduced_at: row.introduced_at,
            meeting_held_at: row.meeting_held_at,
            ended_at: row.ended_at,
            declined_by: row.declined_by,
            reason: row.reason,
            my_side,
            allowed_actions,
            notes,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        }
    }
}
