//! Starting the service: wait for the database, migrate, seed the demo if
//! asked, start the lifecycle ticker and serve until SIGTERM or Ctrl-C,
//! letting requests in flight finish.

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use diesel::Connection;
use secrecy::ExposeSecret;

use crate::config::Settings;
use crate::db::{self, DbPool};
use crate::api::state::AppState;
use crate::api::{build_server, SHUTDOWN_GRACE_SECONDS};
use crate::search::engine::SearchEngine;
use crate::search::index::SearchIndex;
use crate::search::indexer::{
    catch_up, rebuild, spawn_follower, StopSignal, DEFAULT_POLL_INTERVAL,
};
use crate::seed::demo;

/// How long start-up waits for the database before giving up.
const DATABASE_WAIT: Duration = Duration::from_secs(60);
/// How often challenges are moved on by their dates.
const LIFECYCLE_TICK: Duration = Duration::from_secs(30);

/// Connects, retrying while the database comes up, and applies migrations.
pub fn migrate_with_retry(database_url: &str) -> anyhow::Result<Vec<String>> {
    let started = std::time::Instant::now();
    loop {
        match diesel::PgConnection::establish(database_url) {
            Ok(mut connection) => return db::run_migrations(&mut connection),
            Err(error) if started.elapsed() < DATABASE_WAIT => {
                tracing::warn!(%error, "database not reachable yet; retrying");
                std::thread::sleep(Duration::from_secs(1));
            }
            Err(error) => {
                return Err(error).context("failed to connect to the database (DATABASE_URL)")
            }
        }
    }
}

/// Seeds the demo data when the database has no accounts; prints the logins.
pub fn seed_demo_if_empty(pool: &DbPool, bind: &str) -> anyhow::Result<()> {
    let mut connection = pool.get().context("failed to get a database connection")?;
    if !demo::database_is_empty(&mut connection)? {
        println!("Demo mode: the database already has data; not seeding.");
        print_demo_logins(None, bind);
        return Ok(());
    }
    let report = demo::seed(&mut connection, Utc::now())?;
    println!(
        "Demo data seeded: {} organisations, {} users, {} start-ups, {} challenges.",
        report.organisations, report.users, report.startups, report.challenges
    );
    print_demo_logins(Some(&report), bind);
    Ok(())
}

fn print_demo_logins(report: Option<&demo::SeedReport>, bind: &str) {
    println!();
    println!("defmatch demo on http://{bind}/  (API docs: http://{bind}/docs/)");
    println!(
        "Every demo account has the password: {}",
        demo::DEMO_PASSWORD
    );
    if let Some(report) = report {
        for login in &report.logins {
            println!(
                "  {:<12} {:<40} {}",
                login.role.as_str(),
                login.email,
                login.description
            );
        }
    } else {
        println!("  admin        {}", demo::DEMO_ADMIN_EMAIL);
    }
    println!();
}

/// Moves challenges on by their dates (open → closed at the deadline,
/// published → open at the opening date), every `LIFECYCLE_TICK`.
fn spawn_lifecycle_ticker(pool: DbPool) {
    actix_web::rt::spawn(async move {
        let mut interval = actix_web::rt::time::interval(LIFECYCLE_TICK);
        loop {
            interval.tick().await;
            let pool = pool.clone();
            let moved = actix_web::web::block(move || -> anyhow::Result<usize> {
                let mut connection = pool.get()?;
                Ok(db::challenges::advance_by_schedule(
                    &mut connection,
                    Utc::now(),
                )?)
            })
            .await;
            match moved {
                Ok(Ok(0)) => {}
                Ok(Ok(count)) => tracing::info!(count, "challenges moved on by their dates"),
                Ok(Err(error)) => {
                    tracing::warn!(error = %format!("{error:#}"), "lifecycle tick failed")
                }
                Err(error) => tracing::warn!(%error, "lifecycle tick did not run"),
            }
        }
    });
}

/// The search engine of a running server and the indexer thread behind it.
pub struct RunningSearch {
    pub engine: SearchEngine,
    stop: StopSignal,
    follower: Option<std::thread::JoinHandle<()>>,
}

impl RunningSearch {
    /// Stops the indexer and waits for its thread, so that no database work
    /// outlives the server (libpq must not be mid-connection while the
    /// process exits and its TLS library is torn down).
    pub fn stop(&mut self) {
        self.stop.stop();
        if let Some(follower) = self.follower.take() {
            let _ = follower.join();
        }
    }
}

