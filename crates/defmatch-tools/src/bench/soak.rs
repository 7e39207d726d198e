//! `defmatch-tools bench --soak-minutes N`: the server under a steady mixed
//! load for a long time, to see whether its memory levels off. The data is
//! loaded as the benchmark loads it; then the clients read without a pause
//! (matches both ways, searches, lists, list pages and web pages) while a
//! trickle of writes (a challenge posted, a profile changed) goes in
//! between. Once a minute the run samples the process's resident set and
//! that minute's requests, latency and errors. Failed requests are counted,
//! never fatal.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::app::{BenchServer, BenchTokens, BenchUsers};
use super::http_client::{query_value, HttpClient};
use super::load::{get_ok, run_clients, LoadReport, WARM_UP};
use super::random::SplitMix64;
use super::stats::LatencySummary;
use super::writes::{write_once, Writer};
use super::{listing, note_memory, round, stats, BenchOptions, Prepared, Workload, RESULTS, SEED};

/// The first minute of the window whose resident set is the baseline of
/// the growth figure: caches and the allocator have filled by then.
pub const WARM_UP_MINUTES: u64 = 5;
/// Minutes in each window whose median resident set the growth compares.
pub const WINDOW_MINUTES: u64 = 11;
/// Growth after the warm-up that the soak still calls level (issue 12).
pub const GROWTH_LIMIT_PERCENT: f64 = 5.0;
/// One write (of any client) every this often.
const WRITE_INTERVAL: Duration = Duration::from_secs(2);
/// Pages of the paginated lists the clients ask for.
const LIST_PAGES: usize = 50;
/// Rows per page of those lists.
const PER_PAGE: usize = 20;

/// How long to soak.
#[derive(Debug, Clone)]
pub struct SoakOptions {
    pub minutes: u64,
}

/// One minute of the soak. The load of a minute counts 59 s: each minute's
/// clients connect afresh and their first second is not counted.
#[derive(Debug, Clone, Serialize)]
pub struct SoakSample {
    pub minute: u64,
    /// The process's resident set at the end of the minute (VmRSS) ...
    pub rss_mb: f64,
    /// ... of which anonymous memory (RssAnon) ...
    pub rss_anon_mb: f64,
    /// ... and mapped file pages (RssFile).
    pub rss_file_mb: f64,
    /// What the program holds from the allocator, freed memory it keeps
    /// not counted (glibc's `mallinfo2`); `None` where it cannot be read.
    pub heap_in_use_mb: Option<f64>,
    /// Requests answered 200 in the counted window.
    pub requests: usize,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Failed requests (transport errors and answers other than 200).
    pub errors: usize,
    /// Writes attempted (included in requests and errors).
    pub writes: usize,
    /// The server's CPU per request (process CPU less the clients' threads).
    pub server_cpu_ms_per_request: Option<f64>,
    /// The p99 of each kind of request this minute, its first second
    /// included: the one p99 above mixes kinds that cost very different
    /// amounts.
    pub p99_ms_by_kind: BTreeMap<&'static str, f64>,
}

/// Whether the resident set levelled off after the warm-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SoakSummary {
    /// The first and last minute of the window after the warm-up.
    pub warm_up_minutes: (u64, u64),
    /// That window's median resident set.
    pub rss_after_warm_up_mb: f64,
    /// The first and last minute of the window at the end.
    pub end_minutes: (u64, u64),
    /// That window's median resident set.
    pub rss_end_mb: f64,
    pub growth_mb: f64,
    pub growth_percent: f64,
    pub under_5_percent: bool,
}

