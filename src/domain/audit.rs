//! What the audit trail records: the actions that must be accountable
//! afterwards (who logged in, who was given which rights, who read what is
//! confidential, who was revealed to whom, what left the system).

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
    }
}

text_enum! {
    /// What an audited action was done to.
    pub enum AuditSubject {
        User => "user",
        Challenge => "challenge",
        Introduction => "introduction",
        Export => "export",
    }
}
