//! The service: [`serve`] waits for the database, migrates, seeds the demo
//! if asked, opens the search index, starts the background work (the
//! lifecycle ticker, the alert scheduler, the mail sender) and assembles
//! the HTTP application from the API and the pages ([`http`]); it serves
//! until SIGTERM or Ctrl-C, letting requests in flight finish.

mod database;
mod headers;
mod http;
pub mod memory;
mod request_log;
mod search;

use std::net::TcpListener;

use anyhow::Context;
use secrecy::ExposeSecret;

use self::database::spawn_lifecycle_ticker;
pub use self::database::{migrate_with_retry, seed_demo_if_empty};
pub use self::http::{build_server, build_server_with, HttpSettings, SHUTDOWN_GRACE_SECONDS};
pub use self::search::{start_search, start_search_with, RunningSearch};
use crate::app::AppState;
use crate::config::Settings;
use crate::db;
use crate::search::indexer::StopSignal;
use crate::web::WebSettings;

/// Runs the service until it is told to stop.
pub async fn serve(settings: Settings, demo_mode: bool) -> anyhow::Result<()> {
    memory::start_returning_free_heap();
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
    let metrics_listener = match settings.metrics_bind {
        Some(address) => {
            let listener = TcpListener::bind(address).with_context(|| {
                format!("failed to listen on {address} (DEFMATCH_METRICS_BIND)")
            })?;
            tracing::info!(%address, "serving /metrics on its own address");
            Some(listener)
        }
        None => None,
    };
    if metrics_listener.is_none() && settings.metrics_token.is_none() {
        tracing::info!("/metrics is closed: set METRICS_TOKEN or DEFMATCH_METRICS_BIND to open it");
    }
    spawn_lifecycle_ticker(pool.clone());
    let search_pool = pool.clone();
    let index_dir = settings.index_dir.clone();
    let retention = settings.outbox_retention;
    let mut search =
        actix_web::web::block(move || start_search_with(&index_dir, &search_pool, retention))
            .await
            .context("search start-up task failed")??;
    let mail_pool = pool.clone();
    let state = AppState::new(
        pool,
        settings.database_url.expose_secret(),
        &settings.auth,
        settings.login_limits,
        search.engine.clone(),
    )
    .with_public_url(&settings.public_url)
    .with_single_sign_on(settings.single_sign_on.clone());
    if let Some(sso) = &settings.single_sign_on {
        tracing::info!(issuer = %sso.issuer, "single sign-on through the OpenID provider");
    }
    tracing::info!(public_url = %settings.public_url, "links in mail start with the public address");
    let http_settings = HttpSettings {
        web: WebSettings {
            secure_cookies: settings.secure_cookies,
        },
        trusted_proxies: settings.trusted_proxies.clone(),
        metrics_token: settings.metrics_token.clone(),
    };
    let scheduler_stop = StopSignal::default();
    let scheduler = crate::alerts::spawn_scheduler(
        settings.database_url.expose_secret().to_owned(),
        search.engine.clone(),
        scheduler_stop.clone(),
    )
    .context("failed to start the alert scheduler")?;
    // Without SMTP_URL, mail stays queued in the outbox, visible to admins.
    let sender = match crate::alerts::mail::MailSettings::from_env(&settings.public_url) {
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
    // Listening only now, with the index ready: a replica that is starting
    // refuses connections, and the proxy sends them to another replica
    // instead of letting them wait in the backlog.
    let listener = TcpListener::bind(settings.bind)
        .with_context(|| format!("failed to listen on {}", settings.bind))?;
    tracing::info!(address = %settings.bind, "listening");
    build_server_with(state, http_settings, listener, metrics_listener)?.await?;
    scheduler_stop.stop();
    let _ = scheduler.join();
    if let Some(sender) = sender {
        let _ = sender.join();
    }
    search.stop();
    tracing::info!(grace_seconds = SHUTDOWN_GRACE_SECONDS, "stopped");
    Ok(())
}