/// What the soak measured.
#[derive(Debug, Clone, Serialize)]
pub struct SoakReport {
    pub startups: usize,
    pub challenges: usize,
    pub concurrency: usize,
    pub minutes: u64,
    pub import_seconds: f64,
    pub index_seconds: f64,
    /// The resident set with the server up, before the first request.
    pub rss_before_load_mb: f64,
    /// The highest resident set of the process (VmHWM), import included.
    pub peak_rss_mb: f64,
    pub samples: Vec<SoakSample>,
    /// Null when the soak ran for less than two minutes.
    pub summary: Option<SoakSummary>,
    /// Each kind of request's median over the minutes of its p99.
    pub median_p99_ms_by_kind: BTreeMap<&'static str, f64>,
    /// The first failed request, to tell what went wrong.
    pub first_error: Option<String>,
}

/// A kind of read: the paths it picks from, with or without a token, and
/// its share of the reads in percent.
struct Lane {
    kind: &'static str,
    share: usize,
    paths: Vec<String>,
    signed_in: bool,
}

/// The trickle of writes: whichever client finds a write due makes it,
/// with the one writer the soak registered.
struct Trickle {
    writer: Mutex<Writer>,
    started: Instant,
    /// Milliseconds after `started` when the next write is due.
    next_due_ms: AtomicU64,
    /// Writes made since the last sample.
    writes: AtomicUsize,
}

impl Trickle {
    fn new(writer: Writer) -> Self {
        Trickle {
            writer: Mutex::new(writer),
            started: Instant::now(),
            next_due_ms: AtomicU64::new(0),
            writes: AtomicUsize::new(0),
        }
    }

    /// Claims the due write, if one is due and no other client claimed it.
    fn claim(&self) -> bool {
        let now = self.started.elapsed().as_millis() as u64;
        let due = self.next_due_ms.load(Ordering::Relaxed);
        now >= due
            && self
                .next_due_ms
                .compare_exchange(
                    due,
                    now + WRITE_INTERVAL.as_millis() as u64,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_ok()
    }

    fn write(&self) -> anyhow::Result<()> {
        self.writes.fetch_add(1, Ordering::Relaxed);
        let mut writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        write_once(&mut writer)
    }
}

/// The reads of the soak, in percent. Matches of a challenge cost several
/// times a start-up's, and a page of the admin's start-up list (a count of
/// every listed start-up, and before its indexes a sort of them too) many
/// times more, so they get smaller shares; at 5 % the list alone once held
/// the clients three quarters of the time.
fn lanes(workload: &Workload, random: &mut SplitMix64) -> Vec<Lane> {
    let words = listing::filter_words(random);
    let per_word = |prefix: &str| -> Vec<String> {
        words
            .iter()
            .map(|word| format!("{prefix}{}", query_value(word)))
            .collect()
    };
    let pages = |path: &str| -> Vec<String> {
        (1..=LIST_PAGES)
            .map(|page| format!("{path}?page={page}&per_page={PER_PAGE}"))
            .collect()
    };
    let challenge_matches = workload
        .challenges
        .iter()
        .map(|challenge| {
            format!(
                "/api/v1/challenges/{}/matches?limit={RESULTS}",
                challenge.id
            )
        })
        .collect();
    let lane = |kind, share, paths, signed_in| Lane {
        kind,
        share,
        paths,
        signed_in,
    };
    vec![
        lane("start-up matches", 38, workload.match_paths(), true),
        lane("challenge matches", 10, challenge_matches, true),
        lane("search", 26, workload.search_paths(), true),
        lane(
            "anonymous challenge list ?q=",
            10,
            per_word("/api/v1/challenges?q="),
            false,
        ),
        lane("challenge list pages", 5, pages("/api/v1/challenges"), true),
        lane("start-up list pages", 1, pages("/api/v1/startups"), true),
        lane("page /challenges?q=", 5, per_word("/challenges?q="), false),
        lane("landing page", 5, vec!["/".to_owned()], false),
    ]
}

/// Logs the users in again into `tokens`, and the writer too; on failure
/// the old tokens stay.
fn renew(
    users: &BenchUsers,
    trickle: &Trickle,
    server: std::net::SocketAddr,
    tokens: &mut BenchTokens,
) -> anyhow::Result<()> {
    *tokens = users.log_in(server)?;
    let mut writer = trickle
        .writer
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    writer.log_in_again(&tokens.procurement)
}

/// A lane by its share: its place in `lanes`.
fn pick(lanes: &[Lane], random: &mut SplitMix64) -> usize {
    let total: usize = lanes.iter().map(|lane| lane.share).sum();
    let mut ticket = random.below(total.max(1));
    for (index, lane) in lanes.iter().enumerate() {
        if ticket < lane.share {
            return index;
        }
        ticket -= lane.share;
    }
    lanes.len() - 1
}

/// The kind of the soak's writes, beside the lanes' kinds.
const WRITES: &str = "writes";

/// The latencies of one minute's answered requests, by kind: each lane's,
/// then the writes'.
struct ByKind(Vec<Mutex<Vec<Duration>>>);

impl ByKind {
    fn new(lanes: &[Lane]) -> Self {
        ByKind((0..=lanes.len()).map(|_| Mutex::default()).collect())
    }

