//! Notifications, the e-mail outbox, preferences, and the record of which
//! alerts went out. A notification is keyed by its event (`dedup_key`), so
//! that however many schedulers run, a user is told of an event once.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use uuid::Uuid;

use super::schema::{
    alert_digest_entries, alert_runs, email_outbox, notification_preferences, notifications, users,
};
use super::{Page, Paged};
use crate::domain::language::Language;
use crate::domain::notification::{NotificationKind, NotificationSubject};
use crate::domain::notification_text::NotificationText;

/// A notification to deliver.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub user_id: Uuid,
    pub kind: NotificationKind,
    pub subject: NotificationSubject,
    pub subject_id: Uuid,
    /// Its words in both languages; the recipient's language picks one.
    pub text: NotificationText,
    /// The page it is about, a path under `DEFMATCH_PUBLIC_URL` that the mail links to.
    pub link: String,
    /// The event; a user gets one notification per key.
    pub dedup_key: String,
}

/// A stored notification.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: NotificationKind,
    pub subject_type: NotificationSubject,
    pub subject_id: Uuid,
    pub title: String,
    pub body: String,
    pub dedup_key: String,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// What a user wants of one kind of notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub in_app: bool,
    pub email: bool,
}

/// A kind nobody switched off is delivered in the app and by e-mail.
const DELIVER_EVERYWHERE: Delivery = Delivery {
    in_app: true,
    email: true,
};

/// The user's preference for `kind` (both on unless switched off).
pub fn delivery(
    connection: &mut PgConnection,
    user_id: Uuid,
    kind: NotificationKind,
) -> QueryResult<Delivery> {
    let stored: Option<(bool, bool)> = notification_preferences::table
        .find((user_id, kind))
        .select((
            notification_preferences::in_app,
            notification_preferences::email,
        ))
        .first(connection)
        .optional()?;
    Ok(
        stored.map_or(DELIVER_EVERYWHERE, |(in_app, email)| Delivery {
            in_app,
            email,
        }),
    )
}

/// Every kind's preference of a user.
pub fn preferences(
    connection: &mut PgConnection,
    user_id: Uuid,
) -> QueryResult<Vec<(NotificationKind, Delivery)>> {
    let stored: Vec<(NotificationKind, bool, bool)> = notification_preferences::table
        .filter(notification_preferences::user_id.eq(user_id))
        .select((
            notification_preferences::kind,
            notification_preferences::in_app,
            notification_preferences::email,
        ))
        .load(connection)?;
    Ok(NotificationKind::ALL
        .iter()
        .map(|kind| {
            let wanted = stored
                .iter()
                .find(|(stored_kind, _, _)| stored_kind == kind)
                .map_or(DELIVER_EVERYWHERE, |(_, in_app, email)| Delivery {
                    in_app: *in_app,
                    email: *email,
                });
            (*kind, wanted)
        })
        .collect())
}

/// Stores the preference of `user_id` for `kind`.
pub fn set_delivery(
    connection: &mut PgConnection,
    user_id: Uuid,
    kind: NotificationKind,
    wanted: Delivery,
) -> QueryResult<()> {
    diesel::insert_into(notification_preferences::table)
        .values((
            notification_preferences::user_id.eq(user_id),
            notification_preferences::kind.eq(kind),
            notification_preferences::in_app.eq(wanted.in_app),
            notification_preferences::email.eq(wanted.email),
        ))
        .on_conflict((
            notification_preferences::user_id,
            notification_preferences::kind,
        ))
        .do_update()
        .set((
            notification_preferences::in_app.eq(excluded(notification_preferences::in_app)),
            notification_preferences::email.eq(excluded(notification_preferences::email)),
        ))
        .execute(connection)?;
    Ok(())
}

/// Stops (or restarts) all e-mail to a user.
pub fn set_unsubscribed(
    connection: &mut PgConnection,
    user_id: Uuid,
    unsubscribed: bool,
) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set(users::email_unsubscribed_at.eq(unsubscribed.then(Utc::now)))
        .execute(connection)?;
    Ok(())
}

/// Whether a user unsubscribed from all e-mail.
pub fn is_unsubscribed(connection: &mut PgConnection, user_id: Uuid) -> QueryResult<bool> {
    Ok(users::table
        .find(user_id)
        .select(users::email_unsubscribed_at)
        .first::<Option<DateTime<Utc>>>(connection)?
        .is_some())
}

/// Longest title and body a notification stores (the table's CHECKs).
const MAX_TITLE_CHARS: usize = 300;
const MAX_BODY_CHARS: usize = 4000;

