//! `GET /api/v1/me/export`: everything defmatch keeps about the caller's
//! account, as JSON. Each part is read through the operation that serves
//! it to the caller elsewhere (introductions, saved searches, the profile),
//! so the export shows what the caller may see and never more: procurement
//! keeps seeing anonymous cards until an introduction reveals a start-up.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::accounts::{sessions, MeView};
use crate::app::introductions::{self, IntroductionListFilter, IntroductionView};
use crate::app::notifications::{self, NotificationListFilter, NotificationPreferences};
use crate::app::page::MAX_PER_PAGE;
use crate::app::saved_searches::{self, SavedSearchView};
use crate::app::startups::{self, StartupView};
use crate::app::{AppError, AppState};
use crate::db::audit::{self, NewAuditEvent};
use crate::db::personal_data;
use crate::domain::audit::{AuditAction, AuditSubject};
use crate::domain::language::Language;
use crate::domain::notification::{NotificationKind, NotificationSubject};
use crate::domain::policy::{Member, Viewer};
use crate::domain::startup::StartupRef;

/// Everything of one account.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonalDataExport {
    pub exported_at: DateTime<Utc>,
    /// The account, its organisation and its start-up profile's id.
    pub account: MeView,
    pub settings: ExportedSettings,
    /// The start-up profile of a start-up account's company.
    pub startup_profile: Option<StartupView>,
    /// The introductions the account takes part in, as it sees them (with
    /// the notes it may read; its own carry `mine: true`).
    pub introductions: Vec<IntroductionView>,
    pub questions_asked: Vec<ExportedQuestion>,
    pub notifications: Vec<ExportedNotification>,
    pub notification_preferences: NotificationPreferences,
    pub saved_searches: Vec<SavedSearchView>,
    /// What the audit trail holds of the account's actions and about it.
    pub audit_events: Vec<ExportedAuditEvent>,
}

/// The account's settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedSettings {
    pub language: Language,
    pub privacy_accepted_at: Option<DateTime<Utc>>,
    pub email_unsubscribed_at: Option<DateTime<Utc>>,
    pub has_calendar_feed: bool,
}

/// A question the account asked.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedQuestion {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub question: String,
    pub answer: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A notification of the account.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedNotification {
    pub id: Uuid,
    pub kind: NotificationKind,
    pub subject_type: NotificationSubject,
    /// Null where the subject is a start-up the account sees only as an
    /// anonymous card.
    pub subject_id: Option<Uuid>,
    pub title: String,
    pub body: String,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// An audit row of or about the account.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedAuditEvent {
    pub occurred_at: DateTime<Utc>,
    pub action: AuditAction,
    pub subject_type: AuditSubject,
    pub subject_id: Option<Uuid>,
    /// Whether the account did it (otherwise it was done to the account).
    pub by_you: bool,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// Everything of `member`'s account; the export itself is audited.
pub async fn export(state: &AppState, member: &Member) -> Result<PersonalDataExport, AppError> {
    let account = sessions::me(state, member).await?;
    let viewer = Viewer::Member(member.clone());
    let startup_profile = match account.startup_id {
        Some(startup_id) => Some(startups::get(state, &viewer, StartupRef::Id(startup_id)).await?),
        None => None,
    };
    let introductions = all_introductions(state, member).await?;
    let notifications = all_notifications(state, member).await?;
    let notification_preferences = notifications::preferences(state, member).await?;
    let saved_searches = saved_searches::list(state, member).await?.items;
    let user_id = member.user_id;
    let (settings, questions, audit_rows) = state
        .with_connection(move |connection| {
            let settings = personal_data::account_settings(connection, user_id)?;
            let questions = personal_data::questions_asked(connection, user_id)?;
            let audit_rows = personal_data::audit_events_of(connection, user_id)?;
            audit::record(
                connection,
                &NewAuditEvent::new(
                    Some(user_id),
                    AuditAction::PersonalDataExported,
                    AuditSubject::User,
                    Some(user_id),
                ),
            )?;
            Ok((settings, questions, audit_rows))
        })
        .await?;
    Ok(PersonalDataExport {
        exported_at: Utc::now(),
        account,
        settings: ExportedSettings {
            language: settings.language,
            privacy_accepted_at: settings.privacy_accepted_at,
            email_unsubscribed_at: settings.email_unsubscribed_at,
            has_calendar_feed: settings.has_calendar_feed,
        },
        startup_profile,
        introductions,
        questions_asked: questions
            .into_iter()
            .map(|question| ExportedQuestion {
                id: question.id,
                challenge_id: question.challenge_id,
                question: question.question,
                answer: question.answer,
                created_at: question.created_at,
            })
            .collect(),
        notifications,
        notification_preferences,
        saved_searches,
        audit_events: audit_rows
            .into_iter()
            .map(|row| ExportedAuditEvent {
                occurred_at: row.occurred_at,
                action: row.action,
                subject_type: row.subject_type,
                subject_id: row.subject_id,
                by_you: row.actor_id == Some(user_id),
                detail: row.detail,
            })
            .collect(),
    })
}

/// Every introduction `member` may list, page by page.
async fn all_introductions(
    state: &AppState,
    member: &Member,
) -> Result<Vec<IntroductionView>, AppError> {
    let mut all = Vec::new();
    for page in 1.. {
        let filter = IntroductionListFilter {
            page: Some(page),
            per_page: Some(MAX_PER_PAGE),
            ..IntroductionListFilter::default()
        };
        let listed = introductions::list(state, member, filter).await?;
        let done = listed.items.len() < MAX_PER_PAGE as usize;
        all.extend(listed.items);
        if done {
            break;
        }
    }
    Ok(all)
}

/// Every notification of `member`, page by page, with start-up subjects
/// hidden from those who see start-ups anonymously.
async fn all_notifications(
    state: &AppState,
    member: &Member,
) -> Result<Vec<ExportedNotification>, AppError> {
    let names_startups = member.may_learn_startup_ids_from_notifications();
    let mut all = Vec::new();
    for page in 1.. {
        let filter = NotificationListFilter {
            unread: false,
            page: Some(page),
            per_page: Some(MAX_PER_PAGE),
        };
        let listed = notifications::list(state, member, filter).await?;
        let done = listed.items.len() < MAX_PER_PAGE as usize;
        all.extend(listed.items.into_iter().map(|notification| {
            let hidden =
                notification.subject_type == NotificationSubject::Startup && !names_startups;
            ExportedNotification {
                id: notification.id,
                kind: notification.kind,
                subject_type: notification.subject_type,
                subject_id: (!hidden).then_some(notification.subject_id),
                title: notification.title,
                body: notification.body,
                read_at: notification.read_at,
                created_at: notification.created_at,
            }
        }));
        if done {
            break;
        }
    }
    Ok(all)
}
