//! The start-ups of the broker's region, each with its best open
//! matches and a link to propose it.

use std::collections::HashMap;
use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use maud::{html, Markup};
use uuid::Uuid;

use super::startup_page::startup_page_url;
use super::{propose_url, BROKERS};
use crate::app::accounts::invitations;
use crate::app::introductions;
use crate::app::matching::{self, ChallengeMatchFilter};
use crate::app::startups::{self, StartupListFilter, StartupView};
use crate::domain::taxonomy::Technology;
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::layout::{csrf_field, done_flash, page, technology_options};

/// Start-ups per page of the region list; each is matched, so few.
const STARTUPS_PER_PAGE: i64 = 10;

/// The filters of the region list, as typed.
struct RegionFilter {
    technology: Option<Technology>,
    q: String,
    page: i64,
}

impl RegionFilter {
    fn from_query(context: &PageContext) -> Self {
        let fields = context.query();
        RegionFilter {
            technology: fields
                .non_blank("technology")
                .and_then(|code| Technology::from_str(code).ok()),
            q: fields.get("q").unwrap_or_default().to_owned(),
            page: fields
                .get("page")
                .and_then(|page| page.parse().ok())
                .unwrap_or(1),
        }
    }

    fn page_url(&self, page: i64) -> String {
        let mut url = form_urlencoded::Serializer::new(String::new());
        if let Some(technology) = self.technology {
            url.append_pair("technology", technology.as_str());
        }
        if !self.q.is_empty() {
            url.append_pair("q", &self.q);
        }
        url.append_pair("page", &page.to_string());
        format!("/region/startups?{}", url.finish())
    }
}

/// A start-up of the region with its three best open matches.
async fn startup_with_matches(
    context: &PageContext,
    startup: &StartupView,
    claimable: bool,
) -> Result<Markup, WebError> {
    let text = &context.text.rom;
    let filter = ChallengeMatchFilter {
        limit: Some(3),
        ..ChallengeMatchFilter::default()
    };
    let matches =
        matching::for_startup(&context.state, &context.viewer(), &startup.id, filter).await?;
    // Propose only where it would succeed; name a running introduction instead.
    let moves = match startup.id.id() {
        Some(startup_id) => {
            let member = context.member()?;
            let pairs = matches
                .items
                .iter()
                .map(|found| (startup_id, found.challenge.id))
                .collect();
            introductions::moves_for_pairs(&context.state, member, pairs).await?
        }
        None => HashMap::new(),
    };
    let move_for = |challenge_id: Uuid| {
        startup
            .id
            .id()
            .and_then(|startup_id| moves.get(&(startup_id, challenge_id)).copied())
            .unwrap_or_default()
    };
    let name = startup.name.as_deref().unwrap_or(text.anonymous_startup);
    let heading_id = format!("startup-{}", startup.id);
    Ok(html! {
        article.card.region-startup aria-labelledby=(heading_id) {
            h2 id=(heading_id) { a href=(startup_page_url(&startup.id)) { (name) } }
            p.meta {
                (startup.province.map(|p| p.name()).unwrap_or(text.unknown))
                @if let Some(city) = &startup.city { " · " (city) }
                @if let Some(trl) = startup.trl { " · " (text.trl) " " (trl.get()) }
            }
            ul.tags aria-label=(text.column_technologies) {
                @for technology in &startup.technologies { li { (context.language.technology_name(*technology)) } }
            }
            h3 { (text.best_matches) }
            @if matches.items.is_empty() {
                p { (text.no_matches) }
            } @else {
                ol.best-matches {
                    @for found in &matches.items {
                        li {
                            a href=(format!("/challenges/{}", found.challenge.id)) { (found.challenge.title) }
                            " " span.meta { (found.challenge.organisation_name) " · " (text.fit) " " (found.explanation.fit) " / 100" }
                            " "
                            @let pair = move_for(found.challenge.id);
                            @if let Some(introduction_id) = pair.live_introduction_id {
                                a href=(format!("/introductions/{introduction_id}")) { (text.introduction_under_way) }
                            } @else if pair.may_introduce {
                                a.button.secondary href=(propose_url(&startup.id, found.challenge.id)) { (text.propose_link) }
                            }
                        }
                    }
                }
            }
            @if claimable { (claim_form(context, startup)) }
        }
    })
}

/// The form that invites an imported start-up (no account yet) to claim
/// its profile, addressed to its contact e-mail unless the officer types
/// another; shown only where the invitation rule allows it.
pub(super) fn claim_form(context: &PageContext, startup: &StartupView) -> Markup {
    let text = &context.text.onboarding;
    let field_id = format!("claim-email-{}", startup.id);
    let hint_id = format!("claim-hint-{}", startup.id);
    let contact = startup
        .contact_email
        .as_ref()
        .map(|email| email.as_str())
        .unwrap_or_default();
    html! {
        form.claim-invitation method="post" action=(format!("/region/startups/{}/claim-invitation", startup.id)) {
            (csrf_field(context))
            h3 { (text.claim_heading) }
            p.hint id=(hint_id) { (text.claim_hint) }
            div.field {
                label for=(field_id) { (text.email) }
                input type="email" id=(field_id) name="email" value=(contact) aria-describedby=(hint_id);
            }
            button.secondary type="submit" { (text.claim_button) }
        }
    }
}

pub(super) async fn region_startups(context: PageContext) -> Result<HttpResponse, WebError> {
    let member = context.member_in(&BROKERS)?.clone();
    let text = &context.text.rom;
    let common = &context.text.common;
    let filter = RegionFilter::from_query(&context);
    let query = StartupListFilter {
        technology: filter.technology,
        text: Some(filter.q.trim().to_owned()).filter(|q| !q.is_empty()),
        page: Some(filter.page),
        per_page: Some(STARTUPS_PER_PAGE),
        ..StartupListFilter::default()
    };
    let listed = startups::list(&context.state, &member, query).await?;
    let listed_ids = listed
        .items
        .iter()
        .filter_map(|startup| startup.id.id())
        .collect();
    let claimable = invitations::claimable(&context.state, &member, listed_ids).await?;
    let mut cards = Vec::with_capacity(listed.items.len());
    for startup in &listed.items {
        let may_claim = startup.id.id().is_some_and(|id| claimable.contains(&id));
        cards.push(startup_with_matches(&context, startup, may_claim).await?);
    }
    let has_next = listed.page * listed.per_page < listed.total;
    let intro = if member.is_admin() {
        text.startups_intro_admin
    } else {
        text.startups_intro
    };
    let content = html! {
        (done_flash(&context, &[("claim_invited", context.text.onboarding.done_claim_invited)]))
        h1 { (text.startups_heading) }
        p { (intro) }
        form.search-form method="get" action="/region/startups" role="search" {
            div.field {
                label for="technology" { (common.filter_technology) }
                select id="technology" name="technology" { (technology_options(filter.technology, common.any, context.language)) }
            }
            div.field {
                label for="q" { (text.filter_text) }
                input type="search" id="q" name="q" value=(filter.q);
            }
            button type="submit" { (text.filter_button) }
        }
        p.meta { (listed.total) " " (text.startups_found) }
        @if cards.is_empty() { p { (text.no_startups) } }
        @for card in cards { (card) }
        nav.pager aria-label=(common.pages) {
            @if listed.page > 1 { a href=(filter.page_url(listed.page - 1)) { (common.previous_page) } }
            @if has_next { a href=(filter.page_url(listed.page + 1)) { (common.next_page) } }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(&context, text.startups_heading, content),
    ))
}