    fn record(&self, kind: usize, took: Duration) {
        if let Some(latencies) = self.0.get(kind) {
            latencies
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(took);
        }
    }

    /// Each kind's p99 in milliseconds, for the kinds that were asked.
    fn p99_ms(self, lanes: &[Lane]) -> BTreeMap<&'static str, f64> {
        let kinds = lanes.iter().map(|lane| lane.kind).chain([WRITES]);
        kinds
            .zip(self.0)
            .filter_map(|(kind, latencies)| {
                let latencies = latencies
                    .into_inner()
                    .unwrap_or_else(PoisonError::into_inner);
                (!latencies.is_empty()).then(|| (kind, LatencySummary::of(latencies).p99_ms))
            })
            .collect()
    }
}

/// Runs the soak against the PostgreSQL server of `server_url`, handing
/// each minute's sample to `on_sample` as it is taken.
pub fn run(
    server_url: &str,
    options: &BenchOptions,
    soak: &SoakOptions,
    mut on_sample: impl FnMut(&SoakSample),
) -> anyhow::Result<SoakReport> {
    let mut prepared = Prepared::load(server_url, "defmatch_soak", options)?;
    let mut random = SplitMix64::new(SEED ^ 0x50A4_0060);
    let workload = prepared.workload(&mut random)?;
    let lanes = lanes(&workload, &mut random);
    drop(workload);
    let server = BenchServer::start_over(
        prepared.pool.clone(),
        &prepared.scratch.url,
        prepared.search.engine.clone(),
    )?;
    let users = BenchUsers::create(&mut prepared.connection)?;
    let mut tokens = users.log_in(server.address)?;
    let trickle = Trickle::new(Writer::register(
        &mut prepared.connection,
        server.address,
        &tokens.procurement,
        0,
    )?);
    note_memory("starting the server");
    let rss_before_load_mb = round(stats::memory().unwrap_or_default().current, 1);
    let clients = options.concurrency.max(1);
    eprintln!(
        "soak: {clients} clients for {} minute(s), a write every {} s",
        soak.minutes,
        WRITE_INTERVAL.as_secs()
    );
    let mut samples = Vec::new();
    let mut first_error = None;
    for minute in 1..=soak.minutes {
        // Access tokens last 15 minutes: log in again each minute.
        let renewed = if minute > 1 {
            renew(&users, &trickle, server.address, &mut tokens)
        } else {
            Ok(())
        };
        let by_kind = ByKind::new(&lanes);
        let mut report = run_clients(
            clients,
            Duration::from_secs(60) - WARM_UP,
            SEED ^ minute,
            || Ok(HttpClient::new(server.address)),
            |client, random| {
                let started = Instant::now();
                let (kind, answered) = if trickle.claim() {
                    (lanes.len(), trickle.write())
                } else {
                    let index = pick(&lanes, random);
                    let lane = &lanes[index];
                    let token = lane.signed_in.then_some(tokens.admin.as_str());
                    let path = random.pick::<String>(&lane.paths);
                    (index, get_ok(client, path, token))
                };
                if answered.is_ok() {
                    by_kind.record(kind, started.elapsed());
                }
                answered
            },
        )
        .unwrap_or_else(|error| LoadReport {
            errors: 1,
            first_error: Some(format!("{error:#}")),
            ..LoadReport::default()
        });
        if let Err(error) = renewed {
            report.errors += 1;
            report.first_error.get_or_insert(format!("{error:#}"));
        }
        if first_error.is_none() {
            first_error.clone_from(&report.first_error);
        }
        let sample = SoakSample::of(
            minute,
            &report,
            trickle.writes.swap(0, Ordering::Relaxed),
            stats::memory().unwrap_or_default(),
            by_kind.p99_ms(&lanes),
        );
        on_sample(&sample);
        samples.push(sample);
    }
    let peak_rss_mb = round(stats::memory().unwrap_or_default().peak, 1);
    drop(trickle);
    server.stop()?;
    let loading = prepared.finish();
    Ok(SoakReport {
        startups: options.startups,
        challenges: options.challenges,
        concurrency: clients,
        minutes: soak.minutes,
        import_seconds: loading.import_seconds,
        index_seconds: loading.index_seconds,
        rss_before_load_mb,
        peak_rss_mb,
        summary: summarise(&samples),
        median_p99_ms_by_kind: median_p99_by_kind(&samples),
        samples,
        first_error,
    })
}

