//! The closed-loop load generator: a number of clients, each on a thread of
//! its own with its own connection, send one request after another for a
//! fixed time and time each one. The first second is a warm-up that is not
//! counted (connections, caches and the planner settle). HTTP and the
//! PostgreSQL baseline go through the same loop, so their figures compare.

use std::net::SocketAddr;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::{Connection, PgConnection};

use super::cpu;
use super::http_client::HttpClient;
use super::random::SplitMix64;
use super::stats::LatencySummary;

/// Warm-up before the counted window.
pub const WARM_UP: Duration = Duration::from_secs(1);

/// How a load run went.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    pub latency: LatencySummary,
    /// Successful requests per second in the counted window.
    pub requests_per_second: f64,
    pub errors: usize,
    /// The first error, to tell what went wrong.
    pub first_error: Option<String>,
    /// CPU milliseconds the process spent per successful request in the
    /// counted window, not counting the clients' own threads: for an HTTP
    /// run, the server's cost of one request (`None` where `/proc` is not
    /// readable).
    pub server_cpu_ms_per_request: Option<f64>,
}

/// Runs `clients` clients for `duration` after the warm-up. Each client is
/// made by `connect` on its own thread and sends requests with `request`
/// (given a random source of its own) until the time is up.
pub fn run_clients<Client>(
    clients: usize,
    duration: Duration,
    seed: u64,
    connect: impl Fn() -> anyhow::Result<Client> + Sync,
    request: impl Fn(&mut Client, &mut SplitMix64) -> anyhow::Result<()> + Sync,
) -> anyhow::Result<LoadReport> {
    let clients = clients.max(1);
    // Every client starts its clock at the same moment, after all connected;
    // this thread too, to read the process's CPU time over the same window.
    let ready = Barrier::new(clients + 1);
    let mut process_cpu = (None, None);
    let outcomes: Vec<anyhow::Result<ClientOutcome>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients)
            .map(|number| {
                let (ready, connect, request) = (&ready, &connect, &request);
                scope.spawn(move || {
                    let connected = connect();
                    ready.wait();
                    let mut client = connected?;
                    let mut random = SplitMix64::new(seed.wrapping_add(number as u64));
                    Ok(drive(&mut client, &mut random, duration, request))
                })
            })
            .collect();
        ready.wait();
        std::thread::sleep(WARM_UP);
        process_cpu.0 = cpu::process_seconds();
        std::thread::sleep(duration);
        process_cpu.1 = cpu::process_seconds();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .map_err(|_| anyhow::anyhow!("a load client panicked"))?
            })
            .collect()
    });
    let mut latencies = Vec::new();
    let mut report = LoadReport::default();
    let mut client_cpu_seconds = Some(0.0);
    for outcome in outcomes {
        let outcome = outcome.context("a load client could not connect")?;
        client_cpu_seconds = client_cpu_seconds
            .zip(outcome.cpu_seconds)
            .map(|(sum, own)| sum + own);
        latencies.extend(outcome.latencies);
        report.errors += outcome.errors;
        if report.first_error.is_none() {
            report.first_error = outcome.first_error;
        }
    }
    report.requests_per_second = latencies.len() as f64 / duration.as_secs_f64();
    if let (Some(start), Some(end), Some(clients)) =
        (process_cpu.0, process_cpu.1, client_cpu_seconds)
    {
        if !latencies.is_empty() {
            let server = (end - start - clients).max(0.0);
            report.server_cpu_ms_per_request = Some(server * 1000.0 / latencies.len() as f64);
        }
    }
    report.latency = LatencySummary::of(latencies);
    Ok(report)
}

struct ClientOutcome {
    latencies: Vec<Duration>,
    errors: usize,
    first_error: Option<String>,
    /// The client thread's own CPU seconds in the counted window.
    cpu_seconds: Option<f64>,
}

fn drive<Client>(
    client: &mut Client,
    random: &mut SplitMix64,
    duration: Duration,
    request: impl Fn(&mut Client, &mut SplitMix64) -> anyhow::Result<()>,
) -> ClientOutcome {
    let counting_from = Instant::now() + WARM_UP;
    let deadline = counting_from + duration;
    let mut outcome = ClientOutcome {
        latencies: Vec::new(),
        errors: 0,
        first_error: None,
        cpu_seconds: None,
    };
    let mut cpu_at_start = None;
    loop {
        let started = Instant::now();
        if started >= deadline {
            outcome.cpu_seconds = cpu_at_start
                .zip(cpu::thread_seconds())
                .map(|(start, end)| end - start);
            return outcome;
        }
        if started >= counting_from && cpu_at_start.is_none() {
            cpu_at_start = cpu::thread_seconds();
        }
        let result = request(client, random);
        let took = started.elapsed();
        if started < counting_from {
            continue;
        }
        match result {
            Ok(()) => outcome.latencies.push(took),
            Err(error) => {
                outcome.errors += 1;
                if outcome.first_error.is_none() {
                    outcome.first_error = Some(format!("{error:#}"));
                }
            }
        }
    }
}

/// Fails a load run in which not one request succeeded, naming why, and
/// reports failed requests of one that otherwise ran.
pub fn checked(label: &str, report: LoadReport) -> anyhow::Result<LoadReport> {
    if report.latency.count == 0 {
        anyhow::bail!(
            "{label}: no request succeeded ({} errors; first: {})",
            report.errors,
            report.first_error.as_deref().unwrap_or("none")
        );
    }
    if let Some(error) = &report.first_error {
        eprintln!(
            "{label}: {} request(s) failed; first: {error}",
            report.errors
        );
    }
    Ok(report)
}

/// `clients` HTTP clients GET random paths of `paths` with `token`; any
/// answer but 200 counts as an error.
pub fn http_gets(
    label: &str,
    address: SocketAddr,
    token: &str,
    paths: &[String],
    clients: usize,
    duration: Duration,
    seed: u64,
) -> anyhow::Result<LoadReport> {
    eprintln!("{label}: {clients} client(s) for {} s", duration.as_secs());
    let report = run_clients(
        clients,
        duration,
        seed,
        || Ok(HttpClient::new(address)),
        |client, random| get_ok(client, random.pick::<String>(paths), Some(token)),
    )?;
    checked(label, report)
}

/// `GET path` (with `token` when given); any answer but 200 is an error.
pub fn get_ok(client: &mut HttpClient, path: &str, token: Option<&str>) -> anyhow::Result<()> {
    let response = client.get(path, token)?;
    if response.status != 200 {
        anyhow::bail!(
            "GET {path} answered {}: {}",
            response.status,
            response.text()
        );
    }
    Ok(())
}

/// `clients` PostgreSQL connections run `query` with random texts of `texts`.
pub fn postgres_queries(
    label: &str,
    database_url: &str,
    texts: &[&str],
    query: super::postgres_fts::Query,
    clients: usize,
    duration: Duration,
    seed: u64,
) -> anyhow::Result<LoadReport> {
    eprintln!(
        "{label}: {clients} connection(s) for {} s",
        duration.as_secs()
    );
    let report = run_clients(
        clients,
        duration,
        seed,
        || PgConnection::establish(database_url).context("failed to connect to PostgreSQL"),
        |connection, random| {
            let text: &&str = random.pick(texts);
            query(connection, text)?;
            Ok(())
        },
    )?;
    // The baseline may be too slow to end a query within the window; that
    // is a figure (null latency, 0 rps), not a failed run.
    if report.latency.count == 0 && report.errors == 0 {
        eprintln!("{label}: no query ended within the window");
        return Ok(report);
    }
    checked(label, report)
}
