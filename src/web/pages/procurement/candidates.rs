//! The ranked candidate start-ups of a challenge, 20 to a page, with
//! filters (technology, province, TRL, minimum fit), each with its fit;
//! Invite (or Propose) only where the introduction would succeed, and the
//! mark buttons (Interesting / Not relevant) of `app::matching`'s marks.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};
use uuid::Uuid;

use crate::app::challenges;
use crate::app::matching::{self, StartupMatch, StartupMatchFilter};
use crate::app::AppError;
use crate::domain::account::Role;
use crate::domain::mark::Mark;
use crate::domain::readiness::Trl;
use crate::domain::region::Province;
use crate::domain::startup::StartupRef;
use crate::domain::taxonomy::Technology;
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::explanation::{explanation_breakdown, left_out_note};
use crate::web::form::{
    optional_choice, optional_whole_number, parse_id, FieldProblems, FormFields,
};
use crate::web::layout::{
    flash, form_error_summary, list_url, page, pager, province_options, select_field,
    technology_options, text_input, FormErrors,
};
use crate::web::marks::{mark_buttons, mark_form, posted_mark, MarkWords};
use crate::web::see_other;

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
    /// The lowest fit listed, as typed (the matching checks its range);
    /// the matching's default when blank.
    min_fit: Option<i64>,
    page: usize,
}

/// The fields of the filter form, for errors beside them.
const FILTER_FIELDS: [&str; 4] = ["technology", "province", "trl_min", "min_fit"];

impl CandidateFilters {
    /// The filters in the query string; those that do not parse are left
    /// out, and come back as the error to show beside their fields.
    fn of_query(fields: &FormFields) -> (Self, Result<(), AppError>) {
        let value = |name: &str| fields.non_blank(name).unwrap_or_default().to_owned();
        let mut problems = FieldProblems::default();
        let technology = problems.check(optional_choice("technology", &value("technology")));
        let province = problems.check(optional_choice("province", &value("province")));
        let trl_min = problems.check(optional_whole_number::<i64>("trl_min", &value("trl_min")));
        let min_fit = problems.check(optional_whole_number::<i64>("min_fit", &value("min_fit")));
        let page = problems.check(optional_whole_number::<usize>("page", &value("page")));
        let filters = CandidateFilters {
            technology: technology.flatten(),
            province: province.flatten(),
            trl_min: trl_min
                .flatten()
                .and_then(|level| Trl::try_from(level).ok()),
            min_fit: min_fit.flatten(),
            page: page.flatten().unwrap_or(1).max(1),
        };
        (filters, problems.into_result(Some(())))
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
                (
                    "min_fit",
                    self.min_fit.map(|fit| fit.to_string()).unwrap_or_default(),
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
                strong.fit { (context.text.explanation.fit) " " (candidate.explanation.fit) " / 100" } " · "
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
            (mark_buttons(context, &mark_action(challenge_id, &startup.id), candidate.mark, &mark_words(context)))
        }
    }
}

/// The words of the mark buttons on a candidate.
fn mark_words(context: &PageContext) -> MarkWords {
    let text = &context.text.procurement;
    MarkWords {
        label: text.mark_label,
        interesting: text.mark_interesting,
        not_relevant: text.mark_not_relevant,
        undo: text.mark_undo,
        marked_interesting: text.marked_interesting,
    }
}

/// Where a mark on candidate `startup` is posted: by the card's handle for
/// procurement, never the profile's id.
fn mark_action(challenge_id: Uuid, startup: &StartupRef) -> String {
    format!("/my/challenges/{challenge_id}/candidates/{startup}/mark")
}

