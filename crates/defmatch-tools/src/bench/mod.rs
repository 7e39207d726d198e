//! `defmatch-tools bench`: speed at a realistic size. It generates start-ups and
//! challenges, loads them through the real import path into a scratch
//! database, builds the index, starts the real server in this process and
//! measures, side by side: matching and search in-process, the same over
//! HTTP under concurrent load, a PostgreSQL full-text baseline under the
//! same load, the delay from a write to search, and the memory used.

pub mod app;
pub mod cpu;
pub mod freshness;
pub mod generate;
pub mod http_client;
pub mod in_process;
pub mod listing;
pub mod load;
pub mod postgres_fts;
mod prepare;
pub mod queries;
pub mod random;
pub mod sample;
pub mod soak;
pub mod stats;
pub mod vocabulary;
pub mod writes;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use defmatch::domain::account::Role;
use defmatch::domain::policy::{Member, Viewer};
use defmatch::search::engine::SearchEngine;
use serde::Serialize;
use uuid::Uuid;

use self::app::{create_users_and_log_in, BenchServer};
use self::http_client::HttpClient;
use self::in_process::Series;
use self::load::{http_gets, postgres_queries, LoadReport};
use self::prepare::{Loading, Prepared, WorkDirectory, Workload};
use self::random::SplitMix64;
use self::stats::LatencySummary;

/// Seed of the generated data and of every random choice of the run.
const SEED: u64 = 20_260_301;
/// Results per match or search, as a first page shows.
const RESULTS: usize = 10;
/// Start-ups whose matches are timed in-process.
const INPROCESS_STARTUPS: usize = 2000;
/// Challenges whose start-up matches are timed in-process.
const INPROCESS_CHALLENGES: usize = 500;
/// Search queries timed in-process.
const INPROCESS_SEARCHES: usize = 2000;
/// Start-ups the load generators pick from (HTTP and PostgreSQL alike).
const LOAD_STARTUPS: usize = 5000;
/// Distinct short search queries.
const DISTINCT_QUERIES: usize = 500;
/// Challenges created and opened to time write to searchable.
const WRITES: usize = 50;
/// Database connections of the server, as `DATABASE_POOL_SIZE` defaults.
const SERVER_POOL_SIZE: u32 = 10;

/// What to generate and how hard to push.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub startups: usize,
    pub challenges: usize,
    /// Concurrent clients of the load generators.
    pub concurrency: usize,
    /// Counted seconds of each load run (after a one-second warm-up).
    pub seconds: u64,
}

