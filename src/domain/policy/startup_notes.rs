//! Who reads and writes a ROM's notes on a start-up: the broker's own
//! working text, private to the ROM.

use super::{Member, Refusal};
use crate::domain::account::Role;
use crate::domain::region::{Province, Rom};

/// Whose notes on a start-up a member reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartupNotesReach {
    /// Every ROM's (admins, who may read everything).
    EveryRom,
    /// Those of this ROM only (its officers).
    OwnRom(Rom),
}

impl Member {
    /// Whose notes this member reads on the broker's page of a start-up in
    /// `province`; `None` when the page is not theirs, which answers "not
    /// found": a ROM officer beyond their provinces, and everyone but
    /// brokers.
    pub fn startup_notes_reach(&self, province: Option<Province>) -> Option<StartupNotesReach> {
        match self.role {
            Role::Admin => Some(StartupNotesReach::EveryRom),
            Role::RomOfficer if self.brokers_for(province) => {
                self.rom.map(StartupNotesReach::OwnRom)
            }
            _ => None,
        }
    }

    /// The ROM whose note this member writes on a start-up in `province`:
    /// only ROM officers of its provinces write; admins read.
    pub fn may_write_startup_note(&self, province: Option<Province>) -> Result<Rom, Refusal> {
        match self.startup_notes_reach(province) {
            Some(StartupNotesReach::OwnRom(rom)) => Ok(rom),
            _ => Err(Refusal::OnlyRomOfficersWriteStartupNotes),
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::super::fixtures::member;
    use super::*;

    #[test]
    fn a_roms_notes_are_read_by_its_officers_and_admins_and_written_by_its_officers() {
        let officer = member(Role::RomOfficer, Uuid::new_v4(), false);
        let admin = member(Role::Admin, Uuid::new_v4(), true);
        let procurement = member(Role::Procurement, Uuid::new_v4(), true);
        let founder = member(Role::Startup, Uuid::new_v4(), false);
        let own = Some(Province::NoordHolland);
        let elsewhere = Some(Province::Limburg);
        assert_eq!(
            officer.startup_notes_reach(own),
            Some(StartupNotesReach::OwnRom(Rom::RomInWest))
        );
        assert_eq!(officer.may_write_startup_note(own), Ok(Rom::RomInWest));
        assert_eq!(officer.startup_notes_reach(elsewhere), None);
        assert_eq!(officer.startup_notes_reach(None), None);
        assert_eq!(
            admin.startup_notes_reach(elsewhere),
            Some(StartupNotesReach::EveryRom)
        );
        assert!(admin.may_write_startup_note(own).is_err());
        for outsider in [procurement, founder] {
            assert_eq!(outsider.startup_notes_reach(own), None);
            assert!(outsider.may_write_startup_note(own).is_err());
        }
    }
}
