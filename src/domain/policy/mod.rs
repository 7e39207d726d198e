//! Who may do what: every "who may" rule of defmatch, in one place.
//!
//! The use cases in `app` ask these rules and never match on a role
//! themselves. The rules that select rows ("which challenges does this
//! viewer see", "which start-ups may this member list") are returned as
//! data ([`ChallengeScope`], [`StartupScope`], [`IntroductionScope`],
//! [`RegionScope`]), from which `db` builds its SQL and `search` its index
//! filters, so that a check of one row and a query over many cannot
//! disagree; `tests/api/policy.rs` checks that they do not, on random
//! users and challenges.
//!
//! A refusal to someone who may know that the thing exists is a
//! [`Refusal`] (403); to someone who may not, the use case answers "not
//! found", exactly like a missing thing.

//!
//! The rules are grouped by area, each with its tests: `challenges`
//! (posting, managing, seeing and questions), `startups` (profiles,
//! listing, search and candidates), `introductions` (introductions and
//! brokering) and `accounts` (users, organisations and administration).
//! This module holds who the rules are about ([`Viewer`], [`Member`]), the
//! scopes they return and the [`Refusal`].

use uuid::Uuid;

use super::account::Role;
use super::challenge::ChallengeStatus;
use super::region::{Province, Rom};
use super::security::Visibility;

mod accounts;
mod challenges;
mod imports;
mod introductions;
mod invitations;
mod marks;
mod privacy;
mod startup_notes;
mod startups;

pub use accounts::{may_sign_in_with_sso, UserChangeRequest, UserRelation};
pub use challenges::question_redacted_for;
pub use imports::{ImportReach, OutsideReach};
pub use introductions::{
    may_learn_vetting_status, may_take_part_in_introductions, notes_readable_by,
    reads_shared_notes, sees_procurement_contact, startup_access_in_introduction, CompanyAddresses,
    IntroductionBar,
};
pub use invitations::{invitation_vets, InvitationTarget};
pub use startup_notes::StartupNotesReach;
pub use startups::StartupAccess;

/// The person asking, as far as the rules care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// Nobody is logged in.
    Anonymous,
    /// A logged-in, enabled user.
    Member(Member),
}

/// A logged-in user, with what decides their rights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: Uuid,
    pub role: Role,
    pub organisation_id: Option<Uuid>,
    pub vetted: bool,
    /// Whether the person proved their e-mail address (self-registered
    /// start-ups do by the mailed link; everyone else counts as verified).
    pub email_verified: bool,
    /// The ROM a ROM officer works for.
    pub rom: Option<Rom>,
}

/// The facts about a challenge that decide who sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChallengeExposure {
    pub organisation_id: Uuid,
    pub status: ChallengeStatus,
    pub visibility: Visibility,
}

/// Which challenges a viewer sees, as data: the one rule behind
/// [`Viewer::can_see_challenge`], the SQL filter and the index filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChallengeScope {
    /// Every challenge (admins).
    Everything,
    /// Every challenge of `own_organisation`, whatever its state, and of
    /// other organisations those in one of `statuses` with one of
    /// `visibilities`.
    Restricted {
        own_organisation: Option<Uuid>,
        statuses: Vec<ChallengeStatus>,
        visibilities: Vec<Visibility>,
    },
}

impl ChallengeScope {
    /// Whether a challenge of `exposure` is in this scope.
    pub fn admits(&self, exposure: ChallengeExposure) -> bool {
        match self {
            ChallengeScope::Everything => true,
            ChallengeScope::Restricted {
                own_organisation,
                statuses,
                visibilities,
            } => {
                *own_organisation == Some(exposure.organisation_id)
                    || (statuses.contains(&exposure.status)
                        && visibilities.contains(&exposure.visibility))
            }
        }
    }
}

/// Which start-up profiles a member may list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartupScope {
    /// Every profile.
    All,
    /// Only the profile of one organisation.
    Organisation(Uuid),
    /// Profiles located in these provinces.
    Provinces(Vec<Province>),
}

/// Which introductions a member is a party to, for listing them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntroductionScope {
    /// Every introduction (admins).
    All,
    /// Those of this start-up company.
    StartupOrganisation(Uuid),
    /// Those on challenges of this defence organisation.
    ChallengeOrganisation(Uuid),
    /// Those of start-ups in these provinces (a ROM officer).
    Provinces(Vec<Province>),
}

/// The region a broker's dashboard and export cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionScope {
    /// The whole country (an admin who named no ROM).
    Country,
    /// The provinces of one ROM.
    Provinces(Vec<Province>),
}

/// How a member may search start-ups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartupSearchScope {
    /// Only start-ups of these provinces; `None` for all.
    pub within_provinces: Option<Vec<Province>>,
    /// Whether names (and the name field of the index) may be searched.
    pub names_visible: bool,
}