/// What the benchmark measured. Times in milliseconds unless named
/// otherwise; rps counts successful requests per second.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub startups: usize,
    pub challenges: usize,
    pub rejected_records: usize,
    pub concurrency: usize,
    pub seconds: u64,
    pub generate_seconds: f64,
    /// The import alone: reading the files, validating, and writing the
    /// rows with their outbox entries.
    pub import_seconds: f64,
    /// The full index build from the database, after the import.
    pub index_seconds: f64,
    /// The index directory on disk after the build.
    pub index_mb: f64,
    /// The scratch database after the import (`pg_database_size`), before
    /// the baseline's column and index are added.
    pub database_mb: f64,
    /// The baseline's generated `tsvector` column and GIN index.
    pub pg_fts_setup_seconds: f64,
    pub match_inprocess_p50_ms: f64,
    pub match_inprocess_p99_ms: f64,
    /// Timed matches that found no challenge at all.
    pub match_inprocess_empty_answers: usize,
    pub match_startups_inprocess_p50_ms: f64,
    pub match_startups_inprocess_p99_ms: f64,
    pub search_inprocess_p50_ms: f64,
    pub search_inprocess_p99_ms: f64,
    /// Timed searches that found nothing.
    pub search_inprocess_empty_answers: usize,
    pub match_http_p50_ms: f64,
    pub match_http_p99_ms: f64,
    pub match_http_rps: f64,
    pub match_http_errors: usize,
    /// The matches endpoint with one client: its latency without a queue.
    pub match_http_one_client_p50_ms: f64,
    pub match_http_one_client_p99_ms: f64,
    pub match_http_one_client_rps: f64,
    pub search_http_p50_ms: f64,
    pub search_http_p99_ms: f64,
    pub search_http_rps: f64,
    pub search_http_errors: usize,
    /// The server's CPU milliseconds per request (process CPU less the
    /// clients' threads, over the counted window); null without `/proc`.
    pub match_http_cpu_ms_per_request: Option<f64>,
    pub match_http_one_client_cpu_ms_per_request: Option<f64>,
    pub search_http_cpu_ms_per_request: Option<f64>,
    /// The same two figures (8 clients) in microseconds, under the names
    /// issue 12 asked for.
    pub cpu_us_per_match_request: Option<f64>,
    pub cpu_us_per_search_request: Option<f64>,
    /// search_http_cpu_ms_per_request / search_inprocess_p50_ms: what the
    /// HTTP path costs beyond the search itself.
    pub search_http_cpu_vs_inprocess: Option<f64>,
    /// Null when no query of the baseline ended within the window: at a
    /// million start-ups one match query outlasts a few seconds.
    pub pg_fts_p50_ms: Option<f64>,
    pub pg_fts_p99_ms: Option<f64>,
    pub pg_fts_rps: f64,
    pub pg_fts_search_p50_ms: Option<f64>,
    pub pg_fts_search_p99_ms: Option<f64>,
    pub pg_fts_search_rps: f64,
    /// match_http_rps / pg_fts_rps.
    pub match_http_vs_pg_fts_rps: f64,
    /// search_http_rps / pg_fts_search_rps.
    pub search_http_vs_pg_fts_rps: f64,
    pub write_to_searchable_p50_ms: f64,
    pub write_to_searchable_p99_ms: f64,
    /// Highest resident set of the whole run (VmHWM), import included.
    pub peak_rss_mb: f64,
    /// Resident set after the load runs, with the server still up (VmRSS),
    pub serving_rss_mb: f64,
    /// of which anonymous memory (RssAnon: heaps, caches),
    pub serving_rss_anon_mb: f64,
    /// and mapped file pages (RssFile: the index's files, the binary).
    pub serving_rss_file_mb: f64,
}

/// The benchmark's admin as the engine sees them: every challenge visible.
fn admin_viewer() -> Viewer {
    Viewer::Member(Member {
        user_id: Uuid::nil(),
        role: Role::Admin,
        organisation_id: None,
        vetted: true,
        email_verified: true,
        rom: None,
    })
}

/// Notes on stderr how much memory the process holds after `phase`, so
/// that the peak can be traced to the phase that reached it.
fn note_memory(phase: &str) {
    if let Some(memory) = stats::memory() {
        eprintln!(
            "memory after {phase}: {:.0} MB resident ({:.0} MB anonymous, {:.0} MB mapped files), peak {:.0} MB",
            memory.current, memory.anonymous, memory.file, memory.peak
        );
    }
}

/// Seconds since `started`, for the report.
fn seconds_since(started: Instant) -> f64 {
    round(started.elapsed().as_secs_f64(), 2)
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10_f64.powi(decimals);
    (value * scale).round() / scale
}

/// The latency of a run in which some request ended.
fn ended(report: &LoadReport) -> Option<&LatencySummary> {
    (report.latency.count > 0).then_some(&report.latency)
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        round(numerator / denominator, 2)
    } else {
        0.0
    }
}

/// The in-process series.
struct InProcessFigures {
    matches: Series,
    reverse_matches: Series,
    searches: Series,
}

/// The load runs over HTTP and against PostgreSQL.
struct LoadFigures {
    match_http: LoadReport,
    match_http_one_client: LoadReport,
    search_http: LoadReport,
    pg_fts: LoadReport,
    pg_fts_search: LoadReport,
}

