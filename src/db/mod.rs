//! PostgreSQL, the system of record: the connection pool, the embedded
//! migrations and one module of query functions per table. Query functions
//! take a connection, not the pool, so that callers compose them inside one
//! transaction.

pub mod attempt_counters;
pub mod audit;
pub mod audit_names;
pub mod calendar;
pub mod challenges;
mod connection_url;
pub mod dashboard;
pub mod email_verifications;
pub mod erasure;
pub mod import_uploads;
pub mod introductions;
pub mod invitations;
pub mod match_marks;
pub mod notifications;
pub mod organisations;
pub mod outbox;
pub mod password_resets;
pub mod personal_data;
mod pool;
pub mod questions;
pub mod saved_search_digests;
pub mod saved_searches;
pub mod schema;
pub mod search_replicas;
pub mod session_changes;
pub mod sessions;
pub mod sso_logins;
pub mod startup_notes;
pub mod startups;
pub mod unsubscribe_tokens;
pub mod users;

use std::time::Duration;

use anyhow::Context;
use diesel::pg::PgConnection;
use diesel::r2d2::Pool;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// Migrations compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

pub use connection_url::with_connection_defaults;
pub use pool::{DbConnection, DbPool, PgConnectionManager, TRUSTED_FOR};

/// A connection of its own to `database_url`, with defmatch's connection
/// defaults (`with_connection_defaults`), for the tasks that run outside
/// the pool: migrations, the command-line tasks.
pub fn establish(database_url: &str) -> diesel::ConnectionResult<PgConnection> {
    diesel::Connection::establish(&with_connection_defaults(database_url))
}

/// Builds a pool without connecting yet, so the process can start (and
/// answer `/readyz` with 503) while the database is still down.
pub fn build_pool(database_url: &str, max_size: u32) -> DbPool {
    build_pool_with_timeout(database_url, max_size, DEFAULT_CHECKOUT_TIMEOUT)
}

/// A request waits at most this long for a connection before it is answered
/// 503: better a quick refusal than a hung client. One second: a database
/// that answers gives a connection in milliseconds, and load balancers and
/// probes commonly give up after a few seconds.
pub const DEFAULT_CHECKOUT_TIMEOUT: Duration = Duration::from_secs(1);

/// The readiness probe waits at most this long for a connection, so that
/// `/readyz` answers 503 well within a one-second probe timeout.
pub const READINESS_CHECKOUT_TIMEOUT: Duration = Duration::from_millis(500);

/// Like [`build_pool`], with the longest wait for a connection.
pub fn build_pool_with_timeout(
    database_url: &str,
    max_size: u32,
    checkout_timeout: Duration,
) -> DbPool {
    let manager = PgConnectionManager::new(with_connection_defaults(database_url));
    Pool::builder()
        .max_size(max_size)
        .min_idle(Some(0))
        .connection_timeout(checkout_timeout)
        // Connections that died with a database restart are dropped on
        // checkout instead of failing the request that got them, once
        // their last test is a second old (`pool::TRUSTED_FOR`).
        .test_on_check_out(true)
        .build_unchecked(manager)
}

/// Applies every pending migration; returns the versions applied.
///
/// With nothing pending it writes nothing, so a server that connects as a
/// role without CREATE on the schema (the production grants in
/// docs/decisions.md, "Audit trail") starts once the owner has migrated.
///
/// Replicas that start together on a new database take turns under
/// [`SETUP_LOCK_KEY`]: the first migrates, the others wait for it and then
/// find nothing pending (two at once collide in the catalogue and one fails).
pub fn run_migrations(connection: &mut PgConnection) -> anyhow::Result<Vec<String>> {
    with_setup_lock(connection, |connection| {
        let applied = if has_pending_migrations(connection)? {
            connection
                .run_pending_migrations(MIGRATIONS)
                .map_err(|error| anyhow::anyhow!("{error}"))
                .context("failed to run database migrations")?
                .iter()
                .map(ToString::to_string)
                .collect()
        } else {
            Vec::new()
        };
        // Cards written by an older redaction (or before there was one) are
        // redacted again, so that no start-up shows more than the current rules allow.
        let refreshed = startups::refresh_stale_redactions(connection)
            .context("failed to redact the start-up cards again")?;
        if refreshed > 0 {
            tracing::info!(refreshed, "redacted start-up cards again");
        }
        let rewritten = questions::refresh_stale_redactions(connection)
            .context("failed to redact the start-ups' questions again")?;
        if rewritten > 0 {
            tracing::info!(rewritten, "redacted start-ups' questions again");
        }
        Ok(applied)
    })
}

/// Key of the advisory lock under which one process at a time sets the
/// database up: migrations, and the demo seed.
pub const SETUP_LOCK_KEY: i64 = 0x6465_666d_7375; // "defmsu"

/// Runs `work` holding the session-level setup lock, waiting for it while
/// another process holds it; the lock is released whatever `work` returns.
pub fn with_setup_lock<T>(
    connection: &mut PgConnection,
    work: impl FnOnce(&mut PgConnection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    use diesel::sql_types::BigInt;
    use diesel::RunQueryDsl;

    diesel::sql_query("SELECT pg_advisory_lock($1)")
        .bind::<BigInt, _>(SETUP_LOCK_KEY)
        .execute(connection)
        .context("failed to take the setup lock")?;
    let outcome = work(connection);
    let unlocked = diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<BigInt, _>(SETUP_LOCK_KEY)
        .execute(connection)
        .context("failed to release the setup lock");
    let value = outcome?;
    unlocked?;
    Ok(value)
}

/// Whether the database lacks migrations this binary knows.
///
/// Reads diesel's bookkeeping table with a plain SELECT: diesel's own check
/// first creates that table if it is missing, which needs CREATE on the
/// schema, a right the server role should not have.
pub fn has_pending_migrations(connection: &mut PgConnection) -> anyhow::Result<bool> {
    use diesel::migration::MigrationSource;
    use diesel::sql_types::{Bool, Text};
    use diesel::RunQueryDsl;

    #[derive(diesel::QueryableByName)]
    struct AppliedVersion {
        #[diesel(sql_type = Text)]
        version: String,
    }

    let known = MigrationSource::<diesel::pg::Pg>::migrations(&MIGRATIONS)
        .map_err(|error| anyhow::anyhow!("{error}"))
        .context("failed to list the embedded migrations")?;
    let bookkeeping_exists = diesel::select(diesel::dsl::sql::<Bool>(
        "to_regclass('__diesel_schema_migrations') IS NOT NULL",
    ))
    .get_result::<bool>(connection)
    .context("failed to look for the migrations table")?;
    if !bookkeeping_exists {
        return Ok(!known.is_empty());
    }
    let applied: std::collections::HashSet<String> =
        diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
            .load::<AppliedVersion>(connection)
            .context("failed to read the applied migrations")?
            .into_iter()
            .map(|applied| applied.version)
            .collect();
    Ok(known
        .iter()
        .any(|migration| !applied.contains(&migration.name().version().to_string())))
}

/// Offset pagination, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: i64,
    pub size: i64,
}

impl Page {
    /// Rows to skip.
    pub fn offset(self) -> i64 {
        (self.number - 1) * self.size
    }
}

/// A page of rows and the number of rows on all pages together.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub rows: Vec<T>,
    pub total: i64,
}

/// Escapes `%`, `_` and `\` so user text matches literally in `ILIKE`.
pub fn like_pattern(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 2);
    escaped.push('%');
    for character in text.chars() {
        if matches!(character, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped.push('%');
    escaped
}
