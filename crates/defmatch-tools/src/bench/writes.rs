//! `defmatch-tools bench-writes`: write throughput. A number of writers,
//! each with a connection of its own, create challenges and change
//! start-up profiles through the API for a fixed time, one write after
//! another; every write records a search-outbox change in its transaction,
//! so this measures what the outbox's ordering costs writers.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{bail, Context};
use chrono::Utc;
use defmatch::domain::challenge::{ChallengeContent, ChallengeInput};
use defmatch::domain::startup::{StartupInput, StartupProfile};
use diesel::{Connection, PgConnection};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::app::{create_user, create_users_and_log_in, log_in, BenchServer, Credentials};
use super::http_client::HttpClient;
use super::load::{checked, run_clients};
use super::{seconds_since, WorkDirectory, SEED};
use crate::scratch::ScratchDatabase;

/// Where the writes go in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WritePath {
    /// Through the API of the real server, as users write.
    Http,
    /// Straight through the database layer (the same transactions, without
    /// HTTP, JSON and authentication), to see what the database side allows.
    Database,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// Concurrent writers.
    pub writers: usize,
    /// Counted seconds (after a one-second warm-up).
    pub seconds: u64,
    pub path: WritePath,
}

/// What the run measured.
#[derive(Debug, Clone, Serialize)]
pub struct WriteReport {
    pub path: WritePath,
    pub writers: usize,
    pub seconds: u64,
    /// Successful writes per second in the counted window.
    pub writes_per_second: f64,
    pub write_p50_ms: f64,
    pub write_p99_ms: f64,
    pub writes: usize,
    pub errors: usize,
    /// Rows in the search outbox at the end of the run.
    pub outbox_rows: i64,
    /// Rows left after the index caught up and a retention pass with a
    /// one-second period ran a second later.
    pub outbox_rows_after_retention: i64,
    pub setup_seconds: f64,
}

/// One writer: its start-up's profile (and that profile's version) and the
/// procurement officer's token its challenges are posted with.
pub(super) struct Writer {
    client: HttpClient,
    procurement_token: String,
    startup_login: Credentials,
    startup_token: String,
    startup_id: Uuid,
    version: i64,
    writes: u64,
}

