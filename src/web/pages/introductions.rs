//! Introductions for every role: the list of those the user is a party to,
//! one introduction with its notes, and the moves the user's side may make
//! (the same operations as `/api/v1/introductions`). What each side sees —
//! the anonymous card, the contacts after both accepted — is decided by the
//! shared operation, not here.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};
use uuid::Uuid;

use crate::api::dto::introduction::{IntroductionView, NewNoteRequest, TransitionRequest};
use crate::api::error::ApiError;
use crate::api::extract::IfMatch;
use crate::api::handlers::introductions::{
    add_introduction_note, introductions_of, move_introduction, read_introduction,
    IntroductionListQuery,
};
use crate::app::Paginated;
use crate::domain::introduction::{IntroductionAction, IntroductionState, Outcome};
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::form::parse_id;
use crate::web::form::FormFields;
use crate::web::layout::{csrf_field, form_error_summary, human_date, page, text_area, FormErrors};
use crate::web::pages::startup::done_flash;
use crate::web::see_other;
use crate::web::text::startup::name_of;

/// Registers the introduction pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/introductions").route(web::get().to(introductions_page)))
        .service(web::resource("/introductions/{id}").route(web::get().to(introduction_page)))
        .service(web::resource("/introductions/{id}/move").route(web::post().to(submit_move)))
        .service(web::resource("/introductions/{id}/notes").route(web::post().to(submit_note)));
}

const PER_PAGE: i64 = 20;

fn flash_of(context: &PageContext) -> Markup {
    let text = &context.text.startup;
    done_flash(context, &[("moved", text.moved), ("note", text.note_added)])
}

// ------------------------------------------------------------------- list

/// The list's filter and page, from its query string; a bad value is the
/// error of that field.
fn list_query(query: &str) -> Result<(String, IntroductionListQuery), ApiError> {
    let fields = FormFields::parse(query.as_bytes());
    let state = fields.non_blank("state").map(str::to_owned);
    if let Some(state) = &state {
        state
            .parse::<IntroductionState>()
            .map_err(|error| ApiError::invalid("state", error.to_string()))?;
    }
    let page = fields
        .non_blank("page")
        .map(|raw| raw.parse::<i64>())
        .transpose()
        .map_err(|_| ApiError::invalid("page", "page must be a number"))?;
    let query = IntroductionListQuery {
        state: state.clone(),
        page,
        per_page: Some(PER_PAGE),
        ..IntroductionListQuery::default()
    };
    Ok((state.unwrap_or_default(), query))
}

