//! Public Q&A on a challenge: whoever may see it asks while it is in
//! pre-release or open and before its deadline; the owning organisation
//! answers, and the answer is read by everyone who may see the challenge.
//! Askers are never named to others.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::OptionalExtension;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::auth::{AuthUser, MaybeUser};
use crate::api::error::{ApiError, ErrorBody, ErrorCode};
use crate::api::extract::JsonBody;
use crate::api::legacy::LegacyBlocking;
use crate::app::AppState;
use crate::db::challenges::{self, ChallengeRow};
use crate::db::notifications::{self, NewNotification};
use crate::db::questions::{self, QuestionRow};
use crate::db::startups;
use crate::domain::challenge::ChallengeStatus;
use crate::domain::notification::{NotificationKind, NotificationSubject};
use crate::domain::policy::{Member, Viewer};
use crate::domain::text::bounded_text;

/// Longest question, in characters.
const MAX_QUESTION_CHARS: usize = 2000;
/// Longest answer, in characters.
const MAX_ANSWER_CHARS: usize = 4000;

/// A new question.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewQuestionRequest {
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\s\x00-\x1f\x7f-\x9f]"
    )]
    pub question: String,
}

/// An answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    #[schema(
        min_length = 1,
        max_length = 4000,
        pattern = r"[^\s\x00-\x1f\x7f-\x9f]"
    )]
    pub answer: String,
}

/// A question as the caller may see it; the asker is never named.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionView {
    pub id: Uuid,
    pub question: String,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Whether the caller asked it (their unanswered questions are shown to them only).
    pub asked_by_me: bool,
}

impl QuestionView {
    fn new(row: QuestionRow, caller: Option<Uuid>) -> Self {
        QuestionView {
            id: row.id,
            question: row.question,
            answer: row.answer,
            answered_at: row.answered_at,
            created_at: row.created_at,
            asked_by_me: caller.is_some() && row.asked_by == caller,
        }
    }
}

/// The Q&A of a challenge.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionList {
    pub items: Vec<QuestionView>,
    /// Whether questions may still be asked (pre-release or open, before the deadline).
    pub open_for_questions: bool,
}

/// Whether questions may be asked on `challenge` at `now`.
fn open_for_questions(challenge: &ChallengeRow, now: DateTime<Utc>) -> bool {
    matches!(
        challenge.status,
        ChallengeStatus::Published | ChallengeStatus::Open
    ) && challenge.closes_at.is_none_or(|deadline| deadline > now)
}

/// Loads a challenge the viewer may see, or 404.
async fn visible_challenge(
    state: &AppState,
    viewer: &Viewer,
    challenge_id: Uuid,
) -> Result<ChallengeRow, ApiError> {
    let challenge = state
        .with_connection_api(move |connection| {
            Ok(challenges::find(connection, challenge_id).optional()?)
        })
        .await?
        .filter(|challenge| viewer.can_see_challenge(challenge.exposure()))
        .ok_or_else(|| ApiError::not_found("challenge"))?;
    Ok(challenge)
}

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
    let list = questions_of(&state, caller.0, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The Q&A of a challenge as `viewer` may read it (API and web pages).
pub async fn questions_of(
    state: &AppState,
    viewer: Viewer,
    challenge_id: Uuid,
) -> Result<QuestionList, ApiError> {
    let challenge = visible_challenge(state, &viewer, challenge_id).await?;
    let member = viewer.member().cloned();
    let everything = member
        .as_ref()
        .is_some_and(|member| member.is_admin() || member.belongs_to(challenge.organisation_id));
    let asker = member.as_ref().map(|member| member.user_id);
    let challenge_id = challenge.id;
    let rows = state
        .with_connection_api(move |connection| {
            Ok(questions::list(
                connection,
                challenge_id,
                everything,
                asker,
            )?)
        })
        .await?;
    Ok(QuestionList {
        items: rows
            .into_iter()
            .map(|row| QuestionView::new(row, asker))
            .collect(),
        open_for_questions: open_for_questions(&challenge, Utc::now()),
    })
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
    let question = ask(&state, &caller.member, path.into_inner(), body.0).await?;
    Ok(HttpResponse::Created().json(question))
}

/// `member` asks a question on challenge `challenge_id` (API and web pages).
pub async fn ask(
    state: &AppState,
    member: &Member,
    challenge_id: Uuid,
    request: NewQuestionRequest,
) -> Result<QuestionView, ApiError> {
    let text = bounded_text("question", &request.question, 1, MAX_QUESTION_CHARS)?;
    let viewer = Viewer::Member(member.clone());
    let challenge = visible_challenge(state, &viewer, challenge_id).await?;
    if member.belongs_to(challenge.organisation_id) {
        return Err(ApiError::forbidden(
            "the owning organisation answers questions; it does not ask them",
        ));
    }
    if !open_for_questions(&challenge, Utc::now()) {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "questions are taken while the challenge is in pre-release or open, until its deadline",
        ));
    }
    let asker = member.user_id;
    let challenge_id = challenge.id;
    let row = state
        .with_connection_api(move |connection| {
            Ok(questions::insert(connection, challenge_id, asker, &text)?)
        })
        .await?;
    Ok(QuestionView::new(row, Some(asker)))
}

