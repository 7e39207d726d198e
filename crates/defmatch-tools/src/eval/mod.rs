//! `defmatch-tools eval`: ranking quality on a benchmark directory. The data goes
//! through the real import path into a scratch database and a temporary
//! index, and is ranked by the same engine the API uses. The relevance
//! pairs are read only to score the run, never to rank.

pub mod baseline;
pub mod cross_validation;
pub mod feedback;
pub mod folds;
pub mod grid;
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
use defmatch::search::ranking::{weights, RankingWeights};
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
        email_verified: true,
        rom: None,
    })
}

/// The benchmark loaded through the production path: a scratch database,
/// a temporary index with its semantic model, and the documents to rank.
pub struct LoadedBenchmark {
    scratch: ScratchDatabase,
    index: Arc<SearchIndex>,
    index_directory: std::path::PathBuf,
    startup_documents: Vec<StartupDocument>,
    challenge_documents: Vec<ChallengeDocument>,
    startup_external: HashMap<Uuid, String>,
    challenge_external: HashMap<Uuid, String>,
    /// The organisation of every start-up and challenge: marks are theirs.
    startup_organisations: HashMap<Uuid, Uuid>,
    challenge_organisations: HashMap<Uuid, Uuid>,
    pub rejected_records: usize,
    pub import_seconds: f64,
}

/// Ranked results per query (external ids), with their scores.
pub type ScoredRankings = HashMap<String, Vec<(String, f32)>>;

/// Which tasks to rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tasks {
    Both,
    OnlyA,
    OnlyB,
}

impl LoadedBenchmark {
    /// Imports `data_dir` into a scratch database on `server_url`, builds
    /// the index and trains the semantic view, as a server would.
    pub fn load(server_url: &str, data_dir: &Path) -> anyhow::Result<Self> {
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
        let startup_external = startup_rows
            .iter()
            .filter_map(|row| Some((row.id, row.external_id.clone()?)))
            .collect();
        let challenge_external = challenge_rows
            .iter()
            .filter_map(|row| Some((row.id, row.external_id.clone()?)))
            .collect();
        let startup_organisations = startup_rows
            .iter()
            .map(|row| (row.id, row.organisation_id))
            .collect();
        let challenge_organisations = challenge_rows
            .iter()
            .map(|row| (row.id, row.organisation_id))
            .collect();
        Ok(LoadedBenchmark {
            scratch,
            index: Arc::new(index),
            index_directory,
            startup_documents: startup_rows.iter().map(StartupDocument::from_row).collect(),
            challenge_documents: challenge_rows
                .iter()
                .map(ChallengeDocument::from_row)
                .collect(),
            startup_external,
            challenge_external,
            startup_organisations,
            challenge_organisations,
            rejected_records: rejected,
            import_seconds,
        })
    }

    /// The scratch database the benchmark was imported into.
    pub fn database_url(&self) -> &str {
        &self.scratch.url
    }

    /// The challenge with benchmark id `external`.
    pub fn challenge_id(&self, external: &str) -> Option<Uuid> {
        self.challenge_external
            .iter()
            .find_map(|(id, name)| (name == external).then_some(*id))
    }

    /// The start-up with benchmark id `external`.
    pub fn startup_id(&self, external: &str) -> Option<Uuid> {
        self.startup_external
            .iter()
            .find_map(|(id, name)| (name == external).then_some(*id))
    }

    /// Number of start-ups and challenges loaded.
    pub fn sizes(&self) -> (usize, usize) {
        (self.startup_documents.len(), self.challenge_documents.len())
    }

