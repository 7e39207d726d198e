//! Who may mark a match: the party whose matches they are. A start-up marks
//! the challenges matched to its own profile; procurement marks the
//! start-ups matched to its own organisation's challenges; a ROM officer
//! marks the start-ups of its provinces matched to any challenge it sees.
//! A mark belongs to the marker's organisation, so the answer is that
//! organisation.

use uuid::Uuid;

use super::{Member, Refusal};
use crate::domain::account::Role;
use crate::domain::region::Province;

impl Member {
    /// The organisation whose mark this member puts on a challenge matched
    /// to the profile of `startup_organisation_id`.
    pub fn may_mark_challenges_for_startup(
        &self,
        startup_organisation_id: Uuid,
    ) -> Result<Uuid, Refusal> {
        match (self.role, self.organisation_id) {
            (Role::Startup, Some(own)) if own == startup_organisation_id => Ok(own),
            _ => Err(Refusal::OnlyPartiesMarkMatches),
        }
    }

    /// The organisation whose mark this member puts on a start-up in
    /// `startup_province` matched to a challenge of `challenge_organisation_id`.
    pub fn may_mark_startups_for_challenge(
        &self,
        challenge_organisation_id: Uuid,
        startup_province: Option<Province>,
    ) -> Result<Uuid, Refusal> {
        match (self.role, self.organisation_id) {
            (Role::Procurement, Some(own)) if own == challenge_organisation_id => Ok(own),
            (Role::RomOfficer, Some(own)) if self.brokers_for(startup_province) => Ok(own),
            _ => Err(Refusal::OnlyPartiesMarkMatches),
        }
    }

    /// The organisation whose matches this member's introduction moves
    /// mark (expressing interest, inviting, proposing, accepting,
    /// declining): the member's own, as an explicit mark would; none for an
    /// admin, who brokers without matches of its own.
    pub fn organisation_marked_by_moves(&self) -> Option<Uuid> {
        match self.role {
            Role::Admin => None,
            Role::Startup | Role::Procurement | Role::RomOfficer => self.organisation_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::region::Rom;

    fn member(role: Role, organisation_id: Uuid, rom: Option<Rom>) -> Member {
        Member {
            user_id: Uuid::new_v4(),
            role,
            organisation_id: Some(organisation_id),
            vetted: true,
            email_verified: true,
            rom,
        }
    }

    #[test]
    fn a_startup_marks_only_its_own_matches() {
        let company = Uuid::new_v4();
        let founder = member(Role::Startup, company, None);
        assert_eq!(
            founder.may_mark_challenges_for_startup(company),
            Ok(company)
        );
        assert!(founder
            .may_mark_challenges_for_startup(Uuid::new_v4())
            .is_err());
        assert!(founder
            .may_mark_startups_for_challenge(company, None)
            .is_err());
    }

    #[test]
    fn procurement_marks_candidates_of_its_own_challenges_and_brokers_those_of_their_provinces() {
        let ministry = Uuid::new_v4();
        let officer = member(Role::Procurement, ministry, None);
        assert_eq!(
            officer.may_mark_startups_for_challenge(ministry, None),
            Ok(ministry)
        );
        assert!(officer
            .may_mark_startups_for_challenge(Uuid::new_v4(), None)
            .is_err());
        let rom = Uuid::new_v4();
        let broker = member(Role::RomOfficer, rom, Some(Rom::OostNl));
        let own_province = Rom::OostNl.provinces()[0];
        assert_eq!(
            broker.may_mark_startups_for_challenge(ministry, Some(own_province)),
            Ok(rom)
        );
        let elsewhere = Province::ALL
            .iter()
            .copied()
            .find(|province| !Rom::OostNl.provinces().contains(province));
        assert!(broker
            .may_mark_startups_for_challenge(ministry, elsewhere)
            .is_err());
        assert!(broker.may_mark_challenges_for_startup(rom).is_err());
    }
}
