//! The ranked candidate start-ups of a challenge, 20 to a page, with
//! filters; Invite (or Propose) only where the introduction would succeed.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};
use uuid::Uuid;

use crate::app::challenges;
use crate::app::matching::{self, StartupMatch, StartupMatchFilter};
use crate::app::AppError;
use crate::domain::account::Role;
use crate::domain::readiness::Trl;
use crate::domain::region::Province;
use crate::domain::taxonomy::Technology;
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::explanation::explanation_breakdown;
use crate::web::form::{
    optional_choice, optional_whole_number, parse_id, FieldProblems, FormFields,
};
use crate::web::layout::{
    list_url, page, pager, province_options, select_field, technology_options, FormErrors,
};

/// Candidates on one page.
const CANDIDATES_PER_PAGE: usize = 20;

/// How deep the ranking is paged: the matching's own limit.
const CANDIDATES_RANKED: usize = 100;

/// The filters and page in the query string.
#[derive(Default)]
struct CandidateFilters {
    technology: Option<Technology>,
    province: Option<Province>,
    trl_min: Option<Trl>,
    page: usize,
}

impl CandidateFilters {
    fn of_query(fields: &FormFields) -> Result<Self, AppError> {
        let value = |name: &str| fields.non_blank(name).unwrap_or_default().to_owned();
        let mut problems = FieldProblems::default();
        let technology = problems.check(optional_choice("technology", &value("technology")));
        let province = problems.check(optional_choice("province", &value("province")));
        let trl_min = problems.check(optional_whole_number::<i64>("trl_min", &value("trl_min")));
        let page = problems.check(optional_whole_number::<usize>("page", &value("page")));
        let filters = (|| {
            Some(CandidateFilters {
                technology: technology?,
                province: province?,
                trl_min: trl_min?.and_then(|level| Trl::try_from(level).ok()),
                page: page?.unwrap_or(1).max(1),
            })
        })();
        problems.into_result(filters)
    }

    /// This page's link with page `page`.
    fn url(&self, challenge_id: Uuid, page: usize) -> String {
        list_url(
            &format!("/my/challenges/{challenge_id}/candidates"),
            &[
                (
                    "technology",
                    self.technology
                        .map(|t| t.as_str().to_owned())
                        .unwrap_or_default(),
                ),
                (
                    "province",
                    self.province
                        .map(|p| p.as_str().to_owned())
                        .unwrap_or_default(),
                ),
                (
                    "trl_min",
                    self.trl_min
                        .map(|t| t.get().to_string())
                        .unwrap_or_default(),
                ),
                ("page", page.to_string()),
            ],
        )
    }
}

/// One ranked candidate: anonymous until introduced, with why it fits, and
/// the one move the caller has for it now.
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
    let propose = format!(
        "/introductions/propose?startup={}&challenge={challenge_id}",
        startup.id
    );
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
            @if let Some(introduction_id) = candidate.live_introduction_id {
                p { a href=(format!("/introductions/{introduction_id}")) { (text.introduction_in_progress) } }
            } @else if candidate.may_introduce && invites {
                // To the propose page, where the officer writes the message
                // before anything is sent.
                p { a.button href=(propose) aria-describedby="invite-hint" { (text.invite) } }
            } @else if candidate.may_introduce {
                p { a.button href=(propose) { (context.text.rom.propose_link) } }
            }
        }
    }
}

/// The filter form: technology, province and lowest TRL.
fn filter_form(context: &PageContext, challenge_id: Uuid, filters: &CandidateFilters) -> Markup {
    let text = &context.text.procurement;
    let common = &context.text.common;
    let errors = FormErrors::none();
    html! {
        form.card.filters method="get" action=(format!("/my/challenges/{challenge_id}/candidates")) {
            (select_field("technology", text.technologies, None, &errors,
                technology_options(filters.technology, common.any, context.language)))
            (select_field("province", text.province, None, &errors,
                province_options(filters.province, common.any)))
            (select_field("trl_min", text.trl_at_least, None, &errors, html! {
                option value="" selected[filters.trl_min.is_none()] { (common.any) }
                @for level in Trl::all() {
                    option value=(level.get()) selected[filters.trl_min == Some(level)] { (level.get()) }
                }
            }))
            button type="submit" { (text.filter_candidates) }
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
    let filters = CandidateFilters::of_query(&context.query())?;
    let challenge = challenges::get(&context.state, &context.viewer(), challenge_id).await?;
    let wanted = (filters.page * CANDIDATES_PER_PAGE).min(CANDIDATES_RANKED);
    let filter = StartupMatchFilter {
        technology: filters.technology,
        province: filters.province,
        trl_min: filters.trl_min,
        // One more than shown, to know whether a next page exists.
        limit: Some((wanted + 1).min(CANDIDATES_RANKED) as i64),
        ..StartupMatchFilter::default()
    };
    let candidates = matching::for_challenge(&context.state, &member, challenge_id, filter).await?;
    let first = (filters.page - 1) * CANDIDATES_PER_PAGE;
    let has_next = candidates.items.len() > first + CANDIDATES_PER_PAGE
        && first + CANDIDATES_PER_PAGE < CANDIDATES_RANKED;
    // The challenge's own officers invite; brokers propose.
    let invites = member.invites_to(challenge.organisation_id);
    let shown = candidates
        .items
        .iter()
        .enumerate()
        .skip(first)
        .take(CANDIDATES_PER_PAGE);
    let content = html! {
        h1 { (text.candidates_heading) ": " (challenge.title) }
        p { a href=(format!("/challenges/{challenge_id}")) { (text.back_to_challenge) } }
        p { (text.candidates_intro) }
        (filter_form(&context, challenge_id, &filters))
        @if invites {
            p.hint id="invite-hint" { (text.invite_hint) }
        }
        @if candidates.items.len() <= first {
            p { (text.no_candidates) }
        }
        @for (index, candidate) in shown {
            (candidate_card(&context, challenge_id, invites, index + 1, candidate))
        }
        (pager(&context, filters.page as i64, has_next, |page| filters.url(challenge_id, page as usize)))
    };
    Ok(html_response(
        StatusCode::OK,
        page(&context, text.candidates_heading, content),
    ))
}
