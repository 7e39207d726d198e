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

use std::fmt;

use uuid::Uuid;

use super::account::Role;
use super::challenge::ChallengeStatus;
use super::introduction::{IntroductionOrigin, Side};
use super::region::{Province, Rom};
use super::security::Visibility;

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
    /// The ROM a ROM officer works for.
    pub rom: Option<Rom>,
}

/// How much of a start-up profile a viewer gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartupAccess {
    /// Everything, contact details included.
    Full,
    /// An anonymous card: no name, KvK number, website or contacts.
    Anonymised,
    /// Nothing: the profile answers 404.
    Hidden,
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
    #[error("you may only rename yourself")]
    RenameYourselfOnly,
    #[error("admins cannot disable or demote themselves; ask another admin")]
    NoSelfDemotion,
}

/// What a user update asks to change, for [`Member::may_change_user`].
#[derive(Debug, Clone, Copy, Default)]
pub struct UserChangeRequest {
    pub renames: bool,
    pub new_role: Option<Role>,
    pub vets: bool,
    /// Asks to disable the account (`disabled: true`).
    pub disables: bool,
    /// Asks to enable the account (`disabled: false`): only admins touch
    /// the flag either way.
    pub enables: bool,
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

    /// The organisation a procurement officer posts challenges for.
    pub fn may_post_challenges(&self) -> Result<Uuid, Refusal> {
        match (self.role, self.organisation_id) {
            (Role::Procurement, Some(organisation_id)) => Ok(organisation_id),
            _ => Err(Refusal::OnlyProcurementPostsChallenges),
        }
    }

    /// Whether this member manages (edits, moves, deletes) the challenges
    /// of `organisation_id`.
    pub fn may_manage_challenge(&self, organisation_id: Uuid) -> Result<(), Refusal> {
        if self.is_admin() || (self.role == Role::Procurement && self.belongs_to(organisation_id)) {
            Ok(())
        } else {
            Err(Refusal::OnlyOwnerChangesChallenge)
        }
    }

    /// The start-up company a start-up account creates its profile for.
    pub fn may_create_profile(&self) -> Result<Uuid, Refusal> {
        match (self.role, self.organisation_id) {
            (Role::Startup, Some(organisation_id)) => Ok(organisation_id),
            _ => Err(Refusal::OnlyStartupsCreateProfiles),
        }
    }

    /// Whether this member may edit the profile of `startup_organisation_id`.
    pub fn may_edit_profile(&self, startup_organisation_id: Uuid) -> Result<(), Refusal> {
        if self.is_admin()
            || (self.role == Role::Startup && self.belongs_to(startup_organisation_id))
        {
            Ok(())
        } else {
            Err(Refusal::OnlyStartupEditsProfile)
        }
    }

    /// Which profiles this member may list, and whether as anonymous cards.
    pub fn startup_listing(&self) -> (StartupScope, bool) {
        match self.role {
            Role::Admin => (StartupScope::All, false),
            Role::Procurement => (StartupScope::All, true),
            Role::RomOfficer => (StartupScope::Provinces(self.rom_provinces()), false),
            // A start-up account always has an organisation; without one
            // it sees nothing rather than everything.
            Role::Startup => (
                StartupScope::Organisation(self.organisation_id.unwrap_or_else(Uuid::nil)),
                false,
            ),
        }
    }

    /// How this member may search start-ups.
    pub fn may_search_startups(&self) -> Result<StartupSearchScope, Refusal> {
        match self.role {
            Role::Admin => Ok(StartupSearchScope {
                within_provinces: None,
                names_visible: true,
            }),
            Role::Procurement => Ok(StartupSearchScope {
                within_provinces: None,
                names_visible: false,
            }),
            Role::RomOfficer => Ok(StartupSearchScope {
                within_provinces: Some(self.rom_provinces()),
                names_visible: true,
            }),
            Role::Startup => Err(Refusal::StartupsSearchChallenges),
        }
    }

