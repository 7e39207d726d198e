//! A user's notifications and their preferences; the e-mail outbox for
//! admins (mail stays queued there until SMTP is configured)
//! (`app::notifications`).

use actix_web::{get, post, put, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::auth::{AdminUser, AuthUser};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{JsonBody, QueryParams};
use crate::app::notifications::{
    self, EmailOutboxFilter, EmailView, MarkedRead, NotificationListFilter,
    NotificationPreferences, NotificationView,
};
use crate::app::{AppState, Paginated};

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
    let filter = NotificationListFilter {
        unread: query.0.unread.unwrap_or(false),
        page: query.0.page,
        per_page: query.0.per_page,
    };
    let listed: Paginated<NotificationView> =
        notifications::list(&state, &caller.member, filter).await?;
    Ok(HttpResponse::Ok().json(listed))
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
    let view = notifications::mark_read(&state, &caller.member, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
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
    let marked: MarkedRead = notifications::mark_all_read(&state, &caller.member).await?;
    Ok(HttpResponse::Ok().json(marked))
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
    let preferences = notifications::preferences(&state, &caller.member).await?;
    Ok(HttpResponse::Ok().json(preferences))
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
    let preferences = notifications::set_preferences(&state, &caller.member, body.0).await?;
    Ok(HttpResponse::Ok().json(preferences))
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
    admin: AdminUser,
    query: QueryParams<EmailOutboxQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let filter = EmailOutboxFilter {
        status: query.status,
        page: query.page,
        per_page: query.per_page,
    };
    let listed: Paginated<EmailView> =
        notifications::email_outbox(&state, &admin.0.member, filter).await?;
    Ok(HttpResponse::Ok().json(listed))
}