/// Runs the benchmark against the PostgreSQL server of `server_url`.
pub fn run(server_url: &str, options: &BenchOptions) -> anyhow::Result<BenchReport> {
    let mut prepared = Prepared::load(server_url, "defmatch_bench", options)?;
    let engine = prepared.search.engine.clone();
    let viewer = admin_viewer();
    let mut random = SplitMix64::new(SEED ^ 0x5A4D_91E5);
    let workload = prepared.workload(&mut random)?;
    note_memory("opening the index and sampling");
    let in_process = measure_in_process(&engine, &viewer, &workload)?;
    note_memory("the in-process runs");

    let server =
        BenchServer::start_over(prepared.pool.clone(), &prepared.scratch.url, engine.clone())?;
    let tokens = create_users_and_log_in(&mut prepared.connection, server.address)?;
    let load = measure_under_load(
        server.address,
        &tokens.admin,
        &prepared.scratch.url,
        &workload,
        options,
    )?;
    let mut client = HttpClient::new(server.address);
    let write_delays = freshness::measure(
        &mut client,
        &tokens.procurement,
        &engine,
        &viewer,
        WRITES,
        &mut random,
    )?;
    drop(client);
    note_memory("the load runs and writes");
    let memory = stats::memory().unwrap_or_default();

    server.stop()?;
    let loading = prepared.finish();
    Ok(BenchReport::assemble(
        options,
        &loading,
        &in_process,
        &load,
        LatencySummary::of(write_delays),
        memory,
    ))
}

fn measure_in_process(
    engine: &SearchEngine,
    viewer: &Viewer,
    workload: &Workload,
) -> anyhow::Result<InProcessFigures> {
    eprintln!("timing the engine in-process");
    let startups = &workload.startups[..INPROCESS_STARTUPS.min(workload.startups.len())];
    let queries: Vec<&String> = workload
        .queries
        .iter()
        .cycle()
        .take(INPROCESS_SEARCHES)
        .collect();
    Ok(InProcessFigures {
        matches: in_process::match_challenges(engine, viewer, startups, RESULTS)?,
        reverse_matches: in_process::match_startups(engine, &workload.challenges, RESULTS)?,
        searches: in_process::search_challenges(engine, viewer, &queries, RESULTS)?,
    })
}

/// The HTTP runs (as the admin of `token`), then the PostgreSQL baseline
/// with the same number of clients, one after the other.
fn measure_under_load(
    address: SocketAddr,
    token: &str,
    database_url: &str,
    workload: &Workload,
    options: &BenchOptions,
) -> anyhow::Result<LoadFigures> {
    let clients = options.concurrency.max(1);
    let duration = Duration::from_secs(options.seconds.max(1));
    let match_paths = workload.match_paths();
    let search_paths = workload.search_paths();
    let match_texts: Vec<&str> = workload
        .startups
        .iter()
        .map(|startup| startup.any_of.as_str())
        .collect();
    let query_texts: Vec<&str> = workload.queries.iter().map(String::as_str).collect();
    let http = |label: &str, paths: &[String], clients: usize| {
        http_gets(label, address, token, paths, clients, duration, SEED)
    };
    let postgres = |label: &str, texts: &[&str], query: postgres_fts::Query| {
        postgres_queries(label, database_url, texts, query, clients, duration, SEED)
    };
    Ok(LoadFigures {
        match_http: http("HTTP matches", &match_paths, clients)?,
        match_http_one_client: http("HTTP matches, one client", &match_paths, 1)?,
        search_http: http("HTTP search", &search_paths, clients)?,
        pg_fts: postgres(
            "PostgreSQL FTS matches",
            &match_texts,
            postgres_fts::match_challenges,
        )?,
        pg_fts_search: postgres(
            "PostgreSQL FTS search",
            &query_texts,
            postgres_fts::search_challenges,
        )?,
    })
}