/// `text` cut to `max` characters, with an ellipsis when cut: titles are
/// built around user text (a challenge title may be 300 characters).
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A user's address, language, and when they were disabled and unsubscribed.
type Recipient = (String, Language, Moment, Moment);
type Moment = Option<DateTime<Utc>>;

/// Delivers `notification` as the user's preferences say, once per event:
/// in the app (a notification row) and, unless switched off or
/// unsubscribed, queued as e-mail. Returns whether it was new.
pub fn notify(connection: &mut PgConnection, notification: &NewNotification) -> QueryResult<bool> {
    connection.transaction(|connection| {
        let wanted = delivery(connection, notification.user_id, notification.kind)?;
        if !wanted.in_app && !wanted.email {
            return Ok(false);
        }
        let recipient: Option<Recipient> = users::table
            .find(notification.user_id)
            .select((
                users::email,
                users::language,
                users::disabled_at,
                users::email_unsubscribed_at,
            ))
            .first(connection)
            .optional()?;
        let Some((email, language, disabled_at, unsubscribed_at)) = recipient else {
            return Ok(false);
        };
        if disabled_at.is_some() {
            return Ok(false);
        }
        let title = shortened(
            notification.text.title.in_language(language),
            MAX_TITLE_CHARS,
        );
        let body = shortened(notification.text.body.in_language(language), MAX_BODY_CHARS);
        // A notification the user wants by e-mail only is stored as read,
        // so that the event is still recorded once.
        let inserted: Option<Uuid> = diesel::insert_into(notifications::table)
            .values((
                notifications::user_id.eq(notification.user_id),
                notifications::kind.eq(notification.kind),
                notifications::subject_type.eq(notification.subject),
                notifications::subject_id.eq(notification.subject_id),
                notifications::title.eq(&title),
                notifications::body.eq(&body),
                notifications::dedup_key.eq(&notification.dedup_key),
                notifications::read_at.eq((!wanted.in_app).then(Utc::now)),
            ))
            .on_conflict_do_nothing()
            .returning(notifications::id)
            .get_result(connection)
            .optional()?;
        let Some(notification_id) = inserted else {
            return Ok(false);
        };
        if wanted.email && unsubscribed_at.is_none() {
            diesel::insert_into(email_outbox::table)
                .values((
                    email_outbox::notification_id.eq(notification_id),
                    email_outbox::user_id.eq(notification.user_id),
                    email_outbox::recipient.eq(email),
                    email_outbox::subject.eq(&title),
                    email_outbox::body.eq(&body),
                    email_outbox::link_path.eq(&notification.link),
                ))
                .execute(connection)?;
        }
        Ok(true)
    })
}

/// A page of a user's notifications, newest first.
pub fn list(
    connection: &mut PgConnection,
    user_id: Uuid,
    unread_only: bool,
    page: Page,
) -> QueryResult<Paged<NotificationRow>> {
    let build = || {
        let mut query = notifications::table
            .filter(notifications::user_id.eq(user_id))
            .into_boxed();
        if unread_only {
            query = query.filter(notifications::read_at.is_null());
        }
        query
    };
    let total = build().count().get_result(connection)?;
    let rows = build()
        .order((notifications::created_at.desc(), notifications::id))
        .offset(page.offset())
        .limit(page.size)
        .select(NotificationRow::as_select())
        .load(connection)?;
    Ok(Paged { rows, total })
}

/// Marks one of the user's notifications read; `None` if it is not theirs.
pub fn mark_read(
    connection: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<NotificationRow>> {
    diesel::update(
        notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::user_id.eq(user_id)),
    )
    .set(notifications::read_at.eq(diesel::dsl::sql::<
        diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
    >("coalesce(read_at, now())")))
    .returning(NotificationRow::as_returning())
    .get_result(connection)
    .optional()
}

/// Marks all of a user's notifications read; returns how many were unread.
pub fn mark_all_read(connection: &mut PgConnection, user_id: Uuid) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Utc::now()))
    .execute(connection)
}

