//! Provinces, their NUTS codes and the regional development agencies (ROMs)
//! that cover them. The ISO 3166-2:NL code is the stable key of a province;
//! NUTS codes are attributes (NUTS-2 as of 2016, before the 2019
//! Vijfheerenlanden change renumbered Utrecht and Zuid-Holland).

use crate::text_enum;

text_enum! {
    /// A Dutch province, keyed by its ISO 3166-2:NL code.
    pub enum Province {
        Groningen => "NL-GR",
        Friesland => "NL-FR",
        Drenthe => "NL-DR",
        Overijssel => "NL-OV",
        Gelderland => "NL-GE",
        Flevoland => "NL-FL",
        Utrecht => "NL-UT",
        NoordHolland => "NL-NH",
        ZuidHolland => "NL-ZH",
        Zeeland => "NL-ZE",
        NoordBrabant => "NL-NB",
        Limburg => "NL-LI",
    }
}

text_enum! {
    /// A regional development agency (regionale ontwikkelingsmaatschappij).
    pub enum Rom {
        Nom => "nom",
        OostNl => "oost-nl",
        HorizonFlevoland => "horizon-flevoland",
        RomUtrechtRegion => "rom-utrecht-region",
        RomInWest => "rom-inwest",
        InnovationQuarter => "innovationquarter",
        ImpulsZeeland => "impuls-zeeland",
        Bom => "bom",
        Liof => "liof",
    }
}

text_enum! {
    /// A landsdeel: the NUTS-1 grouping of provinces.
    pub enum Landsdeel {
        NoordNederland => "NL1",
        OostNederland => "NL2",
        WestNederland => "NL3",
        ZuidNederland => "NL4",
    }
}

impl Province {
    /// The province's name.
    pub fn name(self) -> &'static str {
        match self {
            Province::Groningen => "Groningen",
            Province::Friesland => "Friesland (Fryslân)",
            Province::Drenthe => "Drenthe",
            Province::Overijssel => "Overijssel",
            Province::Gelderland => "Gelderland",
            Province::Flevoland => "Flevoland",
            Province::Utrecht => "Utrecht",
            Province::NoordHolland => "Noord-Holland",
            Province::ZuidHolland => "Zuid-Holland",
            Province::Zeeland => "Zeeland",
            Province::NoordBrabant => "Noord-Brabant",
            Province::Limburg => "Limburg",
        }
    }

    /// NUTS-2 code (2016 edition).
    pub fn nuts2_2016(self) -> &'static str {
        match self {
            Province::Groningen => "NL11",
            Province::Friesland => "NL12",
            Province::Drenthe => "NL13",
            Province::Overijssel => "NL21",
            Province::Gelderland => "NL22",
            Province::Flevoland => "NL23",
            Province::Utrecht => "NL31",
            Province::NoordHolland => "NL32",
            Province::ZuidHolland => "NL33",
            Province::Zeeland => "NL34",
            Province::NoordBrabant => "NL41",
            Province::Limburg => "NL42",
        }
    }

    /// The landsdeel (NUTS-1) the province lies in.
    pub fn landsdeel(self) -> Landsdeel {
        match self {
            Province::Groningen | Province::Friesland | Province::Drenthe => {
                Landsdeel::NoordNederland
            }
            Province::Overijssel | Province::Gelderland | Province::Flevoland => {
                Landsdeel::OostNederland
            }
            Province::Utrecht
            | Province::NoordHolland
            | Province::ZuidHolland
            | Province::Zeeland => Landsdeel::WestNederland,
            Province::NoordBrabant | Province::Limburg => Landsdeel::ZuidNederland,
        }
    }

    /// The ROM whose area holds the province.
    pub fn rom(self) -> Rom {
        match self {
            Province::Groningen | Province::Friesland | Province::Drenthe => Rom::Nom,
            Province::Overijssel | Province::Gelderland => Rom::OostNl,
            Province::Flevoland => Rom::HorizonFlevoland,
            Province::Utrecht => Rom::RomUtrechtRegion,
            Province::NoordHolland => Rom::RomInWest,
            Province::ZuidHolland => Rom::InnovationQuarter,
            Province::Zeeland => Rom::ImpulsZeeland,
            Province::NoordBrabant => Rom::Bom,
            Province::Limburg => Rom::Liof,
        }
    }
}

impl Rom {
    /// The agency's name.
    pub fn name(self) -> &'static str {
        match self {
            Rom::Nom => "NOM",
            Rom::OostNl => "Oost NL",
            Rom::HorizonFlevoland => "Horizon Flevoland",
            Rom::RomUtrechtRegion => "ROM Utrecht Region",
            Rom::RomInWest => "ROM InWest",
            Rom::InnovationQuarter => "InnovationQuarter",
            Rom::ImpulsZeeland => "Impuls Zeeland",
            Rom::Bom => "BOM",
            Rom::Liof => "LIOF",
        }
    }

    /// The provinces this ROM covers.
    pub fn provinces(self) -> Vec<Province> {
        Province::ALL
            .iter()
            .copied()
            .filter(|province| province.rom() == self)
            .collect()
    }
}

