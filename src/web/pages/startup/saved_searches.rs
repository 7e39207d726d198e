//! Saved searches over challenges (`app::saved_searches`): kept, run on
//! the challenge search page, and deleted by their owner.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use crate::app::saved_searches::{self, NewSavedSearch, SavedSearchView};
use crate::app::AppError;
use crate::domain::notification::{DigestFrequency, SearchTarget};
use crate::domain::policy::Member;
use crate::domain::region::Province;
use crate::domain::taxonomy::Technology;
use crate::domain::ValidationError;
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::form::{optional_choice, parse_id, FieldProblems, FormFields};
use crate::web::layout::{
    csrf_field, done_flash, form_error_summary, page, province_options, select_field,
    technology_options, text_input, FormErrors,
};
use crate::web::see_other;

/// The inputs of the saved-search form.
const FORM_FIELDS: [&str; 4] = ["name", "q", "technology", "province"];

/// The saved-search form as typed.
#[derive(Debug, Default)]
struct SearchDraft {
    name: String,
    q: String,
    technology: Option<Technology>,
    province: Option<Province>,
    /// Mail a daily digest of new challenges.
    daily: bool,
}

impl SearchDraft {
    /// The query string of the challenge search this draft describes.
    fn query(&self) -> String {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        if !self.q.trim().is_empty() {
            serializer.append_pair("q", self.q.trim());
        }
        if let Some(technology) = self.technology {
            serializer.append_pair("technology", technology.as_str());
        }
        if let Some(province) = self.province {
            serializer.append_pair("province", province.as_str());
        }
        serializer.finish()
    }
}

/// Where a saved search runs on the site, when it is a challenge search.
fn saved_search_link(search: &SavedSearchView) -> Option<String> {
    (search.target == SearchTarget::Challenges).then(|| {
        if search.query.is_empty() {
            "/challenges".to_owned()
        } else {
            format!("/challenges?{}", search.query)
        }
    })
}

/// The search in words: its words and filters.
fn saved_search_summary(context: &PageContext, search: &SavedSearchView) -> String {
    let fields = FormFields::parse(search.query.as_bytes());
    let mut parts: Vec<String> = Vec::new();
    if let Some(q) = fields.non_blank("q") {
        parts.push(format!("“{q}”"));
    }
    if let Some(technology) = fields.non_blank("technology") {
        let name = technology
            .parse::<Technology>()
            .map_or(technology.to_owned(), |known| {
                context.language.technology_name(known).to_owned()
            });
        parts.push(name);
    }
    if let Some(province) = fields.non_blank("province") {
        let name = province
            .parse::<Province>()
            .map_or(province.to_owned(), |known| known.name().to_owned());
        parts.push(name);
    }
    if parts.is_empty() {
        return context.text.startup.saved_everything.to_owned();
    }
    parts.join(" · ")
}

