//! `defmatch-tools bench-listing`: the anonymous challenge list under load.
//! Many anonymous clients filter `GET /api/v1/challenges?q=` while one
//! signed-in client reads challenges; what counts is the signed-in call's
//! p99 (the target: under 50 ms with 30 anonymous clients on 16k
//! challenges). The run is made twice on the same data: with the trigram
//! index behind `q`, then after dropping it, which is how the filter ran
//! before the index (an ILIKE over every row).

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use defmatch::cli::import_file;
use defmatch::import::RecordKind;
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde::Serialize;

use super::app::{create_users_and_log_in, BenchServer};
use super::http_client::{query_value, HttpClient};
use super::load::{get_ok, run_clients, LoadReport};
use super::random::SplitMix64;
use super::{generate, queries, sample, WorkDirectory, SEED};
use crate::scratch::ScratchDatabase;

/// What to load and how hard.
#[derive(Debug, Clone)]
pub struct ListingOptions {
    pub challenges: usize,
    /// Anonymous clients on the list.
    pub anonymous_clients: usize,
    /// Counted seconds of each run (after a one-second warm-up).
    pub seconds: u64,
}

/// One run: the anonymous list and the signed-in reads side by side.
#[derive(Debug, Clone, Serialize)]
pub struct ListingRun {
    pub anonymous_p50_ms: f64,
    pub anonymous_p99_ms: f64,
    pub anonymous_rps: f64,
    pub anonymous_errors: usize,
    pub signed_in_p50_ms: f64,
    pub signed_in_p99_ms: f64,
    pub signed_in_rps: f64,
    pub signed_in_errors: usize,
}

/// The figures of the scenario.
#[derive(Debug, Clone, Serialize)]
pub struct ListingReport {
    pub challenges: usize,
    pub anonymous_clients: usize,
    pub seconds: u64,
    /// The signed-in reads alone, without anonymous load.
    pub signed_in_alone_p50_ms: f64,
    pub signed_in_alone_p99_ms: f64,
    /// With the trigram index (as migrated).
    pub with_index: ListingRun,
    /// After `DROP INDEX challenges_text_trigram`: the filter as it was.
    pub without_index: ListingRun,
}

/// Server connections, as `DATABASE_POOL_SIZE` defaults.
const SERVER_POOL_SIZE: u32 = 10;
/// Start-ups generated beside the challenges (the list does not read them).
const STARTUPS: usize = 200;
/// Challenges the signed-in client reads at random.
const SAMPLED_CHALLENGES: usize = 500;
/// Distinct `q` values of the anonymous clients.
const DISTINCT_FILTERS: usize = 300;

