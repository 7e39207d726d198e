//! What the audit trail records: the actions that must be accountable
//! afterwards (who logged in, who was given which rights, who read what is
//! confidential, who was revealed to whom, what left the system).

use super::policy::{ChallengeExposure, Viewer};
use super::security::Visibility;
use crate::text_enum;

text_enum! {
    /// An audited action; mirrored by the CHECK constraint on `audit_events.action`.
    pub enum AuditAction {
        Login => "login",
        LoginFailed => "login_failed",
        RoleChanged => "role_changed",
        UserVetted => "user_vetted",
        UserUnvetted => "user_unvetted",
        UserDisabled => "user_disabled",
        UserEnabled => "user_enabled",
        /// A `vetted` challenge was read by someone outside its organisation.
        VettedChallengeViewed => "vetted_challenge_viewed",
        IntroductionStateChanged => "introduction_state_changed",
        /// Contact details of one side were shown to the other.
        ContactRevealed => "contact_revealed",
        Export => "export",
        /// The password was set through an e-mailed reset link.
        PasswordReset => "password_reset",
        /// The account holder changed the password.
        PasswordChanged => "password_changed",
        /// An invitation was made and its mail queued.
        InvitationSent => "invitation_sent",
        /// An invitation got a new link and expiry; the old link died.
        InvitationResent => "invitation_resent",
        /// An invitation was withdrawn before it was accepted.
        InvitationRevoked => "invitation_revoked",
        /// An invitation was accepted and its account created.
        InvitationAccepted => "invitation_accepted",
        /// The account holder downloaded all of the account's data.
        PersonalDataExported => "personal_data_exported",
        /// The account holder erased the account.
        AccountErased => "account_erased",
        /// A match was marked interesting or not relevant (private to the organisation).
        MatchMarked => "match_marked",
        /// A match's mark was taken back.
        MatchUnmarked => "match_unmarked",
        /// A file was imported from the import page (counts, kind, file name).
        Import => "import",
        /// A challenge was moved through its lifecycle (from, to).
        ChallengeStatusChanged => "challenge_status_changed",
    }
}

text_enum! {
    /// What an audited action was done to.
    pub enum AuditSubject {
        User => "user",
        Challenge => "challenge",
        Introduction => "introduction",
        Export => "export",
        Invitation => "invitation",
        /// A file uploaded on the import page.
        Import => "import",
    }
}

/// Whether `viewer` reading `challenge` must leave a `vetted_challenge_viewed`
/// event: a `vetted` challenge read by anyone outside the owning organisation.
/// Admins are included on purpose: they may read everything, which is exactly
/// why their reads must be accountable.
pub fn is_audited_challenge_read(viewer: &Viewer, challenge: ChallengeExposure) -> bool {
    let is_owner = viewer
        .member()
        .is_some_and(|member| member.belongs_to(challenge.organisation_id));
    challenge.visibility == Visibility::Vetted && !is_owner
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::domain::account::Role;
    use crate::domain::challenge::ChallengeStatus;
    use crate::domain::policy::Member;

    fn exposure(organisation_id: Uuid, visibility: Visibility) -> ChallengeExposure {
        ChallengeExposure {
            organisation_id,
            status: ChallengeStatus::Open,
            visibility,
        }
    }

    fn member(role: Role, organisation_id: Option<Uuid>) -> Viewer {
        Viewer::Member(Member {
            user_id: Uuid::new_v4(),
            role,
            organisation_id,
            vetted: true,
            email_verified: true,
            rom: None,
        })
    }

    #[test]
    fn only_reads_of_vetted_challenges_from_outside_the_owner_are_audited() {
        let owner = Uuid::new_v4();
        let vetted = exposure(owner, Visibility::Vetted);
        let founder = member(Role::Startup, Some(Uuid::new_v4()));
        let admin = member(Role::Admin, None);
        let own_officer = member(Role::Procurement, Some(owner));
        assert!(is_audited_challenge_read(&founder, vetted));
        assert!(is_audited_challenge_read(&admin, vetted));
        assert!(!is_audited_challenge_read(&own_officer, vetted));
        for visibility in [Visibility::Public, Visibility::Registered] {
            assert!(!is_audited_challenge_read(
                &founder,
                exposure(owner, visibility)
            ));
        }
    }
}
