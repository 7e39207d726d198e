//! One introduction: its facts, message, contacts, the moves of the user's
//! side with the reason or outcome they take, and the notes.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};
use uuid::Uuid;

use super::parts::{challenge_title, contacts, facts, flash_of, move_button};
use crate::app::introductions::{self, IntroductionView};
use crate::domain::introduction::{IntroductionAction, Outcome};
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::form::parse_id;
use crate::web::layout::{csrf_field, form_error_summary, human_date, page, text_area, FormErrors};
use crate::web::text::startup::name_of;

pub(super) async fn introduction_page(
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

/// The page of introduction `id`, with `errors` and the note as typed
/// when a note was refused.
pub(super) async fn render_introduction(
    context: &PageContext,
    id: Uuid,
    errors: &FormErrors,
    note_draft: &str,
) -> Result<Markup, WebError> {
    let member = context.member()?;
    let text = &context.text.startup;
    let introduction = introductions::get(&context.state, member, id).await?;
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
