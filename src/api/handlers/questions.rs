//! Public Q&A on a challenge: whoever may see it asks while it is in
//! pre-release or open and before its deadline; the owning organisation
//! answers, and the answer is read by everyone who may see the challenge
//! (`app::questions`).

use actix_web::{get, post, web, HttpResponse};
use uuid::Uuid;

use crate::api::auth::{AuthUser, MaybeUser};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::JsonBody;
use crate::app::questions::{self, AnswerRequest, NewQuestionRequest, QuestionList, QuestionView};
use crate::app::AppState;

/// The questions of a challenge: the answered ones for everyone who may
/// see it, the caller's own unanswered ones, and all of them for the
/// owning organisation and admins.
#[utoipa::path(
    tag = "challenges",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "The Q&A", body = QuestionList),
        (status = 404, description = "No such challenge visible to the caller", body = ErrorBody),
    )
)]
#[get("/challenges/{id}/questions")]
pub async fn list_questions(
    state: web::Data<AppState>,
    caller: MaybeUser,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let list = questions::list(&state, &caller.0, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Asks a question. Anyone logged in who may see the challenge, while it is
/// in pre-release or open and before its deadline; the owning organisation
/// answers instead of asking.
#[utoipa::path(
    tag = "challenges",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body = NewQuestionRequest,
    responses(
        (status = 201, description = "Asked; shown to others once answered", body = QuestionView),
        (status = 403, description = "The owning organisation answers, it does not ask", body = ErrorBody),
        (status = 404, description = "No such challenge visible to the caller", body = ErrorBody),
        (status = 409, description = "Questions are closed", body = ErrorBody),
    )
)]
#[post("/challenges/{id}/questions")]
pub async fn ask_question(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
    body: JsonBody<NewQuestionRequest>,
) -> Result<HttpResponse, ApiError> {
    let question = questions::ask(&state, &caller.member, path.into_inner(), body.0).await?;
    Ok(HttpResponse::Created().json(question))
}

/// Answers a question (or corrects the answer); the owning organisation's
/// procurement officers and admins. The answer is then public to everyone
/// who may see the challenge.
#[utoipa::path(
    tag = "challenges",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Challenge id"),
        ("question_id" = Uuid, Path, description = "Question id"),
    ),
    request_body = AnswerRequest,
    responses(
        (status = 200, description = "Answered", body = QuestionView),
        (status = 403, description = "Only the owning organisation answers", body = ErrorBody),
        (status = 404, description = "No such challenge or question", body = ErrorBody),
    )
)]
#[post("/challenges/{id}/questions/{question_id}/answer")]
pub async fn answer_question(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    body: JsonBody<AnswerRequest>,
) -> Result<HttpResponse, ApiError> {
    let (challenge_id, question_id) = path.into_inner();
    let answered =
        questions::answer(&state, &caller.member, challenge_id, question_id, body.0).await?;
    Ok(HttpResponse::Ok().json(answered))
}
