//! Notifications, their delivery preferences and queued e-mail, as read.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::notifications::{EmailRow, NotificationRow};
use crate::domain::notification::{NotificationKind, NotificationSubject};

/// A notification.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: Uuid,
    pub kind: NotificationKind,
    pub subject_type: NotificationSubject,
    pub subject_id: Uuid,
    pub title: String,
    pub body: String,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<NotificationRow> for NotificationView {
    fn from(row: NotificationRow) -> Self {
        NotificationView {
            id: row.id,
            kind: row.kind,
            subject_type: row.subject_type,
            subject_id: row.subject_id,
            title: row.title,
            body: row.body,
            read_at: row.read_at,
            created_at: row.created_at,
        }
    }
}

/// How many notifications were marked read.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedRead {
    pub marked: usize,
}

/// How one kind of notification reaches the user.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KindPreference {
    pub kind: NotificationKind,
    /// Listed in the app.
    pub in_app: bool,
    /// Sent by e-mail (unless unsubscribed).
    pub email: bool,
}

/// A user's notification preferences.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationPreferences {
    /// Every kind when read; when written, the kinds to change.
    pub kinds: Vec<KindPreference>,
    /// No e-mail of any kind. Left out when writing: unchanged.
    #[serde(default)]
    pub email_unsubscribed: Option<bool>,
}

/// What the outbox shows instead of the text of account mail.
pub const ACCOUNT_MAIL_WITHHELD: &str =
    "(account mail: it holds a single-use link for its recipient only, so its text is not shown)";

/// A queued or sent e-mail.
#[derive(Debug, Serialize, ToSchema)]
pub struct EmailView {
    pub id: i64,
    /// `None` for account mail (a password reset), which no notification announces.
    pub notification_id: Option<Uuid>,
    pub recipient: String,
    pub subject: String,
    /// The text; withheld for account mail, whose single-use link would
    /// open the recipient's account to whoever reads the outbox.
    pub body: String,
    /// `queued`, `sending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<EmailRow> for EmailView {
    fn from(row: EmailRow) -> Self {
        EmailView {
            id: row.id,
            notification_id: row.notification_id,
            recipient: row.recipient,
            subject: row.subject,
            body: if row.kind == "account" {
                ACCOUNT_MAIL_WITHHELD.to_owned()
            } else {
                row.body
            },
            status: row.status,
            attempts: row.attempts,
            last_error: row.last_error,
            created_at: row.created_at,
            sent_at: row.sent_at,
        }
    }
}