/// A start-up account in a start-up company of its own (created in the
/// database, as an admin would: self-registration waits for a confirmed
/// address) that creates its profile through the API; returns its token,
/// profile id and the profile's version.
fn register_startup(
    connection: &mut PgConnection,
    client: &mut HttpClient,
    number: usize,
) -> anyhow::Result<(Credentials, String, Uuid, i64)> {
    let tag = Uuid::new_v4().simple().to_string();
    let company = writer_company(connection, number)?;
    let login = create_user(
        connection,
        &format!("writer-{number}-{}", &tag[..8]),
        defmatch::domain::account::Role::Startup,
        Some(company),
    )?;
    let token = log_in(client, &login)?;
    let profile = json!({
        "name": format!("Bench writer {number}"),
        "kvk_number": format!("{:08}", 10_000_000 + number * 7919),
        "website": "https://writer.example",
        "description": "Passive radar for small drone detection, written by the benchmark.",
        "technologies": ["autonomy-drones", "imaging-sensing"],
        "keywords": ["radar", "C-UAS"],
        "province": "NL-NH",
        "country": "NL",
        "city": "Haarlem",
        "trl": 6,
        "employees": 12,
        "founded_year": 2020,
        "dual_use": true,
        "abdo_clearance": null,
        "export_control_categories": [],
        "contact_name": "Bench Writer",
        "contact_email": "writer@writer.example",
        "contact_phone": "+31 20 555 0100"
    });
    let created = client.post_json("/api/v1/startups", Some(&token), None, &profile)?;
    if created.status != 201 {
        bail!(
            "creating a profile answered {}: {}",
            created.status,
            created.text()
        );
    }
    let id = created.json()?["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .context("the created profile has no id")?;
    Ok((login, token, id, etag_version(&created)?))
}

/// The start-up company of writer `number`; returns its id.
fn writer_company(connection: &mut PgConnection, number: usize) -> anyhow::Result<Uuid> {
    use defmatch::db::organisations::{self, NewOrganisation};
    use defmatch::domain::account::OrganisationKind;
    let company = organisations::insert(
        connection,
        &NewOrganisation {
            kind: OrganisationKind::StartupCompany,
            name: &format!("Bench writer {number}"),
            rom: None,
        },
    )?;
    Ok(company.id)
}

fn etag_version(response: &super::http_client::HttpResponse) -> anyhow::Result<i64> {
    response
        .header("etag")
        .and_then(|etag| etag.trim_start_matches("W/").trim_matches('"').parse().ok())
        .context("the answer has no numeric ETag")
}

impl Writer {
    /// A writer of a start-up of its own (number `number`) on a connection
    /// of its own to `address`.
    pub(super) fn register(
        connection: &mut PgConnection,
        address: std::net::SocketAddr,
        procurement_token: &str,
        number: usize,
    ) -> anyhow::Result<Writer> {
        let mut client = HttpClient::new(address);
        let (login, startup_token, startup_id, version) =
            register_startup(connection, &mut client, number)?;
        Ok(Writer {
            client,
            procurement_token: procurement_token.to_owned(),
            startup_login: login,
            startup_token,
            startup_id,
            version,
            writes: 0,
        })
    }

    /// Takes a new procurement token and logs the start-up in again, before
    /// their access tokens expire.
    pub(super) fn log_in_again(&mut self, procurement_token: &str) -> anyhow::Result<()> {
        self.procurement_token = procurement_token.to_owned();
        self.startup_token = log_in(&mut self.client, &self.startup_login)?;
        Ok(())
    }
}

/// One write: even writes post a challenge, odd ones change the profile.
pub(super) fn write_once(writer: &mut Writer) -> anyhow::Result<()> {
    writer.writes += 1;
    let response = if writer.writes % 2 == 0 {
        writer.client.post_json(
            "/api/v1/challenges",
            Some(&writer.procurement_token),
            None,
            &challenge_body(&format!("Write benchmark challenge {}", writer.writes)),
        )?
    } else {
        writer.client.patch_json(
            &format!("/api/v1/startups/{}", writer.startup_id),
            Some(&writer.startup_token),
            writer.version,
            &json!({"description": format!(
                "Passive radar for small drone detection, revision {}.",
                writer.writes
            )}),
        )?
    };
    if !matches!(response.status, 200 | 201) {
        bail!("a write answered {}: {}", response.status, response.text());
    }
    if response.status == 200 {
        writer.version = etag_version(&response)?;
    }
    Ok(())
}

/// Runs the write benchmark against the PostgreSQL server of `server_url`.
pub fn run(server_url: &str, options: &WriteOptions) -> anyhow::Result<WriteReport> {
    let started = std::time::Instant::now();
    let setup_seconds;
    let work = WorkDirectory::create()?;
    let scratch = ScratchDatabase::create(server_url, "defmatch_bench_writes")?;
    let mut connection = PgConnection::establish(&scratch.url)
        .context("failed to connect to the scratch database")?;
    let writers = options.writers.max(1);
    // As many connections as writers, and the server's usual ten at least.
    let pool = defmatch::db::build_pool(&scratch.url, (writers as u32 + 2).max(10));
    let mut search = defmatch::server::start_search(&work.0.join("index"), &pool)?;
    let server = BenchServer::start_over(pool.clone(), &scratch.url, search.engine.clone())?;
    let tokens = create_users_and_log_in(&mut connection, server.address)?;
    let duration = Duration::from_secs(options.seconds.max(1));
    let next = AtomicUsize::new(0);
    let report = if options.path == WritePath::Http {
        let mut accounts = Vec::with_capacity(writers);
        let mut client = HttpClient::new(server.address);
        for number in 0..writers {
            accounts.push(register_startup(&mut connection, &mut client, number)?);
        }
        setup_seconds = seconds_since(started);
        eprintln!(
            "writes: {writers} writer(s) through the API for {} s (challenges and profile changes)",
            options.seconds
        );
        run_clients(
            writers,
            duration,
            SEED,
            || {
                let (startup_login, startup_token, startup_id, version) =
                    accounts[next.fetch_add(1, Ordering::SeqCst)].clone();
                Ok(Writer {
                    client: HttpClient::new(server.address),
                    procurement_token: tokens.procurement.clone(),
                    startup_login,
                    startup_token,
                    startup_id,
                    version,
                    writes: 0,
                })
            },
            |writer, _| write_once(writer),
        )?
    } else {
        let workload = DatabaseWorkload::create(&mut connection, writers)?;
        setup_seconds = seconds_since(started);
        eprintln!(
            "writes: {writers} writer(s) through the database layer for {} s",
            options.seconds
        );
        run_clients(
            writers,
            duration,
            SEED,
            || {
                Ok(DatabaseWriter {
                    connection: PgConnection::establish(&scratch.url)?,
                    startup: next.fetch_add(1, Ordering::SeqCst),
                    writes: 0,
                })
            },
            |writer, _| workload.write_once(writer),
        )?
    };
    let report = checked("writes", report)?;
    let outbox_rows = defmatch::db::outbox::row_count(&mut connection)?;
    // Once the index has applied every write, and every row is a second
    // old, a retention pass with a one-second period deletes every row this
    // replica (the only one, just seen) has passed.
    let last = defmatch::db::outbox::last_position(&mut connection)?;
    let caught_up_by = std::time::Instant::now() + Duration::from_secs(60);
    while search.engine.index().visible_position() < last
        && std::time::Instant::now() < caught_up_by
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(1100));
    let index = search.engine.index();
    defmatch::search::indexer::record_position(
        index,
        &mut connection,
        index.committed_position().unwrap_or(0),
    )?;
    let retention =
        defmatch::db::search_replicas::apply_retention(&mut connection, Duration::from_secs(1))?;
    server.stop()?;
    search.stop();
    drop(pool);
    drop(connection);
    drop(scratch);
    Ok(WriteReport {
        path: options.path,
        writers,
        seconds: options.seconds,
        writes_per_second: super::round(report.requests_per_second, 1),
        write_p50_ms: report.latency.p50_ms,
        write_p99_ms: report.latency.p99_ms,
        writes: report.latency.count,
        errors: report.errors,
        outbox_rows,
        outbox_rows_after_retention: retention.remaining,
        setup_seconds,
    })
}