/// Opens the index in `index_dir`, rebuilds it from the database when it is
/// missing, corrupt or of another schema version (progress in the log),
/// catches up with the outbox, and starts the follower.
pub fn start_search(index_dir: &Path, pool: &DbPool) -> anyhow::Result<RunningSearch> {
    let (index, rebuild_reason) = SearchIndex::open(index_dir)?;
    let index = Arc::new(index);
    let mut connection = pool
        .get()
        .context("failed to get a database connection for the index")?;
    let database_id = crate::db::outbox::database_identity(&mut connection)
        .context("failed to read the database identity")?;
    let last_position = crate::db::outbox::last_position(&mut connection)?;
    let rebuild_reason = rebuild_reason.or_else(|| {
        let other_database = index.committed_database().as_deref() != Some(database_id.as_str())
            || index.committed_position().unwrap_or(0) > last_position;
        other_database.then_some(crate::search::index::RebuildReason::OtherDatabase)
    });
    index.follow_database(database_id);
    match rebuild_reason {
        Some(reason) => {
            tracing::info!(%reason, directory = %index_dir.display(), "rebuilding the search index from the database");
            let last_logged = std::cell::Cell::new(0_u64);
            let documents = rebuild(&index, &mut connection, &|done, total| {
                let percent = (done * 100).checked_div(total).unwrap_or(100);
                if percent >= last_logged.get() + 10 || done == total {
                    last_logged.set(percent);
                    tracing::info!(done, total, percent, "rebuilding the search index");
                }
            })?;
            tracing::info!(documents, "search index rebuilt");
        }
        None => {
            let batches = catch_up(&index, &mut connection)?;
            tracing::info!(
                batches,
                position = index.committed_position().unwrap_or(0),
                "search index caught up with the outbox"
            );
        }
    }
    let stop = StopSignal::default();
    let follower = spawn_follower(
        index.clone(),
        pool.clone(),
        DEFAULT_POLL_INTERVAL,
        stop.clone(),
    );
    Ok(RunningSearch {
        engine: SearchEngine::new(index),
        stop,
        follower: Some(follower),
    })
}

/// Runs the service until it is told to stop.
pub async fn serve(settings: Settings, demo_mode: bool) -> anyhow::Result<()> {
    let database_url = settings.database_url.expose_secret().to_owned();
    let applied = actix_web::web::block(move || migrate_with_retry(&database_url))
        .await
        .context("migration task failed")??;
    if !applied.is_empty() {
        tracing::info!(?applied, "applied migrations");
    }
    let pool = db::build_pool(
        settings.database_url.expose_secret(),
        settings.database_pool_size,
    );
    if demo_mode {
        let pool_for_seed = pool.clone();
        let bind = settings.bind.to_string();
        actix_web::web::block(move || seed_demo_if_empty(&pool_for_seed, &bind))
            .await
            .context("demo seeding task failed")??;
    }
    let listener = TcpListener::bind(settings.bind)
        .with_context(|| format!("failed to listen on {}", settings.bind))?;
    tracing::info!(address = %settings.bind, "listening");
    spawn_lifecycle_ticker(pool.clone());
    let search_pool = pool.clone();
    let index_dir = settings.index_dir.clone();
    let mut search = actix_web::web::block(move || start_search(&index_dir, &search_pool))
        .await
        .context("search start-up task failed")??;
    let mail_pool = pool.clone();
    let mut state = AppState::new(
        pool,
        &settings.auth,
        settings.login_limits,
        search.engine.clone(),
    );
    state.secure_cookies = settings.secure_cookies;
    let scheduler_stop = StopSignal::default();
    let scheduler = crate::alerts::spawn_scheduler(
        settings.database_url.expose_secret().to_owned(),
        search.engine.clone(),
        scheduler_stop.clone(),
    )
    .context("failed to start the alert scheduler")?;
    // Without SMTP_URL, mail stays queued in the outbox, visible to admins.
    let sender = match crate::alerts::mail::MailSettings::from_env() {
        Some(settings) => {
            tracing::info!("sending queued mail over SMTP");
            Some(
                crate::alerts::mail::spawn_sender(mail_pool, settings, scheduler_stop.clone())
                    .context("failed to start the mail sender")?,
            )
        }
        None => {
            tracing::info!("SMTP_URL is not set: mail stays queued in the e-mail outbox");
            None
        }
    };
    build_server(state, listener)?.await?;
    scheduler_stop.stop();
    let _ = scheduler.join();
    if let Some(sender) = sender {
        let _ = sender.join();
    }
    search.stop();
    tracing::info!(grace_seconds = SHUTDOWN_GRACE_SECONDS, "stopped");
    Ok(())
}
