//! A challenge's own page: its facts and description, "express interest"
//! for a start-up, and its public Q&A.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use maud::{html, Markup};
use uuid::Uuid;

use super::questions::qa_section;
use crate::app::challenges::{self, ChallengeView};
use crate::app::introductions::{self, IntroductionListFilter, IntroductionView};
use crate::app::questions;
use crate::domain::challenge::ChallengeStatus;
use crate::domain::introduction::IntroductionState;
use crate::domain::policy::Member;
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::form::parse_id;
use crate::web::layout::{
    csrf_field, deadline_text, done_flash, euros, form_error_summary, human_date_time, page,
    text_area, FormErrors,
};
use crate::web::text::startup::name_of;

pub(super) async fn challenge_page(
    context: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let challenge_id = parse_id(&path)?;
    let page = render_challenge(&context, challenge_id, &FormErrors::none(), "").await?;
    Ok(html_response(StatusCode::OK, page))
}

/// Shows the challenge page again with `errors` of a refused form, and
/// `question_draft` back in the question form.
pub(super) async fn challenge_with_errors(
    context: &PageContext,
    challenge_id: Uuid,
    status: StatusCode,
    errors: &FormErrors,
    question_draft: &str,
) -> Result<HttpResponse, WebError> {
    let page = render_challenge(context, challenge_id, errors, question_draft).await?;
    Ok(html_response(status, page))
}

/// The challenge page, with `errors` beside the forms.
async fn render_challenge(
    context: &PageContext,
    challenge_id: Uuid,
    errors: &FormErrors,
    question_draft: &str,
) -> Result<Markup, WebError> {
    let text = &context.text.common;
    let viewer = context.viewer();
    let challenge = challenges::get(&context.state, &viewer, challenge_id).await?;
    let questions = questions::list(&context.state, &viewer, challenge_id).await?;
    let member = viewer.member();
    let may_manage = !challenge.allowed_transitions.is_empty()
        || viewer.can_manage_challenge(challenge.organisation_id);
    // Editing is the owning organisation's; an admin who manages answers
    // and candidates does not edit.
    let edits = member.is_some_and(|member| member.edits_challenges_of(challenge.organisation_id));
    let accepts_interest = matches!(
        challenge.status,
        ChallengeStatus::Open | ChallengeStatus::Published
    );
    let expresses_interest =
        accepts_interest && member.is_some_and(|member| member.expresses_interest());
    // A start-up with a live introduction to this challenge sees it, not a
    // second form the server would refuse.
    let live_introduction = match member {
        Some(member) if expresses_interest => {
            live_introduction_of(context, member, challenge_id).await?
        }
        _ => None,
    };
    let shows_interest_form = expresses_interest && live_introduction.is_none();
    let awaits_verification =
        accepts_interest && member.is_some_and(|member| member.awaits_address_verification());
    let done = [
        ("asked", text.question_asked),
        ("answered", text.question_answered),
        ("interest", text.interest_sent),
    ];
    let content = html! {
        (done_flash(context, &done))
        article {
            h1 { (challenge.title) }
            p.lead { (challenge.summary) }
            @if may_manage {
                p {
                    @if edits {
                        a.button href=(format!("/my/challenges/{}/edit", challenge.id)) { (text.edit_challenge) } " "
                    }
                    a.button.secondary href=(format!("/my/challenges/{}/candidates", challenge.id)) { (text.view_candidates) }
                }
            }
            div.with-sidebar {
                aside.card { (challenge_facts(context, &challenge)) }
                div {
                    h2 { (text.description) }
                    @for paragraph in challenge.description.split("\n\n") { p { (paragraph) } }
                    h2 { (text.desired_outcome) }
                    p { (challenge.desired_outcome) }
                }
            }
        }
        (form_error_summary(errors, context.language))
        @if let Some(introduction) = &live_introduction {
            section.card aria-labelledby="interest-heading" {
                h2 id="interest-heading" { (text.interest_heading) }
                p {
                    (text.interest_live) " "
                    strong.state data-state=(introduction.state.as_str()) { (name_of(context.text.startup.states, introduction.state.as_str())) }
                }
                p { a href=(format!("/introductions/{}", introduction.id)) { (text.interest_follow) } }
            }
        }
        @if awaits_verification {
            section.card aria-labelledby="interest-heading" {
                h2 id="interest-heading" { (text.interest_heading) }
                p { (context.text.signin.unverified_notice) }
                form method="post" action="/verify-email/resend" {
                    (csrf_field(context))
                    button type="submit" { (context.text.signin.resend_link) }
                }
            }
        }
        @if shows_interest_form {
            section.card aria-labelledby="interest-heading" {
                h2 id="interest-heading" { (text.interest_heading) }
                p { (text.interest_intro) }
                form method="post" action=(format!("/challenges/{}/interest", challenge.id)) {
                    (csrf_field(context))
                    (text_area("message", text.interest_message_label, "", None, errors, 3))
                    button type="submit" { (text.interest_button) }
                }
            }
        }
        (qa_section(context, &challenge, &questions, may_manage, errors, question_draft))
    };
    Ok(page(context, &challenge.title, content))
}

