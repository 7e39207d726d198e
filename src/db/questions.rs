//! Questions and answers on a challenge.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::challenge_questions;

/// A stored question, answered or not.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = challenge_questions)]
pub struct QuestionRow {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub asked_by: Option<Uuid>,
    pub question: String,
    pub answer: Option<String>,
    pub answered_by: Option<Uuid>,
    pub answered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// Stores a new question.
pub fn insert(
    connection: &mut PgConnection,
    challenge_id: Uuid,
    asked_by: Uuid,
    question: &str,
) -> QueryResult<QuestionRow> {
    diesel::insert_into(challenge_questions::table)
        .values((
            challenge_questions::challenge_id.eq(challenge_id),
            challenge_questions::asked_by.eq(asked_by),
            challenge_questions::question.eq(question),
        ))
        .returning(QuestionRow::as_returning())
        .get_result(connection)
}

/// One question of a challenge.
pub fn find(
    connection: &mut PgConnection,
    challenge_id: Uuid,
    id: Uuid,
) -> QueryResult<QuestionRow> {
    challenge_questions::table
        .filter(challenge_questions::challenge_id.eq(challenge_id))
        .filter(challenge_questions::id.eq(id))
        .select(QuestionRow::as_select())
        .first(connection)
}

/// The questions of a challenge, oldest first: all of them for
/// `everything` (the owner, admins), otherwise the answered ones and those
/// `asker` asked.
pub fn list(
    connection: &mut PgConnection,
    challenge_id: Uuid,
    everything: bool,
    asker: Option<Uuid>,
) -> QueryResult<Vec<QuestionRow>> {
    let mut query = challenge_questions::table
        .filter(challenge_questions::challenge_id.eq(challenge_id))
        .into_boxed();
    if !everything {
        query = match asker {
            Some(asker) => query.filter(
                challenge_questions::answered_at
                    .is_not_null()
                    .or(challenge_questions::asked_by.eq(asker)),
            ),
            None => query.filter(challenge_questions::answered_at.is_not_null()),
        };
    }
    query
        .order((challenge_questions::created_at, challenge_questions::id))
        .select(QuestionRow::as_select())
        .load(connection)
}

/// Writes (or rewrites) the answer.
pub fn answer(
    connection: &mut PgConnection,
    id: Uuid,
    answered_by: Uuid,
    answer: &str,
) -> QueryResult<QuestionRow> {
    diesel::update(challenge_questions::table.find(id))
        .set((
            challenge_questions::answer.eq(answer),
            challenge_questions::answered_by.eq(answered_by),
            challenge_questions::answered_at.eq(Utc::now()),
        ))
        .returning(QuestionRow::as_returning())
        .get_result(connection)
}

/// Everyone who asked a question on the challenge.
pub fn askers(connection: &mut PgConnection, challenge_id: Uuid) -> QueryResult<Vec<Uuid>> {
    challenge_questions::table
        .filter(challenge_questions::challenge_id.eq(challenge_id))
        .filter(challenge_questions::asked_by.is_not_null())
        .select(challenge_questions::asked_by.assume_not_null())
        .distinct()
        .load(connection)
}
