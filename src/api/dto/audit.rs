//! Audit events on the wire.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::audit::AuditEventRow;
use crate::domain::audit::{AuditAction, AuditSubject};

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
