//! The unsubscribe link of a notification mail: it works without logging
//! in, names the one kind of mail it stops, and switches only that kind's
//! e-mail off (the notifications in the app stay as they were).

use uuid::Uuid;

use crate::app::{AppError, AppState, Subject};
use crate::db::notifications::{self, Delivery};
use crate::db::unsubscribe_tokens;
use crate::domain::notification::NotificationKind;

/// Longest token a link can hold (they are 64 hex digits).
const MAX_TOKEN_CHARS: usize = 128;

/// What an unsubscribe link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsubscribeLink {
    pub kind: NotificationKind,
    /// Whether that kind of mail is still sent.
    pub email_on: bool,
}

/// Looks a token up: its user and kind, or "not found".
fn target(
    connection: &mut diesel::PgConnection,
    token: &str,
) -> Result<(Uuid, NotificationKind), AppError> {
    if token.is_empty() || token.len() > MAX_TOKEN_CHARS {
        return Err(AppError::not_found(Subject::Resource));
    }
    unsubscribe_tokens::find(connection, token)?.ok_or(AppError::not_found(Subject::Resource))
}

/// What the link `token` would unsubscribe from.
pub async fn describe(state: &AppState, token: String) -> Result<UnsubscribeLink, AppError> {
    state
        .with_connection(move |connection| {
            let (user_id, kind) = target(connection, &token)?;
            let wanted = notifications::delivery(connection, user_id, kind)?;
            Ok(UnsubscribeLink {
                kind,
                email_on: wanted.email,
            })
        })
        .await
}

/// Switches off the e-mail of the link's kind for its user.
pub async fn confirm(state: &AppState, token: String) -> Result<UnsubscribeLink, AppError> {
    state
        .with_connection(move |connection| {
            let (user_id, kind) = target(connection, &token)?;
            let wanted = notifications::delivery(connection, user_id, kind)?;
            notifications::set_delivery(
                connection,
                user_id,
                kind,
                Delivery {
                    in_app: wanted.in_app,
                    email: false,
                },
            )?;
            tracing::info!(%user_id, %kind, "unsubscribed by mail link");
            Ok(UnsubscribeLink {
                kind,
                email_on: false,
            })
        })
        .await
}
