//! The procurement pages: the organisation's challenges, posting and
//! editing a challenge (with a live check while typing), moving it along
//! its lifecycle, and the ranked candidate start-ups. Every action calls
//! the same operation as the API (`post_challenge`, `edit_challenge`,
//! `move_challenge`, `challenge_list`, `challenge_candidates`).

use std::collections::BTreeMap;
use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use maud::{html, Markup};
use uuid::Uuid;

use crate::domain::account::Role;
use crate::domain::challenge::{ChallengeInput, ChallengePatch, ChallengeStatus};
use crate::domain::readiness::Trl;
use crate::domain::region::Province;
use crate::domain::security::Visibility;
use crate::domain::taxonomy::Technology;
use crate::api::dto::challenge::ChallengeView;
use crate::api::error::ApiError;
use crate::api::handlers::challenges::{
    challenge_list, edit_challenge, move_challenge, post_challenge, read_challenge,
    ChallengeListQuery, ChallengeSort,
};
use crate::api::handlers::matches::{challenge_candidates, StartupMatch, StartupMatchQuery};
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::explanation::explanation_breakdown;
use crate::web::form::FormFields;
use crate::web::layout::{
    csrf_field, deadline_text, described_by, flash, form_error_summary, page, select_field,
    technology_checkboxes, text_area, text_input, FormErrors,
};
use crate::web::pages::public::{challenge_facts, parse_id};
use crate::web::see_other;
use crate::web::text::procurement::ProcurementText;
use crate::web::text::startup::name_of;

/// Registers the procurement pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/my/challenges").route(web::get().to(my_challenges)))
        .service(
            web::resource("/my/challenges/new")
                .route(web::get().to(new_challenge_page))
                .route(web::post().to(submit_new_challenge)),
        )
        .service(web::resource("/my/challenges/check").route(web::post().to(check_challenge)))
        .service(
            web::resource("/my/challenges/{id}/edit")
                .route(web::get().to(edit_challenge_page))
                .route(web::post().to(submit_challenge_edit)),
        )
        .service(
            web::resource("/my/challenges/{id}/status").route(web::post().to(submit_status_change)),
        )
        .service(
            web::resource("/my/challenges/{id}/candidates").route(web::get().to(candidates_page)),
        );
}

