//! The list of the introductions the user is a party to, filtered by
//! state, each with the moves that take one click.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use maud::{html, Markup};

use super::parts::{challenge_title, contacts, facts, flash_of, move_button};
use crate::app::introductions::{self, IntroductionListFilter, IntroductionView};
use crate::app::{AppError, Paginated};
use crate::domain::introduction::{IntroductionAction, IntroductionState};
use crate::domain::{Rule, ValidationError};
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::form::{FieldProblems, FormFields};
use crate::web::layout::{form_error_summary, page, FormErrors};
use crate::web::text::startup::name_of;

const PER_PAGE: i64 = 20;

/// The inputs of the list's filter form.
const FILTER_FIELDS: [&str; 2] = ["state", "page"];

/// The list's filter, from its query string, with the state as typed; a
/// bad value is the error of its field.
fn list_filter(query: &str) -> Result<(String, IntroductionListFilter), AppError> {
    let fields = FormFields::parse(query.as_bytes());
    let mut problems = FieldProblems::default();
    let typed_state = fields.non_blank("state").unwrap_or_default().to_owned();
    let state = problems.check(
        fields
            .non_blank("state")
            .map(|raw| raw.parse::<IntroductionState>())
            .transpose()
            .map_err(|_| ValidationError::new("state", Rule::UnknownChoice)),
    );
    let page = problems.check(
        fields
            .non_blank("page")
            .map(|raw| raw.parse::<i64>())
            .transpose()
            .map_err(|_| ValidationError::new("page", Rule::NotWholeNumber)),
    );
    let (state, page) = problems.into_result(state.zip(page))?;
    let filter = IntroductionListFilter {
        states: state.into_iter().collect(),
        page,
        per_page: Some(PER_PAGE),
        ..IntroductionListFilter::default()
    };
    Ok((typed_state, filter))
}

pub(super) async fn introductions_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let member = context.member()?.clone();
    let text = &context.text.startup;
    let (state, outcome) = match list_filter(context.request.query_string()) {
        Ok((state, filter)) => (
            state,
            introductions::list(&context.state, &member, filter).await,
        ),
        Err(error) => (String::new(), Err(error)),
    };
    let (listed, errors, status) = match outcome {
        Ok(listed) => (Some(listed), FormErrors::none(), StatusCode::OK),
        Err(error) if status_of(&error).is_client_error() => (
            None,
            FormErrors::from_app(&error, &FILTER_FIELDS, context.language),
            status_of(&error),
        ),
        Err(error) => return Err(error.into()),
    };
    let content = html! {
        (flash_of(&context))
        h1 { (text.introductions_heading) }
        p.lead { (text.introductions_intro) }
        (form_error_summary(&errors, context.language))
        form.search-form.card method="get" action="/introductions" {
            div.field {
                label for="state" { (text.state_filter_label) }
                select id="state" name="state" {
                    option value="" selected[state.is_empty()] { (context.text.common.any) }
                    @for (code, name) in text.states {
                        option value=(code) selected[*code == state] { (name) }
                    }
                }
            }
            button type="submit" { (text.filter_button) }
        }
        @if let Some(listed) = &listed {
            @if listed.items.is_empty() { p { (text.introductions_none) } }
            @for introduction in &listed.items { (introduction_card(&context, introduction)) }
            (pager(&context, listed, &state))
        }
    };
    Ok(html_response(
        status,
        page(&context, text.introductions_heading, content),
    ))
}

fn pager(context: &PageContext, listed: &Paginated<IntroductionView>, state: &str) -> Markup {
    let common = &context.text.common;
    let url = |page: i64| {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        if !state.is_empty() {
            serializer.append_pair("state", state);
        }
        serializer.append_pair("page", &page.to_string());
        format!("/introductions?{}", serializer.finish())
    };
    let has_next = listed.page * listed.per_page < listed.total;
    html! {
        nav.pager aria-label=(common.pages) {
            @if listed.page > 1 { a href=(url(listed.page - 1)) { (common.previous_page) } }
            @if has_next { a href=(url(listed.page + 1)) { (common.next_page) } }
        }
    }
}

/// The moves on the list: one click each; recording an outcome needs the
/// detail page, where its choice is.
fn quick_moves(context: &PageContext, introduction: &IntroductionView) -> Markup {
    html! {
        div.moves {
            @for action in &introduction.allowed_actions {
                @if *action == IntroductionAction::RecordOutcome {
                    a.button.secondary href=(format!("/introductions/{}#moves", introduction.id)) {
                        (name_of(context.text.startup.actions, action.as_str()))
                    }
                } @else {
                    (move_button(context, introduction, *action, "/introductions", html! {}))
                }
            }
        }
    }
}

fn introduction_card(context: &PageContext, introduction: &IntroductionView) -> Markup {
    let text = &context.text.startup;
    html! {
        article.card.introduction id=(format!("introduction-{}", introduction.id)) {
            h2 { (challenge_title(context, introduction)) }
            (facts(context, introduction))
            @if let Some(message) = &introduction.message { p.message { (message) } }
            (contacts(context, introduction))
            (quick_moves(context, introduction))
            p { a href=(format!("/introductions/{}", introduction.id)) { (text.details_link) } }
        }
    }
}
