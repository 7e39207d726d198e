//! The reference data on the wire.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::readiness::Trl;
use crate::domain::region::{Landsdeel, Province, Rom};
use crate::domain::security::{AbdoLevel, ExportControlCategory};
use crate::domain::taxonomy::{Technology, TechnologySources};

/// A technology area with its labels and synonyms.
#[derive(Debug, Serialize, ToSchema)]
pub struct TechnologyView {
    pub code: Technology,
    pub label_en: &'static str,
    pub label_nl: &'static str,
    pub synonyms: Vec<&'static str>,
    pub sources: TechnologySources,
}

impl From<Technology> for TechnologyView {
    fn from(technology: Technology) -> Self {
        TechnologyView {
            code: technology,
            label_en: technology.label_en(),
            label_nl: technology.label_nl(),
            synonyms: technology.synonyms().to_vec(),
            sources: technology.sources(),
        }
    }
}

/// A province with its NUTS codes and ROM.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvinceView {
    /// ISO 3166-2:NL code.
    pub code: Province,
    pub name: &'static str,
    /// NUTS-1 code of the landsdeel.
    pub nuts1: Landsdeel,
    pub landsdeel: &'static str,
    /// NUTS-2 code, 2016 edition.
    pub nuts2_2016: &'static str,
    pub rom: Rom,
    pub rom_name: &'static str,
}

impl From<Province> for ProvinceView {
    fn from(province: Province) -> Self {
        ProvinceView {
            code: province,
            name: province.name(),
            nuts1: province.landsdeel(),
            landsdeel: province.landsdeel().name(),
            nuts2_2016: province.nuts2_2016(),
            rom: province.rom(),
            rom_name: province.rom().name(),
        }
    }
}

/// A regional development agency and its provinces.
#[derive(Debug, Serialize, ToSchema)]
pub struct RomView {
    pub code: Rom,
    pub name: &'static str,
    pub provinces: Vec<Province>,
}

impl From<Rom> for RomView {
    fn from(rom: Rom) -> Self {
        RomView {
            code: rom,
            name: rom.name(),
            provinces: rom.provinces(),
        }
    }
}

/// A technology readiness level.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrlView {
    pub level: Trl,
    pub description: &'static str,
}

/// An ABDO level of protected interest.
#[derive(Debug, Serialize, ToSchema)]
pub struct AbdoLevelView {
    pub code: AbdoLevel,
    pub name: &'static str,
}

/// An export-control category.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportControlCategoryView {
    pub category: ExportControlCategory,
    pub description: &'static str,
}

/// All reference data in one response.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxonomyView {
    pub technologies: Vec<TechnologyView>,
    pub provinces: Vec<ProvinceView>,
    pub roms: Vec<RomView>,
    pub trl_levels: Vec<TrlView>,
    pub abdo_levels: Vec<AbdoLevelView>,
    pub export_control_categories: Vec<ExportControlCategoryView>,
}

impl TaxonomyView {
    /// Everything, in canonical order.
    pub fn build() -> Self {
        TaxonomyView {
            technologies: Technology::ALL
                .iter()
                .copied()
                .map(TechnologyView::from)
                .collect(),
            provinces: Province::ALL
                .iter()
                .copied()
                .map(ProvinceView::from)
                .collect(),
            roms: Rom::ALL.iter().copied().map(RomView::from).collect(),
            trl_levels: Trl::all()
                .map(|level| TrlView {
                    level,
                    description: level.description(),
                })
                .collect(),
            abdo_levels: AbdoLevel::ALL
                .iter()
                .map(|level| AbdoLevelView {
                    code: *level,
                    name: level.name(),
                })
                .collect(),
            export_control_categories: ExportControlCategory::all()
                .map(|category| ExportControlCategoryView {
                    category,
                    description: category.description(),
                })
                .collect(),
        }
    }
}
