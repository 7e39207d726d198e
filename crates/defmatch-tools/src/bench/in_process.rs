//! In-process timings: the engine called directly, one call after another
//! on one thread, as a request's search work runs on its blocking thread.
//! This is the engine's own service time, without HTTP, the database or
//! any queue in front of it.

use std::time::Instant;

use defmatch::cli::progress_bar;
use defmatch::domain::challenge::ChallengeStatus;
use defmatch::domain::policy::Viewer;
use defmatch::search::document::ChallengeDocument;
use defmatch::search::engine::SearchEngine;
use defmatch::search::filters::{ChallengeFilters, StartupFilters};
use defmatch::search::query::parse_query;
use defmatch::search::text_search::{HitPage, SearchSort};

use super::sample::SampledStartup;
use super::stats::LatencySummary;

/// Untimed calls before a series: the first ones fault the index's pages
/// in and fill the term caches.
const WARM_UP_CALLS: usize = 50;

/// Timings of one series, and how many calls found nothing (a series of
/// empty answers would time nothing worth knowing).
#[derive(Debug, Clone, Copy, Default)]
pub struct Series {
    pub latency: LatencySummary,
    pub empty_answers: usize,
}

/// The filters of `GET /startups/{id}/matches` without parameters.
pub fn default_match_filters() -> ChallengeFilters {
    ChallengeFilters {
        statuses: vec![ChallengeStatus::Open, ChallengeStatus::Published],
        ..ChallengeFilters::default()
    }
}

/// Start-up → challenges, the matches endpoint's work.
pub fn match_challenges(
    engine: &SearchEngine,
    viewer: &Viewer,
    startups: &[SampledStartup],
    limit: usize,
) -> anyhow::Result<Series> {
    let filters = default_match_filters();
    time_each("matching in-process", startups, |startup| {
        Ok(engine
            .match_challenges(
                &startup.document,
                &viewer.challenge_scope(),
                &filters,
                limit,
            )?
            .len())
    })
}

/// Challenge → start-ups, as an admin asks it.
pub fn match_startups(
    engine: &SearchEngine,
    challenges: &[ChallengeDocument],
    limit: usize,
) -> anyhow::Result<Series> {
    time_each("reverse in-process", challenges, |challenge| {
        Ok(engine
            .match_startups(challenge, &StartupFilters::default(), limit)?
            .len())
    })
}

/// Free-text search over challenges, relevance order, first page.
pub fn search_challenges(
    engine: &SearchEngine,
    viewer: &Viewer,
    queries: &[&String],
    limit: usize,
) -> anyhow::Result<Series> {
    let page = HitPage {
        sort: SearchSort::Relevance,
        offset: 0,
        limit,
    };
    time_each("search in-process", queries, |text| {
        let query = parse_query(text).map_err(|error| anyhow::anyhow!("`{text}`: {error}"))?;
        let hits = engine
            .search_challenges(
                &viewer.challenge_scope(),
                &ChallengeFilters::default(),
                &query,
                page,
            )
            .map_err(|error| anyhow::anyhow!("`{text}`: {error}"))?;
        Ok(hits.hits.len())
    })
}

/// Times `work` (which answers how many results it found) on each item,
/// one after another, after a short warm-up.
fn time_each<T>(
    label: &str,
    items: &[T],
    mut work: impl FnMut(&T) -> anyhow::Result<usize>,
) -> anyhow::Result<Series> {
    for item in items.iter().take(WARM_UP_CALLS) {
        work(item)?;
    }
    let bar = progress_bar(label);
    bar.set_length(items.len() as u64);
    let mut latencies = Vec::with_capacity(items.len());
    let mut empty_answers = 0;
    for item in items {
        let started = Instant::now();
        let found = work(item)?;
        latencies.push(started.elapsed());
        if found == 0 {
            empty_answers += 1;
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(Series {
        latency: LatencySummary::of(latencies),
        empty_answers,
    })
}
