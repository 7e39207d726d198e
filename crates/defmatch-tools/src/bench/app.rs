//! The real server, started inside the benchmark as the tests start it:
//! the same state, routes and middleware on 127.0.0.1 port 0, on an actix
//! system of its own thread, with the outbox follower running; and the
//! accounts the load generator logs in with.

use std::net::{SocketAddr, TcpListener};
use std::thread::JoinHandle;

use actix_web::dev::ServerHandle;
use anyhow::Context;
use chrono::Utc;
use defmatch::app::AppState;
use defmatch::auth::accounts::{create_account, NewAccount};
use defmatch::db::organisations::{self, NewOrganisation};
use defmatch::domain::account::{EmailAddress, NewPassword, OrganisationKind, Role};
use defmatch::server::build_server;
use diesel::PgConnection;
use serde_json::json;

use super::http_client::HttpClient;

/// A server running on a thread of its own.
pub struct BenchServer {
    pub address: SocketAddr,
    handle: ServerHandle,
    thread: Option<JoinHandle<std::io::Result<()>>>,
}

impl BenchServer {
    /// Starts the API over `pool` (of `database_url`) and `engine` on a free
    /// loopback port, with a token secret of its own run.
    pub fn start_over(
        pool: defmatch::db::DbPool,
        database_url: &str,
        engine: defmatch::search::engine::SearchEngine,
    ) -> anyhow::Result<BenchServer> {
        let auth =
            defmatch::config::AuthSettings::with_secret(secrecy::SecretString::from(format!(
                "bench-{}-{}",
                uuid::Uuid::new_v4().simple(),
                uuid::Uuid::new_v4().simple()
            )));
        let limits = defmatch::config::LoginLimits::default();
        BenchServer::start(AppState::new(pool, database_url, &auth, limits, engine))
    }

    /// Starts the API on a free loopback port.
    pub fn start(state: AppState) -> anyhow::Result<BenchServer> {
        defmatch::server::memory::start_returning_free_heap();
        let listener = TcpListener::bind("127.0.0.1:0").context("failed to bind 127.0.0.1:0")?;
        let address = listener.local_addr()?;
        let (handle_sender, handle_receiver) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("bench-server".to_owned())
            .spawn(move || {
                actix_web::rt::System::new().block_on(async move {
                    let server = build_server(state, listener)?;
                    // The receiver only goes away when start-up has failed.
                    let _ = handle_sender.send(server.handle());
                    server.await
                })
            })
            .context("failed to start the server thread")?;
        let Ok(handle) = handle_receiver.recv() else {
            let failure = match thread.join() {
                Ok(Err(error)) => format!("{error}"),
                _ => "the server thread ended early".to_owned(),
            };
            anyhow::bail!("failed to start the server: {failure}");
        };
        Ok(BenchServer {
            address,
            handle,
            thread: Some(thread),
        })
    }

    /// Stops the server gracefully and waits for its thread.
    pub fn stop(mut self) -> anyhow::Result<()> {
        actix_web::rt::System::new().block_on(self.handle.stop(true));
        if let Some(thread) = self.thread.take() {
            thread
                .join()
                .map_err(|_| anyhow::anyhow!("the server thread panicked"))?
                .context("the server failed")?;
        }
        Ok(())
    }
}

/// Bearer tokens of the benchmark's users.
pub struct BenchTokens {
    /// An admin, who may see every challenge and start-up.
    pub admin: String,
    /// A procurement officer of a defence organisation, who posts challenges.
    pub procurement: String,
}

/// An account's e-mail address and password, to log in (again) with:
/// access tokens expire after 15 minutes.
#[derive(Debug, Clone)]
pub struct Credentials {
    email: String,
    password: String,
    role: Role,
}

/// The benchmark's users, to log in with.
pub struct BenchUsers {
    pub admin: Credentials,
    pub procurement: Credentials,
}

impl BenchUsers {
    /// Creates an admin and a procurement officer (in a defence
    /// organisation of their own) in the database, as `defmatch user
    /// create` does.
    pub fn create(connection: &mut PgConnection) -> anyhow::Result<BenchUsers> {
        let organisation = organisations::insert(
            connection,
            &NewOrganisation {
                kind: OrganisationKind::Defence,
                name: "Benchmark procurement office",
                rom: None,
            },
        )
        .context("failed to create the benchmark's defence organisation")?;
        Ok(BenchUsers {
            admin: create_user(connection, "bench-admin", Role::Admin, None)?,
            procurement: create_user(
                connection,
                "bench-procurement",
                Role::Procurement,
                Some(organisation.id),
            )?,
        })
    }

    /// Logs both in through the API of the server at `server`.
    pub fn log_in(&self, server: SocketAddr) -> anyhow::Result<BenchTokens> {
        let mut client = HttpClient::new(server);
        Ok(BenchTokens {
            admin: log_in(&mut client, &self.admin)?,
            procurement: log_in(&mut client, &self.procurement)?,
        })
    }
}

/// Creates the benchmark's admin and procurement officer and logs both in
/// through the API.
pub fn create_users_and_log_in(
    connection: &mut PgConnection,
    server: SocketAddr,
) -> anyhow::Result<BenchTokens> {
    BenchUsers::create(connection)?.log_in(server)
}

/// Creates an account of `role` in the database, as `defmatch user create`
/// does (its address counts as verified).
pub fn create_user(
    connection: &mut PgConnection,
    local_part: &str,
    role: Role,
    organisation_id: Option<uuid::Uuid>,
) -> anyhow::Result<Credentials> {
    let password_text = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let password = NewPassword::try_from(password_text.clone()).map_err(anyhow::Error::msg)?;
    let email = EmailAddress::try_from(format!("{local_part}@bench.defmatch.example"))
        .map_err(anyhow::Error::msg)?;
    let account = NewAccount {
        email: &email,
        display_name: local_part,
        role,
        organisation_id,
    };
    create_account(connection, &account, &password, Utc::now())
        .with_context(|| format!("failed to create the {role} account"))?;
    Ok(Credentials {
        email: email.as_str().to_owned(),
        password: password_text,
        role,
    })
}

/// Logs `credentials` in through the API with `client`; returns the access
/// token.
pub fn log_in(client: &mut HttpClient, credentials: &Credentials) -> anyhow::Result<String> {
    let response = client.post_json(
        "/api/v1/auth/login",
        None,
        None,
        &json!({"email": credentials.email, "password": credentials.password}),
    )?;
    if response.status != 200 {
        anyhow::bail!(
            "logging in as {} answered {}: {}",
            credentials.role,
            response.status,
            response.text()
        );
    }
    response.json()?["access_token"]
        .as_str()
        .map(str::to_owned)
        .context("the login answer has no access_token")
}
