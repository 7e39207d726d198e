//! The start-up's own pages: its profile (created or edited with the same
//! operations as `POST /api/v1/startups` and `PATCH /api/v1/startups/{id}`)
//! with a live preview of its matches while it types, its ranked matches,
//! and saved searches (for every member who searches challenges).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use maud::{html, Markup};
use uuid::Uuid;

use crate::api::dto::startup::StartupView;
use crate::api::error::{ApiError, ErrorCode};
use crate::api::extract::IfMatch;
use crate::api::handlers::matches::{
    preview_of_draft, startup_matches, ChallengeMatch, ChallengeMatchQuery, MatchPreview,
    MatchPreviewRequest,
};
use crate::api::handlers::saved_searches::{
    delete_search, save_search, saved_searches_of, NewSavedSearch, SavedSearchView,
};
use crate::api::handlers::startups::{create_profile, read_startup, update_profile};
use crate::api::legacy::LegacyBlocking;
use crate::domain::account::{EmailAddress, Role};
use crate::domain::notification::SearchTarget;
use crate::domain::policy::Member;
use crate::domain::readiness::Trl;
use crate::domain::region::{CountryCode, Province};
use crate::domain::security::{AbdoLevel, ExportControlCategory};
use crate::domain::startup::{KvkNumber, StartupInput, StartupPatch};
use crate::domain::taxonomy::Technology;
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::explanation::{explanation_breakdown, matched_terms};
use crate::web::form::parse_id;
use crate::web::form::FormFields;
use crate::web::layout::{
    csrf_field, deadline_text, flash, form_error_summary, highlighted, page, province_options,
    select_field, technology_checkboxes, technology_options, text_area, text_input, FormErrors,
};
use crate::web::see_other;

/// Registers the start-up pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/profile")
                .route(web::get().to(profile_page))
                .route(web::post().to(submit_profile)),
        )
        .service(web::resource("/profile/preview").route(web::post().to(profile_preview)))
        .service(web::resource("/matches").route(web::get().to(matches_page)))
        .service(
            web::resource("/saved-searches")
                .route(web::get().to(saved_searches_page))
                .route(web::post().to(submit_saved_search)),
        )
        .service(
            web::resource("/saved-searches/{id}/delete")
                .route(web::post().to(submit_delete_search)),
        );
}

