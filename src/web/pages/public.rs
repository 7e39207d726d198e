//! The pages everyone sees: the landing page, the challenge search with
//! filters and facets, and a challenge with its public Q&A. A signed-in
//! visitor sees what their account may see, through the same operations as
//! the API (`find_challenges`, `read_challenge`, `questions_of`, …).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use maud::{html, Markup};
use uuid::Uuid;

use crate::api::dto::introduction::NewIntroductionRequest;
use crate::api::error::ApiError;
use crate::api::handlers::introductions::start_introduction;
use crate::api::handlers::questions::{
    answer, ask, questions_of, AnswerRequest, NewQuestionRequest, QuestionList,
};
use crate::api::handlers::search::{
    find_challenges, ChallengeSearchQuery, ChallengeSearchResults, SearchOrder,
};
use crate::app::challenges;
use crate::app::challenges::ChallengeView;
use crate::domain::account::Role;
use crate::domain::challenge::ChallengeStatus;
use crate::domain::region::Province;
use crate::domain::taxonomy::Technology;
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::form::{parse_id, FormFields};
use crate::web::layout::{
    csrf_field, deadline_text, flash, form_error_summary, page, province_options,
    technology_options, text_area, FormErrors,
};
use crate::web::see_other;
use crate::web::text::startup::name_of;

/// Registers the public pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/").route(web::get().to(landing)))
        .service(web::resource("/challenges").route(web::get().to(challenge_search)))
        .service(web::resource("/challenges/{id}").route(web::get().to(challenge_page)))
        .service(web::resource("/challenges/{id}/questions").route(web::post().to(submit_question)))
        .service(
            web::resource("/challenges/{id}/questions/{question_id}/answer")
                .route(web::post().to(submit_answer)),
        )
        .service(web::resource("/challenges/{id}/interest").route(web::post().to(submit_interest)));
}

async fn landing(context: PageContext) -> Result<HttpResponse, WebError> {
    let text = &context.text.common;
    let content = html! {
        section.hero {
            h1 { (text.landing_heading) }
            p.lead { (text.landing_intro) }
            p { a.button href="/challenges" { (text.landing_browse) } " " a.button.secondary href="/register" { (text.register) } }
        }
        div.grid {
            section.card { h2 { (text.landing_for_startups_heading) } p { (text.landing_for_startups) } }
            section.card { h2 { (text.landing_for_procurement_heading) } p { (text.landing_for_procurement) } }
            section.card { h2 { (text.landing_for_roms_heading) } p { (text.landing_for_roms) } }
        }
        section.card {
            h2 { (text.landing_how_heading) }
            p { (text.landing_how) }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(&context, text.tagline, content),
    ))
}

/// The search form's values, as typed, so the page can show them again.
#[derive(Default)]
struct SearchForm {
    q: String,
    technology: Option<Technology>,
    province: Option<Province>,
    status: String,
    sort: String,
    page: i64,
}

/// Reads the search form from the query string; a value that is not one of
/// the choices is an error on that field, shown beside it.
fn search_form(query_string: &str) -> Result<SearchForm, ApiError> {
    let fields = FormFields::parse(query_string.as_bytes());
    let parse = |name: &str| fields.non_blank(name).map(str::to_owned);
    let technology = parse("technology")
        .map(|value| {
            value
                .parse::<Technology>()
                .map_err(|error| ApiError::invalid("technology", error.to_string()))
        })
        .transpose()?;
    let province = parse("province")
        .map(|value| {
            value
                .parse::<Province>()
                .map_err(|error| ApiError::invalid("province", error.to_string()))
        })
        .transpose()?;
    let page = match parse("page") {
        None => 1,
        Some(value) => value
            .parse::<i64>()
            .map_err(|_| ApiError::invalid("page", "page must be a number"))?,
    };
    Ok(SearchForm {
        q: parse("q").unwrap_or_default(),
        technology,
        province,
        status: parse("status").unwrap_or_default(),
        sort: parse("sort").unwrap_or_default(),
        page,
    })
}

