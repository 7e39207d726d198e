//! A partial update of a start-up profile (merge PATCH).

use serde::Deserialize;
use utoipa::ToSchema;

use super::{KvkNumber, StartupInput, StartupProfile};
use crate::domain::account::EmailAddress;
use crate::domain::challenge::{not_null, present_or_null, replace};
use crate::domain::number;
use crate::domain::readiness::Trl;
use crate::domain::region::{CountryCode, Province};
use crate::domain::security::{AbdoLevel, ExportControlCategory};
use crate::domain::taxonomy::Technology;

impl From<&StartupProfile> for StartupInput {
    fn from(profile: &StartupProfile) -> Self {
        StartupInput {
            name: profile.name.clone(),
            kvk_number: profile.kvk_number.clone(),
            website: profile.website.clone(),
            description: profile.description.clone(),
            technologies: profile.technologies.clone(),
            keywords: profile.keywords.clone(),
            province: profile.province,
            country: profile.country.clone(),
            city: profile.city.clone(),
            trl: profile.trl,
            employees: profile.employees,
            founded_year: profile.founded_year,
            dual_use: profile.dual_use,
            abdo_clearance: profile.abdo_clearance,
            export_control_categories: profile.export_control_categories.clone(),
            contact_name: profile.contact.name.clone(),
            contact_email: profile.contact.email.clone(),
            contact_phone: profile.contact.phone.clone(),
        }
    }
}

/// A partial update of a profile: absent fields stay, `null` clears.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartupPatch {
    #[schema(min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present_or_null")]
    #[schema(value_type = Option<String>, pattern = "^[0-9]{8}$")]
    pub kvk_number: Option<Option<KvkNumber>>,
    #[serde(default, deserialize_with = "present_or_null")]
    #[schema(value_type = Option<String>, max_length = 500, pattern = r"^\s*(https?://\S+)?\s*$")]
    pub website: Option<Option<String>>,
    #[schema(min_length = 1, max_length = 100000)]
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub technologies: Option<Vec<Technology>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub keywords: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present_or_null")]
    #[schema(value_type = Option<Province>)]
    pub province: Option<Option<Province>>,
    #[schema(value_type = Option<String>, pattern = "^[A-Za-z]{2}$")]
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub country: Option<CountryCode>,
    #[serde(default, deserialize_with = "present_or_null")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub city: Option<Option<String>>,
    #[serde(default, deserialize_with = "present_or_null")]
    #[schema(value_type = Option<Trl>)]
    pub trl: Option<Option<Trl>>,
    #[serde(default, deserialize_with = "number::present_or_null")]
    #[schema(value_type = Option<i32>, minimum = 0, maximum = 1000000)]
    pub employees: Option<Option<i32>>,
    #[serde(default, deserialize_with = "number::present_or_null")]
    #[schema(value_type = Option<i16>, minimum = 1900, maximum = 2100)]
    pub founded_year: Option<Option<i16>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub dual_use: Option<bool>,
    #[serde(default, deserialize_with = "present_or_null")]
    #[schema(value_type = Option<AbdoLevel>)]
    pub abdo_clearance: Option<Option<AbdoLevel>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub export_control_categories: Option<Vec<ExportControlCategory>>,
    #[serde(default, deserialize_with = "present_or_null")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub contact_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present_or_null")]
    #[schema(value_type = Option<String>, format = "email")]
    pub contact_email: Option<Option<EmailAddress>>,
    #[serde(default, deserialize_with = "present_or_null")]
    #[schema(value_type = Option<String>, max_length = 50)]
    pub contact_phone: Option<Option<String>>,
}

impl StartupPatch {
    /// The input that results from applying this patch to `current`.
    pub fn apply(self, current: &StartupProfile) -> StartupInput {
        let mut input = StartupInput::from(current);
        replace(&mut input.name, self.name);
        replace(&mut input.kvk_number, self.kvk_number);
        replace(&mut input.website, self.website);
        replace(&mut input.description, self.description);
        replace(&mut input.technologies, self.technologies);
        replace(&mut input.keywords, self.keywords);
        replace(&mut input.province, self.province);
        replace(&mut input.country, self.country);
        replace(&mut input.city, self.city);
        replace(&mut input.trl, self.trl);
        replace(&mut input.employees, self.employees);
        replace(&mut input.founded_year, self.founded_year);
        replace(&mut input.dual_use, self.dual_use);
        replace(&mut input.abdo_clearance, self.abdo_clearance);
        replace(
            &mut input.export_control_categories,
            self.export_control_categories,
        );
        replace(&mut input.contact_name, self.contact_name);
        replace(&mut input.contact_email, self.contact_email);
        replace(&mut input.contact_phone, self.contact_phone);
        input
    }
}
