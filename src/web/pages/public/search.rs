//! The public challenge search: words and filters, facet counts to narrow
//! it down, and pages of results (`app::search::challenges`).

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::Utc;
use maud::{html, Markup};

use crate::app::challenges::ChallengeView;
use crate::app::search::query_string::parse_statuses;
use crate::app::search::{self, ChallengeSearchFilter, ChallengeSearchResults, SearchOrder};
use crate::app::AppError;
use crate::domain::challenge::ChallengeStatus;
use crate::domain::region::Province;
use crate::domain::taxonomy::Technology;
use crate::domain::{Rule, ValidationError};
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::form::{optional_choice, optional_whole_number, FieldProblems, FormFields};
use crate::web::layout::{
    deadline_text, form_error_summary, page, province_options, technology_options, FormErrors,
};
use crate::web::text::startup::name_of;

/// Results on one page.
const RESULTS_PER_PAGE: i64 = 20;

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

impl SearchForm {
    /// The search form in the query string; a value that is not one of the
    /// choices is an error on that field.
    fn of_query(fields: &FormFields) -> Result<Self, AppError> {
        let value = |name: &str| fields.non_blank(name).unwrap_or_default().to_owned();
        let mut problems = FieldProblems::default();
        let technology = problems.check(optional_choice("technology", &value("technology")));
        let province = problems.check(optional_choice("province", &value("province")));
        let page = problems.check(optional_whole_number("page", &value("page")));
        let form = (|| {
            Some(SearchForm {
                q: value("q"),
                technology: technology?,
                province: province?,
                status: value("status"),
                sort: value("sort"),
                page: page?.unwrap_or(1),
            })
        })();
        problems.into_result(form)
    }

    /// The search the form asks for.
    fn filter(&self) -> Result<ChallengeSearchFilter, AppError> {
        let sort = match self.sort.as_str() {
            "" | "relevance" => SearchOrder::Relevance,
            "deadline" => SearchOrder::Deadline,
            "newest" => SearchOrder::Newest,
            _ => return Err(ValidationError::new("sort", Rule::UnknownChoice).into()),
        };
        // Without a choice, the challenges a start-up can still act on.
        let statuses = match self.status.as_str() {
            "" => vec![ChallengeStatus::Open, ChallengeStatus::Published],
            "all" => Vec::new(),
            other => parse_statuses(Some(other))?,
        };
        Ok(ChallengeSearchFilter {
            text: (!self.q.is_empty()).then(|| self.q.clone()),
            technology: self.technology,
            province: self.province,
            statuses,
            sort,
            page: Some(self.page),
            per_page: Some(RESULTS_PER_PAGE),
            ..ChallengeSearchFilter::default()
        })
    }
}

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

pub(super) async fn challenge_search(context: PageContext) -> Result<HttpResponse, WebError> {
    let text = &context.text.common;
    let (form, outcome) = match SearchForm::of_query(&context.query()) {
        Ok(form) => {
            let results = match form.filter() {
                Ok(filter) => search::challenges(&context.state, &context.viewer(), filter).await,
                Err(error) => Err(error),
            };
            (form, results)
        }
        Err(error) => (SearchForm::default(), Err(error)),
    };
    let (results, errors, status) = match outcome {
        Ok(results) => (Some(results), FormErrors::none(), StatusCode::OK),
        Err(error) if status_of(&error).is_client_error() => {
            // Only `q` has an error slot; the rest show above the form.
            let errors = FormErrors::from_app(&error, &["q"], context.language);
            (None, errors, status_of(&error))
        }
        Err(error) => return Err(error.into()),
    };
    let filtered = form.technology.is_some() || form.province.is_some() || !form.sort.is_empty();
    let content = html! {
        h1 { (text.challenges_heading) }
        (form_error_summary(&errors, context.language))
        form.search-form.card method="get" action="/challenges" role="search" {
            (crate::web::layout::text_input("q", text.search_label, &form.q, Some(text.search_hint), &errors, "search"))
            // Folded on a phone (app.js opens it on wider screens), open
            // whenever a filter is set.
            details.filters open[filtered] {
                summary { (text.filters_toggle) }
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
fn challenge_card(context: &PageContext, challenge: &ChallengeView) -> Markup {
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
