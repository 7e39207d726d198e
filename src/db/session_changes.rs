//! The announcements of changes to what a session check returns, sent by
//! the triggers of migration `2026-12-09-100001_session_changes` on the
//! channel `session_changes` when their transaction commits.

use diesel::prelude::*;
use diesel::PgConnection;
use uuid::Uuid;

/// The channel the triggers announce on.
const CHANNEL: &str = "session_changes";

/// What a server's cache of checked sessions must forget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionChange {
    /// A user, or one of the user's sessions, changed or went.
    User(Uuid),
    /// An organisation's ROM changed, or the organisation went.
    Organisation(Uuid),
    /// A table was emptied, or an announcement could not be read.
    Everything,
}

/// Makes `connection` hear the announcements; it must then be kept for
/// nothing else than [`announced`].
pub fn listen(connection: &mut PgConnection) -> QueryResult<()> {
    diesel::sql_query(format!("LISTEN {CHANNEL}"))
        .execute(connection)
        .map(|_| ())
}

/// The changes announced to `connection` since the last call, read from
/// what has arrived without waiting for more. An error means the connection
/// is lost, and with it any announcement sent meanwhile.
pub fn announced(connection: &mut PgConnection) -> QueryResult<Vec<SessionChange>> {
    let mut changes = Vec::new();
    // libpq notices a closed connection only on the read after the last
    // bytes the server sent (its farewell message), so the socket is read
    // once more after the last announcement.
    for _ in 0..2 {
        for notification in connection.notifications_iter() {
            let announced = notification?;
            if announced.channel == CHANNEL {
                changes.push(parse(&announced.payload));
            }
        }
    }
    Ok(changes)
}

/// A payload as the triggers write it; anything else is read as
/// "everything", which only costs the cache its contents.
fn parse(payload: &str) -> SessionChange {
    let id = |text: &str| Uuid::parse_str(text).ok();
    match payload.split_once(':') {
        Some(("user", text)) => id(text).map_or(SessionChange::Everything, SessionChange::User),
        Some(("organisation", text)) => {
            id(text).map_or(SessionChange::Everything, SessionChange::Organisation)
        }
        _ => SessionChange::Everything,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_name_a_user_an_organisation_or_everything() {
        let id = Uuid::from_u128(42);
        assert_eq!(parse(&format!("user:{id}")), SessionChange::User(id));
        assert_eq!(
            parse(&format!("organisation:{id}")),
            SessionChange::Organisation(id)
        );
        assert_eq!(parse("everything"), SessionChange::Everything);
        assert_eq!(parse("user:not-a-uuid"), SessionChange::Everything);
        assert_eq!(parse("table:1"), SessionChange::Everything);
    }
}
