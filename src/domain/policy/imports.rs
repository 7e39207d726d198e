//! Who may import which records from a file (the import page): admins
//! import start-ups and challenges, and may let an import create unknown
//! defence organisations; a ROM officer imports start-ups of their own
//! ROM's provinces only. Challenges belong to defence organisations and are
//! posted by their procurement officers, so a broker does not import them
//! (docs/brokering.md: ROM officers know the start-ups of their provinces).
//! The province rule is checked per row, on the preview and again when the
//! import is confirmed.

use super::{Member, Refusal};
use crate::domain::account::Role;
use crate::domain::region::{Province, Rom};

/// Which start-ups an import may write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ImportReach {
    /// Any start-up (admins, and the command line).
    #[default]
    Everywhere,
    /// Only start-ups located in the provinces of this ROM.
    ProvincesOf(Rom),
}

/// A start-up row outside the provinces an import may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OutsideReach {
    #[error("province: {} ({}) is outside the provinces of {} ({}); a ROM officer imports start-ups of their own provinces only", .province.name(), .province.as_str(), .rom.name(), provinces_of(.rom))]
    Province { province: Province, rom: Rom },
    #[error("province: the row names no province; a ROM officer imports start-ups of the provinces of {} ({}) only", .rom.name(), provinces_of(.rom))]
    NoProvince { rom: Rom },
    #[error("external_id: this external id is a start-up in {} ({}), outside the provinces of {}", .province.name(), .province.as_str(), .rom.name())]
    StoredElsewhere { province: Province, rom: Rom },
}

fn provinces_of(rom: &Rom) -> String {
    rom.provinces()
        .iter()
        .map(|province| province.name())
        .collect::<Vec<_>>()
        .join(", ")
}

impl ImportReach {
    /// Whether a start-up row located in `province` may be written.
    pub fn admits_startup_in(self, province: Option<Province>) -> Result<(), OutsideReach> {
        let ImportReach::ProvincesOf(rom) = self else {
            return Ok(());
        };
        match province {
            Some(province) if province.rom() == rom => Ok(()),
            Some(province) => Err(OutsideReach::Province { province, rom }),
            None => Err(OutsideReach::NoProvince { rom }),
        }
    }

    /// Whether the stored start-up a row would update, located in
    /// `stored_province`, may be changed: a broker may not overwrite (and so
    /// move into their region) a start-up of another region.
    pub fn admits_stored_startup_in(
        self,
        stored_province: Option<Province>,
    ) -> Result<(), OutsideReach> {
        let ImportReach::ProvincesOf(rom) = self else {
            return Ok(());
        };
        match stored_province {
            Some(province) if province.rom() != rom => {
                Err(OutsideReach::StoredElsewhere { province, rom })
            }
            _ => Ok(()),
        }
    }
}

impl Member {
    /// Whether this member may import start-ups, and which.
    pub fn may_import_startups(&self) -> Result<ImportReach, Refusal> {
        match (self.role, self.rom) {
            (Role::Admin, _) => Ok(ImportReach::Everywhere),
            (Role::RomOfficer, Some(rom)) => Ok(ImportReach::ProvincesOf(rom)),
            (Role::RomOfficer, None) => Err(Refusal::NoRom),
            _ => Err(Refusal::ImportersOnly),
        }
    }

    /// Whether this member may import challenges (admins only).
    pub fn may_import_challenges(&self) -> Result<(), Refusal> {
        match self.role {
            Role::Admin => Ok(()),
            Role::RomOfficer => Err(Refusal::RomImportsStartupsOnly),
            _ => Err(Refusal::ImportersOnly),
        }
    }

    /// Whether an import by this member may create the defence
    /// organisations its rows name that do not exist (admins only).
    pub fn may_create_organisations_by_import(&self) -> Result<(), Refusal> {
        match self.role {
            Role::Admin => Ok(()),
            _ => Err(Refusal::AdminsOnly),
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn member(role: Role, rom: Option<Rom>) -> Member {
        Member {
            user_id: Uuid::new_v4(),
            role,
            organisation_id: Some(Uuid::new_v4()),
            vetted: true,
            email_verified: true,
            rom,
        }
    }

    #[test]
    fn admins_import_anything_and_rom_officers_start_ups_of_their_provinces() {
        let admin = member(Role::Admin, None);
        assert_eq!(admin.may_import_startups(), Ok(ImportReach::Everywhere));
        assert_eq!(admin.may_import_challenges(), Ok(()));
        assert_eq!(admin.may_create_organisations_by_import(), Ok(()));

        let broker = member(Role::RomOfficer, Some(Rom::Bom));
        let reach = broker
            .may_import_startups()
            .expect("a broker imports start-ups");
        assert_eq!(reach, ImportReach::ProvincesOf(Rom::Bom));
        assert_eq!(
            reach.admits_startup_in(Some(Province::NoordBrabant)),
            Ok(())
        );
        assert_eq!(
            reach.admits_startup_in(Some(Province::Utrecht)),
            Err(OutsideReach::Province {
                province: Province::Utrecht,
                rom: Rom::Bom
            })
        );
        assert!(reach.admits_startup_in(None).is_err());
        assert!(reach
            .admits_stored_startup_in(Some(Province::Utrecht))
            .is_err());
        assert_eq!(
            reach.admits_stored_startup_in(Some(Province::NoordBrabant)),
            Ok(())
        );
        assert_eq!(
            broker.may_import_challenges(),
            Err(Refusal::RomImportsStartupsOnly)
        );
        assert!(broker.may_create_organisations_by_import().is_err());
        assert_eq!(
            member(Role::RomOfficer, None).may_import_startups(),
            Err(Refusal::NoRom)
        );
    }

    #[test]
    fn procurement_and_start_ups_import_nothing() {
        for role in [Role::Procurement, Role::Startup] {
            let someone = member(role, None);
            assert_eq!(someone.may_import_startups(), Err(Refusal::ImportersOnly));
            assert_eq!(someone.may_import_challenges(), Err(Refusal::ImportersOnly));
        }
    }

    #[test]
    fn the_reason_names_the_province() {
        let reason = ImportReach::ProvincesOf(Rom::Bom)
            .admits_startup_in(Some(Province::Utrecht))
            .expect_err("outside")
            .to_string();
        assert!(reason.contains("Utrecht (NL-UT)"), "{reason}");
        assert!(reason.contains("Noord-Brabant"), "{reason}");
    }

    #[test]
    fn everywhere_admits_every_row() {
        assert_eq!(ImportReach::Everywhere.admits_startup_in(None), Ok(()));
        assert_eq!(
            ImportReach::Everywhere.admits_stored_startup_in(Some(Province::Utrecht)),
            Ok(())
        );
    }
}