    /// The provinces the candidates for a challenge of `organisation_id`
    /// may come from (`None`: anywhere). A ROM officer sees their own
    /// provinces unless `whole_country` is asked for.
    pub fn candidate_provinces(
        &self,
        organisation_id: Uuid,
        whole_country: bool,
    ) -> Result<Option<Vec<Province>>, Refusal> {
        match self.role {
            Role::Admin => Ok(None),
            Role::Procurement if self.belongs_to(organisation_id) => Ok(None),
            Role::RomOfficer if whole_country => Ok(None),
            Role::RomOfficer => Ok(Some(self.rom_provinces())),
            _ => Err(Refusal::CandidatesForOwnerAndBrokers),
        }
    }

    /// The side this member acts for in an introduction of a start-up of
    /// `startup_organisation_id` in `startup_province` to a challenge of
    /// `challenge_organisation_id`; `None` when they are no party (the
    /// introduction is then invisible to them).
    pub fn side_in_introduction(
        &self,
        startup_organisation_id: Uuid,
        startup_province: Option<Province>,
        challenge_organisation_id: Uuid,
    ) -> Option<Side> {
        match self.role {
            Role::Admin => Some(Side::Broker),
            Role::Startup => self
                .belongs_to(startup_organisation_id)
                .then_some(Side::Startup),
            Role::Procurement => self
                .belongs_to(challenge_organisation_id)
                .then_some(Side::Procurement),
            Role::RomOfficer => self.brokers_for(startup_province).then_some(Side::Broker),
        }
    }

    /// How an introduction this member starts begins, and the ROM that
    /// brokers it. `None` when the start-up is not theirs to introduce
    /// (it then reads as missing).
    pub fn may_start_introduction(
        &self,
        startup_province: Option<Province>,
        challenge_organisation_id: Uuid,
    ) -> Result<Option<(IntroductionOrigin, Option<Rom>)>, Refusal> {
        match self.role {
            Role::RomOfficer if self.brokers_for(startup_province) => {
                Ok(Some((IntroductionOrigin::Brokered, self.rom)))
            }
            Role::RomOfficer => Ok(None),
            Role::Admin => Ok(Some((
                IntroductionOrigin::Brokered,
                startup_province.map(Province::rom),
            ))),
            Role::Startup => Ok(Some((IntroductionOrigin::StartupRequest, None))),
            Role::Procurement if self.belongs_to(challenge_organisation_id) => {
                Ok(Some((IntroductionOrigin::ProcurementInvitation, None)))
            }
            Role::Procurement => Err(Refusal::InviteToOwnChallengesOnly),
        }
    }

    /// The introductions this member is a party to.
    pub fn introduction_listing(&self) -> IntroductionScope {
        // Accounts without an organisation see nothing rather than everything.
        let own = self.organisation_id.unwrap_or_else(Uuid::nil);
        match self.role {
            Role::Admin => IntroductionScope::All,
            Role::Startup => IntroductionScope::StartupOrganisation(own),
            Role::Procurement => IntroductionScope::ChallengeOrganisation(own),
            Role::RomOfficer => IntroductionScope::Provinces(self.rom_provinces()),
        }
    }

    /// The region of the dashboard and export this member may read, given
    /// the ROM they asked for; returns the ROM it is about.
    pub fn may_read_pipeline(
        &self,
        asked: Option<Rom>,
    ) -> Result<(Option<Rom>, RegionScope), Refusal> {
        match (self.role, asked) {
            (Role::Admin, None) => Ok((None, RegionScope::Country)),
            (Role::Admin, Some(rom)) => Ok((Some(rom), RegionScope::Provinces(rom.provinces()))),
            (Role::RomOfficer, asked) => {
                let own = self.rom.ok_or(Refusal::NoRom)?;
                if asked.is_some_and(|asked| asked != own) {
                    return Err(Refusal::OwnRomOnly);
                }
                Ok((Some(own), RegionScope::Provinces(own.provinces())))
            }
            _ => Err(Refusal::PipelineForBrokers),
        }
    }

