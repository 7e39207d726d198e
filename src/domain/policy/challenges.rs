//! Who may post, manage and see challenges, and ask and answer the
//! questions on them.

use uuid::Uuid;

use super::{ChallengeExposure, ChallengeScope, Member, Refusal, Viewer};
use crate::domain::account::Role;
use crate::domain::challenge::ChallengeStatus;
use crate::domain::introduction::IntroductionOrigin;
use crate::domain::security::Visibility;

impl Member {
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

    /// Whether this member may ask a question on a challenge of `organisation_id`.
    pub fn may_ask_question(&self, organisation_id: Uuid) -> Result<(), Refusal> {
        if self.belongs_to(organisation_id) {
            Err(Refusal::OwnerDoesNotAsk)
        } else {
            Ok(())
        }
    }

    /// The start-up company a question of this member must not name
    /// ([`question_redacted_for`]).
    pub fn question_redacted_for(&self) -> Option<Uuid> {
        question_redacted_for(self.role, self.organisation_id)
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

    // ---- what a member does on a challenge: write it, invite to it,
    // express interest in it

    /// Whether this member edits the content of the challenges of
    /// `organisation_id`: its own procurement officers. Admins manage a
    /// challenge (its answers, candidates and status) but do not write it.
    pub fn edits_challenges_of(&self, organisation_id: Uuid) -> bool {
        self.may_post_challenges() == Ok(organisation_id)
    }

    /// Whether this member expresses interest in challenges, for the
    /// start-up of their own company.
    pub fn expresses_interest(&self) -> bool {
        self.may_create_profile().is_ok() && self.email_verified
    }

    /// Whether this is a start-up account that would express interest once
    /// it confirmed its e-mail address.
    pub fn awaits_address_verification(&self) -> bool {
        self.may_create_profile().is_ok() && !self.email_verified
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
}

/// The start-up company a question asked by someone of `role` in
/// `organisation_id` must not name: a start-up's question is read by
/// procurement before any introduction, and by everyone who sees the
/// challenge once it is answered, so it is redacted like the company's card.
pub fn question_redacted_for(role: Role, organisation_id: Option<Uuid>) -> Option<Uuid> {
    match (role, organisation_id) {
        (Role::Startup, Some(company)) => Some(company),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{exposure, member, viewer};
    use super::*;

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
}
