//! The public Q&A of a challenge: the questions the visitor may read, the
//! form to ask one, and the owning organisation's answer forms
//! (`app::questions`).

use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use super::challenge::challenge_with_errors;
use crate::app::challenges::ChallengeView;
use crate::app::questions::{self, AnswerRequest, NewQuestionRequest, QuestionList};
use crate::web::context::PageContext;
use crate::web::error::{status_of, WebError};
use crate::web::form::parse_id;
use crate::web::layout::{csrf_field, text_area, FormErrors};
use crate::web::see_other;

/// The Q&A section of the challenge page.
pub(super) fn qa_section(
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

pub(super) async fn submit_question(
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
    match questions::ask(&context.state, &member, challenge_id, request).await {
        Ok(_) => Ok(see_other(format!(
            "/challenges/{challenge_id}?done=asked#qa-heading"
        ))),
        Err(error) if status_of(&error).is_client_error() => {
            let errors = FormErrors::from_app(&error, &["question"], context.language);
            challenge_with_errors(
                &context,
                challenge_id,
                status_of(&error),
                &errors,
                &question,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

pub(super) async fn submit_answer(
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
    match questions::answer(&context.state, &member, challenge_id, question_id, request).await {
        Ok(_) => Ok(see_other(format!(
            "/challenges/{challenge_id}?done=answered#qa-heading"
        ))),
        Err(error) if status_of(&error).is_client_error() => {
            let errors = FormErrors::from_app(&error, &[], context.language);
            challenge_with_errors(&context, challenge_id, status_of(&error), &errors, "").await
        }
        Err(error) => Err(error.into()),
    }
}