    /// Whether this member may ask a question on a challenge of `organisation_id`.
    pub fn may_ask_question(&self, organisation_id: Uuid) -> Result<(), Refusal> {
        if self.belongs_to(organisation_id) {
            Err(Refusal::OwnerDoesNotAsk)
        } else {
            Ok(())
        }
    }

    /// Whether this member answers the questions on a challenge of `organisation_id`.
    pub fn may_answer_question(&self, organisation_id: Uuid) -> Result<(), Refusal> {
        if self.is_admin() || self.belongs_to(organisation_id) {
            Ok(())
        } else {
            Err(Refusal::OnlyOwnerAnswers)
        }
    }

    /// Whether this member reads every question on a challenge of
    /// `organisation_id`, unanswered ones of others included.
    pub fn reads_all_questions(&self, organisation_id: Uuid) -> bool {
        self.is_admin() || self.belongs_to(organisation_id)
    }

    /// Whether this member administers (lists and creates users and
    /// organisations, reads the audit trail and the e-mail outbox).
    pub fn may_administer(&self) -> Result<(), Refusal> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(Refusal::AdminsOnly)
        }
    }

    /// Whether this member may read the account `user_id`; to anyone else
    /// the account reads as missing.
    pub fn may_read_user(&self, user_id: Uuid) -> bool {
        self.is_admin() || self.user_id == user_id || self.role == Role::Procurement
    }

    /// Whether this member may make `change` to the account `user_id`.
    pub fn may_change_user(&self, user_id: Uuid, change: UserChangeRequest) -> Result<(), Refusal> {
        if self.is_admin() {
            let demotes = change.new_role.is_some_and(|role| role != Role::Admin);
            if self.user_id == user_id && (change.disables || demotes) {
                return Err(Refusal::NoSelfDemotion);
            }
            return Ok(());
        }
        if change.new_role.is_some() || change.disables || change.enables {
            return Err(Refusal::OnlyAdminsChangeRights);
        }
        if change.vets && self.role != Role::Procurement {
            return Err(Refusal::OnlyVettersVet);
        }
        if change.renames && self.user_id != user_id {
            return Err(Refusal::RenameYourselfOnly);
        }
        Ok(())
    }

    /// Whether this member may read the organisation `organisation_id`.
    pub fn may_read_organisation(&self, organisation_id: Uuid) -> bool {
        self.is_admin() || self.belongs_to(organisation_id)
    }

    // ---- brokering (introductions, the pipeline, notifications)

    /// The side this member starts an introduction for: a start-up
    /// expresses interest for its own company, procurement invites a
    /// start-up, ROM officers and admins propose a pair as brokers.
    pub fn introducing_side(&self) -> Side {
        match self.role {
            Role::Startup => Side::Startup,
            Role::Procurement => Side::Procurement,
            Role::RomOfficer | Role::Admin => Side::Broker,
        }
    }

    /// A start-up company as a principal: one of its own users, vetted when
    /// anyone of the company is. Its matches and the challenges it may be
    /// introduced to are seen through it.
    pub fn startup_company(organisation_id: Uuid, vetted: bool) -> Member {
        Member {
            user_id: Uuid::nil(),
            role: Role::Startup,
            organisation_id: Some(organisation_id),
            vetted,
            rom: None,
        }
    }

    /// Whether this start-up company (see [`Member::startup_company`]) may
    /// be introduced to a challenge of `visibility`: a `vetted` challenge
    /// needs someone of the company vetted, and one that requires ABDO
    /// clearance a company that `holds_clearance`.
    pub fn may_be_introduced(
        &self,
        visibility: Visibility,
        abdo_required: bool,
        holds_clearance: bool,
    ) -> Result<(), IntroductionBar> {
        if visibility == Visibility::Vetted && !self.vetted {
            return Err(IntroductionBar::NotVetted);
        }
        if abdo_required && !holds_clearance {
            return Err(IntroductionBar::WithoutClearance);
        }
        Ok(())
    }

    // ---- start-ups, matching, search, saved searches, questions

    /// Whether this member edits the content of the challenges of
    /// `organisation_id`: its own procurement officers. Admins manage a
    /// challenge (its answers, candidates and status) but do not write it.
    pub fn edits_challenges_of(&self, organisation_id: Uuid) -> bool {
        self.may_post_challenges() == Ok(organisation_id)
    }

    /// Whether this member expresses interest in challenges, for the
    /// start-up of their own company.
    pub fn expresses_interest(&self) -> bool {
        self.may_create_profile().is_ok()
    }

    /// Whether an introduction this member starts to a challenge of
    /// `challenge_organisation_id` is an invitation (its own procurement
    /// officers) rather than a broker's proposal.
    pub fn invites_to(&self, challenge_organisation_id: Uuid) -> bool {
        matches!(
            self.may_start_introduction(None, challenge_organisation_id),
            Ok(Some((IntroductionOrigin::ProcurementInvitation, _)))
        )
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

    /// The challenges this viewer sees.
    ///
    /// Admins see everything; an organisation sees all of its own; drafts
    /// are seen by nobody else; then the visibility decides: `public` for
    /// everyone, `registered` for logged-in users, `vetted` for vetted ones.
    pub fn challenge_scope(&self) -> ChallengeScope {
        let member = self.member();
        if member.is_some_and(Member::is_admin) {
            return ChallengeScope::Everything;
        }
        let mut visibilities = vec![Visibility::Public];
        if let Some(member) = member {
            visibilities.push(Visibility::Registered);
            if member.vetted {
                visibilities.push(Visibility::Vetted);
            }
        }
        ChallengeScope::Restricted {
            own_organisation: member.and_then(|member| member.organisation_id),
            statuses: ChallengeStatus::ALL
                .iter()
                .copied()
                .filter(|status| status.is_visible_outside_owner())
                .collect(),
            visibilities,
        }
    }

    /// Whether the viewer may see a challenge at all.
    pub fn can_see_challenge(&self, challenge: ChallengeExposure) -> bool {
        self.challenge_scope().admits(challenge)
    }

    /// Whether the viewer may manage a challenge of `organisation_id`.
    pub fn can_manage_challenge(&self, organisation_id: Uuid) -> bool {
        self.member()
            .is_some_and(|member| member.may_manage_challenge(organisation_id).is_ok())
    }

    /// How much of a start-up profile the viewer may see.
    pub fn startup_access(
        &self,
        startup_organisation_id: Uuid,
        province: Option<Province>,
    ) -> StartupAccess {
        let Some(member) = self.member() else {
            return StartupAccess::Hidden;
        };
        match member.role {
            Role::Admin => StartupAccess::Full,
            Role::Startup if member.belongs_to(startup_organisation_id) => StartupAccess::Full,
            Role::Startup => StartupAccess::Hidden,
            Role::RomOfficer if member.brokers_for(province) => StartupAccess::Full,
            Role::RomOfficer => StartupAccess::Hidden,
            Role::Procurement => StartupAccess::Anonymised,
        }
    }

    /// How much of a start-up the viewer sees among ranked results (search
    /// hits, candidates): like [`Viewer::startup_access`], except that a
    /// ROM officer who looks beyond their provinces sees anonymous cards.
    pub fn startup_access_in_results(
        &self,
        startup_organisation_id: Uuid,
        province: Option<Province>,
    ) -> StartupAccess {
        match self.startup_access(startup_organisation_id, province) {
            StartupAccess::Hidden
                if self
                    .member()
                    .is_some_and(|member| member.role == Role::RomOfficer) =>
            {
                StartupAccess::Anonymised
            }
            access => access,
        }
    }
}