/// Why a rule said no, to someone who may know that the thing exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("only the party whose matches they are marks them: the start-up, the challenge's organisation or a ROM officer of the start-up's province")]
    OnlyPartiesMarkMatches,
    #[error("only procurement officers post challenges, for their own organisation")]
    OnlyProcurementPostsChallenges,
    #[error("only procurement officers of the owning organisation may change this challenge")]
    OnlyOwnerChangesChallenge,
    #[error("only start-up accounts create profiles, for their own company")]
    OnlyStartupsCreateProfiles,
    #[error("only the start-up itself may edit its profile")]
    OnlyStartupEditsProfile,
    #[error("start-ups search challenges, not other start-ups")]
    StartupsSearchChallenges,
    #[error("only the challenge's organisation, ROM officers and admins see its candidates")]
    CandidatesForOwnerAndBrokers,
    #[error("procurement officers invite start-ups to challenges of their own organisation")]
    InviteToOwnChallengesOnly,
    #[error("the pipeline is for ROM officers and admins")]
    PipelineForBrokers,
    #[error("this account belongs to no ROM")]
    NoRom,
    #[error("a ROM officer reads the pipeline of their own ROM only")]
    OwnRomOnly,
    #[error("the owning organisation answers questions; it does not ask them")]
    OwnerDoesNotAsk,
    #[error("only the owning organisation answers questions on its challenge")]
    OnlyOwnerAnswers,
    #[error("only admins may do this")]
    AdminsOnly,
    #[error("only admins may change roles or disable accounts")]
    OnlyAdminsChangeRights,
    #[error("only admins and procurement officers may vet users")]
    OnlyVettersVet,
    #[error("the calendar of deadlines is for start-up accounts")]
    CalendarForStartups,
    #[error("you may only rename yourself")]
    RenameYourselfOnly,
    #[error("admins cannot disable or demote themselves; ask another admin")]
    NoSelfDemotion,
    #[error("anonymous cards cannot be filtered by organisation")]
    NoOrganisationFilterOnAnonymousCards,
    #[error("introductions with anonymous start-ups cannot be filtered by start-up")]
    NoStartupFilterOnAnonymousCards,
    #[error("confirm your e-mail address first: open the link in the mail we sent you")]
    VerifyAddressFirst,
    #[error("only admins and ROM officers invite people")]
    InvitersOnly,
    #[error("ROM officers invite start-ups only; staff are invited by an admin")]
    RomInvitesStartupsOnly,
    #[error("ROM officers invite only start-ups of their own provinces")]
    InviteOwnProvincesOnly,
    #[error("this start-up has an account already; its people invite their colleagues")]
    StartupAlreadyClaimed,
    #[error("only admins and the person who sent an invitation may resend or revoke it")]
    OwnInvitationsOnly,
    #[error("only admins and ROM officers import files")]
    ImportersOnly,
    #[error("ROM officers import start-ups; challenges are imported by an admin")]
    RomImportsStartupsOnly,
    #[error("only ROM officers of the start-up's provinces write notes on it")]
    OnlyRomOfficersWriteStartupNotes,
}

impl Member {
    /// Whether this member may act for `organisation_id`.
    pub fn belongs_to(&self, organisation_id: Uuid) -> bool {
        self.organisation_id == Some(organisation_id)
    }

    /// The provinces a ROM officer brokers for; empty for everyone else.
    pub fn rom_provinces(&self) -> Vec<Province> {
        match (self.role, self.rom) {
            (Role::RomOfficer, Some(rom)) => rom.provinces(),
            _ => Vec::new(),
        }
    }

    /// Whether this member is an admin.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether this is a ROM officer whose provinces hold `province`.
    fn brokers_for(&self, province: Option<Province>) -> bool {
        province.is_some_and(|province| self.rom_provinces().contains(&province))
    }
}

impl Viewer {
    /// The logged-in member, if any.
    pub fn member(&self) -> Option<&Member> {
        match self {
            Viewer::Anonymous => None,
            Viewer::Member(member) => Some(member),
        }
    }
}

/// The people the rules of every area are tried on.
#[cfg(test)]
mod fixtures {
    use super::*;

    pub(super) fn member(role: Role, organisation_id: Uuid, vetted: bool) -> Member {
        Member {
            user_id: Uuid::new_v4(),
            role,
            organisation_id: Some(organisation_id),
            vetted,
            email_verified: true,
            rom: (role == Role::RomOfficer).then_some(Rom::RomInWest),
        }
    }

    pub(super) fn viewer(role: Role, organisation_id: Uuid, vetted: bool) -> Viewer {
        Viewer::Member(member(role, organisation_id, vetted))
    }

    pub(super) fn exposure(
        status: ChallengeStatus,
        visibility: Visibility,
        owner: Uuid,
    ) -> ChallengeExposure {
        ChallengeExposure {
            organisation_id: owner,
            status,
            visibility,
        }
    }
}
