//! A start-up profile as a reader sees it: in full, or as the anonymous
//! card that names nothing of the company.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::cards::CardIssuer;
use crate::db::startups::StartupRow;
use crate::domain::account::EmailAddress;
use crate::domain::policy::StartupAccess;
use crate::domain::readiness::Trl;
use crate::domain::region::{Province, Rom};
use crate::domain::security::{AbdoLevel, ExportControlCategory};
use crate::domain::startup::{CardHandle, KvkNumber, StartupRef};
use crate::domain::taxonomy::Technology;

/// A start-up profile. When `anonymised` is true the identifying fields
/// (name, KvK number, website, city, contacts) are null, the description
/// and keywords are redacted (`domain::redaction`), and `id` is the card's
/// opaque handle instead of the start-up's id.
#[derive(Debug, Serialize, ToSchema)]
pub struct StartupView {
    /// The start-up's id, or for an anonymous card its handle (`card-…`),
    /// which differs per introduction and per answer; both are accepted
    /// wherever a start-up is named.
    #[schema(value_type = String, example = "3fa85f64-5717-4562-b3fc-2c963f66afa6")]
    pub id: StartupRef,
    pub anonymised: bool,
    pub organisation_id: Option<Uuid>,
    pub name: Option<String>,
    #[schema(value_type = Option<String>)]
    pub kvk_number: Option<KvkNumber>,
    pub website: Option<String>,
    pub description: String,
    pub technologies: Vec<Technology>,
    /// Technology codes suggested from the text, when the profile has none yet.
    pub suggested_technologies: Vec<Technology>,
    pub keywords: Vec<String>,
    pub province: Option<Province>,
    /// The ROM whose area holds the province.
    pub rom: Option<Rom>,
    #[schema(value_type = String, example = "NL")]
    pub country: String,
    pub city: Option<String>,
    pub trl: Option<Trl>,
    pub employees: Option<i32>,
    pub founded_year: Option<i16>,
    pub dual_use: bool,
    pub abdo_clearance: Option<AbdoLevel>,
    pub export_control_categories: Vec<ExportControlCategory>,
    pub contact_name: Option<String>,
    #[schema(value_type = Option<String>, format = "email")]
    pub contact_email: Option<EmailAddress>,
    pub contact_phone: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl StartupView {
    /// The view of `row` that `access` allows, its card under the handle
    /// `cards` issues; `None` when hidden.
    pub(crate) fn for_access(
        row: StartupRow,
        access: StartupAccess,
        cards: &CardIssuer,
    ) -> Option<Self> {
        match access {
            StartupAccess::Hidden => None,
            StartupAccess::Full => Some(StartupView::full(row)),
            StartupAccess::Anonymised => {
                let handle = cards.handle(row.id);
                Some(StartupView::anonymised(row, handle))
            }
        }
    }

    /// Everything.
    pub fn full(row: StartupRow) -> Self {
        let suggested_technologies = if row.technologies.is_empty() {
            crate::search::analysis::suggest_technologies(&format!(
                "{} {}",
                row.description,
                row.keywords.join(" ")
            ))
        } else {
            Vec::new()
        };
        StartupView {
            id: StartupRef::Id(row.id),
            anonymised: false,
            suggested_technologies,
            organisation_id: Some(row.organisation_id),
            name: Some(row.name),
            kvk_number: row.kvk_number,
            website: row.website,
            description: row.description,
            technologies: row.technologies,
            keywords: row.keywords,
            rom: row.province.map(Province::rom),
            province: row.province,
            country: row.country.as_str().to_owned(),
            city: row.city,
            trl: row.trl,
            employees: row.employees,
            founded_year: row.founded_year,
            dual_use: row.dual_use,
            abdo_clearance: row.abdo_clearance,
            export_control_categories: row.export_control_categories,
            contact_name: row.contact_name,
            contact_email: row.contact_email,
            contact_phone: row.contact_phone,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        }
    }

    /// The anonymous card, named by `handle`: capabilities and region,
    /// nothing that names the company.
    pub fn anonymised(row: StartupRow, handle: CardHandle) -> Self {
        let description = row.description_anonymised.clone();
        let keywords = row.keywords_redacted.clone();
        let mut view = StartupView::full(row);
        view.id = StartupRef::Handle(handle);
        view.anonymised = true;
        view.organisation_id = None;
        view.name = None;
        view.kvk_number = None;
        view.website = None;
        view.city = None;
        view.contact_name = None;
        view.contact_email = None;
        view.contact_phone = None;
        view.description = description;
        view.keywords = keywords;
        view
    }
}
