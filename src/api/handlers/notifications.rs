//! A user's notifications and their preferences; the e-mail outbox for
//! admins (mail stays queued there until SMTP is configured).

use actix_web::{get, post, put, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::auth::{AdminUser, AuthUser};
use crate::api::dto::PageQuery;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{JsonBody, QueryParams};
use crate::api::legacy::LegacyBlocking;
use crate::app::AppState;
use crate::app::Paginated;
use crate::db::notifications::{self, Delivery, EmailRow, NotificationRow};
use crate::domain::notification::{NotificationKind, NotificationSubject};
use crate::domain::policy::Member;

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

/// Which notifications to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NotificationListQuery {
    /// Only those not read yet.
    pub unread: Option<bool>,
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// The caller's notifications, newest first.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(NotificationListQuery),
    responses((status = 200, description = "A page of notifications", body = Paginated<NotificationView>))
)]
#[get("/notifications")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: QueryParams<NotificationListQuery>,
) -> Result<HttpResponse, ApiError> {
    let listed = notifications_of(&state, &caller.member, &query.0).await?;
    Ok(HttpResponse::Ok().json(listed))
}

/// `member`'s notifications, newest first (the API and the web pages both
/// come here).
pub async fn notifications_of(
    state: &AppState,
    member: &Member,
    query: &NotificationListQuery,
) -> Result<Paginated<NotificationView>, ApiError> {
    let page = PageQuery::checked(query.page, query.per_page)?;
    let unread = query.unread.unwrap_or(false);
    let user_id = member.user_id;
    let paged = state
        .with_connection_api(move |connection| {
            Ok(notifications::list(connection, user_id, unread, page)?)
        })
        .await?;
    let items = paged.rows.into_iter().map(NotificationView::from).collect();
    Ok(Paginated::new(items, page, paged.total))
}

/// Marks one of the caller's notifications read.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Notification id")),
    responses(
        (status = 200, description = "Read", body = NotificationView),
        (status = 404, description = "No such notification of the caller", body = ErrorBody),
    )
)]
#[post("/notifications/{id}/read")]
pub async fn mark_notification_read(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = mark_read(&state, &caller.member, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Marks `member`'s notification `id` read; 404 when it is not theirs.
pub async fn mark_read(
    state: &AppState,
    member: &Member,
    id: Uuid,
) -> Result<NotificationView, ApiError> {
    let user_id = member.user_id;
    let row = state
        .with_connection_api(move |connection| {
            notifications::mark_read(connection, user_id, id)?
                .ok_or_else(|| ApiError::not_found("notification"))
        })
        .await?;
    Ok(NotificationView::from(row))
}

/// How many notifications were marked read.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedRead {
    pub marked: usize,
}

/// Marks all of the caller's notifications read.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses((status = 200, description = "Read", body = MarkedRead))
)]
#[post("/notifications/read-all")]
pub async fn mark_all_notifications_read(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let marked = mark_all_read(&state, &caller.member).await?;
    Ok(HttpResponse::Ok().json(marked))
}

/// Marks all of `member`'s notifications read.
pub async fn mark_all_read(state: &AppState, member: &Member) -> Result<MarkedRead, ApiError> {
    let user_id = member.user_id;
    let marked = state
        .with_connection_api(move |connection| {
            Ok(notifications::mark_all_read(connection, user_id)?)
        })
        .await?;
    Ok(MarkedRead { marked })
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

fn preferences_of(
    connection: &mut diesel::PgConnection,
    user_id: Uuid,
) -> Result<NotificationPreferences, ApiError> {
    let kinds = notifications::preferences(connection, user_id)?
        .into_iter()
        .map(|(kind, delivery)| KindPreference {
            kind,
            in_app: delivery.in_app,
            email: delivery.email,
        })
        .collect();
    Ok(NotificationPreferences {
        kinds,
        email_unsubscribed: Some(notifications::is_unsubscribed(connection, user_id)?),
    })
}

/// The caller's notification preferences, per kind.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses((status = 200, description = "The preferences", body = NotificationPreferences))
)]
#[get("/me/notification-preferences")]
pub async fn get_notification_preferences(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let preferences = notification_preferences(&state, &caller.member).await?;
    Ok(HttpResponse::Ok().json(preferences))
}

