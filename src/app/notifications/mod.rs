//! A member's notifications and how they are delivered (in the app, by
//! e-mail); the e-mail outbox for admins, where mail stays queued until
//! SMTP is configured. A member reaches only their own notifications:
//! anyone else's is "not found".

pub mod unsubscribe;
mod view;

use diesel::Connection;
use uuid::Uuid;

pub use self::view::{
    EmailView, KindPreference, MarkedRead, NotificationPreferences, NotificationView,
};
use super::page::{checked_page, Paginated};
use super::{AppError, AppState, Subject};
use crate::db::notifications::{self, Delivery};
use crate::domain::policy::Member;
use crate::domain::Rule;

/// What a list of notifications asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct NotificationListFilter {
    /// Only those not read yet.
    pub unread: bool,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// What a page of the e-mail outbox asks for.
#[derive(Debug, Clone, Default)]
pub struct EmailOutboxFilter {
    /// One of [`EMAIL_STATUSES`]; `None` for any.
    pub status: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The states of a queued e-mail.
pub const EMAIL_STATUSES: [&str; 4] = ["queued", "sending", "sent", "failed"];

/// One page of `member`'s notifications, newest first.
pub async fn list(
    state: &AppState,
    member: &Member,
    filter: NotificationListFilter,
) -> Result<Paginated<NotificationView>, AppError> {
    let page = checked_page(filter.page, filter.per_page)?;
    let user_id = member.user_id;
    let paged = state
        .with_connection(move |connection| {
            Ok(notifications::list(
                connection,
                user_id,
                filter.unread,
                page,
            )?)
        })
        .await?;
    let items = paged.rows.into_iter().map(NotificationView::from).collect();
    Ok(Paginated::new(items, page, paged.total))
}

/// Marks `member`'s notification `notification_id` read; "not found" when
/// it is not theirs.
pub async fn mark_read(
    state: &AppState,
    member: &Member,
    notification_id: Uuid,
) -> Result<NotificationView, AppError> {
    let user_id = member.user_id;
    let row = state
        .with_connection(move |connection| {
            notifications::mark_read(connection, user_id, notification_id)?
                .ok_or(AppError::not_found(Subject::Notification))
        })
        .await?;
    Ok(NotificationView::from(row))
}

/// Marks every notification of `member` read.
pub async fn mark_all_read(state: &AppState, member: &Member) -> Result<MarkedRead, AppError> {
    let user_id = member.user_id;
    let marked = state
        .with_connection(move |connection| Ok(notifications::mark_all_read(connection, user_id)?))
        .await?;
    Ok(MarkedRead { marked })
}

/// `member`'s notification preferences, for every kind.
pub async fn preferences(
    state: &AppState,
    member: &Member,
) -> Result<NotificationPreferences, AppError> {
    let user_id = member.user_id;
    state
        .with_connection(move |connection| stored_preferences(connection, user_id))
        .await
}

/// Changes `member`'s preferences to `wanted`: the kinds it names, and the
/// e-mail unsubscription when given. Answers with every preference.
pub async fn set_preferences(
    state: &AppState,
    member: &Member,
    wanted: NotificationPreferences,
) -> Result<NotificationPreferences, AppError> {
    let user_id = member.user_id;
    state
        .with_connection(move |connection| {
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
                stored_preferences(connection, user_id)
            })
        })
        .await
}

/// One page of the e-mail outbox, newest first; for admins.
pub async fn email_outbox(
    state: &AppState,
    member: &Member,
    filter: EmailOutboxFilter,
) -> Result<Paginated<EmailView>, AppError> {
    member.may_administer()?;
    let page = checked_page(filter.page, filter.per_page)?;
    let status = filter.status;
    if status
        .as_deref()
        .is_some_and(|status| !EMAIL_STATUSES.contains(&status))
    {
        return Err(AppError::invalid(
            "status",
            Rule::NotOneOf {
                expected: EMAIL_STATUSES.join(", "),
            },
        ));
    }
    let paged = state
        .with_connection(move |connection| {
            Ok(notifications::email_outbox_page(
                connection,
                status.as_deref(),
                page,
            )?)
        })
        .await?;
    let items = paged.rows.into_iter().map(EmailView::from).collect();
    Ok(Paginated::new(items, page, paged.total))
}

/// The preferences of `user_id` as stored, for every kind.
fn stored_preferences(
    connection: &mut diesel::PgConnection,
    user_id: Uuid,
) -> Result<NotificationPreferences, AppError> {
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
