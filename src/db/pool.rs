//! The connection pool, and how it checks a connection before lending it.
//!
//! r2d2 can test every connection on checkout, so that a connection that
//! died with a database restart is dropped instead of failing the request
//! that got it. That test is a round trip (`SELECT 1`) on every checkout,
//! and a request checks out two or three connections: under the bench's
//! load it was a twentieth of the server's CPU for a match. A connection
//! tested (or opened) within the last [`TRUSTED_FOR`] is lent without a new
//! test, so a busy connection is tested about once a second.
//!
//! Coming back to the pool is not a test: diesel drops a connection whose
//! query failed because the connection broke, and a broken connection that
//! sat idle is found by the first checkout after [`TRUSTED_FOR`].

use std::ops::{Deref, DerefMut};
use std::time::{Duration, Instant};

use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, Error, ManageConnection, Pool, PooledConnection};

/// How long a tested connection is lent without a new test. A database
/// that dies within it fails the requests that get such a connection with
/// 503 (as it fails those in flight), for at most this long.
pub const TRUSTED_FOR: Duration = Duration::from_secs(1);

/// The shared connection pool.
pub type DbPool = Pool<PgConnectionManager>;
/// A connection checked out of the pool.
pub type DbConnection = PooledConnection<PgConnectionManager>;

/// Opens PostgreSQL connections, and tests them on checkout when their last
/// test is older than [`TRUSTED_FOR`].
#[derive(Debug)]
pub struct PgConnectionManager {
    connections: ConnectionManager<PgConnection>,
}

impl PgConnectionManager {
    pub fn new(database_url: impl Into<String>) -> Self {
        PgConnectionManager {
            connections: ConnectionManager::new(database_url),
        }
    }
}

/// A pooled connection, with when it was last tested.
pub struct PgPoolConnection {
    connection: PgConnection,
    tested_at: Instant,
}

impl Deref for PgPoolConnection {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        &self.connection
    }
}

impl DerefMut for PgPoolConnection {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.connection
    }
}

impl ManageConnection for PgConnectionManager {
    type Connection = PgPoolConnection;
    type Error = Error;

    fn connect(&self) -> Result<PgPoolConnection, Error> {
        Ok(PgPoolConnection {
            connection: self.connections.connect()?,
            tested_at: Instant::now(),
        })
    }

    fn is_valid(&self, pooled: &mut PgPoolConnection) -> Result<(), Error> {
        if pooled.tested_at.elapsed() < TRUSTED_FOR {
            return Ok(());
        }
        self.connections.is_valid(&mut pooled.connection)?;
        pooled.tested_at = Instant::now();
        Ok(())
    }

    fn has_broken(&self, pooled: &mut PgPoolConnection) -> bool {
        self.connections.has_broken(&mut pooled.connection)
    }
}
