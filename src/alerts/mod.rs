//! Alerts and reminders, run by a scheduler inside the server:
//! - a challenge published or opened alerts the start-ups whose match
//!   content score clears [`ALERT_MIN_CONTENT_SCORE`] (or
//!   [`ALERT_MIN_CONTENT_SCORE_WITH_MEANING`] with the semantic view), among
//!   those allowed to see it, and
//!   the ROM officers of their provinces;
//! - a start-up profile created or substantially changed alerts the owners
//!   of the open challenges it matches;
//! - 7 days and 1 day before an open challenge closes, the start-ups that
//!   match it or have an introduction on it are reminded.
//!
//! Safe with several server processes: a tick runs only under a
//! PostgreSQL advisory lock, and every notification is keyed by its event
//! (`notifications_once_per_event`), so even two schedulers that both got
//! through would notify each user once.
//!
//! Challenges published or opened in defmatch are alerted first, newest
//! first; imported ones follow in larger batches and reach each recipient
//! as one digest once the import's backlog is through (`digests`).
//!
//! This module is the scheduler and its tick; the alerts on new matches
//! are in `matches`, the digests of imports in `digests`, the deadline
//! reminders in `reminders`, the daily digests of saved searches in
//! `saved_searches`.

mod digests;
pub mod mail;
mod matches;
mod reminders;
mod saved_searches;

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::{PgConnection, RunQueryDsl};

use crate::search::engine::SearchEngine;
use crate::search::indexer::StopSignal;
use matches::{alert_challenges, alert_startups};
use reminders::remind_deadlines;
use saved_searches::send_saved_search_digests;

/// Key of the advisory lock that lets one scheduler work at a time.
const SCHEDULER_LOCK_KEY: i64 = 0x6465_666d_616c; // "defmal"

/// Subjects handled per kind and tick, so that one tick stays short.
const BATCH: i64 = 20;

/// How often the scheduler runs.
pub const TICK: Duration = Duration::from_secs(30);

/// What one tick did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TickReport {
    /// False when another process held the lock.
    pub ran: bool,
    pub challenges_alerted: usize,
    pub startups_alerted: usize,
    pub reminders_sent: usize,
    /// New notifications written.
    pub notifications: usize,
}

/// Runs one tick of the scheduler at `now`.
pub fn run_tick(
    connection: &mut PgConnection,
    engine: &SearchEngine,
    now: DateTime<Utc>,
) -> anyhow::Result<TickReport> {
    let locked: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
        "pg_try_advisory_lock({SCHEDULER_LOCK_KEY})"
    )))
    .get_result(connection)?;
    if !locked {
        return Ok(TickReport::default());
    }
    let mut report = TickReport {
        ran: true,
        ..TickReport::default()
    };
    let outcome = alert_challenges(connection, engine, &mut report)
        .and_then(|()| alert_startups(connection, engine, &mut report))
        .and_then(|()| remind_deadlines(connection, engine, now, &mut report))
        .and_then(|()| send_saved_search_digests(connection, engine, now, &mut report));
    diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
        "pg_advisory_unlock({SCHEDULER_LOCK_KEY})"
    )))
    .get_result::<bool>(connection)?;
    outcome.map(|()| report)
}

/// Starts the scheduler on a thread of its own (matching is CPU work); it
/// stops after its current tick once `stop` is signalled.
pub fn spawn_scheduler(
    database_url: String,
    engine: SearchEngine,
    stop: StopSignal,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    let database_url = crate::db::with_connection_defaults(&database_url);
    std::thread::Builder::new()
        .name("alert-scheduler".to_owned())
        .spawn(move || {
            while !stop.is_stopped() {
                tick_and_log(&database_url, &engine);
                stop.sleep(TICK);
            }
        })
}

/// One tick on a connection of its own, closed afterwards: the advisory
/// lock is a session lock, and a pooled connection that a panicking tick
/// left holding it would stop every scheduler for good.
fn tick_and_log(database_url: &str, engine: &SearchEngine) {
    use diesel::Connection;
    let ticked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut connection = PgConnection::establish(database_url)?;
        run_tick(&mut connection, engine, Utc::now())
    }));
    match ticked {
        Ok(Ok(report)) if report.notifications > 0 => {
            tracing::info!(?report, "alerts and reminders sent")
        }
        Ok(Ok(_)) => {}
        Ok(Err(error)) => {
            tracing::warn!(error = %format!("{error:#}"), "alert scheduler tick failed")
        }
        Err(_) => tracing::error!("alert scheduler tick panicked; the next tick goes on"),
    }
}