/// A queued or sent e-mail.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_outbox)]
pub struct EmailRow {
    pub id: i64,
    /// `None` for account mail, which no notification announces.
    pub notification_id: Option<Uuid>,
    /// `notification` or `account` (a link that opens the account).
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// When the oldest e-mail still queued was queued; `None` when none is.
pub fn oldest_queued_email(connection: &mut PgConnection) -> QueryResult<Option<DateTime<Utc>>> {
    email_outbox::table
        .filter(email_outbox::status.eq("queued"))
        .select(diesel::dsl::min(email_outbox::created_at))
        .first(connection)
}

/// A page of the e-mail outbox, newest first, optionally of one status.
pub fn email_outbox_page(
    connection: &mut PgConnection,
    status: Option<&str>,
    page: Page,
) -> QueryResult<Paged<EmailRow>> {
    let build = || {
        let mut query = email_outbox::table.into_boxed();
        if let Some(status) = status {
            query = query.filter(email_outbox::status.eq(status.to_owned()));
        }
        query
    };
    let total = build().count().get_result(connection)?;
    let rows = build()
        .order(email_outbox::id.desc())
        .offset(page.offset())
        .limit(page.size)
        .select(EmailRow::as_select())
        .load(connection)?;
    Ok(Paged { rows, total })
}

/// Records that the alerts of `event` on a subject went out; false when
/// they had already (another scheduler was first).
pub fn record_alert_run(
    connection: &mut PgConnection,
    subject: NotificationSubject,
    subject_id: Uuid,
    event: &str,
    recipients: i32,
) -> QueryResult<bool> {
    let inserted = diesel::insert_into(alert_runs::table)
        .values((
            alert_runs::subject_type.eq(subject),
            alert_runs::subject_id.eq(subject_id),
            alert_runs::event.eq(event),
            alert_runs::recipients.eq(recipients),
        ))
        .on_conflict_do_nothing()
        .execute(connection)?;
    Ok(inserted == 1)
}

/// Whether the alerts of `event` on a subject went out already.
pub fn alert_ran(
    connection: &mut PgConnection,
    subject: NotificationSubject,
    subject_id: Uuid,
    event: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(alert_runs::table.find((
        subject,
        subject_id,
        event.to_owned(),
    ))))
    .get_result(connection)
}

/// The active accounts of an organisation.
pub fn active_members(
    connection: &mut PgConnection,
    organisation_id: Uuid,
) -> QueryResult<Vec<Uuid>> {
    users::table
        .filter(users::organisation_id.eq(organisation_id))
        .filter(users::disabled_at.is_null())
        .select(users::id)
        .load(connection)
}

/// The active ROM officers of `rom`.
pub fn rom_officers(
    connection: &mut PgConnection,
    rom: crate::domain::region::Rom,
) -> QueryResult<Vec<Uuid>> {
    use super::schema::organisations;
    users::table
        .inner_join(organisations::table)
        .filter(organisations::rom.eq(rom))
        .filter(users::role.eq(crate::domain::account::Role::RomOfficer))
        .filter(users::disabled_at.is_null())
        .select(users::id)
        .load(connection)
}

/// Published or open challenges whose alerts have not gone out, newest
/// change first: with `imported`, those an import wrote (they carry an
/// external id), otherwise those published or opened in defmatch.
pub fn challenges_awaiting_alerts(
    connection: &mut PgConnection,
    imported: bool,
    limit: i64,
) -> QueryResult<Vec<super::challenges::ChallengeRow>> {
    use super::challenges::ChallengeRow;
    use super::schema::challenges;
    use crate::domain::challenge::ChallengeStatus;
    let pending = challenges::table
        .filter(challenges::status.eq_any([ChallengeStatus::Published, ChallengeStatus::Open]))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            alert_runs::table
                .filter(alert_runs::subject_type.eq(NotificationSubject::Challenge))
                .filter(alert_runs::subject_id.eq(challenges::id))
                .filter(alert_runs::event.eq(CHALLENGE_VISIBLE_EVENT)),
        )))
        .order((challenges::updated_at.desc(), challenges::id))
        .limit(limit)
        .select(ChallengeRow::as_select());
    if imported {
        pending
            .filter(challenges::external_id.is_not_null())
            .load(connection)
    } else {
        pending
            .filter(challenges::external_id.is_null())
            .load(connection)
    }
}

/// Adds `challenge_id` to the next digest of `user_id` of `kind`.
pub fn add_to_digest(
    connection: &mut PgConnection,
    user_id: Uuid,
    kind: NotificationKind,
    challenge_id: Uuid,
) -> QueryResult<()> {
    diesel::insert_into(alert_digest_entries::table)
        .values((
            alert_digest_entries::user_id.eq(user_id),
            alert_digest_entries::kind.eq(kind),
            alert_digest_entries::challenge_id.eq(challenge_id),
        ))
        .on_conflict_do_nothing()
        .execute(connection)?;
    Ok(())
}

/// One recipient's waiting digest: the challenges' ids and titles, oldest first.
pub struct PendingDigest {
    pub user_id: Uuid,
    pub kind: NotificationKind,
    pub challenges: Vec<(Uuid, String)>,
}