    /// Ranks every query of `tasks` with the API's engine under `weights`,
    /// keeping `depth` results: task A is `match_challenges` for every
    /// start-up, as an admin, over open and published challenges; task B
    /// is `match_startups` for every challenge.
    pub fn rank(
        &self,
        weights: RankingWeights,
        tasks: Tasks,
        depth: usize,
    ) -> anyhow::Result<(ScoredRankings, ScoredRankings)> {
        let engine = SearchEngine::with_weights(self.index.clone(), weights);
        let viewer = everyone();
        let challenge_filters = ChallengeFilters {
            statuses: vec![ChallengeStatus::Open, ChallengeStatus::Published],
            ..ChallengeFilters::default()
        };
        let startups: &[StartupDocument] = match tasks {
            Tasks::OnlyB => &[],
            _ => &self.startup_documents,
        };
        let challenges: &[ChallengeDocument] = match tasks {
            Tasks::OnlyA => &[],
            _ => &self.challenge_documents,
        };
        let bar = progress_bar("ranking");
        bar.set_length((startups.len() + challenges.len()) as u64);
        let task_a = parallel_map(startups, |document| {
            let ranked = engine.match_challenges(
                document,
                &viewer.challenge_scope(),
                &challenge_filters,
                depth,
            );
            bar.inc(1);
            ranked.map(|matches| {
                let scored = matches
                    .into_iter()
                    .map(|m| (m.id, m.explanation.score))
                    .collect::<Vec<_>>();
                (document.id, scored)
            })
        })?;
        let task_b = parallel_map(challenges, |document| {
            let ranked = engine.match_startups(document, &StartupFilters::default(), depth);
            bar.inc(1);
            ranked.map(|matches| {
                let scored = matches
                    .into_iter()
                    .map(|m| (m.id, m.explanation.score))
                    .collect::<Vec<_>>();
                (document.id, scored)
            })
        })?;
        bar.finish_and_clear();
        Ok((
            to_external(&task_a, &self.startup_external, &self.challenge_external),
            to_external(&task_b, &self.challenge_external, &self.startup_external),
        ))
    }
}

impl Drop for LoadedBenchmark {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.index_directory);
    }
}

fn to_external(
    ranked: &[(Uuid, Vec<(Uuid, f32)>)],
    query_names: &HashMap<Uuid, String>,
    result_names: &HashMap<Uuid, String>,
) -> ScoredRankings {
    ranked
        .iter()
        .filter_map(|(query, results)| {
            let results = results
                .iter()
                .filter_map(|(id, score)| Some((result_names.get(id)?.clone(), *score)))
                .collect();
            Some((query_names.get(query)?.clone(), results))
        })
        .collect()
}

/// Result ids only, best first.
pub fn ids_only(scored: &ScoredRankings) -> HashMap<String, Vec<String>> {
    scored
        .iter()
        .map(|(query, ranked)| {
            (
                query.clone(),
                ranked.iter().map(|(id, _)| id.clone()).collect(),
            )
        })
        .collect()
}

/// Runs the evaluation on `data_dir` with the production weights and writes the run file.
pub fn run(server_url: &str, data_dir: &Path, run_out: &Path) -> anyhow::Result<EvalReport> {
    let benchmark = LoadedBenchmark::load(server_url, data_dir)?;
    let rank_started = Instant::now();
    let (scored_a, scored_b) = benchmark.rank(*weights(), Tasks::Both, metrics::CUTOFF)?;
    let rank_seconds = rank_started.elapsed().as_secs_f64();
    write_run(run_out, &scored_a, &scored_b)?;
    let (rankings_a, rankings_b) = (ids_only(&scored_a), ids_only(&scored_b));
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
    let (startups, challenges) = benchmark.sizes();
    Ok(EvalReport {
        startups,
        challenges,
        rejected_records: benchmark.rejected_records,
        import_seconds: benchmark.import_seconds,
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
pub fn write_run(
    path: &Path,
    rankings_a: &ScoredRankings,
    rankings_b: &ScoredRankings,
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

/// Relevant documents per query.
pub type Relevance = HashMap<String, HashSet<String>>;

/// Reads `qrels.tsv`: task A's and task B's relevance.
pub fn read_qrels(path: &Path) -> anyhow::Result<(Relevance, Relevance)> {
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
