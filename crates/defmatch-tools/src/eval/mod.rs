//! `defmatch-tools eval`: ranking quality on a benchmark directory. The data goes
//! through the real import path into a scratch database and a temporary
//! index, and is ranked by the same engine the API uses. The relevance
//! pairs are read only to score the run, never to rank.

pub mod metrics;

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use defmatch::cli::{import_file, progress_bar};
use defmatch::db::{challenges, startups};
use defmatch::domain::account::Role;
use defmatch::domain::challenge::ChallengeStatus;
use defmatch::domain::policy::{Member, Viewer};
use defmatch::import::RecordKind;
use defmatch::search::document::{ChallengeDocument, StartupDocument};
use defmatch::search::engine::SearchEngine;
use defmatch::search::filters::{ChallengeFilters, StartupFilters};
use defmatch::search::index::SearchIndex;
use defmatch::search::indexer::rebuild;
use diesel::{Connection, PgConnection};
use serde::Serialize;
use uuid::Uuid;

use self::metrics::{score, TaskMetrics};
use crate::scratch::ScratchDatabase;

/// What the evaluation found.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub startups: usize,
    pub challenges: usize,
    pub rejected_records: usize,
    pub import_seconds: f64,
    pub rank_seconds: f64,
    pub task_a: Option<TaskMetrics>,
    pub task_b: Option<TaskMetrics>,
}

fn everyone() -> Viewer {
    Viewer::Member(Member {
        user_id: Uuid::nil(),
        role: Role::Admin,
        organisation_id: None,
        vetted: true,
        rom: None,
    })
}