/// How much of the start-up a party of an introduction sees: procurement
/// gets the anonymous card until both sides accepted.
pub fn startup_access_in_introduction(side: Side, revealed: bool) -> StartupAccess {
    if side == Side::Procurement && !revealed {
        StartupAccess::Anonymised
    } else {
        StartupAccess::Full
    }
}

/// Whether a party sees the procurement officer's contact: procurement
/// and admins always, the others once both sides accepted.
pub fn sees_procurement_contact(member: &Member, side: Side, revealed: bool) -> bool {
    revealed || side == Side::Procurement || member.is_admin()
}

/// Whose notes on an introduction a member reads: admins every note, the
/// others their own side's and the shared ones (`Some(side)`).
pub fn notes_readable_by(member: &Member, side: Side) -> Option<Side> {
    (!member.is_admin()).then_some(side)
}

// ---- brokering (introductions, the pipeline, notifications)

/// Why a start-up company may not be introduced to a challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntroductionBar {
    /// The challenge is `vetted` and nobody of the company is.
    NotVetted,
    /// The challenge requires ABDO clearance and the company holds none.
    WithoutClearance,
}

impl fmt::Display for StartupAccess {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            StartupAccess::Full => "full",
            StartupAccess::Anonymised => "anonymised",
            StartupAccess::Hidden => "hidden",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(role: Role, organisation_id: Uuid, vetted: bool) -> Member {
        Member {
            user_id: Uuid::new_v4(),
            role,
            organisation_id: Some(organisation_id),
            vetted,
            rom: (role == Role::RomOfficer).then_some(Rom::RomInWest),
        }
    }