fn search_query(form: &SearchForm) -> Result<ChallengeSearchQuery, ApiError> {
    let sort = match form.sort.as_str() {
        "" | "relevance" => SearchOrder::Relevance,
        "deadline" => SearchOrder::Deadline,
        "newest" => SearchOrder::Newest,
        other => return Err(ApiError::invalid("sort", format!("unknown order {other}"))),
    };
    // Without a choice, the challenges a start-up can still act on.
    let status = match form.status.as_str() {
        "" => "open,published".to_owned(),
        "all" => String::new(),
        other => other.to_owned(),
    };
    Ok(ChallengeSearchQuery {
        q: (!form.q.is_empty()).then(|| form.q.clone()),
        technology: form.technology,
        province: form.province,
        status: (!status.is_empty()).then_some(status),
        sort: Some(sort),
        page: Some(form.page),
        per_page: Some(RESULTS_PER_PAGE),
        ..ChallengeSearchQuery::default()
    })
}

const RESULTS_PER_PAGE: i64 = 20;

/// The URL of this search with `name` set to `value` (and back to page 1).
fn search_url(form: &SearchForm, name: &str, value: &str) -> String {
    let mut pairs: Vec<(&str, String)> = vec![
        ("q", form.q.clone()),
        (
            "technology",
            form.technology
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
        ),
        (
            "province",
            form.province
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
        ),
        ("status", form.status.clone()),
        ("sort", form.sort.clone()),
    ];
    pairs.retain(|(key, _)| *key != name);
    pairs.push((name, value.to_owned()));
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs.iter().filter(|(_, value)| !value.is_empty()) {
        serializer.append_pair(key, value);
    }
    format!("/challenges?{}", serializer.finish())
}

async fn challenge_search(context: PageContext) -> Result<HttpResponse, WebError> {
    let text = &context.text.common;
    let parsed = search_form(context.request.query_string());
    let (form, outcome) = match parsed {
        Ok(form) => {
            let results = match search_query(&form) {
                Ok(query) => find_challenges(&context.state, context.viewer(), &query).await,
                Err(error) => Err(error),
            };
            (form, results)
        }
        Err(error) => (SearchForm::default(), Err(error)),
    };
    let (results, errors, status) = match outcome {
        Ok(results) => (Some(results), FormErrors::none(), StatusCode::OK),
        Err(error) if error.code.status().is_client_error() => {
            // Only `q` has an error slot; the rest show above the form.
            let fields = ["q"];
            let status = error.code.status();
            (None, FormErrors::from_api(&error, &fields), status)
        }
        Err(error) => return Err(error.into()),
    };
    let content = html! {
        h1 { (text.challenges_heading) }
        (form_error_summary(&errors, context.language))
        form.search-form.card method="get" action="/challenges" role="search" {
            (crate::web::layout::text_input("q", text.search_label, &form.q, Some(text.search_hint), &errors, "search"))
            div.field {
                label for="technology" { (text.filter_technology) }
                select id="technology" name="technology" { (technology_options(form.technology, text.any, context.language)) }
            }
            div.field {
                label for="province" { (text.filter_province) }
                select id="province" name="province" { (province_options(form.province, text.any)) }
            }
            div.field {
                label for="sort" { (text.sort_label) }
                select id="sort" name="sort" {
                    option value="relevance" selected[form.sort.is_empty() || form.sort == "relevance"] { (text.sort_relevance) }
                    option value="deadline" selected[form.sort == "deadline"] { (text.sort_deadline) }
                    option value="newest" selected[form.sort == "newest"] { (text.sort_newest) }
                }
            }
            @if !form.status.is_empty() { input type="hidden" name="status" value=(form.status); }
            button type="submit" { (text.search_button) }
        }
        @if let Some(results) = &results {
            div.with-sidebar {
                (facet_panel(&context, &form, results))
                section aria-labelledby="results-heading" {
                    h2 id="results-heading" { (results.total) " " (text.results_found) }
                    @if results.items.is_empty() { p { (text.no_results) } }
                    @for hit in &results.items { (challenge_card(&context, &hit.challenge)) }
                    (pager(&context, &form, results))
                }
            }
        }
    };
    Ok(html_response(
        status,
        page(&context, text.challenges_heading, content),
    ))
}

