//! The audit trail, for admins: who logged in, who changed whose rights and
//! who read what is confidential. Events are only ever listed here; no route
//! changes or deletes one.

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::auth::AdminUser;
use crate::api::dto::audit::AuditEventView;
use crate::api::dto::PageQuery;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::QueryParams;
use crate::api::legacy::LegacyBlocking;
use crate::app::AppState;
use crate::app::Paginated;
use crate::db::audit::{self, AuditFilter};
use crate::domain::audit::AuditAction;
use crate::domain::policy::Member;

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
    pub from: Option<DateTime<Utc>>,
    /// Only events before this instant, RFC 3339.
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
    let events = audit_events(&state, &admin.0.member, query.0).await?;
    Ok(HttpResponse::Ok().json(events))
}

/// One page of the audit trail, newest first, for an admin (the API and
/// the web pages both come here).
pub async fn audit_events(
    state: &AppState,
    admin: &Member,
    query: AuditListQuery,
) -> Result<Paginated<AuditEventView>, ApiError> {
    if !admin.is_admin() {
        return Err(ApiError::forbidden("only admins read the audit trail"));
    }
    let page = PageQuery::checked(query.page, query.per_page)?;
    if let (Some(from), Some(until)) = (query.from, query.until) {
        if until < from {
            return Err(ApiError::invalid("until", "until must not be before from"));
        }
    }
    let filter = AuditFilter {
        actor_id: query.actor,
        subject_id: query.subject,
        action: query.action,
        from: query.from,
        until: query.until,
    };
    let (rows, total) = state
        .with_connection_api(move |connection| {
            Ok(audit::list(connection, &filter, page.offset(), page.size)?)
        })
        .await?;
    let items = rows.into_iter().map(AuditEventView::from).collect();
    Ok(Paginated::new(items, page, total))
}
