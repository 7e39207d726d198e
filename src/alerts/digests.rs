//! Digests of imported challenges: an import of thousands of open
//! challenges must not send a start-up one alert per challenge. Their
//! alerts are collected per recipient while the backlog is matched, a
//! batch per tick after the challenges published in defmatch, and each
//! recipient gets one digest once the backlog is through.

use std::collections::BTreeMap;

use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::TickReport;
use crate::db::challenges::ChallengeRow;
use crate::db::notifications::{
    self, active_members, add_to_digest, notify, NewNotification, PendingDigest,
};
use crate::db::startups::StartupRow;
use crate::db::users::may_see_challenge;
use crate::domain::notification::{NotificationKind, NotificationSubject};
use crate::domain::notification_text::{self, NotificationText};

/// Imported challenges matched per tick, after the new ones.
pub(super) const IMPORT_BATCH: i64 = 200;

/// Challenge titles a digest names; the rest it counts.
const TITLES_NAMED: usize = 5;

/// How the alerts of one challenge go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Delivery {
    /// One notification per recipient and challenge, at once.
    Now,
    /// Collected into the recipient's next digest.
    Digest,
}

/// Adds `challenge` to the digests of the members of the `matching`
/// start-ups who may see it, and of the ROM officers of their regions.
pub(super) fn collect_for_digests(
    connection: &mut PgConnection,
    challenge: &ChallengeRow,
    matching: &[StartupRow],
) -> anyhow::Result<()> {
    let mut roms = BTreeMap::new();
    for startup in matching {
        for user_id in active_members(connection, startup.organisation_id)? {
            if may_see_challenge(connection, user_id, challenge)? {
                add_to_digest(
                    connection,
                    user_id,
                    NotificationKind::ChallengeMatch,
                    challenge.id,
                )?;
            }
        }
        if let Some(province) = startup.province {
            roms.insert(province.rom(), ());
        }
    }
    for rom in roms.into_keys() {
        for officer in notifications::rom_officers(connection, rom)? {
            if may_see_challenge(connection, officer, challenge)? {
                add_to_digest(
                    connection,
                    officer,
                    NotificationKind::RegionMatch,
                    challenge.id,
                )?;
            }
        }
    }
    Ok(())
}

/// The words of a digest, and the page it leads to.
fn digest_text(digest: &PendingDigest) -> (NotificationText, &'static str) {
    let count = digest.challenges.len();
    let named: Vec<&str> = digest
        .challenges
        .iter()
        .take(TITLES_NAMED)
        .map(|(_, title)| title.as_str())
        .collect();
    let more = count.saturating_sub(TITLES_NAMED);
    let for_region = digest.kind == NotificationKind::RegionMatch;
    let link = if for_region { "/dashboard" } else { "/matches" };
    (
        notification_text::import_digest(count, &named.join("; "), more, for_region),
        link,
    )
}

/// Sends every waiting digest, one notification per recipient and kind,
/// and clears what it sent in the same transaction.
pub(super) fn send_digests(
    connection: &mut PgConnection,
    report: &mut TickReport,
) -> anyhow::Result<()> {
    for digest in notifications::pending_digests(connection)? {
        let ids: Vec<Uuid> = digest.challenges.iter().map(|(id, _)| *id).collect();
        let (text, link) = digest_text(&digest);
        let sent = connection.transaction::<_, diesel::result::Error, _>(|connection| {
            let sent = notify(
                connection,
                &NewNotification {
                    user_id: digest.user_id,
                    kind: digest.kind,
                    subject: NotificationSubject::Challenge,
                    subject_id: ids[0],
                    text: text.clone(),
                    link: link.to_owned(),
                    dedup_key: format!("challenge-digest:{}:{}", digest.kind, ids[0]),
                },
            )?;
            notifications::clear_digest(connection, digest.user_id, digest.kind, &ids)?;
            Ok(sent)
        })?;
        report.notifications += usize::from(sent);
    }
    Ok(())
}
