//! The start-up's ranked matches (`app::matching::for_startup`), each with
//! what matched highlighted and why it fits.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use maud::{html, Markup};

use crate::app::matching::{self, ChallengeMatch, ChallengeMatchFilter};
use crate::app::{startups, AppError};
use crate::domain::account::Role;
use crate::domain::mark::Mark;
use crate::domain::region::Province;
use crate::domain::taxonomy::Technology;
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::explanation::left_out_note;
use crate::web::explanation::{explanation_breakdown, matched_terms};
use crate::web::form::{
    optional_choice, optional_whole_number, parse_id, FieldProblems, FormFields,
};
use crate::web::layout::{
    deadline_text, flash, form_error_summary, highlighted, list_url, page, province_options,
    select_field, technology_options, FormErrors,
};
use crate::web::marks::{mark_buttons, mark_form, posted_mark, MarkWords};
use crate::web::see_other;

/// The filters of the matches page, as chosen.
#[derive(Debug, Default, Clone, Copy)]
struct MatchFilters {
    technology: Option<Technology>,
    province: Option<Province>,
    /// The lowest fit listed; the app's default when absent ("Show them" sets 0).
    min_fit: Option<i64>,
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
        let min_fit = problems.check(optional_whole_number::<i64>(
            "min_fit",
            query.get("min_fit").unwrap_or_default(),
        ));
        let filters = MatchFilters {
            technology: technology.flatten(),
            province: province.flatten(),
            min_fit: min_fit.flatten(),
        };
        (filters, problems.into_result(Some(())))
    }

    /// The matches page with these filters and every match listed.
    fn show_all_url(&self) -> String {
        list_url(
            "/matches",
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
                ("min_fit", "0".to_owned()),
            ],
        )
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
                min_fit: filters.min_fit,
                ..ChallengeMatchFilter::default()
            };
            matching::for_startup(&context.state, &context.viewer(), &startup.id, filter).await
        }
        Err(error) => Err(error),
    };
    let (items, left_out, errors, status) = match outcome {
        Ok(matches) => (
            matches.items,
            (matches.below_min_fit, matches.min_fit),
            FormErrors::none(),
            StatusCode::OK,
        ),
        Err(error) if status_of(&error).is_client_error() => {
            let errors =
                FormErrors::from_app(&error, &["technology", "province"], context.language);
            (Vec::new(), (0, 0), errors, status_of(&error))
        }
        Err(error) => return Err(error.into()),
    };
    let common = &context.text.common;
    // A challenge just marked not relevant has left the list; its mark can
    // still be taken back from here.
    let rejected = context
        .query()
        .get("not_relevant")
        .and_then(|raw| uuid::Uuid::parse_str(raw).ok());
    let content = html! {
        h1 { (text.matches_heading) }
        p.lead { (text.matches_intro) }
        @if let Some(challenge_id) = rejected {
            (flash(Some(text.marked_not_relevant_done)))
            (mark_form(&context, &mark_action(challenge_id), None, text.mark_undo))
        }
        (form_error_summary(&errors, context.language))
        form.search-form.card method="get" action="/matches" aria-label=(text.filters_label) {
            (select_field("technology", common.filter_technology, None, &errors, technology_options(filters.technology, common.any, context.language)))
            (select_field("province", common.filter_province, None, &errors, province_options(filters.province, common.any)))
            button type="submit" { (text.filter_button) }
        }
        @if items.is_empty() && !errors.any() { p { (text.matches_none) } }
        @for item in &items { (match_card(&context, item)) }
        (left_out_note(&context, left_out, &filters.show_all_url()))
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
            (mark_buttons_of(context, item))
        }
    }
}

/// The start-up's mark on a match: the buttons that set one, or the mark
/// and the button that takes it back.
fn mark_buttons_of(context: &PageContext, item: &ChallengeMatch) -> Markup {
    let text = &context.text.startup;
    let words = MarkWords {
        label: text.mark_label,
        interesting: text.mark_interesting,
        not_relevant: text.mark_not_relevant,
        undo: text.mark_undo,
        marked_interesting: text.marked_interesting,
    };
    mark_buttons(context, &mark_action(item.challenge.id), item.mark, &words)
}

/// Where a mark on the match with challenge `challenge_id` is posted.
fn mark_action(challenge_id: uuid::Uuid) -> String {
    format!("/matches/{challenge_id}/mark")
}

/// `POST /matches/{challenge_id}/mark`: marks a match (`app::matching`'s
/// marks, the API's rule), then shows the matches as they now rank.
pub(super) async fn submit_mark(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let member = context.member_in(&[Role::Startup])?.clone();
    let challenge_id = parse_id(&path.into_inner())?;
    let mark = posted_mark(form.get("mark").unwrap_or_default())?;
    let Some(startup) = startups::get_own(&context.state, &member).await? else {
        return Ok(see_other("/profile"));
    };
    matching::mark_challenge_for_startup(&context.state, &member, &startup.id, challenge_id, mark)
        .await?;
    Ok(match mark {
        Some(Mark::NotRelevant) => see_other(format!("/matches?not_relevant={challenge_id}")),
        _ => see_other(format!("/matches#match-{challenge_id}")),
    })
}
