//! A start-up's profile: what it builds, where it is and how mature it is.
//!
//! What identifies the company, for the anonymous card's redaction, lives
//! in `anonymise`, the partial update (merge PATCH) in `patch`.

use chrono::Datelike;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::account::EmailAddress;
use super::challenge::MAX_TECHNOLOGIES;
use super::number;
use super::readiness::Trl;
use super::region::{CountryCode, Province};
use super::security::{AbdoLevel, ExportControlCategory};
use super::taxonomy::Technology;
use super::text::{bounded_text, keywords, optional_text, unique};
use super::{Rule, ValidationError};

mod anonymise;
mod patch;
mod reference;

pub use anonymise::AnonymousTexts;
pub use patch::StartupPatch;
pub use reference::{CardHandle, NotAStartupRef, StartupRef, CARD_HANDLE_PREFIX};

/// A Dutch Chamber of Commerce (KvK) number: exactly eight digits.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, pattern = "^[0-9]{8}$", example = "81234567")]
#[diesel(sql_type = diesel::sql_types::Text)]
pub struct KvkNumber(String);

crate::sql_newtype!(KvkNumber, diesel::sql_types::Text, String, String);

impl KvkNumber {
    /// The eight digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for KvkNumber {
    type Error = Rule;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        let digits = raw.trim();
        if digits.len() == 8 && digits.bytes().all(|byte| byte.is_ascii_digit()) {
            Ok(KvkNumber(digits.to_owned()))
        } else {
            Err(Rule::KvkFormat)
        }
    }
}

impl From<KvkNumber> for String {
    fn from(number: KvkNumber) -> Self {
        number.0
    }
}

/// Earliest founding year accepted.
pub const EARLIEST_FOUNDING_YEAR: i16 = 1900;

/// A validated start-up profile.
#[derive(Debug, Clone, PartialEq)]
pub struct StartupProfile {
    pub name: String,
    pub kvk_number: Option<KvkNumber>,
    pub website: Option<String>,
    pub description: String,
    pub technologies: Vec<Technology>,
    pub keywords: Vec<String>,
    /// Set exactly when the start-up is in the Netherlands.
    pub province: Option<Province>,
    pub country: CountryCode,
    pub city: Option<String>,
    pub trl: Option<Trl>,
    pub employees: Option<i32>,
    pub founded_year: Option<i16>,
    pub dual_use: bool,
    pub abdo_clearance: Option<AbdoLevel>,
    pub export_control_categories: Vec<ExportControlCategory>,
    pub contact: Contact,
}

/// Who to talk to at a start-up; revealed only to those entitled to it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<EmailAddress>,
    pub phone: Option<String>,
}

/// A start-up profile as a client sends it, before validation.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartupInput {
    #[schema(pattern = r"[^\s\x00-\x1f\x7f-\x9f]", min_length = 1, max_length = 200)]
    pub name: String,
    /// Required for Dutch companies, optional for foreign ones.
    #[serde(default)]
    pub kvk_number: Option<KvkNumber>,
    /// http(s) address of the company's site.
    #[serde(default)]
    #[schema(
        max_length = 500,
        pattern = r"^\s*(https?://\S+)?\s*$",
        example = "https://startup.example"
    )]
    pub website: Option<String>,
    /// What the start-up does, in Dutch or English.
    #[schema(
        pattern = r"[^\s\x00-\x1f\x7f-\x9f]",
        min_length = 1,
        max_length = 100000
    )]
    pub description: String,
    #[serde(default)]
    #[schema(max_items = 15)]
    pub technologies: Vec<Technology>,
    #[serde(default)]
    #[schema(max_items = 200)]
    pub keywords: Vec<String>,
    /// ISO 3166-2:NL code; required when `country` is NL, absent otherwise.
    #[serde(default)]
    pub province: Option<Province>,
    /// ISO 3166-1 alpha-2; defaults to NL.
    #[serde(default = "CountryCode::netherlands")]
    #[schema(value_type = String, pattern = "^[A-Za-z]{2}$", example = "NL")]
    pub country: CountryCode,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub city: Option<String>,
    /// TRL of the start-up's solution.
    #[serde(default)]
    pub trl: Option<Trl>,
    #[serde(default, deserialize_with = "number::optional")]
    #[schema(minimum = 0, maximum = 1000000)]
    pub employees: Option<i32>,
    #[serde(default, deserialize_with = "number::optional")]
    #[schema(minimum = 1900, maximum = 2100)]
    pub founded_year: Option<i16>,
    #[serde(default)]
    pub dual_use: bool,
    /// ABDO clearance the company holds, if any.
    #[serde(default)]
    pub abdo_clearance: Option<AbdoLevel>,
    /// EU 2021/821 Annex I categories its products fall under.
    #[serde(default)]
    pub export_control_categories: Vec<ExportControlCategory>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_email: Option<EmailAddress>,
    #[serde(default)]
    #[schema(max_length = 50)]
    pub contact_phone: Option<String>,
}

