//! Start-up work on the database: waiting for it, migrating, seeding the
//! demo, and the ticker that moves challenges on by their dates.

use std::time::Duration;

use anyhow::Context;
use chrono::Utc;

use crate::db::{self, DbPool};
use crate::seed::demo;

/// How long start-up waits for the database before giving up.
const DATABASE_WAIT: Duration = Duration::from_secs(60);
/// How often challenges are moved on by their dates.
const LIFECYCLE_TICK: Duration = Duration::from_secs(30);

/// Connects, retrying while the database comes up, and applies migrations.
pub fn migrate_with_retry(database_url: &str) -> anyhow::Result<Vec<String>> {
    let started = std::time::Instant::now();
    loop {
        match db::establish(database_url) {
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
/// Under the setup lock, so that of replicas starting together on an empty
/// database one seeds and the others find the data there.
pub fn seed_demo_if_empty(pool: &DbPool, bind: &str) -> anyhow::Result<()> {
    let mut connection = pool.get().context("failed to get a database connection")?;
    let report = db::with_setup_lock(&mut connection, |connection| {
        if demo::database_is_empty(connection)? {
            demo::seed(connection, Utc::now()).map(Some)
        } else {
            Ok(None)
        }
    })?;
    let Some(report) = report else {
        println!("Demo mode: the database already has data; not seeding.");
        print_demo_logins(None, bind);
        return Ok(());
    };
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
pub(super) fn spawn_lifecycle_ticker(pool: DbPool) {
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
