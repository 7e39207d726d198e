//! The audit trail: rows are only ever inserted (the table's triggers
//! refuse updates and deletes) and read by admins.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::audit_events;
use crate::domain::audit::{AuditAction, AuditSubject};

/// An event to record.
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    pub actor_id: Option<Uuid>,
    pub action: AuditAction,
    pub subject: AuditSubject,
    pub subject_id: Option<Uuid>,
    /// Facts that explain the event (old and new role, the fields exported).
    pub detail: serde_json::Value,
}

impl NewAuditEvent {
    /// `actor_id` did `action` to `subject` `subject_id`, with no detail yet.
    pub fn new(
        actor_id: Option<Uuid>,
        action: AuditAction,
        subject: AuditSubject,
        subject_id: Option<Uuid>,
    ) -> Self {
        NewAuditEvent {
            actor_id,
            action,
            subject,
            subject_id,
            detail: serde_json::json!({}),
        }
    }

    /// The same event with `detail`.
    pub fn with_detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }
}

/// A recorded event.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEventRow {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub action: AuditAction,
    pub subject_type: AuditSubject,
    pub subject_id: Option<Uuid>,
    pub detail: serde_json::Value,
}

/// Records `event`. Call it inside the transaction of the action it
/// records, so that an action and its audit row commit or fail together.
pub fn record(connection: &mut PgConnection, event: &NewAuditEvent) -> QueryResult<()> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::actor_id.eq(event.actor_id),
            audit_events::action.eq(event.action),
            audit_events::subject_type.eq(event.subject),
            audit_events::subject_id.eq(event.subject_id),
            audit_events::detail.eq(&event.detail),
        ))
        .execute(connection)?;
    Ok(())
}

/// Which events to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_id: Option<Uuid>,
    /// Only events by one of these users (an empty list matches nothing).
    pub actor_among: Option<Vec<Uuid>>,
    pub subject_id: Option<Uuid>,
    pub action: Option<AuditAction>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// One page of events matching `filter`, newest first, and their total.
pub fn list(
    connection: &mut PgConnection,
    filter: &AuditFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<AuditEventRow>, i64)> {
    let build = || {
        let mut query = audit_events::table.into_boxed();
        if let Some(actor_id) = filter.actor_id {
            query = query.filter(audit_events::actor_id.eq(actor_id));
        }
        if let Some(actor_ids) = &filter.actor_among {
            query = query.filter(audit_events::actor_id.eq_any(actor_ids.clone()));
        }
        if let Some(subject_id) = filter.subject_id {
            query = query.filter(audit_events::subject_id.eq(subject_id));
        }
        if let Some(action) = filter.action {
            query = query.filter(audit_events::action.eq(action));
        }
        if let Some(from) = filter.from {
            query = query.filter(audit_events::occurred_at.ge(from));
        }
        if let Some(until) = filter.until {
            query = query.filter(audit_events::occurred_at.lt(until));
        }
        query
    };
    let total = build().count().get_result(connection)?;
    let rows = build()
        .order((audit_events::occurred_at.desc(), audit_events::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(AuditEventRow::as_select())
        .load(connection)?;
    Ok((rows, total))
}
