//! The profile form as typed (kept as text, so that a refused form comes
//! back exactly as the start-up left it), and how it becomes the input of
//! `app::startups` and of the live preview.

use crate::app::matching::MatchPreviewRequest;
use crate::app::startups::StartupView;
use crate::app::AppError;
use crate::domain::account::EmailAddress;
use crate::domain::readiness::Trl;
use crate::domain::region::{CountryCode, Province};
use crate::domain::security::{AbdoLevel, ExportControlCategory};
use crate::domain::startup::{KvkNumber, StartupInput, StartupPatch};
use crate::domain::taxonomy::Technology;
use crate::domain::{Rule, ValidationError};
use crate::web::form::{optional_choice, optional_whole_number, FieldProblems, FormFields};

/// The profile form as typed.
#[derive(Debug, Default, Clone)]
pub struct ProfileDraft {
    pub name: String,
    pub kvk_number: String,
    pub website: String,
    pub description: String,
    pub technologies: Vec<Technology>,
    pub keywords: String,
    pub country: String,
    pub province: String,
    pub city: String,
    pub trl: String,
    pub employees: String,
    pub founded_year: String,
    pub dual_use: bool,
    pub abdo_clearance: String,
    pub export_control_categories: Vec<String>,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    /// The version the edit started from; `None` while creating.
    pub version: Option<i32>,
}

