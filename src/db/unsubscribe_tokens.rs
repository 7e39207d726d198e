//! Unsubscribe links: a random token per mail, stored as its SHA-256, for
//! one user and one kind of notification. The link works without logging
//! in and only ever switches that kind's e-mail off.

use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::schema::unsubscribe_tokens;
use crate::domain::notification::NotificationKind;

/// The stored form of a token.
fn hash_of(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A new token for `user_id` and `kind`; only its hash is stored.
pub fn issue(
    connection: &mut PgConnection,
    user_id: Uuid,
    kind: NotificationKind,
) -> QueryResult<String> {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    diesel::insert_into(unsubscribe_tokens::table)
        .values((
            unsubscribe_tokens::token_hash.eq(hash_of(&token)),
            unsubscribe_tokens::user_id.eq(user_id),
            unsubscribe_tokens::kind.eq(kind),
        ))
        .execute(connection)?;
    Ok(token)
}

/// The user and kind a token unsubscribes from; `None` for a token that
/// was never issued.
pub fn find(
    connection: &mut PgConnection,
    token: &str,
) -> QueryResult<Option<(Uuid, NotificationKind)>> {
    unsubscribe_tokens::table
        .find(hash_of(token))
        .select((unsubscribe_tokens::user_id, unsubscribe_tokens::kind))
        .first(connection)
        .optional()
}