impl SoakSample {
    fn of(
        minute: u64,
        report: &LoadReport,
        writes: usize,
        memory: stats::Memory,
        p99_ms_by_kind: BTreeMap<&'static str, f64>,
    ) -> Self {
        SoakSample {
            minute,
            rss_mb: round(memory.current, 1),
            rss_anon_mb: round(memory.anonymous, 1),
            rss_file_mb: round(memory.file, 1),
            heap_in_use_mb: defmatch::server::memory::heap_in_use_bytes()
                .map(|bytes| round(bytes as f64 / (1024.0 * 1024.0), 1)),
            requests: report.latency.count,
            rps: round(report.requests_per_second, 1),
            p50_ms: report.latency.p50_ms,
            p99_ms: report.latency.p99_ms,
            errors: report.errors,
            writes,
            server_cpu_ms_per_request: report.server_cpu_ms_per_request.map(|ms| round(ms, 3)),
            p99_ms_by_kind,
        }
    }

    /// The column names of [`SoakSample::row`].
    pub fn header() -> String {
        format!(
            "{:>6} {:>9} {:>9} {:>9} {:>9} {:>7} {:>9} {:>9} {:>7} {:>7} {:>8} {:>9}",
            "minute",
            "rss MB",
            "anon MB",
            "file MB",
            "requests",
            "rps",
            "p50 ms",
            "p99 ms",
            "errors",
            "writes",
            "cpu ms",
            "heap MB"
        )
    }

    /// The sample as a line of the table.
    pub fn row(&self) -> String {
        let cpu = self
            .server_cpu_ms_per_request
            .map_or_else(|| "n/a".to_owned(), |ms| format!("{ms:.3}"));
        let heap = self
            .heap_in_use_mb
            .map_or_else(|| "n/a".to_owned(), |mb| format!("{mb:.1}"));
        format!(
            "{:>6} {:>9.1} {:>9.1} {:>9.1} {:>9} {:>7.1} {:>9.2} {:>9.2} {:>7} {:>7} {:>8} {:>9}",
            self.minute,
            self.rss_mb,
            self.rss_anon_mb,
            self.rss_file_mb,
            self.requests,
            self.rps,
            self.p50_ms,
            self.p99_ms,
            self.errors,
            self.writes,
            cpu,
            heap
        )
    }
}

