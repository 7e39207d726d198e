//! Public Q&A on a challenge: whoever may see it asks while it is in
//! pre-release or open and before its deadline; the owning organisation
//! answers, and the answer is read by everyone who may see the challenge.
//! Askers are never named to others, and a start-up's question is stored
//! redacted like its card.

use chrono::{DateTime, Utc};
use diesel::{Connection, OptionalExtension, PgConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::challenges::find_visible;
use super::{AppError, AppState, Conflict, Subject};
use crate::db::challenges::ChallengeRow;
use crate::db::notifications::{self, NewNotification};
use crate::db::questions::{self, QuestionRow};
use crate::db::{startups, users};
use crate::domain::challenge::ChallengeStatus;
use crate::domain::notification::{NotificationKind, NotificationSubject};
use crate::domain::notification_text;
use crate::domain::policy::{Member, Viewer};
use crate::domain::text::bounded_text;

/// Longest question, in characters.
const MAX_QUESTION_CHARS: usize = 2000;
/// Longest answer, in characters.
const MAX_ANSWER_CHARS: usize = 4000;

/// A new question.
#[derive(Debug, Clone, Deserialize, ToSchema)]
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
#[derive(Debug, Clone, Deserialize, ToSchema)]
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

/// The questions on challenge `challenge_id` that `viewer` reads: the
/// answered ones for everyone who may see it, their own unanswered ones,
/// and all of them for the owning organisation and admins.
pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    challenge_id: Uuid,
) -> Result<QuestionList, AppError> {
    let reader = viewer.clone();
    let asker = viewer.member().map(|member| member.user_id);
    let (challenge, rows) = state
        .with_connection(move |connection| {
            let (challenge, _) = find_visible(connection, &reader, challenge_id)?;
            let everything = reader
                .member()
                .is_some_and(|member| member.reads_all_questions(challenge.organisation_id));
            let rows = questions::list(connection, challenge.id, everything, asker)?;
            Ok((challenge, rows))
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

/// `member` asks `request` on challenge `challenge_id`; shown to others
/// once answered. The owning organisation answers instead of asking.
pub async fn ask(
    state: &AppState,
    member: &Member,
    challenge_id: Uuid,
    request: NewQuestionRequest,
) -> Result<QuestionView, AppError> {
    let text = bounded_text("question", &request.question, 1, MAX_QUESTION_CHARS)?;
    let viewer = Viewer::Member(member.clone());
    let asker = member.user_id;
    let asking = member.clone();
    let row = state
        .with_connection(move |connection| {
            let (challenge, _) = find_visible(connection, &viewer, challenge_id)?;
            asking.may_ask_question(challenge.organisation_id)?;
            if !open_for_questions(&challenge, Utc::now()) {
                return Err(Conflict::QuestionsClosed.into());
            }
            let text = match asking.question_redacted_for() {
                Some(company) => questions::redactor_of_company(connection, company)?.redact(&text),
                None => text,
            };
            Ok(questions::insert(connection, challenge.id, asker, &text)?)
        })
        .await?;
    Ok(QuestionView::new(row, Some(asker)))
}

/// `member` answers (or corrects the answer to) question `question_id` on
/// challenge `challenge_id`: the owning organisation and admins. The
/// answer is then public to everyone who may see the challenge, and its
/// watchers are told.
pub async fn answer(
    state: &AppState,
    member: &Member,
    challenge_id: Uuid,
    question_id: Uuid,
    request: AnswerRequest,
) -> Result<QuestionView, AppError> {
    let text = bounded_text("answer", &request.answer, 1, MAX_ANSWER_CHARS)?;
    let viewer = Viewer::Member(member.clone());
    let answerer = member.user_id;
    let answering = member.clone();
    let row = state
        .with_connection(move |connection| {
            let (challenge, _) = find_visible(connection, &viewer, challenge_id)?;
            answering.may_answer_question(challenge.organisation_id)?;
            connection.transaction(|connection| {
                questions::find(connection, challenge_id, question_id)
                    .optional()?
                    .ok_or(AppError::not_found(Subject::Question))?;
                let row = questions::answer(connection, question_id, answerer, &text)?;
                notify_watchers(connection, &challenge, &row)?;
                Ok(row)
            })
        })
        .await?;
    Ok(QuestionView::new(row, Some(answerer)))
}

/// Whether questions may be asked on `challenge` at `now`.
fn open_for_questions(challenge: &ChallengeRow, now: DateTime<Utc>) -> bool {
    matches!(
        challenge.status,
        ChallengeStatus::Published | ChallengeStatus::Open
    ) && challenge.closes_at.is_none_or(|deadline| deadline > now)
}

/// Tells the challenge's watchers that a question was answered: everyone
/// who asked a question on it and the start-ups with a live introduction
/// on it. A corrected answer does not notify again.
fn notify_watchers(
    connection: &mut PgConnection,
    challenge: &ChallengeRow,
    answered: &QuestionRow,
) -> Result<(), AppError> {
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
        if !users::may_see_challenge(connection, user_id, challenge)? {
            continue;
        }
        notifications::notify(
            connection,
            &NewNotification {
                user_id,
                kind: NotificationKind::QuestionAnswered,
                subject: NotificationSubject::Challenge,
                subject_id: challenge_id,
                text: notification_text::question_answered(
                    challenge_title,
                    &answered.question,
                    answered.answer.as_deref().unwrap_or_default(),
                ),
                link: format!("/challenges/{challenge_id}"),
                dedup_key: format!("answer:{}", answered.id),
            },
        )?;
    }
    Ok(())
}