/// Generates and imports the data, starts the server and makes both runs.
pub fn run(server_url: &str, options: &ListingOptions) -> anyhow::Result<ListingReport> {
    let work = WorkDirectory::create()?;
    let scratch = ScratchDatabase::create(server_url, "defmatch_listing")?;
    let mut connection = PgConnection::establish(&scratch.url)
        .context("failed to connect to the scratch database")?;
    eprintln!("generating and importing {} challenges", options.challenges);
    let files = generate::write_data_set(
        &work.0,
        STARTUPS,
        options.challenges,
        SEED,
        chrono::Utc::now(),
    )?;
    import_file(
        &mut connection,
        &files.challenges,
        RecordKind::Challenges,
        "challenges",
    )?;
    import_file(
        &mut connection,
        &files.startups,
        RecordKind::Startups,
        "start-ups",
    )?;
    diesel::sql_query("ANALYZE").execute(&mut connection)?;

    let pool = defmatch::db::build_pool(&scratch.url, SERVER_POOL_SIZE);
    let mut search = defmatch::server::start_search(&work.0.join("index"), &pool)?;
    // The semantic model trains once after start; wait, so that its work
    // does not fall into the timed runs.
    search
        .engine
        .index()
        .wait_for_semantic_model(Duration::from_secs(900));
    let server = BenchServer::start_over(pool.clone(), &scratch.url, search.engine.clone())?;
    let tokens = create_users_and_log_in(&mut connection, server.address)?;

    let mut random = SplitMix64::new(SEED ^ 0x0115_7126);
    let read_paths: Vec<String> =
        sample::challenges(&mut connection, SAMPLED_CHALLENGES, &mut random)?
            .iter()
            .map(|challenge| format!("/api/v1/challenges/{}", challenge.id))
            .collect();
    let list_paths: Vec<String> = filter_words(&mut random)
        .iter()
        .map(|word| format!("/api/v1/challenges?q={}", query_value(word)))
        .collect();
    let duration = Duration::from_secs(options.seconds.max(1));
    eprintln!("signed-in reads alone for {} s", duration.as_secs());
    let alone = get_loop(
        server.address,
        Some(&tokens.admin),
        &read_paths,
        1,
        duration,
    )?;
    eprintln!(
        "with the index: {} anonymous clients and one signed-in client for {} s",
        options.anonymous_clients,
        duration.as_secs()
    );
    let with_index = side_by_side(
        server.address,
        &tokens.admin,
        &read_paths,
        &list_paths,
        options,
    )?;
    diesel::sql_query("DROP INDEX challenges_text_trigram").execute(&mut connection)?;
    diesel::sql_query("ANALYZE challenges").execute(&mut connection)?;
    eprintln!("without the index: the same");
    let without_index = side_by_side(
        server.address,
        &tokens.admin,
        &read_paths,
        &list_paths,
        options,
    )?;

    server.stop()?;
    search.stop();
    drop(pool);
    drop(connection);
    drop(scratch);
    Ok(ListingReport {
        challenges: options.challenges,
        anonymous_clients: options.anonymous_clients,
        seconds: options.seconds,
        signed_in_alone_p50_ms: alone.latency.p50_ms,
        signed_in_alone_p99_ms: alone.latency.p99_ms,
        with_index,
        without_index,
    })
}

/// Single words of the generated search queries, as people filter a list.
pub(super) fn filter_words(random: &mut SplitMix64) -> Vec<String> {
    let mut words: Vec<String> = queries::short_queries(DISTINCT_FILTERS, random)
        .iter()
        .flat_map(|query| {
            query
                .split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|word| word.chars().filter(|c| c.is_alphanumeric()).count() >= 3)
        .collect();
    words.sort();
    words.dedup();
    words
}

/// The anonymous list and the signed-in reads at the same time.
fn side_by_side(
    address: SocketAddr,
    token: &str,
    read_paths: &[String],
    list_paths: &[String],
    options: &ListingOptions,
) -> anyhow::Result<ListingRun> {
    let duration = Duration::from_secs(options.seconds.max(1));
    let (anonymous, signed_in) = std::thread::scope(|scope| {
        let anonymous = scope.spawn(|| {
            get_loop(
                address,
                None,
                list_paths,
                options.anonymous_clients,
                duration,
            )
        });
        let signed_in = get_loop(address, Some(token), read_paths, 1, duration);
        let anonymous = anonymous
            .join()
            .map_err(|_| anyhow::anyhow!("the anonymous clients panicked"))?;
        anyhow::Ok((anonymous?, signed_in?))
    })?;
    Ok(ListingRun {
        anonymous_p50_ms: anonymous.latency.p50_ms,
        anonymous_p99_ms: anonymous.latency.p99_ms,
        anonymous_rps: anonymous.requests_per_second,
        anonymous_errors: anonymous.errors,
        signed_in_p50_ms: signed_in.latency.p50_ms,
        signed_in_p99_ms: signed_in.latency.p99_ms,
        signed_in_rps: signed_in.requests_per_second,
        signed_in_errors: signed_in.errors,
    })
}

/// `clients` clients GET random paths of `paths`; any answer but 200 is
/// an error (counted, and the first one printed).
fn get_loop(
    address: SocketAddr,
    token: Option<&str>,
    paths: &[String],
    clients: usize,
    duration: Duration,
) -> anyhow::Result<LoadReport> {
    let report = run_clients(
        clients,
        duration,
        SEED,
        || Ok(HttpClient::new(address)),
        |client, random| get_ok(client, random.pick::<String>(paths), token),
    )?;
    if let Some(error) = &report.first_error {
        eprintln!("{} request(s) failed; first: {error}", report.errors);
    }
    Ok(report)
}