/// The flash message that `?done=<code>` in the address asks for.
pub fn done_flash(context: &PageContext, messages: &[(&str, &'static str)]) -> Markup {
    let fields = FormFields::parse(context.request.query_string().as_bytes());
    let message = fields.get("done").and_then(|done| {
        messages
            .iter()
            .find(|(code, _)| *code == done)
            .map(|(_, message)| *message)
    });
    flash(message)
}

/// Shows a form again with the error of a refused submission, or passes a
/// server failure on to the error page.
fn form_failure(
    error: ApiError,
    fields: &[&str],
    render: impl FnOnce(&FormErrors) -> Markup,
) -> Result<HttpResponse, WebError> {
    if !error.code.status().is_client_error() {
        return Err(error.into());
    }
    let errors = FormErrors::from_api(&error, fields);
    Ok(html_response(error.code.status(), render(&errors)))
}

/// The profile of `member`'s company, if it has one yet.
async fn own_startup_id(context: &PageContext, member: &Member) -> Result<Option<Uuid>, WebError> {
    let Some(organisation_id) = member.organisation_id else {
        return Ok(None);
    };
    let found = context
        .state
        .with_connection_api(move |connection| {
            Ok(crate::db::startups::find_id_by_organisation(
                connection,
                organisation_id,
            )?)
        })
        .await?;
    Ok(found)
}

// ---------------------------------------------------------------- profile

/// The profile form as typed: text kept as written so that a refused form
/// comes back exactly as the user left it.
#[derive(Debug, Default, Clone)]
struct ProfileDraft {
    name: String,
    kvk_number: String,
    website: String,
    description: String,
    technologies: Vec<Technology>,
    keywords: String,
    country: String,
    province: String,
    city: String,
    trl: String,
    employees: String,
    founded_year: String,
    dual_use: bool,
    abdo_clearance: String,
    export_control_categories: Vec<String>,
    contact_name: String,
    contact_email: String,
    contact_phone: String,
    /// The version the edit started from; `None` while creating.
    version: Option<i64>,
}

fn text_of(value: Option<impl ToString>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

impl ProfileDraft {
    /// A new profile: in the Netherlands, nothing else filled in.
    fn blank() -> Self {
        ProfileDraft {
            country: CountryCode::netherlands().as_str().to_owned(),
            ..ProfileDraft::default()
        }
    }

    /// The saved profile, to edit.
    fn of_view(view: &StartupView) -> Self {
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
            version: Some(i64::from(view.version)),
        }
    }

    /// The form as submitted. Unknown technology codes are dropped: the
    /// checkboxes only offer known ones.
    fn of_form(form: &FormFields) -> Self {
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

    fn keyword_list(&self) -> Vec<String> {
        self.keywords
            .split(',')
            .map(str::trim)
            .filter(|keyword| !keyword.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn country_code(&self) -> Result<CountryCode, ApiError> {
        let raw = self.country.trim();
        if raw.is_empty() {
            return Ok(CountryCode::netherlands());
        }
        CountryCode::try_from(raw.to_uppercase())
            .map_err(|error| ApiError::invalid("country", error))
    }

    fn province_choice(&self) -> Result<Option<Province>, ApiError> {
        parse_choice(&self.province, "province")
    }

    fn trl_choice(&self) -> Result<Option<Trl>, ApiError> {
        whole_number::<i64>(&self.trl, "trl")?
            .map(|level| Trl::try_from(level).map_err(|error| ApiError::invalid("trl", error)))
            .transpose()
    }

    /// The profile as the API receives it, or the error of the first field
    /// that is not even of the right kind (the rules are checked later, by
    /// the shared operation).
    fn input(
        &self,
        text: &crate::web::text::startup::StartupText,
    ) -> Result<StartupInput, ApiError> {
        let not_whole = |field: &str| ApiError::invalid(field, text.whole_number);
        let export_control_categories = self
            .export_control_categories
            .iter()
            .map(|raw| {
                raw.parse::<i64>()
                    .ok()
                    .and_then(|number| ExportControlCategory::try_from(number).ok())
                    .ok_or_else(|| not_whole("export_control_categories"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(StartupInput {
            name: self.name.clone(),
            kvk_number: non_blank(&self.kvk_number)
                .map(|raw| {
                    KvkNumber::try_from(raw)
                        .map_err(|error| ApiError::invalid("kvk_number", error.to_string()))
                })
                .transpose()?,
            website: non_blank(&self.website),
            description: self.description.clone(),
            technologies: self.technologies.clone(),
            keywords: self.keyword_list(),
            province: self.province_choice()?,
            country: self.country_code()?,
            city: non_blank(&self.city),
            trl: self.trl_choice()?,
            employees: whole_number(&self.employees, "employees")
                .map_err(|_| not_whole("employees"))?,
            founded_year: whole_number(&self.founded_year, "founded_year")
                .map_err(|_| not_whole("founded_year"))?,
            dual_use: self.dual_use,
            abdo_clearance: parse_choice(&self.abdo_clearance, "abdo_clearance")?,
            export_control_categories,
            contact_name: non_blank(&self.contact_name),
            contact_email: non_blank(&self.contact_email)
                .map(|raw| {
                    EmailAddress::try_from(raw)
                        .map_err(|error| ApiError::invalid("contact_email", error.to_string()))
                })
                .transpose()?,
            contact_phone: non_blank(&self.contact_phone),
        })
    }

    /// What the live preview ranks: the parts of the draft matching uses.
    fn preview_request(&self) -> Result<MatchPreviewRequest, ApiError> {
        Ok(MatchPreviewRequest {
            description: self.description.clone(),
            keywords: self.keyword_list(),
            technologies: self.technologies.clone(),
            province: self.province_choice()?,
            country: Some(self.country_code()?),
            trl: self.trl_choice()?,
        })
    }
}

fn non_blank(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// A choice of a select (`text_enum` codes); blank is no choice.
fn parse_choice<T: std::str::FromStr>(raw: &str, field: &str) -> Result<Option<T>, ApiError>
where
    T::Err: std::fmt::Display,
{
    non_blank(raw)
        .map(|value| {
            value
                .parse::<T>()
                .map_err(|error| ApiError::invalid(field, error.to_string()))
        })
        .transpose()
}

/// A whole number typed in a field; blank is none.
fn whole_number<T: std::str::FromStr>(raw: &str, field: &str) -> Result<Option<T>, ApiError> {
    non_blank(raw)
        .map(|value| {
            value
                .parse::<T>()
                .map_err(|_| ApiError::invalid(field, "not a whole number"))
        })
        .transpose()
}

/// A profile edit that sets every field to what the form holds.
fn full_patch(input: StartupInput) -> StartupPatch {
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

fn country_options(context: &PageContext, selected: &str) -> Markup {
    let text = &context.text.startup;
    let selected = selected.trim().to_uppercase();
    let known = text.countries.iter().any(|(code, _)| *code == selected);
    html! {
        @for (code, name) in text.countries {
            option value=(code) selected[*code == selected] { (name) }
        }
        // A country outside the short list stays what it was.
        @if !known && !selected.is_empty() {
            option value=(selected) selected { (selected) }
        }
    }
}

fn trl_options(context: &PageContext, selected: &str) -> Markup {
    let selected = selected.trim();
    html! {
        option value="" selected[selected.is_empty()] { (context.text.startup.trl_not_given) }
        @for level in Trl::all() {
            @let value = level.get().to_string();
            option value=(value) selected[value == selected] {
                "TRL " (value) " – " (level.description())
            }
        }
    }
}

fn abdo_options(context: &PageContext, selected: &str) -> Markup {
    html! {
        option value="" selected[selected.is_empty()] { (context.text.startup.abdo_none) }
        @for level in AbdoLevel::ALL {
            option value=(level.as_str()) selected[level.as_str() == selected] {
                (level.as_str()) " – " (level.name())
            }
        }
    }
}

fn export_checkboxes(context: &PageContext, draft: &ProfileDraft, errors: &FormErrors) -> Markup {
    let name = "export_control_categories";
    let error = errors.for_field(name);
    html! {
        fieldset.field.has-error[error.is_some()] id=(name) {
            legend { (context.text.startup.export_legend) }
            div.checkbox-grid {
                @for category in ExportControlCategory::all() {
                    @let value = category.get().to_string();
                    @let id = format!("{name}-{value}");
                    label for=(id) {
                        input type="checkbox" id=(id) name=(name) value=(value)
                            checked[draft.export_control_categories.contains(&value)];
                        " " (value) " – " (category.description())
                    }
                }
            }
            p.field-error id=(format!("error-{name}")) data-error-for=(name) aria-live="polite" {
                @if let Some(error) = error { (error) }
            }
        }
    }
}

/// The profile form beside the live preview of its matches.
fn profile_form(
    context: &PageContext,
    draft: &ProfileDraft,
    suggested: &[Technology],
    preview: Markup,
    errors: &FormErrors,
) -> Markup {
    let text = &context.text.startup;
    let creating = draft.version.is_none();
    let heading = if creating {
        text.profile_new_heading
    } else {
        text.profile_edit_heading
    };
    let content = html! {
        (done_flash(context, &[("saved", text.profile_saved)]))
        h1 { (heading) }
        p.lead { (if creating { text.profile_new_intro } else { text.profile_edit_intro }) }
        (form_error_summary(errors, context.language))
        div.profile-layout {
            form.profile-form method="post" action="/profile" novalidate
                data-live-preview="/profile/preview" data-preview-target="#match-preview" {
                (csrf_field(context))
                @if let Some(version) = draft.version {
                    input type="hidden" name="version" value=(version);
                }
                section.card aria-labelledby="company-heading" {
                    h2 id="company-heading" { (text.company_heading) }
                    (text_input("name", text.name_label, &draft.name, None, errors, "text"))
                    (text_input("kvk_number", text.kvk_label, &draft.kvk_number, Some(text.kvk_hint), errors, "text"))
                    (text_input("website", text.website_label, &draft.website, Some(text.website_hint), errors, "url"))
                    (text_area("description", text.description_label, &draft.description, Some(text.description_hint), errors, 8))
                    (text_input("keywords", text.keywords_label, &draft.keywords, Some(text.keywords_hint), errors, "text"))
                    (technology_checkboxes("technologies", text.technologies_legend, &draft.technologies, suggested, errors, context.language))
                }
                section.card aria-labelledby="location-heading" {
                    h2 id="location-heading" { (text.location_heading) }
                    (select_field("country", text.country_label, None, errors, country_options(context, &draft.country)))
                    (select_field("province", text.province_label, Some(text.province_hint), errors,
                        province_options(draft.province.parse().ok(), text.no_province)))
                    (text_input("city", text.city_label, &draft.city, None, errors, "text"))
                }
                section.card aria-labelledby="maturity-heading" {
                    h2 id="maturity-heading" { (text.maturity_heading) }
                    (select_field("trl", text.trl_label, None, errors, trl_options(context, &draft.trl)))
                    (text_input("employees", text.employees_label, &draft.employees, None, errors, "number"))
                    (text_input("founded_year", text.founded_label, &draft.founded_year, None, errors, "number"))
                    div.field.checkbox {
                        input type="checkbox" id="dual_use" name="dual_use" value="true" checked[draft.dual_use];
                        " "
                        label for="dual_use" { (text.dual_use_label) }
                    }
                    (select_field("abdo_clearance", text.abdo_label, None, errors, abdo_options(context, &draft.abdo_clearance)))
                    (export_checkboxes(context, draft, errors))
                }
                section.card aria-labelledby="contact-heading" {
                    h2 id="contact-heading" { (text.contact_heading) }
                    p.hint { (text.contact_hint) }
                    (text_input("contact_name", text.contact_name_label, &draft.contact_name, None, errors, "text"))
                    (text_input("contact_email", text.contact_email_label, &draft.contact_email, None, errors, "email"))
                    (text_input("contact_phone", text.contact_phone_label, &draft.contact_phone, None, errors, "tel"))
                }
                button type="submit" { (if creating { text.create_button } else { text.save_button }) }
            }
            aside.card.preview-panel aria-labelledby="preview-heading" {
                h2 id="preview-heading" { (text.preview_heading) }
                p.meta { (text.preview_intro) }
                div.preview id="match-preview" aria-live="polite" { (preview) }
            }
        }
    };
    page(context, heading, content)
}

/// The preview of `draft` and the technology codes its text suggests. A
/// draft the preview refuses (no description yet, a bad choice) gets a
/// plain hint instead; only a server failure is an error.
async fn preview_of(
    context: &PageContext,
    draft: &ProfileDraft,
) -> Result<(Markup, Vec<Technology>), WebError> {
    let text = &context.text.startup;
    if draft.description.trim().is_empty() {
        return Ok((
            html! { p.hint { (text.preview_needs_description) } },
            Vec::new(),
        ));
    }
    let outcome = match draft.preview_request() {
        Ok(request) => preview_of_draft(&context.state, context.viewer(), Some(5), request).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(preview) => {
            let suggested = preview.suggested_technologies.clone();
            Ok((preview_markup(context, &preview), suggested))
        }
        Err(error) if error.code.status().is_client_error() => {
            let hint = html! {
                p.hint { (text.preview_fix_field) " " (crate::web::text::errors::sentence(&error.message)) }
            };
            Ok((hint, Vec::new()))
        }
        Err(error) => Err(error.into()),
    }
}

fn preview_markup(context: &PageContext, preview: &MatchPreview) -> Markup {
    let text = &context.text.startup;
    html! {
        h3 { (text.preview_suggested) }
        @if preview.suggested_technologies.is_empty() {
            p.meta { (text.preview_no_suggestions) }
        } @else {
            ul.tags { @for technology in &preview.suggested_technologies { li { (context.language.technology_name(*technology)) } } }
        }
        h3 { (context.text.common.nav_matches) }
        @if preview.items.is_empty() { p { (text.preview_none) } }
        ol.preview-matches {
            @for item in &preview.items {
                li {
                    a href=(format!("/challenges/{}", item.challenge.id)) { (item.challenge.title) }
                    (explanation_breakdown(&format!("preview-{}", item.challenge.id), &item.explanation, context.language))
                }
            }
        }
    }
}

async fn profile_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let member = context.member_in(&[Role::Startup])?.clone();
    let draft = match own_startup_id(&context, &member).await? {
        Some(id) => {
            ProfileDraft::of_view(&read_startup(&context.state, &context.viewer(), id).await?)
        }
        None => ProfileDraft::blank(),
    };
    let (preview, suggested) = preview_of(&context, &draft).await?;
    let page = profile_form(&context, &draft, &suggested, preview, &FormErrors::none());
    Ok(html_response(StatusCode::OK, page))
}

async fn submit_profile(context: PageContext, body: web::Bytes) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let member = context.member_in(&[Role::Startup])?.clone();
    let draft = ProfileDraft::of_form(&form);
    let saved = match draft.input(&context.text.startup) {
        Ok(input) => save_profile(&context, &member, &draft, input).await,
        Err(error) => Err(error),
    };
    let error = match saved {
        Ok(()) => return Ok(see_other("/profile?done=saved")),
        Err(error) => error,
    };
    if !error.code.status().is_client_error() {
        return Err(error.into());
    }
    // A stale edit is not the user's mistake: say so plainly, above the form.
    let error = if error.code == ErrorCode::PreconditionFailed {
        ApiError::new(error.code, context.text.common.stale_edit)
    } else {
        error
    };
    let (preview, suggested) = preview_of(&context, &draft).await?;
    // The form has an input for every field of `StartupInput`, so an
    // error's field lands beside its input.
    form_failure(error, &StartupInput::FIELDS, |errors| {
        profile_form(&context, &draft, &suggested, preview, errors)
    })
}

/// Creates the profile, or edits it from the version the form started from.
async fn save_profile(
    context: &PageContext,
    member: &Member,
    draft: &ProfileDraft,
    input: StartupInput,
) -> Result<(), ApiError> {
    let existing = own_startup_id(context, member)
        .await
        .map_err(|error| match error {
            WebError::Api(error) => error,
            _ => ApiError::internal("could not look up the profile"),
        })?;
    match (existing, draft.version) {
        (None, _) => create_profile(&context.state, member, input)
            .await
            .map(drop),
        (Some(id), version) => {
            // A form without a version was opened before the profile existed.
            let if_match = IfMatch(version.and_then(|v| i32::try_from(v).ok()).unwrap_or(-1));
            let viewer = context.viewer();
            update_profile(&context.state, &viewer, id, if_match, full_patch(input))
                .await
                .map(drop)
        }
    }
}

/// `POST /profile/preview`: the fragment the live preview swaps in.
async fn profile_preview(context: PageContext, body: web::Bytes) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    context.member()?;
    let draft = ProfileDraft::of_form(&form);
    let (preview, _) = preview_of(&context, &draft).await?;
    Ok(html_response(StatusCode::OK, preview))
}

// ---------------------------------------------------------------- matches

/// The filters of the matches page, from its query string.
fn match_filters(query: &str) -> Result<(Option<Technology>, Option<Province>), ApiError> {
    let fields = FormFields::parse(query.as_bytes());
    let technology = parse_choice(fields.get("technology").unwrap_or_default(), "technology")?;
    let province = parse_choice(fields.get("province").unwrap_or_default(), "province")?;
    Ok((technology, province))
}

async fn matches_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let member = context.member_in(&[Role::Startup])?.clone();
    let text = &context.text.startup;
    let Some(startup_id) = own_startup_id(&context, &member).await? else {
        let content = html! {
            h1 { (text.matches_heading) }
            div.card {
                p { (text.no_profile_yet) }
                p { a.button href="/profile" { (text.create_profile_link) } }
            }
        };
        return Ok(html_response(
            StatusCode::OK,
            page(&context, text.matches_heading, content),
        ));
    };
    let (filters, outcome) = match match_filters(context.request.query_string()) {
        Ok((technology, province)) => {
            let query = ChallengeMatchQuery {
                technology,
                province,
                ..ChallengeMatchQuery::default()
            };
            let found = startup_matches(&context.state, context.viewer(), startup_id, &query).await;
            ((technology, province), found)
        }
        Err(error) => ((None, None), Err(error)),
    };
    let (items, errors, status) = match outcome {
        Ok(matches) => (matches.items, FormErrors::none(), StatusCode::OK),
        Err(error) if error.code.status().is_client_error() => {
            let status = error.code.status();
            (
                Vec::new(),
                FormErrors::from_api(&error, &["technology", "province"]),
                status,
            )
        }
        Err(error) => return Err(error.into()),
    };
    let common = &context.text.common;
    let content = html! {
        h1 { (text.matches_heading) }
        p.lead { (text.matches_intro) }
        (form_error_summary(&errors, context.language))
        form.search-form.card method="get" action="/matches" aria-label=(text.filters_label) {
            (select_field("technology", common.filter_technology, None, &errors, technology_options(filters.0, common.any, context.language)))
            (select_field("province", common.filter_province, None, &errors, province_options(filters.1, common.any)))
            button type="submit" { (text.filter_button) }
        }
        @if items.is_empty() && !errors.any() { p { (text.matches_none) } }
        @for item in &items { (match_card(&context, item)) }
    };
    Ok(html_response(
        status,
        page(&context, text.matches_heading, content),
    ))
}

/// One match: the challenge with what matched highlighted, and why.
fn match_card(context: &PageContext, item: &ChallengeMatch) -> Markup {
    let common = &context.text.common;
    let challenge = &item.challenge;
    let terms = matched_terms(&item.explanation);
    html! {
        article.card.match id=(format!("match-{}", challenge.id)) {
            h2 { a href=(format!("/challenges/{}", challenge.id)) { (challenge.title) } }
            p.meta {
                (challenge.organisation_name) " · "
                (common.deadline) ": " (deadline_text(challenge.closes_at, Utc::now(), context.language))
            }
            p.lead { (highlighted(&challenge.summary, &terms)) }
            details {
                summary { (common.description) }
                @for paragraph in challenge.description.split("\n\n") {
                    p { (highlighted(paragraph, &terms)) }
                }
            }
            ul.tags aria-label=(common.technologies) {
                @for technology in &challenge.technologies { li { (context.language.technology_name(*technology)) } }
            }
            h3.visually-hidden { (context.text.startup.why_heading) }
            (explanation_breakdown(&challenge.id.to_string(), &item.explanation, context.language))
        }
    }
}

// ---------------------------------------------------------- saved searches

/// The saved-search form as typed.
#[derive(Debug, Default)]
struct SearchDraft {
    name: String,
    q: String,
    technology: Option<Technology>,
    province: Option<Province>,
}

impl SearchDraft {
    /// The query string of the challenge search this draft describes.
    fn query(&self) -> String {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        if !self.q.trim().is_empty() {
            serializer.append_pair("q", self.q.trim());
        }
        if let Some(technology) = self.technology {
            serializer.append_pair("technology", technology.as_str());
        }
        if let Some(province) = self.province {
            serializer.append_pair("province", province.as_str());
        }
        serializer.finish()
    }
}

/// Where a saved search runs on the site, when it is a challenge search.
fn saved_search_link(search: &SavedSearchView) -> Option<String> {
    (search.target == SearchTarget::Challenges).then(|| {
        if search.query.is_empty() {
            "/challenges".to_owned()
        } else {
            format!("/challenges?{}", search.query)
        }
    })
}

/// The search in words: its words and filters.
fn saved_search_summary(context: &PageContext, search: &SavedSearchView) -> String {
    let fields = FormFields::parse(search.query.as_bytes());
    let mut parts: Vec<String> = Vec::new();
    if let Some(q) = fields.non_blank("q") {
        parts.push(format!("“{q}”"));
    }
    if let Some(technology) = fields.non_blank("technology") {
        let name = technology
            .parse::<Technology>()
            .map_or(technology.to_owned(), |known| {
                context.language.technology_name(known).to_owned()
            });
        parts.push(name);
    }
    if let Some(province) = fields.non_blank("province") {
        let name = province
            .parse::<Province>()
            .map_or(province.to_owned(), |known| known.name().to_owned());
        parts.push(name);
    }
    if parts.is_empty() {
        return context.text.startup.saved_everything.to_owned();
    }
    parts.join(" · ")
}

async fn render_saved_searches(
    context: &PageContext,
    member: &Member,
    draft: &SearchDraft,
    errors: &FormErrors,
) -> Result<Markup, WebError> {
    let text = &context.text.startup;
    let common = &context.text.common;
    let searches = saved_searches_of(&context.state, member).await?;
    let content = html! {
        (done_flash(context, &[("saved", text.saved_done), ("deleted", text.saved_deleted)]))
        h1 { (text.saved_heading) }
        p.lead { (text.saved_intro) }
        @if searches.items.is_empty() { p { (text.saved_none) } }
        ul.saved-searches {
            @for search in &searches.items {
                li.card id=(format!("saved-search-{}", search.id)) {
                    h2 { (search.name) }
                    p.meta {
                        @if search.target == SearchTarget::Startups { (text.saved_startups_target) " · " }
                        (saved_search_summary(context, search))
                    }
                    div.actions {
                        @if let Some(link) = saved_search_link(search) {
                            a.button href=(link) { (text.run_search) }
                        }
                        form method="post" action=(format!("/saved-searches/{}/delete", search.id)) {
                            (csrf_field(context))
                            button.secondary type="submit"
                                aria-label=(format!("{} {}", text.delete_search_named, search.name)) {
                                (text.delete_search)
                            }
                        }
                    }
                }
            }
        }
        section.card aria-labelledby="new-search-heading" {
            h2 id="new-search-heading" { (text.saved_new_heading) }
            (form_error_summary(errors, context.language))
            form method="post" action="/saved-searches" novalidate {
                (csrf_field(context))
                (text_input("name", text.saved_name_label, &draft.name, None, errors, "text"))
                (text_input("q", text.saved_query_label, &draft.q, Some(common.search_hint), errors, "search"))
                (select_field("technology", common.filter_technology, None, errors, technology_options(draft.technology, common.any, context.language)))
                (select_field("province", common.filter_province, None, errors, province_options(draft.province, common.any)))
                button type="submit" { (text.saved_button) }
            }
        }
    };
    Ok(page(context, text.saved_heading, content))
}

async fn saved_searches_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let member = context.member()?.clone();
    let page = render_saved_searches(
        &context,
        &member,
        &SearchDraft::default(),
        &FormErrors::none(),
    )
    .await?;
    Ok(html_response(StatusCode::OK, page))
}

async fn submit_saved_search(
    context: PageContext,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let member = context.member()?.clone();
    let mut draft = SearchDraft {
        name: form.get("name").unwrap_or_default().to_owned(),
        q: form.get("q").unwrap_or_default().to_owned(),
        ..SearchDraft::default()
    };
    let outcome = match (
        parse_choice::<Technology>(form.get("technology").unwrap_or_default(), "technology"),
        parse_choice::<Province>(form.get("province").unwrap_or_default(), "province"),
    ) {
        (Ok(technology), Ok(province)) => {
            draft.technology = technology;
            draft.province = province;
            let request = NewSavedSearch {
                name: draft.name.clone(),
                target: SearchTarget::Challenges,
                query: draft.query(),
            };
            save_search(&context.state, &member, request)
                .await
                .map(drop)
        }
        (Err(error), _) | (_, Err(error)) => Err(error),
    };
    let error = match outcome {
        Ok(()) => return Ok(see_other("/saved-searches?done=saved")),
        Err(error) if !error.code.status().is_client_error() => return Err(error.into()),
        Err(error) => error,
    };
    // The operation names the whole query; on this form that is the words.
    let error = match error.field.as_deref() {
        Some("query") => error.with_field("q"),
        _ => error,
    };
    let errors = FormErrors::from_api(&error, &["name", "q", "technology", "province"]);
    let page = render_saved_searches(&context, &member, &draft, &errors).await?;
    Ok(html_response(error.code.status(), page))
}

async fn submit_delete_search(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = parse_id(&path)?;
    context.verified_form(&body)?;
    let member = context.member()?.clone();
    delete_search(&context.state, &member, id).await?;
    Ok(see_other("/saved-searches?done=deleted"))
}
