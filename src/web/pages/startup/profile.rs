//! The profile page: the start-up creates or edits its profile
//! (`app::startups::{create, update}`), and sees what it would match while
//! it types (`app::matching::preview`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use super::profile_draft::{full_patch, ProfileDraft};
use super::profile_form::profile_form;
use crate::app::matching::{self, MatchPreview};
use crate::app::{startups, AppError};
use crate::domain::account::Role;
use crate::domain::policy::Member;
use crate::domain::startup::StartupInput;
use crate::domain::taxonomy::Technology;
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::explanation::explanation_breakdown;
use crate::web::form::NO_VERSION;
use crate::web::layout::FormErrors;
use crate::web::see_other;
use crate::web::text::errors::app_error_message;

/// Challenges shown in the live preview.
const PREVIEW_RESULTS: i64 = 5;

pub(super) async fn profile_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let member = context.member_in(&[Role::Startup])?.clone();
    let draft = match startups::get_own(&context.state, &member).await? {
        Some(view) => ProfileDraft::of_view(&view),
        None => ProfileDraft::blank(),
    };
    let (preview, suggested) = preview_of(&context, &draft).await?;
    let page = profile_form(&context, &draft, &suggested, preview, &FormErrors::none());
    Ok(html_response(StatusCode::OK, page))
}

pub(super) async fn submit_profile(
    context: PageContext,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let member = context.member_in(&[Role::Startup])?.clone();
    let draft = ProfileDraft::of_form(&form);
    let saved = match draft.input() {
        Ok(input) => save_profile(&context, &member, &draft, input).await,
        Err(error) => Err(error),
    };
    let error = match saved {
        Ok(()) => return Ok(see_other("/profile?done=saved")),
        Err(error) => error,
    };
    let status = status_of(&error);
    if !status.is_client_error() {
        return Err(error.into());
    }
    let (preview, suggested) = preview_of(&context, &draft).await?;
    // The form has an input for every field of `StartupInput`, so an
    // error's field lands beside its input; a stale edit is said plainly
    // above the form.
    let errors = FormErrors::from_app(&error, &StartupInput::FIELDS, context.language);
    let page = profile_form(&context, &draft, &suggested, preview, &errors);
    Ok(html_response(status, page))
}

/// Creates the profile, or edits it from the version the form started from.
async fn save_profile(
    context: &PageContext,
    member: &Member,
    draft: &ProfileDraft,
    input: StartupInput,
) -> Result<(), AppError> {
    match startups::get_own(&context.state, member).await? {
        None => startups::create(&context.state, member, input)
            .await
            .map(drop),
        Some(current) => {
            // A form without a version was opened before the profile existed.
            let version = draft.version.unwrap_or(NO_VERSION);
            // The start-up's own profile is always named by its id.
            let own_id = current
                .id
                .id()
                .ok_or(AppError::not_found(crate::app::Subject::Startup))?;
            startups::update(&context.state, member, own_id, version, full_patch(input))
                .await
                .map(drop)
        }
    }
}

/// `POST /profile/preview`: the fragment the live preview swaps in.
pub(super) async fn profile_preview(
    context: PageContext,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    context.member()?;
    let draft = ProfileDraft::of_form(&form);
    let (preview, _) = preview_of(&context, &draft).await?;
    Ok(html_response(StatusCode::OK, preview))
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
        Ok(request) => {
            matching::preview(
                &context.state,
                &context.viewer(),
                Some(PREVIEW_RESULTS),
                None,
                request,
            )
            .await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok(preview) => {
            let suggested = preview.suggested_technologies.clone();
            Ok((preview_markup(context, &preview), suggested))
        }
        Err(error) if status_of(&error).is_client_error() => {
            let hint = html! {
                p.hint { (text.preview_fix_field) " " (app_error_message(&error, context.language)) }
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
