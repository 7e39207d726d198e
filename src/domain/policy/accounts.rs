//! Who may administer, and read and change users and organisations.

use uuid::Uuid;

use super::{Member, Refusal};
use crate::domain::account::Role;

/// How the account asked for stands to the reader, for [`Member::may_read_user`].
#[derive(Debug, Clone, Copy, Default)]
pub struct UserRelation {
    /// The account's organisation.
    pub organisation_id: Option<Uuid>,
    /// The reader's organisation and the account's are the two sides of
    /// an introduction that was revealed (both accepted).
    pub revealed_party: bool,
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

/// Whether an account of `role` may sign in through the identity provider
/// with a verified address in `address_domain`: staff only (procurement
/// officers, ROM officers, admins; start-ups register and use passwords),
/// and only when that is the domain their organisation allows
/// (`allowed_domain`; for admins, who belong to none, the configured admin
/// domain). Without an allowed domain nobody signs in that way.
pub fn may_sign_in_with_sso(
    role: Role,
    allowed_domain: Option<&str>,
    address_domain: &str,
) -> bool {
    role != Role::Startup
        && allowed_domain.is_some_and(|allowed| allowed.eq_ignore_ascii_case(address_domain))
}

impl Member {
    /// Whether this member administers (lists and creates users and
    /// organisations, reads the audit trail and the e-mail outbox).
    pub fn may_administer(&self) -> Result<(), Refusal> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(Refusal::AdminsOnly)
        }
    }

    /// Whether this member may read the account `user_id`: its owner, its
    /// organisation's colleagues, admins, and after a reveal the other side
    /// of that introduction. To anyone else the account reads as missing,
    /// so that an id names nobody.
    pub fn may_read_user(&self, user_id: Uuid, relation: UserRelation) -> bool {
        self.is_admin()
            || self.user_id == user_id
            || relation
                .organisation_id
                .is_some_and(|organisation_id| self.belongs_to(organisation_id))
            || relation.revealed_party
    }

    /// Whether this member may reach the account `user_id` to make
    /// `change`: who may read it, and procurement officers who only vet
    /// (vetting start-ups is theirs to do; they know the account's id from
    /// the vetting request).
    pub fn may_reach_user_for_change(
        &self,
        user_id: Uuid,
        relation: UserRelation,
        change: UserChangeRequest,
    ) -> bool {
        self.may_read_user(user_id, relation)
            || (self.role == Role::Procurement
                && change.vets
                && !change.renames
                && change.new_role.is_none()
                && !change.disables
                && !change.enables)
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
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::member;
    use super::*;

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
        let stranger = UserRelation {
            organisation_id: Some(Uuid::new_v4()),
            revealed_party: false,
        };
        let colleague = UserRelation {
            organisation_id: Some(organisation),
            revealed_party: false,
        };
        assert!(founder.may_read_user(founder.user_id, colleague));
        assert!(founder.may_read_user(Uuid::new_v4(), colleague));
        assert!(!founder.may_read_user(Uuid::new_v4(), stranger));
        let admin = member(Role::Admin, Uuid::new_v4(), true);
        assert!(admin.may_administer().is_ok());
        assert!(admin.may_read_organisation(organisation));
        let procurement = member(Role::Procurement, Uuid::new_v4(), true);
        assert!(!procurement.may_read_user(founder.user_id, stranger));
        let revealed = UserRelation {
            revealed_party: true,
            ..stranger
        };
        assert!(procurement.may_read_user(founder.user_id, revealed));
    }

    #[test]
    fn staff_sign_in_with_sso_only_within_their_organisations_domain() {
        assert!(may_sign_in_with_sso(
            Role::Procurement,
            Some("mindef.example"),
            "MinDef.example"
        ));
        assert!(may_sign_in_with_sso(
            Role::RomOfficer,
            Some("rom.example"),
            "rom.example"
        ));
        assert!(may_sign_in_with_sso(
            Role::Admin,
            Some("ops.example"),
            "ops.example"
        ));
        assert!(!may_sign_in_with_sso(
            Role::Procurement,
            Some("mindef.example"),
            "evil.example"
        ));
        assert!(!may_sign_in_with_sso(
            Role::Procurement,
            None,
            "mindef.example"
        ));
        assert!(!may_sign_in_with_sso(
            Role::Startup,
            Some("startup.example"),
            "startup.example"
        ));
    }
}