/// The filter form: technology, province, lowest TRL and minimum fit,
/// with the errors beside their fields.
fn filter_form(
    context: &PageContext,
    challenge_id: Uuid,
    filters: &CandidateFilters,
    errors: &FormErrors,
    min_fit_typed: &str,
) -> Markup {
    let text = &context.text.procurement;
    let common = &context.text.common;
    html! {
        form.card.filters method="get" action=(format!("/my/challenges/{challenge_id}/candidates")) {
            (select_field("technology", text.technologies, None, errors,
                technology_options(filters.technology, common.any, context.language)))
            (select_field("province", text.province, None, errors,
                province_options(filters.province, common.any)))
            (select_field("trl_min", text.trl_at_least, None, errors, html! {
                option value="" selected[filters.trl_min.is_none()] { (common.any) }
                @for level in Trl::all() {
                    option value=(level.get()) selected[filters.trl_min == Some(level)] { (level.get()) }
                }
            }))
            (text_input("min_fit", context.text.explanation.min_fit, min_fit_typed, Some(context.text.explanation.min_fit_hint), errors, "number"))
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
    let query = context.query();
    let (filters, parsed) = CandidateFilters::of_query(&query);
    let min_fit_typed = query.get("min_fit").unwrap_or_default().to_owned();
    let challenge = challenges::get(&context.state, &context.viewer(), challenge_id).await?;
    let filter = StartupMatchFilter {
        technology: filters.technology,
        province: filters.province,
        trl_min: filters.trl_min,
        min_fit: filters.min_fit,
        // Every page ranks the whole depth and shows its slice: each signal
        // is divided by its best among the candidates, so a list ranked
        // deeper for a later page could order the first pages differently.
        limit: Some(CANDIDATES_RANKED as i64),
        ..StartupMatchFilter::default()
    };
    let outcome = match parsed {
        Ok(()) => matching::for_challenge(&context.state, &member, challenge_id, filter).await,
        Err(error) => Err(error),
    };
    let (items, left_out, errors, status) = match outcome {
        Ok(candidates) => (
            candidates.items,
            (candidates.below_min_fit, candidates.min_fit),
            FormErrors::none(),
            StatusCode::OK,
        ),
        Err(error) if status_of(&error).is_client_error() && is_invalid(&error) => {
            let errors = FormErrors::from_app(&error, &FILTER_FIELDS, context.language);
            (Vec::new(), (0, 0), errors, status_of(&error))
        }
        Err(error) => return Err(error.into()),
    };
    let first = (filters.page - 1) * CANDIDATES_PER_PAGE;
    let has_next = items.len() > first + CANDIDATES_PER_PAGE
        && first + CANDIDATES_PER_PAGE < CANDIDATES_RANKED;
    // The challenge's own officers invite; brokers propose.
    let invites = member.invites_to(challenge.organisation_id);
    let shown = items
        .iter()
        .enumerate()
        .skip(first)
        .take(CANDIDATES_PER_PAGE);
    let show_all = CandidateFilters {
        min_fit: Some(0),
        page: 1,
        ..filters
    }
    .url(challenge_id, 1);
    // A candidate just marked not relevant has left the list; its mark can
    // still be taken back from here.
    let rejected = query
        .get("not_relevant")
        .and_then(|raw| raw.parse::<StartupRef>().ok());
    let content = html! {
        h1 { (text.candidates_heading) ": " (challenge.title) }
        p { a href=(format!("/challenges/{challenge_id}")) { (text.back_to_challenge) } }
        p { (text.candidates_intro) }
        @if let Some(startup) = &rejected {
            (flash(Some(text.marked_not_relevant_done)))
            (mark_form(&context, &mark_action(challenge_id, startup), None, text.mark_undo))
        }
        (form_error_summary(&errors, context.language))
        (filter_form(&context, challenge_id, &filters, &errors, &min_fit_typed))
        @if invites {
            p.hint id="invite-hint" { (text.invite_hint) }
        }
        @if items.len() <= first && !errors.any() {
            p { (text.no_candidates) }
        }
        @for (index, candidate) in shown {
            (candidate_card(&context, challenge_id, invites, index + 1, candidate))
        }
        (left_out_note(&context, left_out, &show_all))
        (pager(&context, filters.page as i64, has_next, |page| filters.url(challenge_id, page as usize)))
    };
    Ok(html_response(
        status,
        page(&context, text.candidates_heading, content),
    ))
}

/// Whether `error` is about the filters (shown beside them) rather than
/// the challenge or the caller (an error page).
fn is_invalid(error: &AppError) -> bool {
    matches!(error, AppError::Invalid(_))
}

/// `POST /my/challenges/{id}/candidates/{startup}/mark`: marks a candidate
/// (`app::matching`'s marks, the API's rule), then shows the candidates as
/// they now rank.
pub(super) async fn submit_mark(
    context: PageContext,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let member = context
        .member_in(&[Role::Procurement, Role::RomOfficer, Role::Admin])?
        .clone();
    let (challenge, startup) = path.into_inner();
    let challenge_id = parse_id(&challenge)?;
    let startup = startup
        .parse::<StartupRef>()
        .map_err(|_| WebError::not_found())?;
    let mark = posted_mark(form.get("mark").unwrap_or_default())?;
    matching::mark_startup_for_challenge(&context.state, &member, challenge_id, &startup, mark)
        .await?;
    let candidates = format!("/my/challenges/{challenge_id}/candidates");
    Ok(match mark {
        Some(Mark::NotRelevant) => see_other(list_url(
            &candidates,
            &[("not_relevant", startup.to_string())],
        )),
        _ => see_other(candidates),
    })
}