    fn viewer(role: Role, organisation_id: Uuid, vetted: bool) -> Viewer {
        Viewer::Member(member(role, organisation_id, vetted))
    }

    fn exposure(status: ChallengeStatus, visibility: Visibility, owner: Uuid) -> ChallengeExposure {
        ChallengeExposure {
            organisation_id: owner,
            status,
            visibility,
        }
    }

    #[test]
    fn visibility_levels_gate_who_sees_a_challenge() {
        let owner = Uuid::new_v4();
        let other = Uuid::new_v4();
        let open = ChallengeStatus::Open;
        let anonymous = Viewer::Anonymous;
        let unvetted = viewer(Role::Startup, other, false);
        let vetted = viewer(Role::Startup, other, true);
        assert!(anonymous.can_see_challenge(exposure(open, Visibility::Public, owner)));
        assert!(!anonymous.can_see_challenge(exposure(open, Visibility::Registered, owner)));
        assert!(unvetted.can_see_challenge(exposure(open, Visibility::Registered, owner)));
        assert!(!unvetted.can_see_challenge(exposure(open, Visibility::Vetted, owner)));
        assert!(vetted.can_see_challenge(exposure(open, Visibility::Vetted, owner)));
    }

    #[test]
    fn drafts_are_seen_only_by_their_organisation_and_admins() {
        let owner = Uuid::new_v4();
        let draft = exposure(ChallengeStatus::Draft, Visibility::Public, owner);
        assert!(viewer(Role::Procurement, owner, true).can_see_challenge(draft));
        assert!(!viewer(Role::Procurement, Uuid::new_v4(), true).can_see_challenge(draft));
        assert!(viewer(Role::Admin, Uuid::new_v4(), true).can_see_challenge(draft));
        assert!(!Viewer::Anonymous.can_see_challenge(draft));
    }

    #[test]
    fn rom_officers_see_start_ups_of_their_provinces_only() {
        let officer = viewer(Role::RomOfficer, Uuid::new_v4(), false);
        let startup = Uuid::new_v4();
        assert_eq!(
            officer.startup_access(startup, Some(Province::NoordHolland)),
            StartupAccess::Full
        );
        assert_eq!(
            officer.startup_access(startup, Some(Province::Limburg)),
            StartupAccess::Hidden
        );
        assert_eq!(officer.startup_access(startup, None), StartupAccess::Hidden);
        assert_eq!(
            officer.startup_access_in_results(startup, Some(Province::Limburg)),
            StartupAccess::Anonymised
        );
        assert_eq!(
            viewer(Role::Procurement, Uuid::new_v4(), true).startup_access(startup, None),
            StartupAccess::Anonymised
        );
    }

