//! What the export of an account's data reads beyond what the other
//! modules already serve: the account's own settings, the questions it
//! asked and the audit rows by or about it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::audit::AuditEventRow;
use super::questions::QuestionRow;
use super::schema::{audit_events, challenge_questions, users};
use crate::domain::language::Language;

/// The account's privacy and mail settings.
#[derive(Debug, Clone, Queryable)]
pub struct AccountSettings {
    pub language: Language,
    pub privacy_accepted_at: Option<DateTime<Utc>>,
    pub email_unsubscribed_at: Option<DateTime<Utc>>,
    pub has_calendar_feed: bool,
}

/// The settings of `user_id`.
pub fn account_settings(
    connection: &mut PgConnection,
    user_id: Uuid,
) -> QueryResult<AccountSettings> {
    users::table
        .find(user_id)
        .select((
            users::language,
            users::privacy_accepted_at,
            users::email_unsubscribed_at,
            users::calendar_token_hash.is_not_null(),
        ))
        .first(connection)
}

/// Sets the language of `user_id`'s mail and pages, as chosen now.
pub fn set_language(
    connection: &mut PgConnection,
    user_id: Uuid,
    language: Language,
) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::language.eq(language),
            users::language_chosen_at.eq(diesel::dsl::now),
        ))
        .execute(connection)?;
    Ok(())
}

/// The questions `user_id` asked, oldest first.
pub fn questions_asked(
    connection: &mut PgConnection,
    user_id: Uuid,
) -> QueryResult<Vec<QuestionRow>> {
    challenge_questions::table
        .filter(challenge_questions::asked_by.eq(user_id))
        .order(challenge_questions::created_at)
        .select(QuestionRow::as_select())
        .load(connection)
}

/// The audit rows in which `user_id` acted or was the subject, oldest first.
pub fn audit_events_of(
    connection: &mut PgConnection,
    user_id: Uuid,
) -> QueryResult<Vec<AuditEventRow>> {
    audit_events::table
        .filter(
            audit_events::actor_id
                .eq(user_id)
                .or(audit_events::subject_id.eq(user_id)),
        )
        .order(audit_events::id)
        .select(AuditEventRow::as_select())
        .load(connection)
}

/// Records that `user_id` accepted the privacy notice at `at`.
pub fn record_privacy_consent(
    connection: &mut PgConnection,
    user_id: Uuid,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set(users::privacy_accepted_at.eq(Some(at)))
        .execute(connection)?;
    Ok(())
}