fn facet_panel(
    context: &PageContext,
    form: &SearchForm,
    results: &ChallengeSearchResults,
) -> Markup {
    let text = &context.text.common;
    let technology_name = |code: &str| {
        code.parse::<Technology>()
            .map(|technology| context.language.technology_name(technology).to_owned())
            .unwrap_or_else(|_| code.to_owned())
    };
    let province_name = |code: &str| {
        code.parse::<Province>()
            .map(|province| province.name().to_owned())
            .unwrap_or_else(|_| code.to_owned())
    };
    html! {
        aside.facets aria-labelledby="facets-heading" {
            h2 id="facets-heading" { (text.facets_heading) }
            h3 { (text.filter_technology) }
            ul {
                @for (code, count) in &results.facets.technology {
                    li { a href=(search_url(form, "technology", code)) { (technology_name(code)) } span.meta { (count) } }
                }
            }
            h3 { (text.filter_province) }
            ul {
                @for (code, count) in &results.facets.province {
                    li { a href=(search_url(form, "province", code)) { (province_name(code)) } span.meta { (count) } }
                }
            }
            h3 { (text.filter_status) }
            ul {
                @for (code, count) in &results.facets.status {
                    li { a href=(search_url(form, "status", code)) { (name_of(text.challenge_statuses, code)) } span.meta { (count) } }
                }
                li { a href=(search_url(form, "status", "all")) { (text.any) } }
            }
        }
    }
}

fn pager(context: &PageContext, form: &SearchForm, results: &ChallengeSearchResults) -> Markup {
    let text = &context.text.common;
    let has_next = results.page * results.per_page < results.total;
    html! {
        nav.pager aria-label=(text.pages) {
            @if results.page > 1 {
                a href=(search_url(form, "page", &(results.page - 1).to_string())) { (text.previous_page) }
            }
            @if has_next {
                a href=(search_url(form, "page", &(results.page + 1).to_string())) { (text.next_page) }
            }
        }
    }
}