async fn introductions_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let member = context.member()?.clone();
    let text = &context.text.startup;
    let (state, outcome) = match list_query(context.request.query_string()) {
        Ok((state, query)) => (state, introductions_of(&context.state, member, query).await),
        Err(error) => (String::new(), Err(error)),
    };
    let (listed, errors, status) = match outcome {
        Ok(listed) => (Some(listed), FormErrors::none(), StatusCode::OK),
        Err(error) if error.code.status().is_client_error() => {
            let status = error.code.status();
            (
                None,
                FormErrors::from_api(&error, &["state", "page"]),
                status,
            )
        }
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

/// The challenge's title, linked, or a plain phrase when the user may not see it.
fn challenge_title(context: &PageContext, introduction: &IntroductionView) -> Markup {
    let challenge = &introduction.challenge;
    html! {
        @match (&challenge.title, challenge.visible) {
            (Some(title), true) => a href=(format!("/challenges/{}", challenge.id)) { (title) },
            _ => (context.text.startup.challenge_hidden),
        }
    }
}

/// The start-up as this user may see it: its name, or the anonymous card.
fn startup_name(context: &PageContext, introduction: &IntroductionView) -> String {
    introduction
        .startup
        .name
        .clone()
        .unwrap_or_else(|| context.text.startup.anonymous_startup.to_owned())
}

/// The facts of an introduction: state, origin, the two parties.
fn facts(context: &PageContext, introduction: &IntroductionView) -> Markup {
    let text = &context.text.startup;
    let state = introduction.state.as_str();
    html! {
        dl.facts {
            dt { (text.state_label) }
            dd { span.state data-state=(state) { (name_of(text.states, state)) } }
            dt { (text.origin_label) }
            dd { (name_of(text.origins, introduction.origin.as_str())) " · " (text.started_on) " " (human_date(introduction.created_at, context.language)) }
            dt { (text.startup_label) }
            dd {
                (startup_name(context, introduction))
                @if introduction.startup.anonymised { br; span.meta { (text.anonymous_until_accepted) } }
            }
            dt { (text.procurement_label) }
            dd {
                (introduction.challenge.organisation_name.clone().unwrap_or_else(|| text.challenge_hidden.to_owned()))
            }
        }
    }
}

/// The contacts, once both sides accepted; a plain note before.
fn contacts(context: &PageContext, introduction: &IntroductionView) -> Markup {
    let text = &context.text.startup;
    let startup = &introduction.startup;
    html! {
        @if introduction.contacts_revealed {
            div.contacts {
                h3 { (text.contacts_heading) }
                dl {
                    dt { (text.startup_contact) }
                    dd {
                        (startup.contact_name.clone().unwrap_or_else(|| startup_name(context, introduction)))
                        @if let Some(email) = &startup.contact_email {
                            " · " a href=(format!("mailto:{}", email.as_str())) { (email.as_str()) }
                        }
                        @if let Some(phone) = &startup.contact_phone { " · " (phone) }
                    }
                    @if let Some(contact) = &introduction.procurement_contact {
                        dt { (text.procurement_contact) }
                        dd {
                            (contact.name) " · "
                            a href=(format!("mailto:{}", contact.email)) { (contact.email) }
                        }
                    }
                }
            }
        } @else {
            p.meta { (text.contacts_hidden) }
        }
    }
}

/// A button for one move of the user's side, in its own small form.
fn move_button(
    context: &PageContext,
    introduction: &IntroductionView,
    action: IntroductionAction,
    back: &str,
    extra: Markup,
) -> Markup {
    let label = name_of(context.text.startup.actions, action.as_str());
    let secondary = matches!(
        action,
        IntroductionAction::Decline | IntroductionAction::Withdraw
    );
    html! {
        form.move method="post" action=(format!("/introductions/{}/move", introduction.id)) {
            (csrf_field(context))
            input type="hidden" name="action" value=(action.as_str());
            input type="hidden" name="version" value=(introduction.version);
            input type="hidden" name="back" value=(back);
            (extra)
            button class=[secondary.then_some("secondary")] type="submit" data-action=(action.as_str()) { (label) }
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

// ----------------------------------------------------------------- detail

async fn introduction_page(
    context: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = parse_id(&path)?;
    let page = render_introduction(&context, id, &FormErrors::none(), "").await?;
    Ok(html_response(StatusCode::OK, page))
}

/// The moves on the detail page, with the reason or outcome they take.
fn detailed_moves(context: &PageContext, introduction: &IntroductionView) -> Markup {
    let text = &context.text.startup;
    let back = format!("/introductions/{}", introduction.id);
    html! {
        section.card aria-labelledby="moves" {
            h2 id="moves" { (text.your_moves) }
            @if introduction.allowed_actions.is_empty() { p { (text.no_moves) } }
            div.moves {
                @for action in &introduction.allowed_actions {
                    @let id = format!("reason-{}", action.as_str());
                    @let extra = match action {
                        IntroductionAction::Decline | IntroductionAction::Withdraw => html! {
                            label for=(id) { (text.move_reason_label) }
                            textarea id=(id) name="reason" rows="2" {}
                        },
                        IntroductionAction::RecordOutcome => html! {
                            label for="outcome" { (text.outcome_label) }
                            select id="outcome" name="outcome" {
                                @for outcome in Outcome::ALL {
                                    option value=(outcome.as_str()) { (name_of(text.outcomes, outcome.as_str())) }
                                }
                            }
                            label for=(id) { (text.move_reason_label) }
                            textarea id=(id) name="reason" rows="2" {}
                        },
                        _ => html! {},
                    };
                    (move_button(context, introduction, *action, &back, extra))
                }
            }
        }
    }
}

fn notes(
    context: &PageContext,
    introduction: &IntroductionView,
    errors: &FormErrors,
    draft: &str,
) -> Markup {
    let text = &context.text.startup;
    html! {
        section.card aria-labelledby="notes" {
            h2 id="notes" { (text.notes_heading) }
            @if introduction.notes.is_empty() { p { (text.notes_none) } }
            ol.notes {
                @for note in &introduction.notes {
                    li.note {
                        p { (note.body) }
                        p.meta {
                            (name_of(text.sides, note.side.as_str())) " · " (human_date(note.created_at, context.language)) " · "
                            (if note.shared { text.note_shared } else { text.note_private })
                            @if note.mine { " · " (text.note_mine) }
                        }
                    }
                }
            }
            (form_error_summary(errors, context.language))
            form method="post" action=(format!("/introductions/{}/notes", introduction.id)) novalidate {
                (csrf_field(context))
                (text_area("body", text.note_label, draft, None, errors, 3))
                div.field.checkbox {
                    input type="checkbox" id="shared" name="shared" value="true";
                    " "
                    label for="shared" { (text.note_shared_label) }
                }
                button type="submit" { (text.note_button) }
            }
        }
    }
}

async fn render_introduction(
    context: &PageContext,
    id: Uuid,
    errors: &FormErrors,
    note_draft: &str,
) -> Result<Markup, WebError> {
    let member = context.member()?.clone();
    let text = &context.text.startup;
    let introduction = read_introduction(&context.state, member, id).await?;
    let startup = &introduction.startup;
    let content = html! {
        (flash_of(context))
        p { a href="/introductions" { "← " (text.all_introductions) } }
        article.introduction id=(format!("introduction-{}", introduction.id)) {
            h1 { (text.introduction_heading) ": " (challenge_title(context, &introduction)) }
            div.with-sidebar {
                aside.card { (facts(context, &introduction)) }
                div {
                    @if let Some(message) = &introduction.message {
                        h2 { (text.message_label) }
                        p.message { (message) }
                    }
                    @if let Some(reason) = &introduction.reason {
                        h2 { (text.reason_label) }
                        p { (reason) }
                    }
                    h2 { (text.startup_label) }
                    p { (startup.description) }
                    ul.tags aria-label=(context.text.common.technologies) {
                        @for technology in &startup.technologies { li { (context.language.technology_name(*technology)) } }
                    }
                    (contacts(context, &introduction))
                }
            }
        }
        (detailed_moves(context, &introduction))
        (notes(context, &introduction, errors, note_draft))
    };
    Ok(page(context, text.introduction_heading, content))
}

// ------------------------------------------------------------------ forms

/// Where to go after a move: the list or the introduction, nothing else.
fn safe_back(back: Option<&str>, id: Uuid) -> String {
    let detail = format!("/introductions/{id}");
    match back {
        Some("/introductions") => "/introductions".to_owned(),
        _ => detail,
    }
}

/// The move a form asks for; a form that names none is a bad request.
fn transition_of(form: &FormFields) -> Result<(TransitionRequest, i64), ApiError> {
    let action = form
        .non_blank("action")
        .unwrap_or_default()
        .parse::<IntroductionAction>()
        .map_err(|error| ApiError::invalid("action", error.to_string()))?;
    let outcome = form
        .non_blank("outcome")
        .map(|raw| raw.parse::<Outcome>())
        .transpose()
        .map_err(|error| ApiError::invalid("outcome", error.to_string()))?;
    let version = form
        .non_blank("version")
        .and_then(|raw| raw.parse::<i64>().ok())
        .ok_or_else(|| ApiError::invalid("version", "the form lacks the introduction's version"))?;
    let request = TransitionRequest {
        action,
        outcome,
        reason: form.non_blank("reason").map(str::to_owned),
    };
    Ok((request, version))
}

/// `POST /introductions/{id}/move`. A refused move is the plain error page
/// with its status (409 for a move the state does not allow, 412 stale).
async fn submit_move(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = parse_id(&path)?;
    let form = context.verified_form(&body)?;
    let member = context.member()?.clone();
    let (request, version) = transition_of(&form)?;
    move_introduction(
        &context.state,
        member,
        id,
        IfMatch(i32::try_from(version).unwrap_or(-1)),
        request,
    )
    .await?;
    let back = safe_back(form.get("back"), id);
    Ok(see_other(format!("{back}?done=moved#introduction-{id}")))
}

async fn submit_note(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = parse_id(&path)?;
    let form = context.verified_form(&body)?;
    let member = context.member()?.clone();
    let draft = form.get("body").unwrap_or_default().to_owned();
    let request = NewNoteRequest {
        body: draft.clone(),
        shared: form.checked("shared"),
    };
    match add_introduction_note(&context.state, member, id, request).await {
        Ok(_) => Ok(see_other(format!("/introductions/{id}?done=note#notes"))),
        Err(error) if error.code.status().is_client_error() && error.field.is_some() => {
            let errors = FormErrors::from_api(&error, &["body"]);
            let page = render_introduction(&context, id, &errors, &draft).await?;
            Ok(html_response(error.code.status(), page))
        }
        Err(error) => Err(error.into()),
    }
}