/// Runs the evaluation on `data_dir` and writes the run file.
pub fn run(server_url: &str, data_dir: &Path, run_out: &Path) -> anyhow::Result<EvalReport> {
    let scratch = ScratchDatabase::create(server_url, "defmatch_eval")?;
    let mut connection = PgConnection::establish(&scratch.url)?;
    let import_started = Instant::now();
    let mut rejected = import_file(
        &mut connection,
        &data_dir.join("challenges.jsonl"),
        RecordKind::Challenges,
        "challenges",
    )?;
    rejected += import_file(
        &mut connection,
        &data_dir.join("startups.jsonl"),
        RecordKind::Startups,
        "start-ups",
    )?;
    let index_directory =
        std::env::temp_dir().join(format!("defmatch-eval-{}", Uuid::new_v4().simple()));
    let (index, _) = SearchIndex::open(&index_directory)?;
    let bar = progress_bar("indexing");
    rebuild(&index, &mut connection, &|done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    // As the server's follower would, before any match is asked for.
    index.train_semantic_model()?;
    let import_seconds = import_started.elapsed().as_secs_f64();

    let startup_rows = load_all(&mut connection, startups::page_after)?;
    let challenge_rows = load_all(&mut connection, challenges::page_after)?;
    let startup_external: HashMap<Uuid, String> = startup_rows
        .iter()
        .filter_map(|row| Some((row.id, row.external_id.clone()?)))
        .collect();
    let challenge_external: HashMap<Uuid, String> = challenge_rows
        .iter()
        .filter_map(|row| Some((row.id, row.external_id.clone()?)))
        .collect();

    let engine = SearchEngine::new(Arc::new(index));
    let rank_started = Instant::now();
    let viewer = everyone();
    let challenge_filters = ChallengeFilters {
        statuses: vec![ChallengeStatus::Open, ChallengeStatus::Published],
        ..ChallengeFilters::default()
    };
    let startup_documents: Vec<StartupDocument> =
        startup_rows.iter().map(StartupDocument::from_row).collect();
    let challenge_documents: Vec<ChallengeDocument> = challenge_rows
        .iter()
        .map(ChallengeDocument::from_row)
        .collect();
    let bar = progress_bar("ranking");
    bar.set_length((startup_documents.len() + challenge_documents.len()) as u64);
    let task_a = parallel_map(&startup_documents, |document| {
        let ranked = engine.match_challenges(
            document,
            &viewer.challenge_scope(),
            &challenge_filters,
            metrics::CUTOFF,
        );
        bar.inc(1);
        ranked.map(|matches| {
            (
                document.id,
                matches
                    .into_iter()
                    .map(|m| (m.id, m.explanation.score))
                    .collect::<Vec<_>>(),
            )
        })
    })?;
    let task_b = parallel_map(&challenge_documents, |document| {
        let ranked = engine.match_startups(document, &StartupFilters::default(), metrics::CUTOFF);
        bar.inc(1);
        ranked.map(|matches| {
            (
                document.id,
                matches
                    .into_iter()
                    .map(|m| (m.id, m.explanation.score))
                    .collect::<Vec<_>>(),
            )
        })
    })?;
    bar.finish_and_clear();
    let rank_seconds = rank_started.elapsed().as_secs_f64();

    let to_external =
        |ranked: &[(Uuid, f32)], names: &HashMap<Uuid, String>| -> Vec<(String, f32)> {
            ranked
                .iter()
                .filter_map(|(id, score)| Some((names.get(id)?.clone(), *score)))
                .collect()
        };
    let scored_a: HashMap<String, Vec<(String, f32)>> = task_a
        .iter()
        .filter_map(|(id, ranked)| {
            Some((
                startup_external.get(id)?.clone(),
                to_external(ranked, &challenge_external),
            ))
        })
        .collect();
    let scored_b: HashMap<String, Vec<(String, f32)>> = task_b
        .iter()
        .filter_map(|(id, ranked)| {
            Some((
                challenge_external.get(id)?.clone(),
                to_external(ranked, &startup_external),
            ))
        })
        .collect();
    write_run(run_out, &scored_a, &scored_b)?;
    let ids_only = |scored: &HashMap<String, Vec<(String, f32)>>| -> HashMap<String, Vec<String>> {
        scored
            .iter()
            .map(|(query, ranked)| {
                (
                    query.clone(),
                    ranked.iter().map(|(id, _)| id.clone()).collect(),
                )
            })
            .collect()
    };
    let (rankings_a, rankings_b) = (ids_only(&scored_a), ids_only(&scored_b));
    let _ = std::fs::remove_dir_all(&index_directory);

    let qrels = data_dir.join("qrels.tsv");
    let (task_a_metrics, task_b_metrics) = if qrels.exists() {
        let (relevant_a, relevant_b) = read_qrels(&qrels)?;
        (
            Some(score(&relevant_a, &rankings_a)),
            Some(score(&relevant_b, &rankings_b)),
        )
    } else {
        (None, None)
    };
    Ok(EvalReport {
        startups: startup_rows.len(),
        challenges: challenge_rows.len(),
        rejected_records: rejected,
        import_seconds,
        rank_seconds,
        task_a: task_a_metrics,
        task_b: task_b_metrics,
    })
}

fn load_all<T: HasId>(
    connection: &mut PgConnection,
    page_after: fn(&mut PgConnection, Uuid, i64) -> diesel::QueryResult<Vec<T>>,
) -> anyhow::Result<Vec<T>> {
    let mut rows = Vec::new();
    let mut after = Uuid::nil();
    loop {
        let page = page_after(connection, after, 1000)?;
        let Some(last) = page.last() else { break };
        after = last.id();
        rows.extend(page);
    }
    Ok(rows)
}

/// Rows that can be walked by id.
pub trait HasId {
    fn id(&self) -> Uuid;
}

impl HasId for startups::StartupRow {
    fn id(&self) -> Uuid {
        self.id
    }
}

impl HasId for challenges::ChallengeRow {
    fn id(&self) -> Uuid {
        self.id
    }
}

/// Runs `work` over `items` on every core, keeping the order.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&T) -> anyhow::Result<R> + Sync,
) -> anyhow::Result<Vec<R>> {
    let threads = std::thread::available_parallelism().map_or(1, |count| count.get());
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&work).collect::<anyhow::Result<Vec<R>>>()))
            .collect();
        let mut results = Vec::with_capacity(items.len());
        for handle in handles {
            let part = handle
                .join()
                .map_err(|_| anyhow::anyhow!("a ranking thread panicked"))??;
            results.extend(part);
        }
        Ok(results)
    })
}

/// Writes the run in `score.py` format, with each match's score as the
/// optional fifth column (the alert threshold is calibrated on it).
fn write_run(
    path: &Path,
    rankings_a: &HashMap<String, Vec<(String, f32)>>,
    rankings_b: &HashMap<String, Vec<(String, f32)>>,
) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(path)
            .with_context(|| format!("failed to create {}", path.display()))?,
    );
    for (task, rankings) in [("A", rankings_a), ("B", rankings_b)] {
        let mut queries: Vec<&String> = rankings.keys().collect();
        queries.sort();
        for query in queries {
            for (position, (document, score)) in rankings[query].iter().enumerate() {
                writeln!(
                    out,
                    "{task}\t{query}\t{}\t{document}\t{score:.4}",
                    position + 1
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

type Relevance = HashMap<String, HashSet<String>>;

fn read_qrels(path: &Path) -> anyhow::Result<(Relevance, Relevance)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read {}", path.display()))?;
    let mut task_a: Relevance = HashMap::new();
    let mut task_b: Relevance = HashMap::new();
    for line in text.lines() {
        let mut parts = line.split('\t');
        let (Some(startup), Some(challenge)) = (parts.next(), parts.next()) else {
            continue;
        };
        task_a
            .entry(startup.to_owned())
            .or_default()
            .insert(challenge.to_owned());
        task_b
            .entry(challenge.to_owned())
            .or_default()
            .insert(startup.to_owned());
    }
    Ok((task_a, task_b))
}
