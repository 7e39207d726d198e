//! How much of a start-up a viewer sees, who may create and edit a
//! profile, and how start-ups are listed, searched and matched.

use std::fmt;

use uuid::Uuid;

use super::{Member, Refusal, StartupScope, StartupSearchScope, Viewer};
use crate::domain::account::Role;
use crate::domain::region::Province;

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

impl fmt::Display for StartupAccess {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            StartupAccess::Full => "full",
            StartupAccess::Anonymised => "anonymised",
            StartupAccess::Hidden => "hidden",
        })
    }
}

impl Member {
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

    /// Whether this member may list the start-ups of one organisation: not
    /// who sees anonymous cards, or a user's organisation would point at a
    /// card.
    pub fn may_filter_startups_by_organisation(&self) -> Result<(), Refusal> {
        match self.startup_listing() {
            (_, true) => Err(Refusal::NoOrganisationFilterOnAnonymousCards),
            (_, false) => Ok(()),
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
}

impl Viewer {
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

    /// Whether this viewer sees every start-up only as an anonymous card
    /// (procurement), and so must name one by a card's handle, never an id.
    pub fn sees_startups_as_cards_only(&self) -> bool {
        self.member()
            .is_some_and(|member| member.role == Role::Procurement)
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

#[cfg(test)]
mod tests {
    use super::super::fixtures::viewer;
    use super::*;

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
}
