//! The start-up's ranked matches (`app::matching::for_startup`), each with
//! what matched highlighted and why it fits.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::Utc;
use maud::{html, Markup};

use crate::app::matching::{self, ChallengeMatch, ChallengeMatchFilter};
use crate::app::{startups, AppError};
use crate::domain::account::Role;
use crate::domain::region::Province;
use crate::domain::taxonomy::Technology;
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::explanation::{explanation_breakdown, matched_terms};
use crate::web::form::{optional_choice, FieldProblems, FormFields};
use crate::web::layout::{
    deadline_text, form_error_summary, highlighted, page, province_options, select_field,
    technology_options, FormErrors,
};

/// The filters of the matches page, as chosen.
#[derive(Debug, Default, Clone, Copy)]
struct MatchFilters {
    technology: Option<Technology>,
    province: Option<Province>,
}

impl MatchFilters {
    /// The filters in the query string, and the error of those that are
    /// not one of the choices (those are left out).
    fn of_query(query: &FormFields) -> (Self, Result<(), AppError>) {
        let mut problems = FieldProblems::default();
        let technology = problems.check(optional_choice(
            "technology",
            query.get("technology").unwrap_or_default(),
        ));
        let province = problems.check(optional_choice(
            "province",
            query.get("province").unwrap_or_default(),
        ));
        let filters = MatchFilters {
            technology: technology.flatten(),
            province: province.flatten(),
        };
        (filters, problems.into_result(Some(())))
    }
}

pub(super) async fn matches_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let member = context.member_in(&[Role::Startup])?.clone();
    let text = &context.text.startup;
    let Some(startup) = startups::get_own(&context.state, &member).await? else {
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
    let (filters, parsed) = MatchFilters::of_query(&context.query());
    let outcome = match parsed {
        Ok(()) => {
            let filter = ChallengeMatchFilter {
                technology: filters.technology,
                province: filters.province,
                ..ChallengeMatchFilter::default()
            };
            matching::for_startup(&context.state, &context.viewer(), &startup.id, filter).await
        }
        Err(error) => Err(error),
    };
    let (items, errors, status) = match outcome {
        Ok(matches) => (matches.items, FormErrors::none(), StatusCode::OK),
        Err(error) if status_of(&error).is_client_error() => {
            let errors =
                FormErrors::from_app(&error, &["technology", "province"], context.language);
            (Vec::new(), errors, status_of(&error))
        }
        Err(error) => return Err(error.into()),
    };
    let common = &context.text.common;
    let content = html! {
        h1 { (text.matches_heading) }
        p.lead { (text.matches_intro) }
        (form_error_summary(&errors, context.language))
        form.search-form.card method="get" action="/matches" aria-label=(text.filters_label) {
            (select_field("technology", common.filter_technology, None, &errors, technology_options(filters.technology, common.any, context.language)))
            (select_field("province", common.filter_province, None, &errors, province_options(filters.province, common.any)))
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