impl BenchReport {
    fn assemble(
        options: &BenchOptions,
        loading: &Loading,
        in_process: &InProcessFigures,
        load: &LoadFigures,
        write_to_searchable: LatencySummary,
        memory: stats::Memory,
    ) -> Self {
        let rps = |report: &LoadReport| round(report.requests_per_second, 1);
        let cpu_ms = |report: &LoadReport| report.server_cpu_ms_per_request.map(|ms| round(ms, 3));
        let cpu_us = |report: &LoadReport| {
            report
                .server_cpu_ms_per_request
                .map(|ms| round(ms * 1000.0, 1))
        };
        BenchReport {
            startups: options.startups,
            challenges: options.challenges,
            rejected_records: loading.rejected_records,
            concurrency: options.concurrency.max(1),
            seconds: options.seconds.max(1),
            generate_seconds: loading.generate_seconds,
            import_seconds: loading.import_seconds,
            index_seconds: loading.index_seconds,
            index_mb: loading.index_mb,
            database_mb: loading.database_mb,
            pg_fts_setup_seconds: loading.pg_fts_setup_seconds,
            match_inprocess_p50_ms: in_process.matches.latency.p50_ms,
            match_inprocess_p99_ms: in_process.matches.latency.p99_ms,
            match_inprocess_empty_answers: in_process.matches.empty_answers,
            match_startups_inprocess_p50_ms: in_process.reverse_matches.latency.p50_ms,
            match_startups_inprocess_p99_ms: in_process.reverse_matches.latency.p99_ms,
            search_inprocess_p50_ms: in_process.searches.latency.p50_ms,
            search_inprocess_p99_ms: in_process.searches.latency.p99_ms,
            search_inprocess_empty_answers: in_process.searches.empty_answers,
            match_http_p50_ms: load.match_http.latency.p50_ms,
            match_http_p99_ms: load.match_http.latency.p99_ms,
            match_http_rps: rps(&load.match_http),
            match_http_errors: load.match_http.errors,
            match_http_one_client_p50_ms: load.match_http_one_client.latency.p50_ms,
            match_http_one_client_p99_ms: load.match_http_one_client.latency.p99_ms,
            match_http_one_client_rps: rps(&load.match_http_one_client),
            search_http_p50_ms: load.search_http.latency.p50_ms,
            search_http_p99_ms: load.search_http.latency.p99_ms,
            search_http_rps: rps(&load.search_http),
            search_http_errors: load.search_http.errors,
            match_http_cpu_ms_per_request: cpu_ms(&load.match_http),
            match_http_one_client_cpu_ms_per_request: cpu_ms(&load.match_http_one_client),
            search_http_cpu_ms_per_request: cpu_ms(&load.search_http),
            cpu_us_per_match_request: cpu_us(&load.match_http),
            cpu_us_per_search_request: cpu_us(&load.search_http),
            search_http_cpu_vs_inprocess: load
                .search_http
                .server_cpu_ms_per_request
                .map(|cpu| ratio(cpu, in_process.searches.latency.p50_ms)),
            pg_fts_p50_ms: ended(&load.pg_fts).map(|latency| latency.p50_ms),
            pg_fts_p99_ms: ended(&load.pg_fts).map(|latency| latency.p99_ms),
            pg_fts_rps: rps(&load.pg_fts),
            pg_fts_search_p50_ms: ended(&load.pg_fts_search).map(|latency| latency.p50_ms),
            pg_fts_search_p99_ms: ended(&load.pg_fts_search).map(|latency| latency.p99_ms),
            pg_fts_search_rps: rps(&load.pg_fts_search),
            match_http_vs_pg_fts_rps: ratio(
                load.match_http.requests_per_second,
                load.pg_fts.requests_per_second,
            ),
            search_http_vs_pg_fts_rps: ratio(
                load.search_http.requests_per_second,
                load.pg_fts_search.requests_per_second,
            ),
            write_to_searchable_p50_ms: write_to_searchable.p50_ms,
            write_to_searchable_p99_ms: write_to_searchable.p99_ms,
            peak_rss_mb: round(memory.peak, 1),
            serving_rss_mb: round(memory.current, 1),
            serving_rss_anon_mb: round(memory.anonymous, 1),
            serving_rss_file_mb: round(memory.file, 1),
        }
    }
}
