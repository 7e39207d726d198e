//! Who may see what. Every read of a challenge or a start-up profile asks
//! these rules, and the database filters in `db` mirror them.

use uuid::Uuid;

use super::account::Role;
use super::challenge::ChallengeStatus;
use super::region::{Province, Rom};
use super::security::Visibility;

/// The person asking, as far as access rules care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// Nobody is logged in.
    Anonymous,
    /// A logged-in, enabled user.
    Member(Member),
}

/// A logged-in user, with what decides their access.
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
#[derive(Debug, Clone, Copy)]
pub struct ChallengeExposure {
    pub organisation_id: Uuid,
    pub status: ChallengeStatus,
    pub visibility: Visibility,
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
}

impl Viewer {
    /// The logged-in member, if any.
    pub fn member(&self) -> Option<&Member> {
        match self {
            Viewer::Anonymous => None,
            Viewer::Member(member) => Some(member),
        }
    }

    /// Whether the viewer may see a challenge at all.
    ///
    /// Admins and the owning organisation see everything of their own;
    /// drafts are seen by nobody else; then visibility decides.
    pub fn can_see_challenge(&self, challenge: ChallengeExposure) -> bool {
        if let Some(member) = self.member() {
            if member.is_admin() || member.belongs_to(challenge.organisation_id) {
                return true;
            }
        }
        if !challenge.status.is_visible_outside_owner() {
            return false;
        }
        match challenge.visibility {
            Visibility::Public => true,
            Visibility::Registered => self.member().is_some(),
            Visibility::Vetted => self.member().is_some_and(|member| member.vetted),
        }
    }

    /// Whether the viewer may edit a challenge of `organisation_id`.
    pub fn can_edit_challenge(&self, organisation_id: Uuid) -> bool {
        self.member().is_some_and(|member| {
            member.is_admin()
                || (member.role == Role::Procurement && member.belongs_to(organisation_id))
        })
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
            Role::RomOfficer => match province {
                Some(province) if member.rom_provinces().contains(&province) => StartupAccess::Full,
                _ => StartupAccess::Hidden,
            },
            Role::Procurement => StartupAccess::Anonymised,
        }
    }

    /// Whether the viewer may edit the profile of a start-up organisation.
    pub fn can_edit_startup(&self, startup_organisation_id: Uuid) -> bool {
        self.member().is_some_and(|member| {
            member.is_admin()
                || (member.role == Role::Startup && member.belongs_to(startup_organisation_id))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(role: Role, organisation_id: Uuid, vetted: bool) -> Viewer {
        Viewer::Member(Member {
            user_id: Uuid::new_v4(),
            role,
            organisation_id: Some(organisation_id),
            vetted,
            rom: (role == Role::RomOfficer).then_some(Rom::RomInWest),
        })
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
        let unvetted = member(Role::Startup, other, false);
        let vetted = member(Role::Startup, other, true);
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
        assert!(member(Role::Procurement, owner, true).can_see_challenge(draft));
        assert!(!member(Role::Procurement, Uuid::new_v4(), true).can_see_challenge(draft));
        assert!(member(Role::Admin, Uuid::new_v4(), true).can_see_challenge(draft));
        assert!(!Viewer::Anonymous.can_see_challenge(draft));
    }

    #[test]
    fn rom_officers_see_start_ups_of_their_provinces_only() {
        let officer = member(Role::RomOfficer, Uuid::new_v4(), false);
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
            member(Role::Procurement, Uuid::new_v4(), true).startup_access(startup, None),
            StartupAccess::Anonymised
        );
    }
}
