//! PostgreSQL, the system of record: the connection pool, the embedded
//! migrations and one module of query functions per table. Query functions
//! take a connection, not the pool, so that callers compose them inside one
//! transaction.

pub mod audit;
pub mod challenges;
pub mod dashboard;
pub mod introductions;
pub mod notifications;
pub mod organisations;
pub mod outbox;
pub mod questions;
pub mod saved_searches;
pub mod schema;
pub mod search_replicas;
pub mod sessions;
pub mod startups;
pub mod users;

use std::time::Duration;

use anyhow::Context;
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// Migrations compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// The shared connection pool.
pub type DbPool = Pool<ConnectionManager<PgConnection>>;
/// A connection checked out of the pool.
pub type DbConnection = PooledConnection<ConnectionManager<PgConnection>>;

/// Builds a pool without connecting yet, so the process can start (and
/// answer `/readyz` with 503) while the database is still down.
pub fn build_pool(database_url: &str, max_size: u32) -> DbPool {
    build_pool_with_timeout(database_url, max_size, DEFAULT_CHECKOUT_TIMEOUT)
}

/// A request waits at most this long for a connection before it is answered
/// 503: better a quick refusal than a hung client.
pub const DEFAULT_CHECKOUT_TIMEOUT: Duration = Duration::from_secs(3);

/// Like [`build_pool`], with the longest wait for a connection.
pub fn build_pool_with_timeout(
    database_url: &str,
    max_size: u32,
    checkout_timeout: Duration,
) -> DbPool {
    let manager = ConnectionManager::<PgConnection>::new(database_url);
    Pool::builder()
        .max_size(max_size)
        .min_idle(Some(0))
        .connection_timeout(checkout_timeout)
        // Connections that died with a database restart are dropped on
        // checkout instead of failing the request that got them.
        .test_on_check_out(true)
        .build_unchecked(manager)
}

/// Applies every pending migration; returns the versions applied.
///
/// With nothing pending it writes nothing, so a server that connects as a
/// role without CREATE on the schema (the production grants in
/// docs/decisions.md, "Audit trail") starts once the owner has migrated.
pub fn run_migrations(connection: &mut PgConnection) -> anyhow::Result<Vec<String>> {
    if !has_pending_migrations(connection)? {
        return Ok(Vec::new());
    }
    let applied = connection
        .run_pending_migrations(MIGRATIONS)
        .map_err(|error| anyhow::anyhow!("{error}"))
        .context("failed to run database migrations")?;
    Ok(applied.iter().map(ToString::to_string).collect())
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