/// Growth of the resident set from the window after the warm-up (minutes 5
/// to 15, or from the first minute of a shorter soak) to the window of the
/// last [`WINDOW_MINUTES`], each read as its median: the free heap goes back
/// every few seconds, so one minute's sample falls anywhere on a saw tooth.
/// The windows never share a minute. `None` with fewer than two samples.
pub fn summarise(samples: &[SoakSample]) -> Option<SoakSummary> {
    let end = samples.last()?;
    let warm_up_minute = WARM_UP_MINUTES.min(end.minute.saturating_sub(1)).max(1);
    if end.minute <= warm_up_minute {
        return None;
    }
    let end_window = (
        end.minute
            .saturating_sub(WINDOW_MINUTES - 1)
            .max(warm_up_minute + 1),
        end.minute,
    );
    let warm_up_window = (
        warm_up_minute,
        (warm_up_minute + WINDOW_MINUTES - 1).min(end_window.0 - 1),
    );
    let after_warm_up = median_rss(samples, warm_up_window)?;
    let at_end = median_rss(samples, end_window)?;
    let growth_mb = at_end - after_warm_up;
    let growth_percent = if after_warm_up > 0.0 {
        growth_mb / after_warm_up * 100.0
    } else {
        0.0
    };
    Some(SoakSummary {
        warm_up_minutes: warm_up_window,
        rss_after_warm_up_mb: round(after_warm_up, 1),
        end_minutes: end_window,
        rss_end_mb: round(at_end, 1),
        growth_mb: round(growth_mb, 1),
        growth_percent: round(growth_percent, 2),
        under_5_percent: growth_percent < GROWTH_LIMIT_PERCENT,
    })
}

/// The median resident set of the samples of minutes `first..=last`.
fn median_rss(samples: &[SoakSample], (first, last): (u64, u64)) -> Option<f64> {
    median(
        samples
            .iter()
            .filter(|sample| (first..=last).contains(&sample.minute))
            .map(|sample| sample.rss_mb)
            .collect(),
    )
}

