//! The forms of an introduction: a move of the user's side, and a note.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::detail::render_introduction;
use crate::app::introductions::{self, NewNoteRequest, TransitionRequest};
use crate::app::AppError;
use crate::domain::introduction::{IntroductionAction, Outcome};
use crate::domain::{Rule, ValidationError};
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::form::{parse_id, FieldProblems, FormFields};
use crate::web::layout::FormErrors;
use crate::web::see_other;

/// The inputs of the note form.
const NOTE_FIELDS: [&str; 1] = ["body"];

/// Where to go after a move: the list or the introduction, nothing else.
fn safe_back(back: Option<&str>, id: Uuid) -> String {
    let detail = format!("/introductions/{id}");
    match back {
        Some("/introductions") => "/introductions".to_owned(),
        _ => detail,
    }
}

/// The move a form asks for; a form that names no move it offers is a bad request.
fn transition_of(form: &FormFields) -> Result<TransitionRequest, AppError> {
    let mut problems = FieldProblems::default();
    let action = problems.check(
        form.non_blank("action")
            .unwrap_or_default()
            .parse::<IntroductionAction>()
            .map_err(|_| ValidationError::new("action", Rule::UnknownChoice)),
    );
    let outcome = problems.check(
        form.non_blank("outcome")
            .map(|raw| raw.parse::<Outcome>())
            .transpose()
            .map_err(|_| ValidationError::new("outcome", Rule::UnknownChoice)),
    );
    let (action, outcome) = problems.into_result(action.zip(outcome))?;
    Ok(TransitionRequest {
        action,
        outcome,
        reason: form.non_blank("reason").map(str::to_owned),
    })
}

/// `POST /introductions/{id}/move`. A refused move is the plain error page
/// with its status (409 for a move the state does not allow, 412 stale).
pub(super) async fn submit_move(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = parse_id(&path)?;
    let form = context.verified_form(&body)?;
    let member = context.member()?;
    let request = transition_of(&form)?;
    introductions::transition(&context.state, member, id, form.version(), request).await?;
    let back = safe_back(form.get("back"), id);
    Ok(see_other(format!("{back}?done=moved#introduction-{id}")))
}

/// `POST /introductions/{id}/notes`. A refused note comes back beside its
/// field, as typed.
pub(super) async fn submit_note(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = parse_id(&path)?;
    let form = context.verified_form(&body)?;
    let member = context.member()?;
    let draft = form.get("body").unwrap_or_default().to_owned();
    let request = NewNoteRequest {
        body: draft.clone(),
        shared: form.checked("shared"),
    };
    match introductions::add_note(&context.state, member, id, request).await {
        Ok(_) => Ok(see_other(format!("/introductions/{id}?done=note#notes"))),
        Err(error @ AppError::Invalid(_)) => {
            let errors = FormErrors::from_app(&error, &NOTE_FIELDS, context.language);
            let page = render_introduction(&context, id, &errors, &draft).await?;
            Ok(html_response(status_of(&error), page))
        }
        Err(error) => Err(error.into()),
    }
}
