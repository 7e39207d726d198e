//! Questions and answers on a challenge.

use std::collections::hash_map::{Entry, HashMap};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{challenge_questions, organisations, users};
use super::startups::{self, REDACTION_VERSION};
use crate::domain::account::Role;
use crate::domain::policy::question_redacted_for;
use crate::domain::redaction::{RedactionSubject, Redactor};

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

/// Stores a new question, already redacted as its asker requires.
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
            challenge_questions::redaction_version.eq(REDACTION_VERSION),
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

/// Redacts again every question written by an older redaction (or before
/// questions were redacted) whose asker speaks for a start-up; the number
/// of questions rewritten.
pub fn refresh_stale_redactions(connection: &mut PgConnection) -> QueryResult<usize> {
    let stale: Vec<(Uuid, String, Option<Role>, Option<Uuid>)> = challenge_questions::table
        .left_join(users::table.on(challenge_questions::asked_by.eq(users::id.nullable())))
        .filter(challenge_questions::redaction_version.lt(REDACTION_VERSION))
        .select((
            challenge_questions::id,
            challenge_questions::question,
            users::role.nullable(),
            users::organisation_id.nullable(),
        ))
        .load(connection)?;
    // A company's questions share one redactor; every other question only
    // needs its version raised, in one statement at the end.
    let mut redactors: HashMap<Uuid, Redactor> = HashMap::new();
    let mut rewritten = 0;
    for (id, question, role, organisation_id) in stale {
        let Some(company) = role.and_then(|role| question_redacted_for(role, organisation_id))
        else {
            continue;
        };
        let redactor = match redactors.entry(company) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(new) => new.insert(redactor_of_company(connection, company)?),
        };
        let redacted = redactor.redact(&question);
        if redacted != question {
            diesel::update(challenge_questions::table.find(id))
                .set(challenge_questions::question.eq(redacted))
                .execute(connection)?;
            rewritten += 1;
        }
    }
    diesel::update(
        challenge_questions::table
            .filter(challenge_questions::redaction_version.lt(REDACTION_VERSION)),
    )
    .set(challenge_questions::redaction_version.eq(REDACTION_VERSION))
    .execute(connection)?;
    Ok(rewritten)
}

/// The redactor of start-up company `organisation_id`, for the questions its
/// people ask: its profile's, or, before it has one, its name's and its
/// people's.
pub fn redactor_of_company(
    connection: &mut PgConnection,
    organisation_id: Uuid,
) -> QueryResult<Redactor> {
    if let Some(id) = startups::find_id_by_organisation(connection, organisation_id)? {
        let profile = startups::find(connection, id)?;
        return startups::redactor_of(connection, &profile);
    }
    let company_name: String = organisations::table
        .find(organisation_id)
        .select(organisations::name)
        .first(connection)?;
    Ok(Redactor::new(&RedactionSubject {
        company_name,
        people: startups::people_of(connection, organisation_id)?,
        ..RedactionSubject::default()
    }))
}