fn text_of(value: Option<impl ToString>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

impl ProfileDraft {
    /// A new profile: in the Netherlands, nothing else filled in.
    pub fn blank() -> Self {
        ProfileDraft {
            country: CountryCode::netherlands().as_str().to_owned(),
            ..ProfileDraft::default()
        }
    }

    /// The saved profile, to edit.
    pub fn of_view(view: &StartupView) -> Self {
        ProfileDraft {
            name: view.name.clone().unwrap_or_default(),
            kvk_number: text_of(view.kvk_number.as_ref().map(KvkNumber::as_str)),
            website: view.website.clone().unwrap_or_default(),
            description: view.description.clone(),
            technologies: view.technologies.clone(),
            keywords: view.keywords.join(", "),
            country: view.country.clone(),
            province: text_of(view.province.map(Province::as_str)),
            city: view.city.clone().unwrap_or_default(),
            trl: text_of(view.trl.map(Trl::get)),
            employees: text_of(view.employees),
            founded_year: text_of(view.founded_year),
            dual_use: view.dual_use,
            abdo_clearance: text_of(view.abdo_clearance.map(AbdoLevel::as_str)),
            export_control_categories: view
                .export_control_categories
                .iter()
                .map(|category| category.get().to_string())
                .collect(),
            contact_name: view.contact_name.clone().unwrap_or_default(),
            contact_email: text_of(view.contact_email.as_ref().map(EmailAddress::as_str)),
            contact_phone: view.contact_phone.clone().unwrap_or_default(),
            version: Some(view.version),
        }
    }

    /// The form as submitted. Unknown technology codes are dropped: the
    /// checkboxes only offer known ones.
    pub fn of_form(form: &FormFields) -> Self {
        let get = |name: &str| form.get(name).unwrap_or_default().to_owned();
        ProfileDraft {
            name: get("name"),
            kvk_number: get("kvk_number"),
            website: get("website"),
            description: get("description"),
            technologies: form
                .all("technologies")
                .into_iter()
                .filter_map(|code| code.parse().ok())
                .collect(),
            keywords: get("keywords"),
            country: get("country"),
            province: get("province"),
            city: get("city"),
            trl: get("trl"),
            employees: get("employees"),
            founded_year: get("founded_year"),
            dual_use: form.checked("dual_use"),
            abdo_clearance: get("abdo_clearance"),
            export_control_categories: form
                .all("export_control_categories")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            contact_name: get("contact_name"),
            contact_email: get("contact_email"),
            contact_phone: get("contact_phone"),
            version: form.non_blank("version").and_then(|raw| raw.parse().ok()),
        }
    }

    /// The input of `app::startups`, or the error of every field that is
    /// not even the right kind of value (the profile's rules are checked
    /// after, by the use case).
    pub fn input(&self) -> Result<StartupInput, AppError> {
        let mut problems = FieldProblems::default();
        let kvk_number = problems.check(optional_parsed(&self.kvk_number, |raw| {
            KvkNumber::try_from(raw).map_err(|rule| ValidationError::new("kvk_number", rule))
        }));
        let province = problems.check(self.province_choice());
        let country = problems.check(self.country_code());
        let trl = problems.check(self.trl_choice());
        let employees = problems.check(optional_whole_number("employees", &self.employees));
        let founded_year =
            problems.check(optional_whole_number("founded_year", &self.founded_year));
        let abdo_clearance =
            problems.check(optional_choice("abdo_clearance", &self.abdo_clearance));
        let export_control_categories = problems.check(self.export_categories());
        let contact_email = problems.check(optional_parsed(&self.contact_email, |raw| {
            EmailAddress::try_from(raw).map_err(|rule| ValidationError::new("contact_email", rule))
        }));
        let input = (|| {
            Some(StartupInput {
                name: self.name.clone(),
                kvk_number: kvk_number?,
                website: non_blank(&self.website),
                description: self.description.clone(),
                technologies: self.technologies.clone(),
                keywords: self.keyword_list(),
                province: province?,
                country: country?,
                city: non_blank(&self.city),
                trl: trl?,
                employees: employees?,
                founded_year: founded_year?,
                dual_use: self.dual_use,
                abdo_clearance: abdo_clearance?,
                export_control_categories: export_control_categories?,
                contact_name: non_blank(&self.contact_name),
                contact_email: contact_email?,
                contact_phone: non_blank(&self.contact_phone),
            })
        })();
        problems.into_result(input)
    }

    /// What the live preview ranks: the parts of the draft matching uses.
    pub fn preview_request(&self) -> Result<MatchPreviewRequest, AppError> {
        let mut problems = FieldProblems::default();
        let province = problems.check(self.province_choice());
        let country = problems.check(self.country_code());
        let trl = problems.check(self.trl_choice());
        let request = (|| {
            Some(MatchPreviewRequest {
                description: self.description.clone(),
                keywords: self.keyword_list(),
                technologies: self.technologies.clone(),
                province: province?,
                country: Some(country?),
                trl: trl?,
            })
        })();
        problems.into_result(request)
    }

    fn keyword_list(&self) -> Vec<String> {
        self.keywords
            .split(',')
            .map(str::trim)
            .filter(|keyword| !keyword.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The country chosen; the Netherlands when none is.
    fn country_code(&self) -> Result<CountryCode, ValidationError> {
        let raw = self.country.trim();
        if raw.is_empty() {
            return Ok(CountryCode::netherlands());
        }
        CountryCode::try_from(raw.to_uppercase())
            .map_err(|_| ValidationError::new("country", Rule::UnknownChoice))
    }

    fn province_choice(&self) -> Result<Option<Province>, ValidationError> {
        optional_choice("province", &self.province)
    }

    fn trl_choice(&self) -> Result<Option<Trl>, ValidationError> {
        optional_whole_number::<i64>("trl", &self.trl)?
            .map(|level| {
                Trl::try_from(level)
                    .map_err(|_| ValidationError::new("trl", Rule::OutOfRange { min: 1, max: 9 }))
            })
            .transpose()
    }

    /// The export control categories ticked; the checkboxes offer only known ones.
    fn export_categories(&self) -> Result<Vec<ExportControlCategory>, ValidationError> {
        self.export_control_categories
            .iter()
            .map(|raw| {
                raw.parse::<i64>()
                    .ok()
                    .and_then(|number| ExportControlCategory::try_from(number).ok())
                    .ok_or_else(|| {
                        ValidationError::new("export_control_categories", Rule::UnknownChoice)
                    })
            })
            .collect()
    }
}

fn non_blank(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// `parse` of the trimmed text, or `None` when blank.
fn optional_parsed<T>(
    raw: &str,
    parse: impl FnOnce(String) -> Result<T, ValidationError>,
) -> Result<Option<T>, ValidationError> {
    non_blank(raw).map(parse).transpose()
}

/// A profile edit that sets every field to what the form holds.
pub fn full_patch(input: StartupInput) -> StartupPatch {
    StartupPatch {
        name: Some(input.name),
        kvk_number: Some(input.kvk_number),
        website: Some(input.website),
        description: Some(input.description),
        technologies: Some(input.technologies),
        keywords: Some(input.keywords),
        province: Some(input.province),
        country: Some(input.country),
        city: Some(input.city),
        trl: Some(input.trl),
        employees: Some(input.employees),
        founded_year: Some(input.founded_year),
        dual_use: Some(input.dual_use),
        abdo_clearance: Some(input.abdo_clearance),
        export_control_categories: Some(input.export_control_categories),
        contact_name: Some(input.contact_name),
        contact_email: Some(input.contact_email),
        contact_phone: Some(input.contact_phone),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_that_is_not_the_right_kind_of_value_is_reported_at_once() {
        let draft = ProfileDraft {
            kvk_number: "12ab".to_owned(),
            employees: "many".to_owned(),
            trl: "12".to_owned(),
            ..ProfileDraft::blank()
        };
        let Err(AppError::Invalid(problems)) = draft.input() else {
            panic!("the draft was accepted");
        };
        let fields: Vec<&str> = problems
            .iter()
            .map(|problem| problem.field.as_str())
            .collect();
        assert_eq!(fields, ["kvk_number", "trl", "employees"]);
        assert_eq!(problems[0].rule, Rule::KvkFormat);
    }
}