/// Each kind of request's median over the minutes of its p99.
fn median_p99_by_kind(samples: &[SoakSample]) -> BTreeMap<&'static str, f64> {
    let mut by_kind: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
    for sample in samples {
        for (kind, p99) in &sample.p99_ms_by_kind {
            by_kind.entry(kind).or_default().push(*p99);
        }
    }
    by_kind
        .into_iter()
        .filter_map(|(kind, p99s)| Some((kind, round(median(p99s)?, 2))))
        .collect()
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    Some(if values.len() % 2 == 0 {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(minute: u64, rss_mb: f64) -> SoakSample {
        SoakSample::of(
            minute,
            &LoadReport::default(),
            0,
            stats::Memory {
                current: rss_mb,
                ..stats::Memory::default()
            },
            BTreeMap::new(),
        )
    }

    fn soak(rss_by_minute: &[f64]) -> Vec<SoakSample> {
        rss_by_minute
            .iter()
            .enumerate()
            .map(|(index, &rss)| sample(index as u64 + 1, rss))
            .collect()
    }

    #[test]
    fn growth_compares_the_medians_of_the_window_after_the_warm_up_and_the_last() {
        // A saw tooth that neither grows nor shrinks: its single samples at
        // minute 5 (a peak) and 60 (a trough) would call it a 20 % fall.
        let mut rss: Vec<f64> = (1..=60)
            .map(|minute| if minute % 2 == 1 { 200.0 } else { 160.0 })
            .collect();
        let summary = summarise(&soak(&rss)).expect("an hour has a summary");
        assert_eq!(summary.warm_up_minutes, (5, 15));
        assert_eq!(summary.end_minutes, (50, 60));
        assert_eq!(summary.rss_after_warm_up_mb, 200.0);
        assert_eq!(
            summary.rss_end_mb, 160.0,
            "minutes 50 to 60 hold six troughs"
        );
        rss[49] = 200.0;
        rss[51] = 200.0;
        let summary = summarise(&soak(&rss)).expect("an hour has a summary");
        assert_eq!(summary.rss_end_mb, 200.0);
        assert_eq!(summary.growth_percent, 0.0);
        assert!(summary.under_5_percent);
    }

    #[test]
    fn growth_of_five_per_cent_is_not_level() {
        let mut rss = vec![600.0; 30];
        rss[29] = 624.0;
        let summary = summarise(&soak(&rss)).expect("half an hour has a summary");
        assert_eq!(summary.end_minutes, (20, 30));
        assert_eq!(
            summary.growth_percent, 0.0,
            "one high minute is not the level"
        );
        rss[20..].fill(630.0);
        let summary = summarise(&soak(&rss)).expect("half an hour has a summary");
        assert_eq!(summary.growth_mb, 30.0);
        assert_eq!(summary.growth_percent, 5.0);
        assert!(!summary.under_5_percent, "5 % is not under 5 %");
    }

    #[test]
    fn a_short_soak_compares_windows_that_share_no_minute() {
        let summary = summarise(&soak(&[500.0, 560.0, 590.0, 600.0, 600.0, 610.0, 624.0]))
            .expect("seven minutes have a summary");
        assert_eq!(summary.warm_up_minutes, (5, 5));
        assert_eq!(summary.end_minutes, (6, 7));
        assert_eq!(summary.rss_end_mb, 617.0);
        assert_eq!(summary.growth_percent, 2.83);
        let summary = summarise(&soak(&[400.0, 410.0])).expect("two minutes");
        assert_eq!(summary.warm_up_minutes, (1, 1));
        assert_eq!(summary.end_minutes, (2, 2));
        assert_eq!(summary.growth_percent, 2.5);
        assert_eq!(summarise(&soak(&[400.0])), None);
        assert_eq!(summarise(&[]), None);
    }

    #[test]
    fn each_kind_of_request_has_its_own_p99_and_its_median_over_the_minutes() {
        let lane = |kind| Lane {
            kind,
            share: 1,
            paths: Vec::new(),
            signed_in: false,
        };
        let lanes = [lane("fast"), lane("slow"), lane("unasked")];
        let by_kind = ByKind::new(&lanes);
        for _ in 0..100 {
            by_kind.record(0, Duration::from_millis(2));
            by_kind.record(1, Duration::from_millis(300));
        }
        by_kind.record(3, Duration::from_millis(40));
        let p99 = by_kind.p99_ms(&lanes);
        assert_eq!(
            p99,
            BTreeMap::from([("fast", 2.0), ("slow", 300.0), (WRITES, 40.0)]),
            "a kind not asked this minute has no p99"
        );

        let minute = |number, slow| {
            let mut sample = sample(number, 100.0);
            sample.p99_ms_by_kind = BTreeMap::from([("fast", 2.0), ("slow", slow)]);
            sample
        };
        let medians = median_p99_by_kind(&[minute(1, 100.0), minute(2, 300.0), minute(3, 250.0)]);
        assert_eq!(medians, BTreeMap::from([("fast", 2.0), ("slow", 250.0)]));
    }

    #[test]
    fn lanes_are_picked_by_their_share() {
        let lanes = vec![
            Lane {
                kind: "a",
                share: 3,
                paths: vec!["/a".to_owned()],
                signed_in: true,
            },
            Lane {
                kind: "b",
                share: 1,
                paths: vec!["/b".to_owned()],
                signed_in: false,
            },
        ];
        let mut random = SplitMix64::new(1);
        let first = (0..4000)
            .filter(|_| lanes[pick(&lanes, &mut random)].paths[0] == "/a")
            .count();
        assert!((2800..3200).contains(&first), "{first} of 4000");
    }
}