/// Every input of the challenge form, named as the API names the fields so
/// that an error of the operation lands beside the right input.
const FORM_FIELDS: [&str; 15] = [
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

/// Challenges shown per page of the organisation's list.
const MY_CHALLENGES_PER_PAGE: i64 = 50;

/// Candidates ranked on the candidates page.
const CANDIDATES_SHOWN: i64 = 20;

/// The challenge form as typed: kept as text so that a refused form comes
/// back exactly as the officer left it.
#[derive(Debug, Default, Clone)]
struct ChallengeDraft {
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
    fn blank() -> Self {
        ChallengeDraft {
            trl_min: "4".to_owned(),
            trl_max: "7".to_owned(),
            visibility: Visibility::Registered.as_str().to_owned(),
            ..ChallengeDraft::default()
        }
    }

    fn from_form(form: &FormFields) -> Self {
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

    fn from_view(view: &ChallengeView) -> Self {
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
    fn with_blanks_filled(mut self) -> Self {
        for slot in [&mut self.title, &mut self.summary, &mut self.description] {
            if slot.trim().is_empty() {
                *slot = "pending".to_owned();
            }
        }
        self
    }

    /// The API's input, or the error of the first field that is not even
    /// the right kind of value (the domain rules come after, in `validate`).
    fn to_input(&self, text: &ProcurementText) -> Result<ChallengeInput, ApiError> {
        Ok(ChallengeInput {
            title: self.title.clone(),
            summary: self.summary.clone(),
            description: self.description.clone(),
            desired_outcome: self.desired_outcome.clone(),
            technologies: parse_all("technologies", &self.technologies, text)?,
            keywords: self
                .keywords
                .split(',')
                .map(str::trim)
                .filter(|keyword| !keyword.is_empty())
                .map(str::to_owned)
                .collect(),
            preferred_provinces: parse_all("preferred_provinces", &self.provinces, text)?,
            trl_min: parse_trl("trl_min", &self.trl_min, text)?,
            trl_max: parse_trl("trl_max", &self.trl_max, text)?,
            budget_min_eur: parse_amount("budget_min_eur", &self.budget_min, text)?,
            budget_max_eur: parse_amount("budget_max_eur", &self.budget_max, text)?,
            pre_release_at: None,
            opens_at: parse_date("opens_at", &self.opens_at, NaiveTime::MIN, text)?,
            closes_at: parse_date("closes_at", &self.closes_at, end_of_day(), text)?,
            visibility: Visibility::from_str(&self.visibility)
                .map_err(|_| ApiError::invalid("visibility", text.unknown_choice))?,
            abdo_required: self.abdo_required,
        })
    }

    /// A patch that sets every field of the form. A date left as it was
    /// keeps its exact instant: an imported deadline at noon is not moved
    /// to the end of the day just because the form shows days.
    fn to_patch(
        &self,
        current: &ChallengeView,
        text: &ProcurementText,
    ) -> Result<ChallengePatch, ApiError> {
        let input = self.to_input(text)?;
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

fn end_of_day() -> NaiveTime {
    NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN)
}

/// The value of an `<input type=date>` for an instant (its UTC day).
fn date_value(at: Option<DateTime<Utc>>) -> String {
    at.map(|at| at.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn parse_all<T: FromStr>(
    field: &str,
    values: &[String],
    text: &ProcurementText,
) -> Result<Vec<T>, ApiError> {
    values
        .iter()
        .map(|value| T::from_str(value).map_err(|_| ApiError::invalid(field, text.unknown_choice)))
        .collect()
}

fn parse_trl(field: &str, value: &str, text: &ProcurementText) -> Result<Trl, ApiError> {
    value
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|level| Trl::try_from(level).ok())
        .ok_or_else(|| ApiError::invalid(field, text.not_a_trl))
}

fn parse_amount(field: &str, value: &str, text: &ProcurementText) -> Result<Option<i64>, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    value
        .parse::<i64>()
        .map(Some)
        .map_err(|_| ApiError::invalid(field, text.not_a_number))
}

/// A day from a date input, at `time` UTC; blank is no date.
fn parse_date(
    field: &str,
    value: &str,
    time: NaiveTime,
    text: &ProcurementText,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(|day| Some(day.and_time(time).and_utc()))
        .map_err(|_| ApiError::invalid(field, text.not_a_date))
}

/// How the form is sent and labelled: a new challenge or an edit.
struct FormTarget<'a> {
    action: String,
    submit: &'a str,
    live_check: bool,
    version: Option<i32>,
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
fn challenge_form(
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

/// The organisation of a procurement officer; every officer has one.
fn own_organisation(context: &PageContext) -> Result<Uuid, WebError> {
    let member = context.member_in(&[Role::Procurement])?;
    member
        .organisation_id
        .ok_or_else(|| ApiError::forbidden("this account belongs to no organisation").into())
}

async fn my_challenges(context: PageContext) -> Result<HttpResponse, WebError> {
    let organisation_id = own_organisation(&context)?;
    let text = &context.text.procurement;
    let common = &context.text.common;
    let page_number = context
        .query()
        .get("page")
        .and_then(|page| page.parse::<i64>().ok())
        .unwrap_or(1);
    let query = ChallengeListQuery {
        technology: None,
        province: None,
        status: None,
        trl: None,
        closes_before: None,
        closes_after: None,
        organisation_id: Some(organisation_id),
        visibility: None,
        q: None,
        sort: Some(ChallengeSort::Newest),
        page: Some(page_number),
        per_page: Some(MY_CHALLENGES_PER_PAGE),
    };
    let listed = challenge_list(&context.state, context.viewer(), query).await?;
    let now = Utc::now();
    let has_next = listed.page * listed.per_page < listed.total;
    let content = html! {
        h1 { (text.my_challenges_heading) }
        p { (text.my_challenges_intro) }
        p { a.button href="/my/challenges/new" { (text.post_first) } }
        @if listed.items.is_empty() {
            p { (text.no_challenges) }
        } @else {
            div.table-scroll {
                table.officer-table {
                    thead { tr {
                        th scope="col" { (text.column_title) }
                        th scope="col" { (text.column_status) }
                        th scope="col" { (text.column_deadline) }
                        th scope="col" { (text.column_actions) }
                    } }
                    tbody {
                        @for challenge in &listed.items {
                            tr {
                                th scope="row" { a href=(format!("/challenges/{}", challenge.id)) { (challenge.title) } }
                                td { span class=(format!("status status-{}", challenge.status)) { (name_of(context.text.common.challenge_statuses, challenge.status.as_str())) } }
                                td { (deadline_text(challenge.closes_at, now, context.language)) }
                                td.actions {
                                    a href=(format!("/my/challenges/{}/edit", challenge.id)) { (text.edit) }
                                    " · "
                                    a href=(format!("/my/challenges/{}/candidates", challenge.id)) { (text.candidates) }
                                }
                            }
                        }
                    }
                }
            }
            nav.pager aria-label=(common.pages) {
                @if listed.page > 1 { a href=(format!("/my/challenges?page={}", listed.page - 1)) { (common.previous_page) } }
                @if has_next { a href=(format!("/my/challenges?page={}", listed.page + 1)) { (common.next_page) } }
            }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(&context, text.my_challenges_heading, content),
    ))
}

fn new_form_page(context: &PageContext, draft: &ChallengeDraft, errors: &FormErrors) -> Markup {
    let text = &context.text.procurement;
    let target = FormTarget {
        action: "/my/challenges/new".to_owned(),
        submit: text.submit_new,
        live_check: true,
        version: None,
    };
    let content = html! {
        h1 { (text.new_heading) }
        p { (text.new_intro) }
        div.card { (challenge_form(context, draft, &[], errors, &target)) }
    };
    page(context, text.new_heading, content)
}

async fn new_challenge_page(context: PageContext) -> Result<HttpResponse, WebError> {
    own_organisation(&context)?;
    let page = new_form_page(&context, &ChallengeDraft::blank(), &FormErrors::none());
    Ok(html_response(StatusCode::OK, page))
}

async fn submit_new_challenge(
    context: PageContext,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let member = context.member_in(&[Role::Procurement])?.clone();
    let draft = ChallengeDraft::from_form(&form);
    let outcome = match draft.to_input(&context.text.procurement) {
        Ok(input) => post_challenge(&context.state, &member, input).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(view) => Ok(see_other(format!(
            "/my/challenges/{}/edit?done=created",
            view.id
        ))),
        Err(error) if error.code.status().is_client_error() => {
            let errors = FormErrors::from_api(&error, &FORM_FIELDS);
            let page = new_form_page(&context, &draft, &errors);
            Ok(html_response(error.code.status(), page))
        }
        Err(error) => Err(error.into()),
    }
}

/// The live check of the challenge form: `{"field": "message"}` for the
/// first rule the typed values break, `{}` when they pass. The same rules
/// as posting: the form's own parsing, `validate` and the deadline check.
async fn check_challenge(context: PageContext, body: web::Bytes) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    context.member_in(&[Role::Procurement])?;
    let draft = ChallengeDraft::from_form(&form).with_blanks_filled();
    let problem = draft
        .to_input(&context.text.procurement)
        .and_then(|input| Ok(input.validate()?))
        .and_then(|content| Ok(content.check_deadline_ahead(Utc::now())?))
        .err();
    let mut messages = BTreeMap::new();
    if let Some(error) = problem {
        let field = error.field.clone().unwrap_or_default();
        messages.insert(field, crate::web::error::sentence(&error.message));
    }
    Ok(HttpResponse::Ok().json(messages))
}

/// A challenge the signed-in officer may manage, or the "not allowed" page.
async fn manageable_challenge(
    context: &PageContext,
    challenge_id: Uuid,
) -> Result<ChallengeView, WebError> {
    context.member_in(&[Role::Procurement])?;
    let view = read_challenge(&context.state, context.viewer(), challenge_id).await?;
    if !context.viewer().can_edit_challenge(view.organisation_id) {
        return Err(ApiError::forbidden(
            "only procurement officers of the owning organisation may change this challenge",
        )
        .into());
    }
    Ok(view)
}

fn done_message(context: &PageContext) -> Option<&'static str> {
    let text = &context.text.procurement;
    match context.query().get("done") {
        Some("created") => Some(text.done_created),
        Some("saved") => Some(text.done_saved),
        Some("moved") => Some(text.done_moved),
        _ => None,
    }
}

fn move_label(text: &ProcurementText, status: ChallengeStatus) -> &'static str {
    match status {
        ChallengeStatus::Published => text.move_publish,
        ChallengeStatus::Open => text.move_open,
        ChallengeStatus::Closed => text.move_close,
        ChallengeStatus::Awarded => text.move_award,
        ChallengeStatus::Withdrawn => text.move_withdraw,
        ChallengeStatus::Draft => text.move_other,
    }
}

/// One button per move the lifecycle allows now.
fn status_section(context: &PageContext, view: &ChallengeView) -> Markup {
    let text = &context.text.procurement;
    html! {
        section.card.status-panel aria-labelledby="status-heading" {
            h2 id="status-heading" { (text.status_heading) }
            p { (text.status_now) ": " strong { (view.status) } }
            @if view.allowed_transitions.is_empty() {
                p { (text.status_final) }
            } @else {
                @if view.allowed_transitions.contains(&ChallengeStatus::Published) {
                    p.hint { (text.publish_explained) }
                }
                @if view.allowed_transitions.contains(&ChallengeStatus::Open) {
                    p.hint { (text.open_explained) }
                }
                form.status-buttons method="post" action=(format!("/my/challenges/{}/status", view.id)) {
                    (csrf_field(context))
                    input type="hidden" name="version" value=(view.version);
                    @for next in &view.allowed_transitions {
                        @let class = if matches!(next, ChallengeStatus::Withdrawn) { "secondary" } else { "" };
                        button type="submit" name="status" value=(next.as_str()) class=(class) {
                            (move_label(text, *next))
                        }
                        " "
                    }
                }
            }
        }
    }
}

/// The edit page: the status buttons, then the form (while the content may
/// still change) or the facts (once it may not).
fn edit_page(
    context: &PageContext,
    view: &ChallengeView,
    draft: &ChallengeDraft,
    errors: &FormErrors,
) -> Markup {
    let text = &context.text.procurement;
    let target = FormTarget {
        action: format!("/my/challenges/{}/edit", view.id),
        submit: text.submit_edit,
        live_check: false,
        version: Some(view.version),
    };
    let content = html! {
        (flash(done_message(context)))
        h1 { (text.edit_heading) ": " (view.title) }
        p {
            a href=(format!("/challenges/{}", view.id)) { (text.view) } " · "
            a href=(format!("/my/challenges/{}/candidates", view.id)) { (text.candidates) }
        }
        (status_section(context, view))
        @if view.status.content_is_editable() {
            div.card { (challenge_form(context, draft, &view.suggested_technologies, errors, &target)) }
        } @else {
            (form_error_summary(errors, context.language))
            p { (text.not_editable) }
            div.card { (challenge_facts(context, view)) }
        }
    };
    page(context, text.edit_heading, content)
}

async fn edit_challenge_page(
    context: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let view = manageable_challenge(&context, parse_id(&path)?).await?;
    let draft = ChallengeDraft::from_view(&view);
    let page = edit_page(&context, &view, &draft, &FormErrors::none());
    Ok(html_response(StatusCode::OK, page))
}

/// The version a form was rendered from; without one the form is stale.
async fn submit_challenge_edit(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let challenge_id = parse_id(&path)?;
    let form = context.verified_form(&body)?;
    let member = context.member_in(&[Role::Procurement])?.clone();
    let current = manageable_challenge(&context, challenge_id).await?;
    let draft = ChallengeDraft::from_form(&form);
    let outcome = match draft.to_patch(&current, &context.text.procurement) {
        Ok(patch) => {
            let if_match = form.if_match();
            edit_challenge(&context.state, &member, challenge_id, if_match, patch).await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok(_) => Ok(see_other(format!(
            "/my/challenges/{challenge_id}/edit?done=saved"
        ))),
        Err(error) if error.code.status().is_client_error() => {
            let errors = FormErrors::from_api(&error, &FORM_FIELDS);
            let page = edit_page(&context, &current, &draft, &errors);
            Ok(html_response(error.code.status(), page))
        }
        Err(error) => Err(error.into()),
    }
}

async fn submit_status_change(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let challenge_id = parse_id(&path)?;
    let form = context.verified_form(&body)?;
    let member = context.member_in(&[Role::Procurement])?.clone();
    let next = form
        .get("status")
        .and_then(|status| ChallengeStatus::from_str(status).ok())
        .ok_or_else(|| ApiError::invalid("status", context.text.procurement.unknown_choice))?;
    let if_match = form.if_match();
    match move_challenge(&context.state, &member, challenge_id, if_match, next).await {
        Ok(_) => Ok(see_other(format!(
            "/my/challenges/{challenge_id}/edit?done=moved"
        ))),
        Err(error) if error.code.status().is_client_error() => {
            let current = manageable_challenge(&context, challenge_id).await?;
            let errors = FormErrors::from_api(&error, &FORM_FIELDS);
            let draft = ChallengeDraft::from_view(&current);
            let page = edit_page(&context, &current, &draft, &errors);
            Ok(html_response(error.code.status(), page))
        }
        Err(error) => Err(error.into()),
    }
}

/// One ranked candidate: anonymous until introduced, with why it fits.
fn candidate_card(
    context: &PageContext,
    challenge_id: Uuid,
    rank: usize,
    candidate: &StartupMatch,
) -> Markup {
    let text = &context.text.procurement;
    let startup = &candidate.startup;
    let name = startup.name.as_deref().unwrap_or(text.anonymous_startup);
    let role = context.user.as_ref().map(|user| user.member.role);
    html! {
        article.card.candidate aria-labelledby=(format!("candidate-{rank}")) {
            h3 id=(format!("candidate-{rank}")) {
                span.rank { (text.rank) " " (rank) } " · " (name)
            }
            p.meta {
                (text.province) ": " (startup.province.map(|p| p.name()).unwrap_or(text.unknown))
                " · " (text.trl) " " (startup.trl.map(|t| t.get().to_string()).unwrap_or_else(|| text.unknown.to_owned()))
            }
            ul.tags aria-label=(text.technologies) {
                @for technology in &startup.technologies { li { (context.language.technology_name(*technology)) } }
            }
            p { (startup.description) }
            (explanation_breakdown(&format!("candidate-{rank}"), &candidate.explanation, context.language))
            @if role == Some(Role::Procurement) {
                // To the propose page, where the officer writes the message
                // before anything is sent.
                p { a.button href=(format!("/introductions/propose?startup={}&challenge={challenge_id}", startup.id))
                    aria-describedby="invite-hint" { (text.invite) } }
            } @else {
                p { a.button href=(format!("/introductions/propose?startup={}&challenge={challenge_id}", startup.id)) {
                    (context.text.rom.propose_link)
                } }
            }
        }
    }
}

async fn candidates_page(
    context: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let challenge_id = parse_id(&path)?;
    let member = context
        .member_in(&[Role::Procurement, Role::RomOfficer, Role::Admin])?
        .clone();
    let text = &context.text.procurement;
    let challenge = read_challenge(&context.state, context.viewer(), challenge_id).await?;
    let query = StartupMatchQuery {
        limit: Some(CANDIDATES_SHOWN),
        ..StartupMatchQuery::default()
    };
    let candidates = challenge_candidates(&context.state, &member, challenge_id, query).await?;
    let content = html! {
        h1 { (text.candidates_heading) ": " (challenge.title) }
        p { a href=(format!("/challenges/{challenge_id}")) { (text.back_to_challenge) } }
        p { (text.candidates_intro) }
        @if member.role == Role::Procurement {
            p.hint id="invite-hint" { (text.invite_hint) }
        }
        @if candidates.items.is_empty() {
            p { (text.no_candidates) }
        }
        @for (index, candidate) in candidates.items.iter().enumerate() {
            (candidate_card(&context, challenge_id, index + 1, candidate))
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(&context, text.candidates_heading, content),
    ))
}
