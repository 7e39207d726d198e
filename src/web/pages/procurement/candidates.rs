//! The ranked candidate start-ups of a challenge.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};
use uuid::Uuid;

use crate::app::challenges;
use crate::app::matching::{self, StartupMatch, StartupMatchFilter};
use crate::domain::account::Role;
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::explanation::explanation_breakdown;
use crate::web::form::parse_id;
use crate::web::layout::page;

/// Candidates ranked on the candidates page.
const CANDIDATES_SHOWN: i64 = 20;

/// One ranked candidate: anonymous until introduced, with why it fits.
fn candidate_card(
    context: &PageContext,
    challenge_id: Uuid,
    invites: bool,
    rank: usize,
    candidate: &StartupMatch,
) -> Markup {
    let text = &context.text.procurement;
    let startup = &candidate.startup;
    let name = startup.name.as_deref().unwrap_or(text.anonymous_startup);
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
            @if invites {
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

pub(super) async fn candidates_page(
    context: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let challenge_id = parse_id(&path)?;
    let member = context
        .member_in(&[Role::Procurement, Role::RomOfficer, Role::Admin])?
        .clone();
    let text = &context.text.procurement;
    let challenge = challenges::get(&context.state, &context.viewer(), challenge_id).await?;
    let filter = StartupMatchFilter {
        limit: Some(CANDIDATES_SHOWN),
        ..StartupMatchFilter::default()
    };
    let candidates = matching::for_challenge(&context.state, &member, challenge_id, filter).await?;
    // The challenge's own officers invite; brokers propose.
    let invites = member.invites_to(challenge.organisation_id);
    let content = html! {
        h1 { (text.candidates_heading) ": " (challenge.title) }
        p { a href=(format!("/challenges/{challenge_id}")) { (text.back_to_challenge) } }
        p { (text.candidates_intro) }
        @if invites {
            p.hint id="invite-hint" { (text.invite_hint) }
        }
        @if candidates.items.is_empty() {
            p { (text.no_candidates) }
        }
        @for (index, candidate) in candidates.items.iter().enumerate() {
            (candidate_card(&context, challenge_id, invites, index + 1, candidate))
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(&context, text.candidates_heading, content),
    ))
}
