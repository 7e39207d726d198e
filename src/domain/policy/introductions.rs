//! Brokering: who is a party to an introduction and on which side, who
//! may start one, who reads the pipeline, and what each party sees.

use uuid::Uuid;

use super::startups::StartupAccess;
use super::{IntroductionScope, Member, Refusal, RegionScope};
use crate::domain::account::Role;
use crate::domain::introduction::{IntroductionOrigin, Side};
use crate::domain::region::{Province, Rom};
use crate::domain::security::Visibility;

/// Why a start-up company may not be introduced to a challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntroductionBar {
    /// The challenge is `vetted` and nobody of the company is.
    NotVetted,
    /// The challenge requires ABDO clearance and the company holds none.
    WithoutClearance,
    /// The company's only accounts have not confirmed their e-mail address.
    AddressUnverified,
}

/// How far the e-mail addresses of a start-up company's accounts are confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompanyAddresses {
    /// The company has no account (a ROM imported it); its ROM speaks for it.
    NoAccounts,
    /// It has accounts and none confirmed its address.
    NoneVerified,
    /// At least one account confirmed its address.
    SomeVerified,
}

/// Whether a start-up company may take part in introductions (be
/// proposed, invited, or accept): not while its only accounts are
/// self-registered ones that never confirmed their address, since nobody
/// knows yet that the mail reaches the company.
pub fn may_take_part_in_introductions(addresses: CompanyAddresses) -> Result<(), IntroductionBar> {
    match addresses {
        CompanyAddresses::NoneVerified => Err(IntroductionBar::AddressUnverified),
        CompanyAddresses::NoAccounts | CompanyAddresses::SomeVerified => Ok(()),
    }
}

impl Member {
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
            Role::Startup if !self.email_verified => Err(Refusal::VerifyAddressFirst),
            Role::Startup => Ok(Some((IntroductionOrigin::StartupRequest, None))),
            Role::Procurement if self.belongs_to(challenge_organisation_id) => {
                Ok(Some((IntroductionOrigin::ProcurementInvitation, None)))
            }
            Role::Procurement => Err(Refusal::InviteToOwnChallengesOnly),
        }
    }

    /// Whether this member may accept introductions: a start-up account
    /// only once it confirmed its e-mail address.
    pub fn may_accept_introductions(&self) -> Result<(), Refusal> {
        if self.role == Role::Startup && !self.email_verified {
            return Err(Refusal::VerifyAddressFirst);
        }
        Ok(())
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

    /// Whether this member may list introductions of one start-up: not who
    /// sees the start-ups as anonymous cards, or an id learnt in one
    /// revealed introduction would point at the others.
    pub fn may_filter_introductions_by_startup(&self) -> Result<(), Refusal> {
        match self.role {
            Role::Procurement => Err(Refusal::NoStartupFilterOnAnonymousCards),
            Role::Admin | Role::Startup | Role::RomOfficer => Ok(()),
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
            // Whether the company's address is verified is its own fact
            // (`may_take_part_in_introductions`), not one of this principal.
            email_verified: true,
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

/// Whether `side` may be told that a start-up is barred from a challenge
/// because nobody of it is vetted. Procurement sees an anonymous card and
/// never learns a start-up's vetting status: its invitation is made, and
/// the bar is checked again when the start-up accepts, where the start-up
/// learns it of itself.
pub fn may_learn_vetting_status(side: Side) -> bool {
    side != Side::Procurement
}

/// Whether `side` reads the notes other sides shared: procurement only
/// after the reveal, since a broker's or start-up's note may name it.
pub fn reads_shared_notes(side: Side, revealed: bool) -> bool {
    side != Side::Procurement || revealed
}

/// Whose notes on an introduction a member reads: admins every note, the
/// others their own side's and the shared ones (`Some(side)`).
pub fn notes_readable_by(member: &Member, side: Side) -> Option<Side> {
    (!member.is_admin()).then_some(side)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::member;
    use super::*;
    use crate::domain::challenge::ChallengeStatus;
    use crate::domain::policy::{ChallengeExposure, Viewer};

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

    #[test]
    fn an_unverified_start_up_neither_expresses_interest_nor_accepts_nor_is_introduced() {
        let company = Uuid::new_v4();
        let mut founder = member(Role::Startup, company, false);
        founder.email_verified = false;
        assert_eq!(
            founder.may_start_introduction(None, Uuid::new_v4()),
            Err(Refusal::VerifyAddressFirst)
        );
        assert_eq!(
            founder.may_accept_introductions(),
            Err(Refusal::VerifyAddressFirst)
        );
        assert!(!founder.expresses_interest());
        founder.email_verified = true;
        assert!(founder.may_accept_introductions().is_ok());
        assert!(founder.expresses_interest());
        assert_eq!(
            may_take_part_in_introductions(CompanyAddresses::NoneVerified),
            Err(IntroductionBar::AddressUnverified)
        );
        assert!(may_take_part_in_introductions(CompanyAddresses::SomeVerified).is_ok());
        // An imported company without accounts is brokered by its ROM.
        assert!(may_take_part_in_introductions(CompanyAddresses::NoAccounts).is_ok());
    }
}
