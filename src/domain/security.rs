//! Confidentiality: ABDO security levels, challenge visibility and EU
//! dual-use export-control categories. Nothing above unclassified is ever
//! stored; these only describe who may see a need and who may work on it.

use serde::{Deserialize, Serialize};

use super::number::WholeNumber;
use crate::text_enum;

text_enum! {
    /// Level of protected interest under ABDO (from 2026 ABRO), highest first.
    pub enum AbdoLevel {
        Tbb1 => "TBB1",
        Tbb2 => "TBB2",
        Tbb3 => "TBB3",
        Tbb4 => "TBB4",
    }
}

impl AbdoLevel {
    /// The Dutch name of the classification.
    pub fn name(self) -> &'static str {
        match self {
            AbdoLevel::Tbb1 => "Zeer Geheim",
            AbdoLevel::Tbb2 => "Geheim",
            AbdoLevel::Tbb3 => "Confidentieel",
            AbdoLevel::Tbb4 => "Departementaal Vertrouwelijk",
        }
    }
}

text_enum! {
    /// Who may see a challenge.
    pub enum Visibility {
        /// Anyone, also without an account.
        Public => "public",
        /// Any logged-in user.
        Registered => "registered",
        /// Only users an admin or procurement officer has vetted.
        Vetted => "vetted",
    }
}

/// A category of Annex I of Regulation (EU) 2021/821 on dual-use exports, 0 to 9.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[serde(try_from = "WholeNumber", into = "i16")]
#[diesel(sql_type = diesel::sql_types::SmallInt)]
pub struct ExportControlCategory(i16);

crate::bounded_integer_schema!(
    ExportControlCategory,
    0,
    9,
    "Annex I category of Regulation (EU) 2021/821"
);

crate::sql_newtype!(ExportControlCategory, diesel::sql_types::SmallInt, i16, i64);

impl ExportControlCategory {
    /// The category number.
    pub fn get(self) -> i16 {
        self.0
    }

    /// The category's subject.
    pub fn description(self) -> &'static str {
        match self.0 {
            0 => "nuclear materials, facilities and equipment",
            1 => "special materials and related equipment",
            2 => "materials processing",
            3 => "electronics",
            4 => "computers",
            5 => "telecommunications and information security",
            6 => "sensors and lasers",
            7 => "navigation and avionics",
            8 => "marine",
            _ => "aerospace and propulsion",
        }
    }

    /// All categories.
    pub fn all() -> impl Iterator<Item = ExportControlCategory> {
        (0..=9).map(ExportControlCategory)
    }
}

impl TryFrom<i64> for ExportControlCategory {
    type Error = String;
    fn try_from(category: i64) -> Result<Self, Self::Error> {
        if (0..=9).contains(&category) {
            Ok(ExportControlCategory(category as i16))
        } else {
            Err(format!(
                "export-control category must be between 0 and 9, got {category}"
            ))
        }
    }
}

impl TryFrom<WholeNumber> for ExportControlCategory {
    type Error = String;
    fn try_from(category: WholeNumber) -> Result<Self, Self::Error> {
        ExportControlCategory::try_from(category.0)
    }
}

impl From<ExportControlCategory> for i16 {
    fn from(category: ExportControlCategory) -> Self {
        category.0
    }
}
