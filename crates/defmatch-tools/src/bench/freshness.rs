//! Write to searchable: how long after a procurement officer opens a
//! challenge through the API it can be found. The index learns of it only
//! through the outbox, which the follower polls, so this is the delay a
//! user would see between "open" and "findable".

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::Utc;
use defmatch::domain::challenge::ChallengeStatus;
use defmatch::domain::policy::Viewer;
use defmatch::search::engine::SearchEngine;
use defmatch::search::filters::ChallengeFilters;
use defmatch::search::query::parse_query;
use defmatch::search::text_search::{HitPage, SearchSort};
use serde_json::json;
use uuid::Uuid;

use super::http_client::HttpClient;
use super::random::SplitMix64;

/// How often the index is asked whether the challenge is there yet.
const POLL_INTERVAL: Duration = Duration::from_millis(2);
/// Longest wait before a write counts as lost.
const GIVE_UP_AFTER: Duration = Duration::from_secs(10);
/// Longest pause between two writes. Without a pause every write would
/// follow the previous one's index commit by a few milliseconds, so it
/// would always meet the follower at the start of its sleep and wait out
/// the whole poll interval; people write at random moments.
const MAX_PAUSE_MS: i64 = 250;

/// A made-up word no generated text contains, so that a search for it
/// finds only the one challenge.
fn unique_word(random: &mut SplitMix64) -> String {
    let letters: String = (0..10)
        .map(|_| char::from(b'a' + random.below(26) as u8))
        .collect();
    format!("zyqx{letters}")
}

/// Creates and opens `writes` challenges one after another through the API
/// and times, for each, from the answer to the status change until an
/// in-process search for its unique word finds it open.
pub fn measure(
    client: &mut HttpClient,
    procurement_token: &str,
    engine: &SearchEngine,
    viewer: &Viewer,
    writes: usize,
    random: &mut SplitMix64,
) -> anyhow::Result<Vec<Duration>> {
    let bar = defmatch::cli::progress_bar("write to searchable");
    bar.set_length(writes as u64);
    let mut delays = Vec::with_capacity(writes);
    for _ in 0..writes {
        std::thread::sleep(Duration::from_millis(random.between(0, MAX_PAUSE_MS) as u64));
        let word = unique_word(random);
        let (id, opened_at) = create_and_open(client, procurement_token, &word)?;
        delays.push(wait_until_found(engine, viewer, &word, id, opened_at)?);
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(delays)
}

fn create_and_open(
    client: &mut HttpClient,
    token: &str,
    word: &str,
) -> anyhow::Result<(Uuid, Instant)> {
    let now = Utc::now();
    let body = json!({
        "title": format!("Freshness probe {word}"),
        "summary": format!("A challenge the benchmark posts to time indexing ({word})."),
        "description": format!("Detect small drones near {word} barracks, day and night."),
        "desired_outcome": "A demonstrator at TRL 6.",
        "technologies": ["autonomy-drones"],
        "keywords": ["C-UAS", word],
        "preferred_provinces": [],
        "trl_min": 4,
        "trl_max": 7,
        "pre_release_at": (now - chrono::Duration::days(1)).to_rfc3339(),
        "opens_at": (now - chrono::Duration::minutes(1)).to_rfc3339(),
        "closes_at": (now + chrono::Duration::days(30)).to_rfc3339(),
        "visibility": "public",
        "abdo_required": false
    });
    let created = client.post_json("/api/v1/challenges", Some(token), None, &body)?;
    if created.status != 201 {
        bail!(
            "creating a challenge answered {}: {}",
            created.status,
            created.text()
        );
    }
    let version: i64 = created
        .header("etag")
        .and_then(|etag| etag.trim_matches('"').parse().ok())
        .context("the created challenge has no numeric ETag")?;
    let id: Uuid = created.json()?["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .context("the created challenge has no id")?;
    let opened = client.post_json(
        &format!("/api/v1/challenges/{id}/status"),
        Some(token),
        Some(version),
        &json!({"status": "open"}),
    )?;
    let opened_at = Instant::now();
    if opened.status != 200 {
        bail!(
            "opening a challenge answered {}: {}",
            opened.status,
            opened.text()
        );
    }
    Ok((id, opened_at))
}

fn wait_until_found(
    engine: &SearchEngine,
    viewer: &Viewer,
    word: &str,
    id: Uuid,
    opened_at: Instant,
) -> anyhow::Result<Duration> {
    let query = parse_query(word).map_err(|error| anyhow::anyhow!("{error}"))?;
    // Only the open challenge counts: its draft was indexed before.
    let open_only = ChallengeFilters {
        statuses: vec![ChallengeStatus::Open],
        ..ChallengeFilters::default()
    };
    let page = HitPage {
        sort: SearchSort::Relevance,
        offset: 0,
        limit: 5,
    };
    loop {
        let hits = engine
            .search_challenges(&viewer.challenge_scope(), &open_only, &query, page)
            .map_err(|error| anyhow::anyhow!("{error}"))?;
        if hits.hits.iter().any(|(hit, _)| *hit == id) {
            return Ok(opened_at.elapsed());
        }
        if opened_at.elapsed() > GIVE_UP_AFTER {
            bail!("challenge {id} was not searchable {GIVE_UP_AFTER:?} after it was opened");
        }
        std::thread::sleep(POLL_INTERVAL);
    }
}