/// Every waiting digest.
pub fn pending_digests(connection: &mut PgConnection) -> QueryResult<Vec<PendingDigest>> {
    use super::schema::challenges;
    let rows: Vec<(Uuid, NotificationKind, Uuid, String)> = alert_digest_entries::table
        .inner_join(challenges::table.on(challenges::id.eq(alert_digest_entries::challenge_id)))
        .order((
            alert_digest_entries::user_id,
            alert_digest_entries::kind,
            alert_digest_entries::created_at,
            challenges::title,
        ))
        .select((
            alert_digest_entries::user_id,
            alert_digest_entries::kind,
            challenges::id,
            challenges::title,
        ))
        .load(connection)?;
    let mut digests: Vec<PendingDigest> = Vec::new();
    for (user_id, kind, challenge_id, title) in rows {
        match digests.last_mut() {
            Some(last) if last.user_id == user_id && last.kind == kind => {
                last.challenges.push((challenge_id, title))
            }
            _ => digests.push(PendingDigest {
                user_id,
                kind,
                challenges: vec![(challenge_id, title)],
            }),
        }
    }
    Ok(digests)
}

/// Removes the digest entries of `user_id` of `kind` for these challenges.
pub fn clear_digest(
    connection: &mut PgConnection,
    user_id: Uuid,
    kind: NotificationKind,
    challenge_ids: &[Uuid],
) -> QueryResult<usize> {
    diesel::delete(
        alert_digest_entries::table
            .filter(alert_digest_entries::user_id.eq(user_id))
            .filter(alert_digest_entries::kind.eq(kind))
            .filter(alert_digest_entries::challenge_id.eq_any(challenge_ids)),
    )
    .execute(connection)
}

/// The event of a challenge's alerts on publication or opening.
pub const CHALLENGE_VISIBLE_EVENT: &str = "visible";

/// What makes a profile change substantial: its text, technologies,
/// keywords, place and TRL. The same expression picks the pending ones.
const STARTUP_FINGERPRINT_SQL: &str = "md5(concat_ws('|', s.description, \
     array_to_string(s.technologies, ','), array_to_string(s.keywords, ','), \
     s.province, s.country, s.trl::text))";

#[derive(Debug, QueryableByName)]
struct PendingStartup {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    fingerprint: String,
}

/// Start-ups created or substantially changed since their alerts last
/// went out, with the fingerprint of their current profile.
pub fn startups_awaiting_alerts(
    connection: &mut PgConnection,
    limit: i64,
) -> QueryResult<Vec<(Uuid, String)>> {
    let rows: Vec<PendingStartup> = diesel::sql_query(format!(
        "SELECT s.id, {STARTUP_FINGERPRINT_SQL} AS fingerprint
           FROM startups s
          WHERE NOT EXISTS (
                SELECT 1 FROM alert_runs a
                 WHERE a.subject_type = 'startup' AND a.subject_id = s.id
                   AND a.event = {STARTUP_FINGERPRINT_SQL})
          ORDER BY s.updated_at, s.id
          LIMIT $1"
    ))
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|row| (row.id, row.fingerprint))
        .collect())
}

/// Open challenges whose deadline falls within `days` days of `now`.
pub fn challenges_closing_within(
    connection: &mut PgConnection,
    now: DateTime<Utc>,
    days: i64,
) -> QueryResult<Vec<super::challenges::ChallengeRow>> {
    use super::challenges::ChallengeRow;
    use super::schema::challenges;
    use crate::domain::challenge::ChallengeStatus;
    challenges::table
        .filter(challenges::status.eq(ChallengeStatus::Open))
        .filter(challenges::closes_at.gt(now))
        .filter(challenges::closes_at.le(now + chrono::Duration::days(days)))
        .order(challenges::closes_at)
        .select(ChallengeRow::as_select())
        .load(connection)
}

/// Start-ups with a live introduction on a challenge.
pub fn startups_introduced_to(
    connection: &mut PgConnection,
    challenge_id: Uuid,
) -> QueryResult<Vec<Uuid>> {
    use super::schema::introductions;
    use crate::domain::introduction::IntroductionState;
    let live: Vec<IntroductionState> = IntroductionState::ALL
        .iter()
        .copied()
        .filter(|state| state.is_live())
        .collect();
    introductions::table
        .filter(introductions::challenge_id.eq(challenge_id))
        .filter(introductions::state.eq_any(live))
        .select(introductions::startup_id)
        .load(connection)
}
