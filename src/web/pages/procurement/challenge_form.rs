//! The challenge form of procurement officers: what was typed (kept as
//! text, so a refused form comes back as the officer left it), how it
//! becomes the input of `app::challenges`, and how it is drawn.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use maud::{html, Markup};

use crate::app::challenges::ChallengeView;
use crate::app::AppError;
use crate::domain::amsterdam;
use crate::domain::challenge::{ChallengeInput, ChallengePatch};
use crate::domain::readiness::Trl;
use crate::domain::region::Province;
use crate::domain::security::Visibility;
use crate::domain::taxonomy::Technology;
use crate::domain::{Rule, ValidationError};
use crate::web::context::PageContext;
use crate::web::form::{FieldProblems, FormFields};
use crate::web::layout::{
    csrf_field, described_by, form_error_summary, select_field, technology_checkboxes, text_area,
    text_input, FormErrors,
};
use crate::web::text::procurement::ProcurementText;

/// Every input of the challenge form, named as the use case names the
/// fields, so that an error lands beside the right input.
pub const FORM_FIELDS: [&str; 15] = [
    "title",
    "summary",
    "description",
    "desired_outcome",
    "technologies",
    "keywords",
    "preferred_provinces",
    "trl_min",
    "trl_max",
    "budget_min_eur",
    "budget_max_eur",
    "opens_at",
    "closes_at",
    "visibility",
    "abdo_required",
];

/// The challenge form as typed: kept as text so that a refused form comes
/// back exactly as the officer left it.
#[derive(Debug, Default, Clone)]
pub struct ChallengeDraft {
    title: String,
    summary: String,
    description: String,
    desired_outcome: String,
    technologies: Vec<String>,
    keywords: String,
    provinces: Vec<String>,
    trl_min: String,
    trl_max: String,
    budget_min: String,
    budget_max: String,
    opens_at: String,
    closes_at: String,
    visibility: String,
    abdo_required: bool,
}

impl ChallengeDraft {
    /// A fresh form with sensible choices preselected.
    pub fn blank() -> Self {
        ChallengeDraft {
            trl_min: "4".to_owned(),
            trl_max: "7".to_owned(),
            visibility: Visibility::Registered.as_str().to_owned(),
            ..ChallengeDraft::default()
        }
    }

    pub fn from_form(form: &FormFields) -> Self {
        let text = |name: &str| form.get(name).unwrap_or_default().to_owned();
        let many = |name: &str| form.all(name).into_iter().map(str::to_owned).collect();
        ChallengeDraft {
            title: text("title"),
            summary: text("summary"),
            description: text("description"),
            desired_outcome: text("desired_outcome"),
            technologies: many("technologies"),
            keywords: text("keywords"),
            provinces: many("preferred_provinces"),
            trl_min: text("trl_min"),
            trl_max: text("trl_max"),
            budget_min: text("budget_min_eur"),
            budget_max: text("budget_max_eur"),
            opens_at: text("opens_at"),
            closes_at: text("closes_at"),
            visibility: text("visibility"),
            abdo_required: form.checked("abdo_required"),
        }
    }

    pub fn from_view(view: &ChallengeView) -> Self {
        let amount = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
        ChallengeDraft {
            title: view.title.clone(),
            summary: view.summary.clone(),
            description: view.description.clone(),
            desired_outcome: view.desired_outcome.clone(),
            technologies: view
                .technologies
                .iter()
                .map(|t| t.as_str().to_owned())
                .collect(),
            keywords: view.keywords.join(", "),
            provinces: view
                .preferred_provinces
                .iter()
                .map(|p| p.as_str().to_owned())
                .collect(),
            trl_min: view.trl_min.get().to_string(),
            trl_max: view.trl_max.get().to_string(),
            budget_min: amount(view.budget_min_eur),
            budget_max: amount(view.budget_max_eur),
            opens_at: date_value(view.opens_at),
            closes_at: date_value(view.closes_at),
            visibility: view.visibility.as_str().to_owned(),
            abdo_required: view.abdo_required,
        }
    }

    /// Stand-ins for the required fields still blank, so that the live
    /// check reports what was typed rather than what is still to come.
    pub fn with_blanks_filled(mut self) -> Self {
        for slot in [&mut self.title, &mut self.summary, &mut self.description] {
            if slot.trim().is_empty() {
                *slot = "pending".to_owned();
            }
        }
        self
    }

