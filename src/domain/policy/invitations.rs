//! Who may invite whom, and who may resend or revoke an invitation.

use uuid::Uuid;

use super::{Member, Refusal};
use crate::domain::account::Role;
use crate::domain::region::Province;

/// What an invitation would give, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvitationTarget {
    /// The role the invited person gets.
    pub role: Role,
    /// For a start-up invitation: the province of the company's profile,
    /// if it has a profile and a province.
    pub startup_province: Option<Province>,
    /// For a start-up invitation: whether the company has an account
    /// already (one that is not, is an imported profile to be claimed).
    pub organisation_has_members: bool,
}

impl Member {
    /// Whether this member may invite someone to `target`.
    ///
    /// - Admins invite anyone: staff of every role and start-ups.
    /// - ROM officers invite start-ups of their own provinces, and only
    ///   to claim a profile nobody holds yet: joining a company that has
    ///   an account is for its own people to arrange, or a broker could
    ///   place themselves inside a start-up.
    /// - Nobody else invites.
    pub fn may_invite(&self, target: InvitationTarget) -> Result<(), Refusal> {
        match self.role {
            Role::Admin => Ok(()),
            Role::RomOfficer => {
                if target.role != Role::Startup {
                    return Err(Refusal::RomInvitesStartupsOnly);
                }
                if !self.brokers_for(target.startup_province) {
                    return Err(Refusal::InviteOwnProvincesOnly);
                }
                if target.organisation_has_members {
                    return Err(Refusal::StartupAlreadyClaimed);
                }
                Ok(())
            }
            Role::Startup | Role::Procurement => Err(Refusal::InvitersOnly),
        }
    }

    /// Whether this member may see, resend or revoke the invitation sent
    /// by `invited_by`: admins every one, a ROM officer their own.
    pub fn may_manage_invitation(&self, invited_by: Option<Uuid>) -> Result<(), Refusal> {
        match self.role {
            Role::Admin => Ok(()),
            Role::RomOfficer if invited_by == Some(self.user_id) => Ok(()),
            Role::RomOfficer => Err(Refusal::OwnInvitationsOnly),
            Role::Startup | Role::Procurement => Err(Refusal::InvitersOnly),
        }
    }

    /// Whether this member may list invitations at all (admins all of
    /// them, ROM officers those they sent).
    pub fn may_list_invitations(&self) -> Result<(), Refusal> {
        match self.role {
            Role::Admin | Role::RomOfficer => Ok(()),
            Role::Startup | Role::Procurement => Err(Refusal::InvitersOnly),
        }
    }
}

/// Whether an account made from an invitation of `inviter_role` for
/// `role` is vetted from the start: staff an admin invited, because the
/// admin vouched for them by inviting. Start-ups are vetted by procurement
/// as before, whoever invited them.
pub fn invitation_vets(inviter_role: Role, role: Role) -> bool {
    inviter_role == Role::Admin && role != Role::Startup
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::member;
    use super::*;

    fn startup_in(province: Option<Province>, has_members: bool) -> InvitationTarget {
        InvitationTarget {
            role: Role::Startup,
            startup_province: province,
            organisation_has_members: has_members,
        }
    }

    #[test]
    fn admins_invite_anyone_and_rom_officers_only_unclaimed_start_ups_of_their_provinces() {
        let admin = member(Role::Admin, Uuid::new_v4(), true);
        // The fixtures' ROM officer works for ROM InWest (Noord-Holland).
        let officer = member(Role::RomOfficer, Uuid::new_v4(), true);
        let own = officer.rom_provinces()[0];
        let elsewhere = Province::Limburg;
        assert!(!officer.rom_provinces().contains(&elsewhere));
        for role in Role::ALL {
            let staff = InvitationTarget {
                role: *role,
                startup_province: None,
                organisation_has_members: false,
            };
            assert!(admin.may_invite(staff).is_ok());
            if *role != Role::Startup {
                assert_eq!(
                    officer.may_invite(staff),
                    Err(Refusal::RomInvitesStartupsOnly)
                );
            }
        }
        assert!(officer.may_invite(startup_in(Some(own), false)).is_ok());
        assert_eq!(
            officer.may_invite(startup_in(Some(elsewhere), false)),
            Err(Refusal::InviteOwnProvincesOnly)
        );
        assert_eq!(
            officer.may_invite(startup_in(None, false)),
            Err(Refusal::InviteOwnProvincesOnly)
        );
        assert_eq!(
            officer.may_invite(startup_in(Some(own), true)),
            Err(Refusal::StartupAlreadyClaimed)
        );
        for role in [Role::Procurement, Role::Startup] {
            let outsider = member(role, Uuid::new_v4(), true);
            assert_eq!(
                outsider.may_invite(startup_in(Some(own), false)),
                Err(Refusal::InvitersOnly)
            );
        }
    }

    #[test]
    fn rom_officers_manage_their_own_invitations_and_admins_all() {
        let admin = member(Role::Admin, Uuid::new_v4(), true);
        let officer = member(Role::RomOfficer, Uuid::new_v4(), true);
        assert!(admin.may_manage_invitation(Some(Uuid::new_v4())).is_ok());
        assert!(admin.may_manage_invitation(None).is_ok());
        assert!(officer.may_manage_invitation(Some(officer.user_id)).is_ok());
        assert_eq!(
            officer.may_manage_invitation(Some(admin.user_id)),
            Err(Refusal::OwnInvitationsOnly)
        );
        assert!(invitation_vets(Role::Admin, Role::Procurement));
        assert!(invitation_vets(Role::Admin, Role::RomOfficer));
        assert!(!invitation_vets(Role::Admin, Role::Startup));
        assert!(!invitation_vets(Role::RomOfficer, Role::Startup));
    }
}
