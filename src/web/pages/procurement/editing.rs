//! Editing a challenge, and moving it along its lifecycle.

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};
use uuid::Uuid;

use super::challenge_form::{challenge_form, ChallengeDraft, FormTarget, FORM_FIELDS};
use crate::app::challenges::{self, ChallengeView};
use crate::app::AppError;
use crate::domain::account::Role;
use crate::domain::challenge::ChallengeStatus;
use crate::domain::Rule;
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::form::parse_id;
use crate::web::layout::{csrf_field, flash, form_error_summary, page, FormErrors};
use crate::web::pages::public::challenge_facts;
use crate::web::see_other;
use crate::web::text::procurement::ProcurementText;
use crate::web::text::startup::name_of;

/// A challenge the signed-in officer may manage, or the "not allowed" page.
async fn manageable_challenge(
    context: &PageContext,
    challenge_id: Uuid,
) -> Result<ChallengeView, WebError> {
    let member = context.member_in(&[Role::Procurement])?;
    let view = challenges::get(&context.state, &context.viewer(), challenge_id).await?;
    member
        .may_manage_challenge(view.organisation_id)
        .map_err(AppError::from)?;
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
            p { (text.status_now) ": " strong { (name_of(context.text.common.challenge_statuses, view.status.as_str())) } }
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

pub(super) async fn edit_challenge_page(
    context: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let view = manageable_challenge(&context, parse_id(&path)?).await?;
    let draft = ChallengeDraft::from_view(&view);
    let page = edit_page(&context, &view, &draft, &FormErrors::none());
    Ok(html_response(StatusCode::OK, page))
}

/// The version a form was rendered from; without one the form is stale.
pub(super) async fn submit_challenge_edit(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let challenge_id = parse_id(&path)?;
    let form = context.verified_form(&body)?;
    let member = context.member_in(&[Role::Procurement])?.clone();
    let current = manageable_challenge(&context, challenge_id).await?;
    let draft = ChallengeDraft::from_form(&form);
    let outcome = match draft.to_patch(&current) {
        Ok(patch) => {
            challenges::update(&context.state, &member, challenge_id, form.version(), patch).await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok(_) => Ok(see_other(format!(
            "/my/challenges/{challenge_id}/edit?done=saved"
        ))),
        Err(error) if status_of(&error).is_client_error() => {
            let errors = FormErrors::from_app(&error, &FORM_FIELDS, context.language);
            let page = edit_page(&context, &current, &draft, &errors);
            Ok(html_response(status_of(&error), page))
        }
        Err(error) => Err(error.into()),
    }
}

pub(super) async fn submit_status_change(
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
        .ok_or_else(|| AppError::invalid("status", Rule::UnknownChoice))?;
    match challenges::change_status(&context.state, &member, challenge_id, form.version(), next)
        .await
    {
        Ok(_) => Ok(see_other(format!(
            "/my/challenges/{challenge_id}/edit?done=moved"
        ))),
        Err(error) if status_of(&error).is_client_error() => {
            let current = manageable_challenge(&context, challenge_id).await?;
            let errors = FormErrors::from_app(&error, &FORM_FIELDS, context.language);
            let draft = ChallengeDraft::from_view(&current);
            let page = edit_page(&context, &current, &draft, &errors);
            Ok(html_response(status_of(&error), page))
        }
        Err(error) => Err(error.into()),
    }
}