/// The start-up's live introduction to the challenge, if it has one.
async fn live_introduction_of(
    context: &PageContext,
    member: &Member,
    challenge_id: Uuid,
) -> Result<Option<IntroductionView>, WebError> {
    let filter = IntroductionListFilter {
        states: IntroductionState::ALL
            .iter()
            .copied()
            .filter(|state| state.is_live())
            .collect(),
        challenge_id: Some(challenge_id),
        per_page: Some(1),
        ..IntroductionListFilter::default()
    };
    let page = introductions::list(&context.state, member, filter).await?;
    Ok(page.items.into_iter().next())
}

/// The facts of a challenge, as a definition list.
pub fn challenge_facts(context: &PageContext, challenge: &ChallengeView) -> Markup {
    let text = &context.text.common;
    let provinces = if challenge.preferred_provinces.is_empty() {
        text.national.to_owned()
    } else {
        challenge
            .preferred_provinces
            .iter()
            .map(|province| province.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let language = context.language;
    let budget = match (challenge.budget_min_eur, challenge.budget_max_eur) {
        (Some(min), Some(max)) if min == max => Some(euros(max, language)),
        (Some(min), Some(max)) => Some(format!(
            "{} – {}",
            euros(min, language),
            euros(max, language)
        )),
        (None, Some(max)) => Some(format!("{} {}", text.budget_up_to, euros(max, language))),
        (Some(min), None) => Some(format!("{} {}", text.budget_from, euros(min, language))),
        (None, None) => None,
    };
    // Before it opens, a challenge says when it will.
    let opens_at = challenge.opens_at.filter(|_| {
        matches!(
            challenge.status,
            ChallengeStatus::Published | ChallengeStatus::Draft
        )
    });
    html! {
        dl.facts {
            dt { (text.posted_by) } dd { (challenge.organisation_name) }
            dt { (text.status) } dd { (name_of(text.challenge_statuses, challenge.status.as_str())) }
            @if let Some(opens_at) = opens_at {
                dt { (text.opens) } dd { (human_date_time(opens_at, context.language)) }
            }
            dt { (text.deadline) } dd { (deadline_text(challenge.closes_at, Utc::now(), context.language)) }
            dt { (text.technologies) }
            dd { ul.tags { @for technology in &challenge.technologies { li { (context.language.technology_name(*technology)) } } } }
            dt { (text.provinces) } dd { (provinces) }
            dt { (text.trl_range) } dd { "TRL " (challenge.trl_min.get()) "–" (challenge.trl_max.get()) }
            @if let Some(budget) = budget { dt { (text.budget) } dd { (budget) } }
            dt { (text.confidentiality) } dd {
                (name_of(text.visibilities, challenge.visibility.as_str()))
                @if challenge.abdo_required { " · " (text.abdo_required) }
            }
        }
    }
}