/// `member`'s notification preferences, per kind.
pub async fn notification_preferences(
    state: &AppState,
    member: &Member,
) -> Result<NotificationPreferences, ApiError> {
    let user_id = member.user_id;
    state
        .with_connection_api(move |connection| preferences_of(connection, user_id))
        .await
}

/// Changes the caller's preferences: the kinds named, and the e-mail
/// unsubscription when given. Answers with all preferences.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    request_body = NotificationPreferences,
    responses((status = 200, description = "The preferences now", body = NotificationPreferences))
)]
#[put("/me/notification-preferences")]
pub async fn set_notification_preferences(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: JsonBody<NotificationPreferences>,
) -> Result<HttpResponse, ApiError> {
    let preferences = change_notification_preferences(&state, &caller.member, body.0).await?;
    Ok(HttpResponse::Ok().json(preferences))
}

/// Changes `member`'s preferences to `wanted` (the kinds named, and the
/// e-mail unsubscription when given); answers with all preferences.
pub async fn change_notification_preferences(
    state: &AppState,
    member: &Member,
    wanted: NotificationPreferences,
) -> Result<NotificationPreferences, ApiError> {
    let user_id = member.user_id;
    state
        .with_connection_api(move |connection| {
            use diesel::Connection;
            connection.transaction(|connection| {
                for preference in &wanted.kinds {
                    notifications::set_delivery(
                        connection,
                        user_id,
                        preference.kind,
                        Delivery {
                            in_app: preference.in_app,
                            email: preference.email,
                        },
                    )?;
                }
                if let Some(unsubscribed) = wanted.email_unsubscribed {
                    notifications::set_unsubscribed(connection, user_id, unsubscribed)?;
                }
                preferences_of(connection, user_id)
            })
        })
        .await
}

/// A queued or sent e-mail.
#[derive(Debug, Serialize, ToSchema)]
pub struct EmailView {
    pub id: i64,
    pub notification_id: Uuid,
    pub recipient: String,
    pub subject: String,
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
            body: row.body,
            status: row.status,
            attempts: row.attempts,
            last_error: row.last_error,
            created_at: row.created_at,
            sent_at: row.sent_at,
        }
    }
}

/// Which e-mails to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EmailOutboxQuery {
    /// `queued`, `sending`, `sent` or `failed`.
    #[param(pattern = "^(queued|sending|sent|failed)$")]
    pub status: Option<String>,
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// The e-mail outbox, newest first (admins).
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(EmailOutboxQuery),
    responses(
        (status = 200, description = "A page of e-mails", body = Paginated<EmailView>),
        (status = 403, description = "Admins only", body = ErrorBody),
    )
)]
#[get("/admin/email-outbox")]
pub async fn list_email_outbox(
    state: web::Data<AppState>,
    _admin: AdminUser,
    query: QueryParams<EmailOutboxQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = PageQuery::checked(query.page, query.per_page)?;
    let status = query.status;
    if let Some(status) = &status {
        if !matches!(status.as_str(), "queued" | "sending" | "sent" | "failed") {
            return Err(ApiError::invalid(
                "status",
                "status is one of queued, sending, sent, failed",
            ));
        }
    }
    let paged = state
        .with_connection_api(move |connection| {
            Ok(notifications::email_outbox_page(
                connection,
                status.as_deref(),
                page,
            )?)
        })
        .await?;
    let items = paged.rows.into_iter().map(EmailView::from).collect();
    Ok(HttpResponse::Ok().json(Paginated::new(items, page, paged.total)))
}
