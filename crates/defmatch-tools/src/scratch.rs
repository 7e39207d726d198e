//! Scratch databases for `eval` and `bench`: created on the server of
//! `DATABASE_URL`, migrated, and dropped afterwards, so the data of the
//! main database is never touched.

use anyhow::Context;
use diesel::{Connection, PgConnection, RunQueryDsl};

/// `url` with its database name replaced by `database`.
pub fn with_database(url: &str, database: &str) -> String {
    let (without_query, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = without_query.find("://").map_or(0, |index| index + 3);
    let base = match without_query[scheme_end..].find('/') {
        Some(slash) => &without_query[..scheme_end + slash],
        None => without_query,
    };
    match query {
        Some(query) => format!("{base}/{database}?{query}"),
        None => format!("{base}/{database}"),
    }
}

/// A migrated database that is dropped when this value is dropped.
pub struct ScratchDatabase {
    server_url: String,
    pub name: String,
    pub url: String,
}

impl ScratchDatabase {
    /// Creates `<prefix>_<random>` on the server of `server_url` and migrates it.
    /// Its connections take the server's defaults (no TLS to this host), so
    /// that the bench's import and baseline pay what the server pays.
    pub fn create(server_url: &str, prefix: &str) -> anyhow::Result<Self> {
        let server_url = &defmatch::db::with_connection_defaults(server_url);
        let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
        let mut admin =
            PgConnection::establish(server_url).context("failed to connect to DATABASE_URL")?;
        diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .with_context(|| {
                format!("failed to create scratch database {name} (the role needs CREATEDB)")
            })?;
        let scratch = ScratchDatabase {
            server_url: server_url.to_owned(),
            url: with_database(server_url, &name),
            name,
        };
        let mut connection = PgConnection::establish(&scratch.url)?;
        defmatch::db::run_migrations(&mut connection)?;
        Ok(scratch)
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let dropped = PgConnection::establish(&self.server_url).and_then(|mut admin| {
            diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin)
            .map_err(|error| diesel::ConnectionError::BadConnection(error.to_string()))
        });
        if let Err(error) = dropped {
            tracing::warn!(database = %self.name, %error, "failed to drop scratch database");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/defmatch?sslmode=disable", "scratch"),
            "postgres://u:p@h:5432/scratch?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h", "scratch"),
            "postgres://h/scratch"
        );
    }
}