/// The rows the database-layer writers write: one challenge content, one
/// start-up profile per writer (rewritten over and over) and the defence
/// organisation the challenges belong to.
struct DatabaseWorkload {
    organisation_id: Uuid,
    challenge: ChallengeContent,
    startups: Vec<(Uuid, StartupProfile)>,
}

/// One database-layer writer: its connection and its start-up (by number).
struct DatabaseWriter {
    connection: PgConnection,
    startup: usize,
    writes: u64,
}

impl DatabaseWorkload {
    fn create(connection: &mut PgConnection, writers: usize) -> anyhow::Result<Self> {
        use defmatch::db::organisations::{self, NewOrganisation};
        use defmatch::domain::account::OrganisationKind;
        let organisation_id = organisations::insert(
            connection,
            &NewOrganisation {
                kind: OrganisationKind::Defence,
                name: "Write benchmark office",
                rom: None,
            },
        )?
        .id;
        let challenge: ChallengeInput =
            serde_json::from_value(challenge_body("Write benchmark challenge"))?;
        let challenge = challenge
            .validate()
            .map_err(|error| anyhow::anyhow!("the benchmark challenge is invalid: {error:?}"))?;
        let mut startups = Vec::with_capacity(writers);
        for number in 0..writers {
            let organisation = writer_company(connection, number)?;
            let input: StartupInput = serde_json::from_value(json!({
                "name": format!("Bench writer {number}"),
                "kvk_number": format!("{:08}", 10_000_000 + number * 7919),
                "description": "Passive radar for small drone detection, written by the benchmark.",
                "technologies": ["autonomy-drones"],
                "province": "NL-NH",
                "country": "NL",
                "trl": 6
            }))?;
            let validated = input
                .validate_now()
                .map_err(|error| anyhow::anyhow!("the benchmark profile is invalid: {error:?}"))?;
            let id = defmatch::db::startups::insert(connection, organisation, None, &validated)?.id;
            startups.push((id, validated));
        }
        Ok(DatabaseWorkload {
            organisation_id,
            challenge,
            startups,
        })
    }

    /// One write, in one transaction: even writes insert a challenge, odd
    /// ones rewrite the writer's profile.
    fn write_once(&self, writer: &mut DatabaseWriter) -> anyhow::Result<()> {
        use defmatch::db::challenges::{self, ChallengeOrigin};
        use defmatch::domain::challenge::ChallengeStatus;
        writer.writes += 1;
        let even = writer.writes % 2 == 0;
        let (startup_id, profile) = &self.startups[writer.startup];
        writer
            .connection
            .transaction::<_, anyhow::Error, _>(|connection| {
                if even {
                    let origin = ChallengeOrigin {
                        organisation_id: self.organisation_id,
                        created_by: None,
                        external_id: None,
                        status: ChallengeStatus::Draft,
                    };
                    challenges::insert(connection, &origin, &self.challenge)?;
                } else {
                    defmatch::db::startups::replace_profile(connection, *startup_id, profile)?;
                }
                Ok(())
            })
    }
}

/// The challenge each write posts: open for a month from tomorrow.
fn challenge_body(title: &str) -> serde_json::Value {
    let now = Utc::now();
    json!({
        "title": title,
        "summary": "A challenge the write benchmark posts.",
        "description": "Detect small drones near barracks, day and night.",
        "desired_outcome": "A demonstrator at TRL 6.",
        "technologies": ["autonomy-drones"],
        "keywords": ["C-UAS"],
        "preferred_provinces": [],
        "trl_min": 4,
        "trl_max": 7,
        "pre_release_at": (now - chrono::Duration::days(1)).to_rfc3339(),
        "opens_at": (now + chrono::Duration::days(1)).to_rfc3339(),
        "closes_at": (now + chrono::Duration::days(30)).to_rfc3339(),
        "visibility": "public",
        "abdo_required": false
    })
}
