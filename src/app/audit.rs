//! The audit trail, for admins: who logged in, who changed whose rights and
//! who read what is confidential. Events are recorded by the operations
//! they account for, in the same transaction; here they are only listed.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::page::{checked_page, Paginated};
use super::{AppError, AppState};
use crate::db::audit::{self, AuditEventRow, AuditFilter};
use crate::domain::audit::{AuditAction, AuditSubject};
use crate::domain::policy::Member;
use crate::domain::Rule;

/// A recorded event: who did what to which subject, and when.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    /// Increases with every event recorded.
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    /// The user who acted; `null` for an anonymous caller (a failed login
    /// with an unknown address) or the server itself.
    pub actor_id: Option<Uuid>,
    pub action: AuditAction,
    pub subject_type: AuditSubject,
    pub subject_id: Option<Uuid>,
    /// Facts that explain the event, such as the old and new role, or the
    /// client address and reason of a failed login.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

impl From<AuditEventRow> for AuditEventView {
    fn from(row: AuditEventRow) -> Self {
        AuditEventView {
            id: row.id,
            occurred_at: row.occurred_at,
            actor_id: row.actor_id,
            action: row.action,
            subject_type: row.subject_type,
            subject_id: row.subject_id,
            detail: row.detail,
        }
    }
}

/// Which events a list asks for; all the filters given must hold.
#[derive(Debug, Clone, Default)]
pub struct AuditListFilter {
    /// Only events by this user.
    pub actor: Option<Uuid>,
    /// Only events about this user, challenge or other subject.
    pub subject: Option<Uuid>,
    pub action: Option<AuditAction>,
    /// Only events at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only events before this instant.
    pub until: Option<DateTime<Utc>>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// One page of the events that pass `filter`, newest first, for `admin`.
pub async fn list(
    state: &AppState,
    admin: &Member,
    filter: AuditListFilter,
) -> Result<Paginated<AuditEventView>, AppError> {
    list_among(state, admin, filter, None).await
}

/// Like [`list`], and only the events by the users `actor_among` (when
/// given; an empty list matches nothing).
pub(crate) async fn list_among(
    state: &AppState,
    admin: &Member,
    filter: AuditListFilter,
    actor_among: Option<Vec<Uuid>>,
) -> Result<Paginated<AuditEventView>, AppError> {
    admin.may_administer()?;
    let page = checked_page(filter.page, filter.per_page)?;
    if let (Some(from), Some(until)) = (filter.from, filter.until) {
        if until < from {
            return Err(AppError::invalid(
                "until",
                Rule::NotBefore {
                    start_field: "from",
                },
            ));
        }
    }
    let query = AuditFilter {
        actor_id: filter.actor,
        actor_among,
        subject_id: filter.subject,
        action: filter.action,
        from: filter.from,
        until: filter.until,
    };
    let (rows, total) = state
        .with_connection(move |connection| {
            Ok(audit::list(connection, &query, page.offset(), page.size)?)
        })
        .await?;
    let items = rows.into_iter().map(AuditEventView::from).collect();
    Ok(Paginated::new(items, page, total))
}