impl Landsdeel {
    /// The landsdeel's name.
    pub fn name(self) -> &'static str {
        match self {
            Landsdeel::NoordNederland => "Noord-Nederland",
            Landsdeel::OostNederland => "Oost-Nederland",
            Landsdeel::WestNederland => "West-Nederland",
            Landsdeel::ZuidNederland => "Zuid-Nederland",
        }
    }
}

/// An ISO 3166-1 alpha-2 country code, in upper case.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[serde(try_from = "String", into = "String")]
#[diesel(sql_type = diesel::sql_types::Text)]
pub struct CountryCode(String);

crate::sql_newtype!(CountryCode, diesel::sql_types::Text, String, String);

/// The country code of the Netherlands.
pub const NETHERLANDS: &str = "NL";

impl CountryCode {
    /// The Netherlands.
    pub fn netherlands() -> Self {
        CountryCode(NETHERLANDS.to_owned())
    }

    /// The two upper-case letters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is the Netherlands.
    pub fn is_netherlands(&self) -> bool {
        self.0 == NETHERLANDS
    }
}

impl TryFrom<String> for CountryCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        let is_two_letters =
            value.len() == 2 && value.bytes().all(|byte| byte.is_ascii_alphabetic());
        if !is_two_letters {
            return Err(format!(
                "`{value}` is not an ISO 3166-1 alpha-2 country code"
            ));
        }
        Ok(CountryCode(value.to_ascii_uppercase()))
    }
}

impl From<CountryCode> for String {
    fn from(code: CountryCode) -> Self {
        code.0
    }
}

text_enum! {
    /// How close two places are, from the same province down to abroad.
    /// The order of the members is the order of proximity.
    pub enum RegionRelation {
        SameProvince => "same_province",
        SameRomArea => "same_rom_area",
        SameLandsdeel => "same_landsdeel",
        ElsewhereInNetherlands => "elsewhere_in_nl",
        Abroad => "abroad",
    }
}

impl RegionRelation {
    /// Relation between a start-up's location and one province a challenge prefers.
    pub fn between(startup_province: Option<Province>, wanted: Province) -> RegionRelation {
        let Some(province) = startup_province else {
            return RegionRelation::Abroad;
        };
        if province == wanted {
            RegionRelation::SameProvince
        } else if province.rom() == wanted.rom() {
            RegionRelation::SameRomArea
        } else if province.landsdeel() == wanted.landsdeel() {
            RegionRelation::SameLandsdeel
        } else {
            RegionRelation::ElsewhereInNetherlands
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rom_covers_at_least_one_province_and_each_province_one_rom() {
        let mut covered = 0;
        for rom in Rom::ALL {
            let provinces = rom.provinces();
            assert!(!provinces.is_empty(), "{rom}");
            covered += provinces.len();
        }
        assert_eq!(covered, Province::ALL.len());
        assert_eq!(
            Rom::Nom.provinces(),
            vec![Province::Groningen, Province::Friesland, Province::Drenthe]
        );
        assert_eq!(
            Rom::OostNl.provinces(),
            vec![Province::Overijssel, Province::Gelderland]
        );
    }

    #[test]
    fn nuts_codes_follow_the_landsdeel() {
        for province in Province::ALL {
            assert!(province
                .nuts2_2016()
                .starts_with(province.landsdeel().as_str()));
        }
    }

    #[test]
    fn region_relations_are_ordered_by_proximity() {
        use Province::*;
        assert_eq!(
            RegionRelation::between(Some(NoordHolland), NoordHolland),
            RegionRelation::SameProvince
        );
        assert_eq!(
            RegionRelation::between(Some(Gelderland), Overijssel),
            RegionRelation::SameRomArea
        );
        assert_eq!(
            RegionRelation::between(Some(Flevoland), Overijssel),
            RegionRelation::SameLandsdeel
        );
        assert_eq!(
            RegionRelation::between(Some(Limburg), Groningen),
            RegionRelation::ElsewhereInNetherlands
        );
        assert_eq!(
            RegionRelation::between(None, Groningen),
            RegionRelation::Abroad
        );
        assert!(RegionRelation::SameProvince < RegionRelation::Abroad);
    }

    #[test]
    fn country_codes_are_normalised() {
        assert_eq!(
            CountryCode::try_from("be".to_owned()).unwrap().as_str(),
            "BE"
        );
        assert!(CountryCode::try_from("NLD".to_owned()).is_err());
        assert!(CountryCode::try_from("N1".to_owned()).is_err());
    }
}
