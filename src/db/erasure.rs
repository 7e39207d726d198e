//! Erasing an account (docs/privacy.md): the person's fields are removed,
//! the row stays so that introductions, notes and audit rows keep an id
//! with no name behind it. Everything runs in the caller's transaction.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::audit::{self, NewAuditEvent};
use super::outbox::{record_change, SearchEntity};
use super::schema::{
    email_outbox, notification_preferences, notifications, password_reset_tokens, saved_searches,
    startups, unsubscribe_tokens, users,
};
use super::sessions;
use crate::domain::audit::{AuditAction, AuditSubject};

/// The name an erased account shows wherever a name was shown.
pub const ERASED_NAME: &str = "—";

/// A password hash no password matches (it is not a PHC string at all).
const UNUSABLE_PASSWORD_HASH: &str = "!erased";

/// The keys of audit details that hold personal data; the audit trigger
/// lets exactly these be removed (migration `privacy_and_mail`).
const PERSONAL_AUDIT_KEYS: [&str; 4] = ["email", "client_ip", "display_name", "name"];

/// What an erasure did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Erased {
    pub sessions_ended: usize,
    /// The start-up profile taken out of lists, search and matches, when
    /// the account was its company's last member.
    pub unlisted_startup: Option<Uuid>,
}

/// An address that is unique per account and can never receive mail (the
/// `.invalid` top-level domain is reserved for that, RFC 2606).
pub fn placeholder_email(user_id: Uuid) -> String {
    format!("erased-{user_id}@erased.invalid")
}

/// Erases account `user_id`, whose address was `email`, at `now`.
pub fn erase_account(
    connection: &mut PgConnection,
    user_id: Uuid,
    email: &str,
    organisation_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> QueryResult<Erased> {
    diesel::update(users::table.find(user_id))
        .set((
            users::email.eq(placeholder_email(user_id)),
            users::display_name.eq(ERASED_NAME),
            users::password_hash.eq(UNUSABLE_PASSWORD_HASH),
            users::disabled_at.eq(Some(now)),
            users::erased_at.eq(Some(now)),
            users::email_unsubscribed_at.eq(Some(now)),
            users::calendar_token_hash.eq(None::<Vec<u8>>),
            users::version.eq(users::version + 1),
        ))
        .execute(connection)?;
    let sessions_ended = sessions::revoke_all_of_user(connection, user_id, "account erased", now)?;
    // What exists only for the person goes; the outbox rows go with their
    // notifications (ON DELETE CASCADE) and account mail with the user id.
    diesel::delete(email_outbox::table.filter(email_outbox::user_id.eq(user_id)))
        .execute(connection)?;
    diesel::delete(notifications::table.filter(notifications::user_id.eq(user_id)))
        .execute(connection)?;
    diesel::delete(
        notification_preferences::table.filter(notification_preferences::user_id.eq(user_id)),
    )
    .execute(connection)?;
    diesel::delete(saved_searches::table.filter(saved_searches::user_id.eq(user_id)))
        .execute(connection)?;
    diesel::delete(unsubscribe_tokens::table.filter(unsubscribe_tokens::user_id.eq(user_id)))
        .execute(connection)?;
    diesel::delete(password_reset_tokens::table.filter(password_reset_tokens::user_id.eq(user_id)))
        .execute(connection)?;
    strip_audit_details(connection, user_id, email)?;
    let unlisted_startup = match organisation_id {
        Some(organisation_id) => unlist_if_last_member(connection, organisation_id, now)?,
        None => None,
    };
    audit::record(
        connection,
        &NewAuditEvent::new(
            Some(user_id),
            AuditAction::AccountErased,
            AuditSubject::User,
            Some(user_id),
        )
        .with_detail(serde_json::json!({
            "sessions_ended": sessions_ended,
            "unlisted_startup": unlisted_startup,
        })),
    )?;
    Ok(Erased {
        sessions_ended,
        unlisted_startup,
    })
}

/// Removes the personal keys from the audit rows the person acted in or is
/// the subject of, and from failed logins that named their address.
fn strip_audit_details(
    connection: &mut PgConnection,
    user_id: Uuid,
    email: &str,
) -> QueryResult<usize> {
    let keys: Vec<String> = PERSONAL_AUDIT_KEYS
        .iter()
        .map(|key| (*key).to_owned())
        .collect();
    diesel::sql_query(
        "UPDATE audit_events SET detail = detail - $1::text[]
          WHERE (actor_id = $2 OR subject_id = $2 OR detail->>'email' = $3)
            AND detail ?| $1::text[]",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(keys)
    .bind::<diesel::sql_types::Uuid, _>(user_id)
    .bind::<diesel::sql_types::Text, _>(email)
    .execute(connection)
}

/// Takes the start-up profile of `organisation_id` out of lists, search and
/// matches when no member who is not erased is left, and removes its
/// contact person; the search index follows through the outbox.
fn unlist_if_last_member(
    connection: &mut PgConnection,
    organisation_id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<Option<Uuid>> {
    let others_left: i64 = users::table
        .filter(users::organisation_id.eq(organisation_id))
        .filter(users::erased_at.is_null())
        .count()
        .get_result(connection)?;
    if others_left > 0 {
        return Ok(None);
    }
    let unlisted: Option<Uuid> = diesel::update(
        startups::table
            .filter(startups::organisation_id.eq(organisation_id))
            .filter(startups::unlisted_at.is_null()),
    )
    .set((
        startups::unlisted_at.eq(Some(now)),
        startups::contact_name.eq(None::<String>),
        startups::contact_email.eq(None::<String>),
        startups::contact_phone.eq(None::<String>),
    ))
    .returning(startups::id)
    .get_result(connection)
    .optional()?;
    if let Some(startup_id) = unlisted {
        record_change(connection, SearchEntity::Startup, startup_id)?;
    }
    Ok(unlisted)
}