    #[test]
    fn only_the_owners_procurement_officers_and_admins_manage_a_challenge() {
        let owner = Uuid::new_v4();
        assert!(member(Role::Procurement, owner, false)
            .may_manage_challenge(owner)
            .is_ok());
        assert_eq!(
            member(Role::Procurement, Uuid::new_v4(), false).may_manage_challenge(owner),
            Err(Refusal::OnlyOwnerChangesChallenge)
        );
        assert_eq!(
            member(Role::Startup, owner, false).may_manage_challenge(owner),
            Err(Refusal::OnlyOwnerChangesChallenge)
        );
        assert!(member(Role::Admin, Uuid::new_v4(), false)
            .may_manage_challenge(owner)
            .is_ok());
    }

    #[test]
    fn a_rom_officer_introduces_start_ups_of_their_provinces_and_procurement_invites_to_its_own_challenges(
    ) {
        let challenge_owner = Uuid::new_v4();
        let officer = member(Role::RomOfficer, Uuid::new_v4(), false);
        assert_eq!(
            officer.may_start_introduction(Some(Province::NoordHolland), challenge_owner),
            Ok(Some((IntroductionOrigin::Brokered, Some(Rom::RomInWest))))
        );
        assert_eq!(
            officer.may_start_introduction(Some(Province::Limburg), challenge_owner),
            Ok(None)
        );
        assert_eq!(
            member(Role::Procurement, Uuid::new_v4(), false)
                .may_start_introduction(None, challenge_owner),
            Err(Refusal::InviteToOwnChallengesOnly)
        );
        assert_eq!(
            member(Role::Procurement, challenge_owner, false)
                .may_start_introduction(None, challenge_owner),
            Ok(Some((IntroductionOrigin::ProcurementInvitation, None)))
        );
    }

    #[test]
    fn procurement_sees_the_card_until_both_sides_accept() {
        assert_eq!(
            startup_access_in_introduction(Side::Procurement, false),
            StartupAccess::Anonymised
        );
        assert_eq!(
            startup_access_in_introduction(Side::Procurement, true),
            StartupAccess::Full
        );
        assert_eq!(
            startup_access_in_introduction(Side::Broker, false),
            StartupAccess::Full
        );
    }

    // ---- start-ups, matching, search, saved searches, questions

    #[test]
    fn the_owners_officers_edit_and_invite_while_start_ups_express_interest() {
        let owner = Uuid::new_v4();
        let officer = member(Role::Procurement, owner, false);
        assert!(officer.edits_challenges_of(owner));
        assert!(officer.invites_to(owner));
        assert!(!officer.edits_challenges_of(Uuid::new_v4()));
        assert!(!officer.invites_to(Uuid::new_v4()));
        assert!(!officer.expresses_interest());
        let admin = member(Role::Admin, Uuid::new_v4(), true);
        assert!(!admin.edits_challenges_of(owner));
        assert!(!admin.invites_to(owner));
        let broker = member(Role::RomOfficer, Uuid::new_v4(), false);
        assert!(!broker.invites_to(owner));
        let founder = member(Role::Startup, Uuid::new_v4(), false);
        assert!(founder.expresses_interest());
        assert!(!founder.edits_challenges_of(owner));
    }

    #[test]
    fn admins_cannot_demote_or_disable_themselves_and_others_only_rename_themselves() {
        let admin = member(Role::Admin, Uuid::new_v4(), true);
        let demote = UserChangeRequest {
            new_role: Some(Role::Procurement),
            ..UserChangeRequest::default()
        };
        assert_eq!(
            admin.may_change_user(admin.user_id, demote),
            Err(Refusal::NoSelfDemotion)
        );
        assert!(admin.may_change_user(Uuid::new_v4(), demote).is_ok());
        let startup = member(Role::Startup, Uuid::new_v4(), false);
        let rename = UserChangeRequest {
            renames: true,
            ..UserChangeRequest::default()
        };
        assert!(startup.may_change_user(startup.user_id, rename).is_ok());
        assert_eq!(
            startup.may_change_user(Uuid::new_v4(), rename),
            Err(Refusal::RenameYourselfOnly)
        );
    }