/// Tells the challenge's watchers that a question was answered: everyone
/// who asked a question on it and the start-ups with a live introduction
/// on it. A corrected answer does not notify again.
fn notify_watchers(
    connection: &mut diesel::PgConnection,
    challenge: &ChallengeRow,
    answered: &QuestionRow,
) -> Result<(), ApiError> {
    let (challenge_id, challenge_title) = (challenge.id, challenge.title.as_str());
    let mut watchers = questions::askers(connection, challenge_id)?;
    let introduced = notifications::startups_introduced_to(connection, challenge_id)?;
    for startup in startups::find_many(connection, &introduced)? {
        watchers.extend(notifications::active_members(
            connection,
            startup.organisation_id,
        )?);
    }
    watchers.sort();
    watchers.dedup();
    for user_id in watchers {
        // Vetting is per person: a colleague of an introduced start-up may
        // not be allowed to see a vetted challenge.
        if !crate::db::users::may_see_challenge(connection, user_id, challenge)? {
            continue;
        }
        notifications::notify(
            connection,
            &NewNotification {
                user_id,
                kind: NotificationKind::QuestionAnswered,
                subject: NotificationSubject::Challenge,
                subject_id: challenge_id,
                title: format!("A question on {challenge_title} was answered"),
                body: format!(
                    "Q: {}\n\nA: {}",
                    answered.question,
                    answered.answer.as_deref().unwrap_or_default()
                ),
                dedup_key: format!("answer:{}", answered.id),
            },
        )?;
    }
    Ok(())
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
    let answered = answer(&state, &caller.member, challenge_id, question_id, body.0).await?;
    Ok(HttpResponse::Ok().json(answered))
}

/// `member` answers (or corrects the answer to) a question (API and web pages).
pub async fn answer(
    state: &AppState,
    member: &Member,
    challenge_id: Uuid,
    question_id: Uuid,
    request: AnswerRequest,
) -> Result<QuestionView, ApiError> {
    let text = bounded_text("answer", &request.answer, 1, MAX_ANSWER_CHARS)?;
    let viewer = Viewer::Member(member.clone());
    let challenge = visible_challenge(state, &viewer, challenge_id).await?;
    if !viewer.can_manage_challenge(challenge.organisation_id) {
        return Err(ApiError::forbidden(
            "only the owning organisation answers questions on its challenge",
        ));
    }
    let answerer = member.user_id;
    let row = state
        .with_connection_api(move |connection| {
            use diesel::Connection;
            connection.transaction(|connection| {
                questions::find(connection, challenge_id, question_id)
                    .optional()?
                    .ok_or_else(|| ApiError::not_found("question"))?;
                let row = questions::answer(connection, question_id, answerer, &text)?;
                notify_watchers(connection, &challenge, &row)?;
                Ok(row)
            })
        })
        .await?;
    Ok(QuestionView::new(row, Some(answerer)))
}