    /// The input of the use case, or the error of every field that is not
    /// even the right kind of value (the domain rules come after, in `validate`).
    pub fn to_input(&self) -> Result<ChallengeInput, AppError> {
        let mut problems = FieldProblems::default();
        let technologies = problems.check(parse_all("technologies", &self.technologies));
        let preferred_provinces = problems.check(parse_all("preferred_provinces", &self.provinces));
        let trl_min = problems.check(parse_trl("trl_min", &self.trl_min));
        let trl_max = problems.check(parse_trl("trl_max", &self.trl_max));
        let budget_min_eur = problems.check(parse_amount("budget_min_eur", &self.budget_min));
        let budget_max_eur = problems.check(parse_amount("budget_max_eur", &self.budget_max));
        let opens_at = problems.check(parse_date("opens_at", &self.opens_at, DayPart::Start));
        let closes_at = problems.check(parse_date("closes_at", &self.closes_at, DayPart::End));
        let visibility = problems.check(
            Visibility::from_str(&self.visibility)
                .map_err(|_| ValidationError::new("visibility", Rule::UnknownChoice)),
        );
        let input = (|| {
            Some(ChallengeInput {
                title: self.title.clone(),
                summary: self.summary.clone(),
                description: self.description.clone(),
                desired_outcome: self.desired_outcome.clone(),
                technologies: technologies?,
                keywords: self
                    .keywords
                    .split(',')
                    .map(str::trim)
                    .filter(|keyword| !keyword.is_empty())
                    .map(str::to_owned)
                    .collect(),
                preferred_provinces: preferred_provinces?,
                trl_min: trl_min?,
                trl_max: trl_max?,
                budget_min_eur: budget_min_eur?,
                budget_max_eur: budget_max_eur?,
                pre_release_at: None,
                opens_at: opens_at?,
                closes_at: closes_at?,
                visibility: visibility?,
                abdo_required: self.abdo_required,
            })
        })();
        problems.into_result(input)
    }

    /// A patch that sets every field of the form. A date left as it was
    /// keeps its exact instant: an imported deadline at noon is not moved
    /// to the end of the day just because the form shows days.
    pub fn to_patch(&self, current: &ChallengeView) -> Result<ChallengePatch, AppError> {
        let input = self.to_input()?;
        let keep_or = |typed: &str, now: Option<DateTime<Utc>>, parsed| {
            if typed.trim() == date_value(now) {
                now
            } else {
                parsed
            }
        };
        Ok(ChallengePatch {
            title: Some(input.title),
            summary: Some(input.summary),
            description: Some(input.description),
            desired_outcome: Some(input.desired_outcome),
            technologies: Some(input.technologies),
            keywords: Some(input.keywords),
            preferred_provinces: Some(input.preferred_provinces),
            trl_min: Some(input.trl_min),
            trl_max: Some(input.trl_max),
            budget_min_eur: Some(input.budget_min_eur),
            budget_max_eur: Some(input.budget_max_eur),
            pre_release_at: None,
            opens_at: Some(keep_or(&self.opens_at, current.opens_at, input.opens_at)),
            closes_at: Some(keep_or(&self.closes_at, current.closes_at, input.closes_at)),
            visibility: Some(input.visibility),
            abdo_required: Some(input.abdo_required),
        })
    }
}

/// Which instant of a day a date input means: an opening is the start of
/// the day in Amsterdam, a deadline its end.
#[derive(Clone, Copy)]
enum DayPart {
    Start,
    End,
}

/// The value of an `<input type=date>` for an instant (its day in Amsterdam).
fn date_value(at: Option<DateTime<Utc>>) -> String {
    at.map(|at| amsterdam::date_of(at).format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn parse_all<T: FromStr>(field: &str, values: &[String]) -> Result<Vec<T>, ValidationError> {
    values
        .iter()
        .map(|value| {
            T::from_str(value).map_err(|_| ValidationError::new(field, Rule::UnknownChoice))
        })
        .collect()
}

fn parse_trl(field: &str, value: &str) -> Result<Trl, ValidationError> {
    value
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|level| Trl::try_from(level).ok())
        .ok_or_else(|| ValidationError::new(field, Rule::OutOfRange { min: 1, max: 9 }))
}

fn parse_amount(field: &str, value: &str) -> Result<Option<i64>, ValidationError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    value
        .parse::<i64>()
        .map(Some)
        .map_err(|_| ValidationError::new(field, Rule::NotWholeNumber))
}

/// A day from a date input, meaning that day in Amsterdam; blank is no date.
fn parse_date(
    field: &str,
    value: &str,
    part: DayPart,
) -> Result<Option<DateTime<Utc>>, ValidationError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(|day| {
            Some(match part {
                DayPart::Start => amsterdam::start_of_day(day),
                DayPart::End => amsterdam::end_of_day(day),
            })
        })
        .map_err(|_| ValidationError::new(field, Rule::NotADate))
}

/// How the form is sent and labelled: a new challenge or an edit.
pub struct FormTarget<'a> {
    pub action: String,
    pub submit: &'a str,
    pub live_check: bool,
    pub version: Option<i32>,
}