impl StartupInput {
    /// The name of every field, as the wire and an import file write them.
    pub const FIELDS: [&'static str; 18] = [
        "name",
        "kvk_number",
        "website",
        "description",
        "technologies",
        "keywords",
        "province",
        "country",
        "city",
        "trl",
        "employees",
        "founded_year",
        "dual_use",
        "abdo_clearance",
        "export_control_categories",
        "contact_name",
        "contact_email",
        "contact_phone",
    ];

    /// Checks every rule and builds the validated profile. `current_year`
    /// bounds the founding year.
    pub fn validate(&self, current_year: i32) -> Result<StartupProfile, ValidationError> {
        let name = bounded_text("name", &self.name, 1, 200)?;
        let description = bounded_text("description", &self.description, 1, 100_000)?;
        let website = optional_text("website", self.website.as_deref(), 500)?;
        if let Some(address) = &website {
            let has_scheme = address.starts_with("https://") || address.starts_with("http://");
            if !has_scheme || address.contains(char::is_whitespace) {
                return Err(ValidationError::new("website", Rule::NotWebAddress));
            }
        }
        let in_netherlands = self.country.is_netherlands();
        match (in_netherlands, self.province) {
            (true, None) => return Err(ValidationError::new("province", Rule::ProvinceRequired)),
            (false, Some(_)) => {
                return Err(ValidationError::new(
                    "province",
                    Rule::ProvinceOnlyInNetherlands,
                ))
            }
            _ => {}
        }
        if in_netherlands && self.kvk_number.is_none() {
            return Err(ValidationError::new("kvk_number", Rule::KvkRequired));
        }
        if let Some(employees) = self.employees {
            if !(0..=1_000_000).contains(&employees) {
                return Err(ValidationError::new("employees", Rule::EmployeesOutOfRange));
            }
        }
        if let Some(year) = self.founded_year {
            if i32::from(year) > current_year || year < EARLIEST_FOUNDING_YEAR {
                return Err(ValidationError::new(
                    "founded_year",
                    Rule::FoundedYearOutOfRange {
                        earliest: i32::from(EARLIEST_FOUNDING_YEAR),
                        latest: current_year,
                    },
                ));
            }
        }
        if self.technologies.len() > MAX_TECHNOLOGIES {
            return Err(ValidationError::new(
                "technologies",
                Rule::TooManyTechnologies {
                    max: MAX_TECHNOLOGIES,
                },
            ));
        }
        Ok(StartupProfile {
            name,
            kvk_number: self.kvk_number.clone(),
            website,
            description,
            technologies: unique(&self.technologies),
            keywords: keywords("keywords", &self.keywords)?,
            province: self.province,
            country: self.country.clone(),
            city: optional_text("city", self.city.as_deref(), 100)?,
            trl: self.trl,
            employees: self.employees,
            founded_year: self.founded_year,
            dual_use: self.dual_use,
            abdo_clearance: self.abdo_clearance,
            export_control_categories: unique(&self.export_control_categories),
            contact: Contact {
                name: optional_text("contact_name", self.contact_name.as_deref(), 200)?,
                email: self.contact_email.clone(),
                phone: optional_text("contact_phone", self.contact_phone.as_deref(), 50)?,
            },
        })
    }

    /// Validates against the current calendar year.
    pub fn validate_now(&self) -> Result<StartupProfile, ValidationError> {
        self.validate(chrono::Utc::now().year())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dutch() -> StartupInput {
        serde_json::from_value(serde_json::json!({
            "name": "SkyWatch B.V.",
            "kvk_number": "81234567",
            "description": "Drone detection with passive radar.",
            "province": "NL-NH",
        }))
        .unwrap()
    }

    #[test]
    fn fields_names_every_field_of_the_input() {
        let written = serde_json::to_value(dutch()).unwrap();
        let mut names: Vec<&str> = written
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut fields = StartupInput::FIELDS.to_vec();
        names.sort_unstable();
        fields.sort_unstable();
        assert_eq!(names, fields);
    }

    #[test]
    fn a_dutch_start_up_needs_a_province_and_kvk_number() {
        assert!(dutch().validate(2026).is_ok());
        let mut no_province = dutch();
        no_province.province = None;
        assert_eq!(no_province.validate(2026).unwrap_err().field, "province");
        let mut no_kvk = dutch();
        no_kvk.kvk_number = None;
        assert_eq!(no_kvk.validate(2026).unwrap_err().field, "kvk_number");
    }

    #[test]
    fn a_foreign_start_up_has_no_province() {
        let mut foreign = dutch();
        foreign.country = CountryCode::try_from("BE".to_owned()).unwrap();
        foreign.kvk_number = None;
        assert_eq!(foreign.validate(2026).unwrap_err().field, "province");
        foreign.province = None;
        assert!(foreign.validate(2026).is_ok());
    }

    #[test]
    fn kvk_numbers_have_eight_digits() {
        assert!(KvkNumber::try_from("1234567".to_owned()).is_err());
        assert!(KvkNumber::try_from("1234567a".to_owned()).is_err());
        assert!(KvkNumber::try_from("12345678".to_owned()).is_ok());
    }

    #[test]
    fn founding_years_in_the_future_are_refused() {
        let mut future = dutch();
        future.founded_year = Some(2030);
        assert_eq!(future.validate(2026).unwrap_err().field, "founded_year");
    }
}
