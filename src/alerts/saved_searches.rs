//! Daily digests of saved searches (`notify: daily`): at most once a day
//! per search, the challenges it finds that it had not found before, among
//! those its owner may see now. The first run after opting in only records
//! what the search finds then, so that a digest holds what is new since.

use anyhow::Context;
use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::TickReport;
use crate::app::search::query_string;
use crate::db::notifications::{notify, NewNotification};
use crate::db::saved_searches::SavedSearchRow;
use crate::db::{challenges, saved_search_digests, users};
use crate::domain::notification::{NotificationKind, NotificationSubject};
use crate::domain::notification_text;
use crate::domain::policy::Viewer;
use crate::search::engine::SearchEngine;
use crate::search::text_search::{HitPage, SearchSort};

/// Searches run per tick.
const SEARCHES_PER_TICK: i64 = 20;
/// The newest hits of a search a digest looks at.
const HITS_LOOKED_AT: usize = 100;

/// Runs the saved searches whose digest is due at `now`.
pub(super) fn send_saved_search_digests(
    connection: &mut PgConnection,
    engine: &SearchEngine,
    now: DateTime<Utc>,
    report: &mut TickReport,
) -> anyhow::Result<()> {
    for (search, last_run) in saved_search_digests::due(connection, now, SEARCHES_PER_TICK)? {
        // One search that cannot run must not hold up the others.
        match digest_of(connection, engine, &search, last_run, now) {
            Ok(sent) => report.notifications += usize::from(sent),
            Err(error) => {
                tracing::warn!(saved_search_id = %search.id, error = %format!("{error:#}"), "saved search digest failed")
            }
        }
    }
    Ok(())
}

/// Runs one search; returns whether a digest went out.
fn digest_of(
    connection: &mut PgConnection,
    engine: &SearchEngine,
    search: &SavedSearchRow,
    last_run: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let Some(viewer) = users::as_viewer(connection, search.user_id)? else {
        // A disabled or erased owner gets nothing; try again tomorrow.
        saved_search_digests::record_run(connection, search.id, &[], now)?;
        return Ok(false);
    };
    let found = visible_hits(connection, engine, &viewer, &search.query)
        .with_context(|| format!("running saved search {}", search.id))?;
    let found_ids: Vec<Uuid> = found.iter().map(|(id, _)| *id).collect();
    let seen = saved_search_digests::seen_among(connection, search.id, &found_ids)?;
    let new: Vec<&(Uuid, String)> = found.iter().filter(|(id, _)| !seen.contains(id)).collect();
    let sent = connection.transaction::<_, anyhow::Error, _>(|connection| {
        let sent = match (last_run, new.first()) {
            (Some(_), Some((first_id, _))) => {
                let titles: Vec<String> = new.iter().map(|(_, title)| title.clone()).collect();
                notify(
                    connection,
                    &NewNotification {
                        user_id: search.user_id,
                        kind: NotificationKind::SavedSearchDigest,
                        subject: NotificationSubject::Challenge,
                        subject_id: *first_id,
                        text: notification_text::saved_search_digest(&search.name, &titles),
                        link: "/saved-searches".to_owned(),
                        dedup_key: format!("saved-search-digest:{}:{}", search.id, now.timestamp()),
                    },
                )?
            }
            _ => false,
        };
        saved_search_digests::record_run(connection, search.id, &found_ids, now)?;
        Ok(sent)
    })?;
    Ok(sent)
}

/// The newest challenges the query finds that `viewer` may see, with titles.
fn visible_hits(
    connection: &mut PgConnection,
    engine: &SearchEngine,
    viewer: &Viewer,
    query: &str,
) -> anyhow::Result<Vec<(Uuid, String)>> {
    let filter = query_string::challenge_search(query)
        .map_err(|error| anyhow::anyhow!("the saved query no longer parses: {error}"))?;
    let (_, parsed, filters) = filter
        .checked()
        .map_err(|error| anyhow::anyhow!("the saved query is no longer valid: {error}"))?;
    let hits = engine
        .search_challenges(
            &viewer.challenge_scope(),
            &filters,
            &parsed,
            HitPage {
                sort: SearchSort::Newest,
                offset: 0,
                limit: HITS_LOOKED_AT,
            },
        )
        .map_err(|error| anyhow::anyhow!("search failed: {error:?}"))?;
    let ids: Vec<Uuid> = hits.hits.iter().map(|(id, _)| *id).collect();
    // PostgreSQL is the truth: a hit the owner may no longer see is dropped.
    let mut visible: Vec<(Uuid, String)> = challenges::find_many(connection, &ids)?
        .into_iter()
        .filter(|challenge| viewer.can_see_challenge(challenge.exposure()))
        .map(|challenge| (challenge.id, challenge.title))
        .collect();
    visible.sort_by_key(|(id, _)| ids.iter().position(|hit| hit == id));
    Ok(visible)
}
