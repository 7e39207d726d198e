//! The audit trail, for admins: who logged in, who changed whose rights and
//! who read what is confidential. Events are only ever listed here; no route
//! changes or deletes one (`app::audit`).

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::auth::AdminUser;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::QueryParams;
use crate::app::audit::{self, AuditEventView, AuditListFilter};
use crate::app::{AppState, Paginated};
use crate::domain::audit::AuditAction;

/// Filters for the audit trail; all of them must hold.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditListQuery {
    /// Only events by this user.
    pub actor: Option<Uuid>,
    /// Only events about this user, challenge or other subject.
    pub subject: Option<Uuid>,
    /// Only events of this action.
    pub action: Option<AuditAction>,
    /// Only events at or after this instant, RFC 3339 (`2026-11-29T08:00:00Z`;
    /// write a `+` offset as `%2B`).
    #[param(pattern = r"^(19[0-9]{2}|[2-9][0-9]{3})-")]
    #[serde(
        default,
        deserialize_with = "crate::domain::instant::optional_in_range"
    )]
    pub from: Option<DateTime<Utc>>,
    /// Only events before this instant, RFC 3339.
    #[param(pattern = r"^(19[0-9]{2}|[2-9][0-9]{3})-")]
    #[serde(
        default,
        deserialize_with = "crate::domain::instant::optional_in_range"
    )]
    pub until: Option<DateTime<Utc>>,
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// Lists audit events, newest first (admins only).
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(AuditListQuery),
    responses(
        (status = 200, description = "A page of events, newest first", body = Paginated<AuditEventView>),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
#[get("/audit")]
pub async fn list_audit_events(
    state: web::Data<AppState>,
    admin: AdminUser,
    query: QueryParams<AuditListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let filter = AuditListFilter {
        actor: query.actor,
        subject: query.subject,
        action: query.action,
        from: query.from,
        until: query.until,
        page: query.page,
        per_page: query.per_page,
    };
    let events = audit::list(&state, &admin.0.member, filter).await?;
    Ok(HttpResponse::Ok().json(events))
}