/// `<option>`s of the nine technology readiness levels.
fn trl_options(text: &ProcurementText, selected: &str) -> Markup {
    html! {
        @for level in Trl::all() {
            @let value = level.get().to_string();
            option value=(value) selected[value == selected] { (text.trl) " " (value) }
        }
    }
}

fn province_checkboxes(text: &ProcurementText, chosen: &[String], errors: &FormErrors) -> Markup {
    let name = "preferred_provinces";
    let error = errors.for_field(name);
    html! {
        fieldset.field.has-error[error.is_some()] id=(name) aria-describedby=(described_by(name)) {
            legend { (text.provinces) }
            p.hint id=(format!("hint-{name}")) { (text.provinces_hint) }
            div.checkbox-grid {
                @for province in Province::ALL {
                    @let id = format!("{name}-{}", province.as_str());
                    label for=(id) {
                        input type="checkbox" id=(id) name=(name) value=(province.as_str())
                            checked[chosen.iter().any(|c| c == province.as_str())];
                        " " (province.name())
                    }
                }
            }
            p.field-error id=(format!("error-{name}")) data-error-for=(name) aria-live="polite" {
                @if let Some(error) = error { (error) }
            }
        }
    }
}

fn abdo_checkbox(text: &ProcurementText, checked: bool, errors: &FormErrors) -> Markup {
    let name = "abdo_required";
    html! {
        div.field.checkbox-field {
            input type="checkbox" id=(name) name=(name) value="true" checked[checked]
                aria-describedby=(described_by(name));
            " "
            label for=(name) { (text.abdo) }
            p.hint id=(format!("hint-{name}")) { (text.abdo_hint) }
            p.field-error id=(format!("error-{name}")) data-error-for=(name) aria-live="polite" {
                @if let Some(error) = errors.for_field(name) { (error) }
            }
        }
    }
}

/// The challenge form: every field labelled, the error beside its input.
pub fn challenge_form(
    context: &PageContext,
    draft: &ChallengeDraft,
    suggested: &[Technology],
    errors: &FormErrors,
    target: &FormTarget,
) -> Markup {
    let text = &context.text.procurement;
    let chosen: Vec<Technology> = draft
        .technologies
        .iter()
        .filter_map(|code| Technology::from_str(code).ok())
        .collect();
    let visibility_label = |visibility: Visibility| match visibility {
        Visibility::Public => text.visibility_public,
        Visibility::Registered => text.visibility_registered,
        Visibility::Vetted => text.visibility_vetted,
    };
    html! {
        (form_error_summary(errors, context.language))
        form.challenge-form method="post" action=(target.action) novalidate
            data-live-check=[target.live_check.then_some("/my/challenges/check")] {
            (csrf_field(context))
            @if let Some(version) = target.version {
                input type="hidden" name="version" value=(version);
            }
            (text_input("title", text.title, &draft.title, Some(text.title_hint), errors, "text"))
            (text_area("summary", text.summary, &draft.summary, Some(text.summary_hint), errors, 3))
            (text_area("description", text.description, &draft.description, Some(text.description_hint), errors, 10))
            (text_area("desired_outcome", text.desired_outcome, &draft.desired_outcome, Some(text.desired_outcome_hint), errors, 3))
            (technology_checkboxes("technologies", text.technologies, &chosen, suggested, errors, context.language))
            (text_input("keywords", text.keywords, &draft.keywords, Some(text.keywords_hint), errors, "text"))
            (province_checkboxes(text, &draft.provinces, errors))
            div.form-row {
                (select_field("trl_min", text.trl_min, Some(text.trl_hint), errors, trl_options(text, &draft.trl_min)))
                (select_field("trl_max", text.trl_max, None, errors, trl_options(text, &draft.trl_max)))
            }
            div.form-row {
                (text_input("budget_min_eur", text.budget_min, &draft.budget_min, Some(text.budget_hint), errors, "number"))
                (text_input("budget_max_eur", text.budget_max, &draft.budget_max, None, errors, "number"))
            }
            div.form-row {
                (text_input("opens_at", text.opens_at, &draft.opens_at, Some(text.opens_at_hint), errors, "date"))
                (text_input("closes_at", text.closes_at, &draft.closes_at, Some(text.closes_at_hint), errors, "date"))
            }
            (select_field("visibility", text.visibility, Some(text.visibility_hint), errors, html! {
                @for visibility in Visibility::ALL {
                    option value=(visibility.as_str()) selected[draft.visibility == visibility.as_str()] {
                        (visibility_label(*visibility))
                    }
                }
            }))
            (abdo_checkbox(text, draft.abdo_required, errors))
            button type="submit" { (target.submit) }
        }
    }
}