async fn render_saved_searches(
    context: &PageContext,
    member: &Member,
    draft: &SearchDraft,
    errors: &FormErrors,
) -> Result<Markup, WebError> {
    let text = &context.text.startup;
    let common = &context.text.common;
    let searches = saved_searches::list(&context.state, member).await?;
    let content = html! {
        (done_flash(context, &[("saved", text.saved_done), ("deleted", text.saved_deleted)]))
        h1 { (text.saved_heading) }
        p.lead { (text.saved_intro) }
        @if searches.items.is_empty() { p { (text.saved_none) } }
        ul.saved-searches {
            @for search in &searches.items {
                li.card id=(format!("saved-search-{}", search.id)) {
                    h2 { (search.name) }
                    p.meta {
                        @if search.target == SearchTarget::Startups { (text.saved_startups_target) " · " }
                        (saved_search_summary(context, search))
                        @if search.notify == DigestFrequency::Daily { " · " (context.text.privacy.digest_marker) }
                    }
                    div.actions {
                        @if let Some(link) = saved_search_link(search) {
                            a.button href=(link) { (text.run_search) }
                        }
                        form method="post" action=(format!("/saved-searches/{}/delete", search.id)) {
                            (csrf_field(context))
                            button.secondary type="submit"
                                aria-label=(format!("{} {}", text.delete_search_named, search.name)) {
                                (text.delete_search)
                            }
                        }
                    }
                }
            }
        }
        section.card aria-labelledby="new-search-heading" {
            h2 id="new-search-heading" { (text.saved_new_heading) }
            (form_error_summary(errors, context.language))
            form method="post" action="/saved-searches" novalidate {
                (csrf_field(context))
                (text_input("name", text.saved_name_label, &draft.name, None, errors, "text"))
                (text_input("q", text.saved_query_label, &draft.q, Some(common.search_hint), errors, "search"))
                (select_field("technology", common.filter_technology, None, errors, technology_options(draft.technology, common.any, context.language)))
                (select_field("province", common.filter_province, None, errors, province_options(draft.province, common.any)))
                div.field.checkbox {
                    input type="checkbox" id="notify_daily" name="notify_daily" value="true" checked[draft.daily];
                    " "
                    label for="notify_daily" { (context.text.privacy.digest_label) }
                }
                button type="submit" { (text.saved_button) }
            }
        }
    };
    Ok(page(context, text.saved_heading, content))
}

pub(super) async fn saved_searches_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let member = context.member()?.clone();
    let page = render_saved_searches(
        &context,
        &member,
        &SearchDraft::default(),
        &FormErrors::none(),
    )
    .await?;
    Ok(html_response(StatusCode::OK, page))
}

pub(super) async fn submit_saved_search(
    context: PageContext,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let member = context.member()?.clone();
    let mut problems = FieldProblems::default();
    let technology = problems.check(optional_choice::<Technology>(
        "technology",
        form.get("technology").unwrap_or_default(),
    ));
    let province = problems.check(optional_choice::<Province>(
        "province",
        form.get("province").unwrap_or_default(),
    ));
    let draft = SearchDraft {
        name: form.get("name").unwrap_or_default().to_owned(),
        q: form.get("q").unwrap_or_default().to_owned(),
        technology: technology.flatten(),
        province: province.flatten(),
        daily: form.checked("notify_daily"),
    };
    let outcome = match problems.into_result(Some(())) {
        Ok(()) => {
            let request = NewSavedSearch {
                name: draft.name.clone(),
                target: SearchTarget::Challenges,
                query: draft.query(),
                notify: if draft.daily {
                    DigestFrequency::Daily
                } else {
                    DigestFrequency::Never
                },
            };
            saved_searches::create(&context.state, &member, request)
                .await
                .map(drop)
        }
        Err(error) => Err(error),
    };
    let error = match outcome {
        Ok(()) => return Ok(see_other("/saved-searches?done=saved")),
        Err(error) if !status_of(&error).is_client_error() => return Err(error.into()),
        Err(error) => on_this_form(error),
    };
    let errors = FormErrors::from_app(&error, &FORM_FIELDS, context.language);
    let page = render_saved_searches(&context, &member, &draft, &errors).await?;
    Ok(html_response(status_of(&error), page))
}

/// The use case names the whole query string; on this form that is the words.
fn on_this_form(error: AppError) -> AppError {
    let AppError::Invalid(problems) = error else {
        return error;
    };
    let problems = problems
        .into_iter()
        .map(|problem| match problem.field.as_str() {
            "query" => ValidationError::new("q", problem.rule),
            _ => problem,
        })
        .collect();
    AppError::Invalid(problems)
}

pub(super) async fn submit_delete_search(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = parse_id(&path)?;
    context.verified_form(&body)?;
    let member = context.member()?.clone();
    saved_searches::delete(&context.state, &member, id).await?;
    Ok(see_other("/saved-searches?done=deleted"))
}