/// A challenge in a list: title, owner, deadline, technologies and summary.
pub fn challenge_card(context: &PageContext, challenge: &ChallengeView) -> Markup {
    let text = &context.text.common;
    html! {
        article.card {
            h3 { a href=(format!("/challenges/{}", challenge.id)) { (challenge.title) } }
            p.meta {
                (challenge.organisation_name) " · " (name_of(text.challenge_statuses, challenge.status.as_str())) " · "
                (text.deadline) ": " (deadline_text(challenge.closes_at, Utc::now(), context.language))
            }
            p { (challenge.summary) }
            ul.tags aria-label=(text.technologies) {
                @for technology in &challenge.technologies { li { (context.language.technology_name(*technology)) } }
            }
        }
    }
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
    let budget = match (challenge.budget_min_eur, challenge.budget_max_eur) {
        (Some(min), Some(max)) => Some(format!("€ {min} – € {max}")),
        (None, Some(max)) => Some(format!("up to € {max}")),
        (Some(min), None) => Some(format!("from € {min}")),
        (None, None) => None,
    };
    html! {
        dl.facts {
            dt { (text.posted_by) } dd { (challenge.organisation_name) }
            dt { (text.status) } dd { (name_of(text.challenge_statuses, challenge.status.as_str())) }
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

/// Which message a finished action leaves on the challenge page.
fn done_message(context: &PageContext) -> Option<&'static str> {
    let text = &context.text.common;
    let fields = FormFields::parse(context.request.query_string().as_bytes());
    match fields.get("done") {
        Some("asked") => Some(text.question_asked),
        Some("answered") => Some(text.question_answered),
        Some("interest") => Some(text.interest_sent),
        _ => None,
    }
}

async fn challenge_page(
    context: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let challenge_id = parse_id(&path)?;
    let page = render_challenge(&context, challenge_id, &FormErrors::none(), "").await?;
    Ok(html_response(StatusCode::OK, page))
}

/// An id from a URL; anything else is a page that does not exist.

async fn render_challenge(
    context: &PageContext,
    challenge_id: Uuid,
    errors: &FormErrors,
    question_draft: &str,
) -> Result<Markup, WebError> {
    let text = &context.text.common;
    let challenge = challenges::get(&context.state, &context.viewer(), challenge_id).await?;
    let questions = questions_of(&context.state, context.viewer(), challenge_id).await?;
    let role = context.user.as_ref().map(|user| user.member.role);
    let may_manage = !challenge.allowed_transitions.is_empty()
        || context.user.as_ref().is_some_and(|user| {
            user.viewer()
                .can_manage_challenge(challenge.organisation_id)
        });
    let accepts_interest = matches!(
        challenge.status,
        ChallengeStatus::Open | ChallengeStatus::Published
    );
    let content = html! {
        (flash(done_message(context)))
        article {
            h1 { (challenge.title) }
            p.lead { (challenge.summary) }
            @if may_manage {
                p {
                    // Editing is the owning organisation's; an admin who
                    // manages answers and candidates does not edit.
                    @if role == Some(Role::Procurement) {
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
        @if role == Some(Role::Startup) && accepts_interest {
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

fn qa_section(
    context: &PageContext,
    challenge: &ChallengeView,
    questions: &QuestionList,
    may_manage: bool,
    errors: &FormErrors,
    question_draft: &str,
) -> Markup {
    let text = &context.text.common;
    html! {
        section.card.qa aria-labelledby="qa-heading" {
            h2 id="qa-heading" { (text.qa_heading) }
            @if questions.items.is_empty() { p { (text.qa_none) } }
            dl {
                @for question in &questions.items {
                    dt { (question.question) }
                    @match &question.answer {
                        Some(answer) => dd { (answer) },
                        None => dd.meta {
                            @if question.asked_by_me { (text.qa_yours_pending) } @else { (text.qa_unanswered) }
                        },
                    }
                    @if may_manage {
                        dd {
                            form method="post" action=(format!("/challenges/{}/questions/{}/answer", challenge.id, question.id)) {
                                (csrf_field(context))
                                @let field_name = format!("answer-{}", question.id);
                                label for=(field_name) { (text.qa_answer_label) }
                                textarea id=(field_name) name="answer" rows="2" { (question.answer.clone().unwrap_or_default()) }
                                button type="submit" { (text.qa_answer_button) }
                            }
                        }
                    }
                }
            }
            @if !may_manage {
                @if context.user.is_none() {
                    p { a href=(crate::web::error::login_url(&context.here)) { (text.qa_log_in_to_ask) } }
                } @else if questions.open_for_questions {
                    form method="post" action=(format!("/challenges/{}/questions", challenge.id)) {
                        (csrf_field(context))
                        (text_area("question", text.qa_ask_label, question_draft, None, errors, 3))
                        button type="submit" { (text.qa_ask_button) }
                    }
                } @else {
                    p.meta { (text.qa_closed) }
                }
            }
        }
    }
}

/// Shows the challenge page again with `error` beside the form's field.
async fn challenge_with_error(
    context: &PageContext,
    challenge_id: Uuid,
    error: ApiError,
    fields: &[&str],
    draft: &str,
) -> Result<HttpResponse, WebError> {
    if !error.code.status().is_client_error() {
        return Err(error.into());
    }
    let errors = FormErrors::from_api(&error, fields);
    let page = render_challenge(context, challenge_id, &errors, draft).await?;
    Ok(html_response(error.code.status(), page))
}

async fn submit_question(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let challenge_id = parse_id(&path)?;
    let form = context.verified_form(&body)?;
    let member = context.member()?.clone();
    let question = form.get("question").unwrap_or_default().to_owned();
    let request = NewQuestionRequest {
        question: question.clone(),
    };
    match ask(&context.state, &member, challenge_id, request).await {
        Ok(_) => Ok(see_other(format!(
            "/challenges/{challenge_id}?done=asked#qa-heading"
        ))),
        Err(error) => {
            challenge_with_error(&context, challenge_id, error, &["question"], &question).await
        }
    }
}

async fn submit_answer(
    context: PageContext,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let challenge_id = parse_id(&path.0)?;
    let question_id = parse_id(&path.1)?;
    let form = context.verified_form(&body)?;
    let member = context.member()?.clone();
    let request = AnswerRequest {
        answer: form.get("answer").unwrap_or_default().to_owned(),
    };
    match answer(&context.state, &member, challenge_id, question_id, request).await {
        Ok(_) => Ok(see_other(format!(
            "/challenges/{challenge_id}?done=answered#qa-heading"
        ))),
        Err(error) => challenge_with_error(&context, challenge_id, error, &[], "").await,
    }
}

async fn submit_interest(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let challenge_id = parse_id(&path)?;
    let form = context.verified_form(&body)?;
    let member = context.member_in(&[Role::Startup])?.clone();
    let request = NewIntroductionRequest {
        challenge_id,
        startup_id: None,
        message: form.non_blank("message").map(str::to_owned),
    };
    match start_introduction(&context.state, member, request).await {
        Ok(_) => Ok(see_other(format!(
            "/challenges/{challenge_id}?done=interest"
        ))),
        Err(error) => challenge_with_error(&context, challenge_id, error, &["message"], "").await,
    }
}