    // ---- brokering (introductions, the pipeline, notifications)

    #[test]
    fn each_role_starts_an_introduction_for_its_own_side() {
        let organisation = Uuid::new_v4();
        assert_eq!(
            member(Role::Startup, organisation, false).introducing_side(),
            Side::Startup
        );
        assert_eq!(
            member(Role::Procurement, organisation, false).introducing_side(),
            Side::Procurement
        );
        assert_eq!(
            member(Role::RomOfficer, organisation, false).introducing_side(),
            Side::Broker
        );
        assert_eq!(
            member(Role::Admin, organisation, false).introducing_side(),
            Side::Broker
        );
    }

    #[test]
    fn a_start_up_company_is_introduced_to_what_it_may_see_and_is_cleared_for() {
        let unvetted = Member::startup_company(Uuid::new_v4(), false);
        let vetted = Member::startup_company(Uuid::new_v4(), true);
        assert_eq!(
            unvetted.may_be_introduced(Visibility::Registered, false, false),
            Ok(())
        );
        assert_eq!(
            unvetted.may_be_introduced(Visibility::Vetted, false, true),
            Err(IntroductionBar::NotVetted)
        );
        assert_eq!(
            vetted.may_be_introduced(Visibility::Vetted, false, false),
            Ok(())
        );
        assert_eq!(
            vetted.may_be_introduced(Visibility::Public, true, false),
            Err(IntroductionBar::WithoutClearance)
        );
        assert_eq!(
            vetted.may_be_introduced(Visibility::Public, true, true),
            Ok(())
        );
        let company = Viewer::Member(vetted);
        let exposure = ChallengeExposure {
            organisation_id: Uuid::new_v4(),
            status: ChallengeStatus::Open,
            visibility: Visibility::Vetted,
        };
        assert!(company.can_see_challenge(exposure));
    }

    // ---- users, organisations and audit

    #[test]
    fn only_admins_touch_the_disabled_flag_and_procurement_officers_vet() {
        let admin = member(Role::Admin, Uuid::new_v4(), true);
        let enable = UserChangeRequest {
            enables: true,
            ..UserChangeRequest::default()
        };
        let disable = UserChangeRequest {
            disables: true,
            ..UserChangeRequest::default()
        };
        // Enabling oneself changes nothing and is no demotion.
        assert!(admin.may_change_user(admin.user_id, enable).is_ok());
        assert_eq!(
            admin.may_change_user(admin.user_id, disable),
            Err(Refusal::NoSelfDemotion)
        );
        let officer = member(Role::Procurement, Uuid::new_v4(), true);
        let other = Uuid::new_v4();
        for change in [enable, disable] {
            assert_eq!(
                officer.may_change_user(other, change),
                Err(Refusal::OnlyAdminsChangeRights)
            );
        }
        let vet = UserChangeRequest {
            vets: true,
            ..UserChangeRequest::default()
        };
        assert!(officer.may_change_user(other, vet).is_ok());
        assert_eq!(
            member(Role::RomOfficer, Uuid::new_v4(), true).may_change_user(other, vet),
            Err(Refusal::OnlyVettersVet)
        );
    }

    #[test]
    fn admins_administer_and_members_read_their_own_organisation_only() {
        let organisation = Uuid::new_v4();
        let founder = member(Role::Startup, organisation, false);
        assert_eq!(founder.may_administer(), Err(Refusal::AdminsOnly));
        assert!(founder.may_read_organisation(organisation));
        assert!(!founder.may_read_organisation(Uuid::new_v4()));
        assert!(founder.may_read_user(founder.user_id));
        assert!(!founder.may_read_user(Uuid::new_v4()));
        let admin = member(Role::Admin, Uuid::new_v4(), true);
        assert!(admin.may_administer().is_ok());
        assert!(admin.may_read_organisation(organisation));
        assert!(member(Role::Procurement, Uuid::new_v4(), true).may_read_user(founder.user_id));
    }
}
