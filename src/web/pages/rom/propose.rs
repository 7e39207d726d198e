//! Proposing an introduction (a broker) or inviting a start-up
//! (procurement): the pair side by side and a message, ready to send.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use maud::{html, Markup};
use uuid::Uuid;

use crate::app::challenges::{self, ChallengeView};
use crate::app::introductions::{self, NewIntroductionRequest};
use crate::app::startups::{self, StartupView};
use crate::domain::account::Role;
use crate::domain::introduction::Side;
use crate::domain::startup::StartupRef;
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::form::{parse_id, FormFields};
use crate::web::layout::{
    csrf_field, deadline_text, form_error_summary, page, text_area, FormErrors,
};
use crate::web::see_other;
use crate::web::text::rom::RomText;
use crate::web::text::startup::name_of;

/// Who proposes or invites: brokers, and procurement for its own challenges.
const PROPOSERS: [Role; 3] = [Role::RomOfficer, Role::Admin, Role::Procurement];

/// The inputs of the proposal form.
const PROPOSAL_FIELDS: [&str; 1] = ["message"];

/// The pair of a proposal, from the ids a link or form carries.
fn pair_ids(fields: &FormFields) -> Result<(StartupRef, Uuid), WebError> {
    let startup = fields
        .get("startup")
        .unwrap_or_default()
        .parse::<StartupRef>()
        .map_err(|_| WebError::not_found())?;
    let challenge = parse_id(fields.get("challenge").unwrap_or_default())?;
    Ok((startup, challenge))
}

/// The proposal's first draft. Procurement reads it before the start-up is
/// named, so it speaks of the start-up by its province only.
fn default_message(text: &RomText, startup: &StartupView, challenge: &ChallengeView) -> String {
    let province = startup.province.map(|p| p.name()).unwrap_or(text.unknown);
    text.message_template
        .replace("{province}", province)
        .replace("{challenge}", &challenge.title)
}

fn pair_summary(context: &PageContext, startup: &StartupView, challenge: &ChallengeView) -> Markup {
    let text = &context.text.rom;
    html! {
        div.grid {
            section.card aria-labelledby="pair-startup" {
                h2 id="pair-startup" { (text.the_startup) ": " (startup.name.as_deref().unwrap_or(text.anonymous_startup)) }
                p.meta {
                    (startup.province.map(|p| p.name()).unwrap_or(text.unknown))
                    @if let Some(trl) = startup.trl { " · " (text.trl) " " (trl.get()) }
                }
                ul.tags { @for technology in &startup.technologies { li { (context.language.technology_name(*technology)) } } }
                p { (startup.description) }
            }
            section.card aria-labelledby="pair-challenge" {
                h2 id="pair-challenge" { (text.the_challenge) ": " a href=(format!("/challenges/{}", challenge.id)) { (challenge.title) } }
                p.meta {
                    (challenge.organisation_name) " · " (name_of(context.text.common.challenge_statuses, challenge.status.as_str())) " · "
                    (deadline_text(challenge.closes_at, Utc::now(), context.language))
                }
                ul.tags { @for technology in &challenge.technologies { li { (context.language.technology_name(*technology)) } } }
                p { (challenge.summary) }
            }
        }
    }
}

/// The propose page: the pair and a message, ready to send.
async fn render_proposal(
    context: &PageContext,
    startup_id: StartupRef,
    challenge_id: Uuid,
    message: Option<&str>,
    errors: &FormErrors,
) -> Result<Markup, WebError> {
    let text = &context.text.rom;
    let viewer = context.viewer();
    let challenge = challenges::get(&context.state, &viewer, challenge_id).await?;
    let startup = startups::get(&context.state, &viewer, startup_id.clone()).await?;
    let inviting = viewer
        .member()
        .is_some_and(|member| member.introducing_side() == Side::Procurement);
    let (heading, intro, button) = if inviting {
        (text.invite_heading, text.invite_intro, text.send_invitation)
    } else {
        (text.propose_heading, text.propose_intro, text.send_proposal)
    };
    let message = match message {
        Some(message) => message.to_owned(),
        None => default_message(text, &startup, &challenge),
    };
    // A broker sees the full profile: show what procurement will read instead.
    let preview = if inviting {
        None
    } else {
        Some(
            introductions::message_as_procurement_reads_it(
                &context.state,
                context.member_in(&PROPOSERS)?,
                &startup_id,
                message.clone(),
            )
            .await?,
        )
    };
    let content = html! {
        h1 { (heading) }
        p { (intro) }
        (pair_summary(context, &startup, &challenge))
        (form_error_summary(errors, context.language))
        form.card method="post" action="/introductions/propose" {
            (csrf_field(context))
            input type="hidden" name="startup" value=(startup_id);
            input type="hidden" name="challenge" value=(challenge_id);
            (text_area("message", text.message_label, &message, Some(text.message_hint), errors, 5))
            @if let Some(preview) = &preview {
                section.preview aria-labelledby="message-preview" {
                    h2 id="message-preview" { (text.preview_heading) }
                    p.meta { (text.preview_intro) }
                    p.message { (preview) }
                }
                button type="submit" name="intent" value="preview" { (text.preview_button) }
                " "
            }
            button type="submit" { (button) }
            " "
            a href=(if inviting { format!("/my/challenges/{challenge_id}/candidates") } else { "/region/startups".to_owned() }) { (text.cancel) }
        }
    };
    Ok(page(context, heading, content))
}

pub(super) async fn propose_page(context: PageContext) -> Result<HttpResponse, WebError> {
    context.member_in(&PROPOSERS)?;
    let (startup_id, challenge_id) = pair_ids(&context.query())?;
    let page = render_proposal(
        &context,
        startup_id,
        challenge_id,
        None,
        &FormErrors::none(),
    )
    .await?;
    Ok(html_response(StatusCode::OK, page))
}

pub(super) async fn submit_proposal(
    context: PageContext,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let member = context.member_in(&PROPOSERS)?;
    let (startup_id, challenge_id) = pair_ids(&form)?;
    let message = form.get("message").map(str::to_owned);
    if form.get("intent") == Some("preview") {
        let page = render_proposal(
            &context,
            startup_id,
            challenge_id,
            Some(message.as_deref().unwrap_or_default()),
            &FormErrors::none(),
        )
        .await?;
        return Ok(html_response(StatusCode::OK, page));
    }
    let request = NewIntroductionRequest {
        challenge_id,
        startup_id: Some(startup_id.clone()),
        message: message.clone(),
    };
    match introductions::start(&context.state, member, request).await {
        Ok(view) => Ok(see_other(format!("/introductions/{}", view.id))),
        Err(error) if status_of(&error).is_client_error() => {
            let errors = FormErrors::from_app(&error, &PROPOSAL_FIELDS, context.language);
            let page = render_proposal(
                &context,
                startup_id,
                challenge_id,
                Some(message.as_deref().unwrap_or_default()),
                &errors,
            )
            .await?;
            Ok(html_response(status_of(&error), page))
        }
        Err(error) => Err(error.into()),
    }
}
