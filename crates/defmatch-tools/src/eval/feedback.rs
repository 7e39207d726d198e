//! `defmatch-tools eval --feedback-positive N --feedback-negative M`: what
//! marks do to ranking, simulated through the production code path.
//!
//! Every benchmark query is asked by a party of its own, as in production:
//! task A by a user of the start-up's organisation, task B by a procurement
//! officer of the challenge's organisation. Marks are written with
//! `app::matching::mark_*` and matches read with `app::matching::for_*`,
//! the functions behind the API (the same policy checks, card handles,
//! storage, audit and re-ranking). Marks are keyed by organisation,
//! direction and query, so challenges that share an organisation (every
//! benchmark challenge names none and shares "Imported challenges") never
//! see each other's marks, exactly as in production.
//!
//! For a query with at least N+1 relevant items, the N relevant items with
//! the smallest ids are marked interesting and the M highest-ranked
//! non-relevant items of its unmarked ranking not relevant. Both rankings
//! then leave out every marked item and are scored on the remaining
//! relevance pairs, cross-validated by firm ([`super::folds`]).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::Context;
use chrono::Utc;
use defmatch::app::{matching, AppState};
use defmatch::db::users::{self, NewUser};
use defmatch::domain::account::{EmailAddress, Role};
use defmatch::domain::mark::Mark;
use defmatch::domain::policy::{Member, Viewer};
use defmatch::domain::startup::StartupRef;
use defmatch::search::engine::SearchEngine;
use diesel::PgConnection;
use serde::Serialize;
use uuid::Uuid;

use super::folds::{signed, split, FoldQuery, FoldedTask, MeanAndError, Summary, Task};
use super::metrics::TaskMetrics;
use super::{read_qrels, write_run, LoadedBenchmark, Relevance, ScoredRankings};

/// Most results the matches API returns for one request.
const API_MOST_RESULTS: usize = 100;

/// What the simulation marks, and how deep the runs are.
#[derive(Debug, Clone, Copy)]
pub struct FeedbackOptions {
    /// Relevant items marked interesting per query (N).
    pub positive: usize,
    /// Highest-ranked non-relevant items marked not relevant per query (M).
    pub negative: usize,
    /// Results per query in the run, marked and unmarked alike.
    pub depth: usize,
    pub folds: usize,
}

/// One task's comparison on the queries that were marked.
#[derive(Debug, Clone, Serialize)]
pub struct FeedbackTaskReport {
    pub task: Task,
    /// Benchmark queries with at least N+1 relevant items, which were marked.
    pub marked_queries: usize,
    /// Fold queries scored (a task B challenge with winners in several folds counts once per fold).
    pub scored_queries: usize,
    pub unmarked: Summary,
    pub marked: Summary,
    /// Marked minus unmarked, paired by fold.
    pub ndcg_change: MeanAndError,
    pub recall_change: MeanAndError,
    pub mrr_change: MeanAndError,
}

/// What the simulation found.
#[derive(Debug, Clone, Serialize)]
pub struct FeedbackReport {
    pub positive: usize,
    pub negative: usize,
    pub depth: usize,
    pub folds: usize,
    pub tasks: Vec<FeedbackTaskReport>,
}

/// The two rankings of one query, marked items left out of both.
struct QueryOutcome {
    query: String,
    marked_items: HashSet<String>,
    unmarked: Vec<(String, f32)>,
    marked: Vec<(String, f32)>,
}

impl QueryOutcome {
    /// A query with too few relevant items to mark: ranked once, unmarked.
    fn without_marks(query: &str, ranking: Vec<(String, f32)>) -> Self {
        QueryOutcome {
            query: query.to_owned(),
            marked_items: HashSet::new(),
            marked: ranking.clone(),
            unmarked: ranking,
        }
    }

    /// A marked query: both rankings without the items that were marked.
    fn with_marks(
        query: &str,
        marks: Vec<(String, Mark)>,
        unmarked: Vec<(String, f32)>,
        marked: Vec<(String, f32)>,
    ) -> Self {
        let marked_items: HashSet<String> = marks.into_iter().map(|(id, _)| id).collect();
        QueryOutcome {
            query: query.to_owned(),
            unmarked: without(unmarked, &marked_items),
            marked: without(marked, &marked_items),
            marked_items,
        }
    }
}

/// Runs the simulation on `data_dir` and writes the marked run to `run_out`.
pub fn run(
    server_url: &str,
    data_dir: &Path,
    run_out: &Path,
    options: FeedbackOptions,
) -> anyhow::Result<FeedbackReport> {
    let qrels = data_dir.join("qrels.tsv");
    anyhow::ensure!(
        qrels.exists(),
        "--feedback-positive needs {}",
        qrels.display()
    );
    let (relevant_a, relevant_b) = read_qrels(&qrels)?;
    let (folded_a, folded_b) = split(&relevant_a, &relevant_b, options.folds);
    let benchmark = LoadedBenchmark::load(server_url, data_dir)?;
    let pool = defmatch::db::build_pool(benchmark.database_url(), 4);
    let auth = defmatch::config::AuthSettings::with_secret(secrecy::SecretString::from(format!(
        "eval-{}-{}",
        Uuid::new_v4().simple(),
        Uuid::new_v4().simple()
    )));
    let engine = SearchEngine::new(benchmark.index.clone());
    let state = AppState::new(
        pool.clone(),
        benchmark.database_url(),
        &auth,
        defmatch::config::LoginLimits::default(),
        engine,
    );
    let mut connection = pool
        .get()
        .context("no connection to the scratch database")?;
    let parties = Parties::create(&mut connection, &benchmark)?;
    drop(connection);

    // Room for the marked items and for other folds' winners, which
    // scoring takes out, past the depth of the run.
    let most_excluded = [&folded_a, &folded_b]
        .iter()
        .flat_map(|folded| folded.queries.iter().map(|query| query.excluded.len()))
        .max()
        .unwrap_or(0);
    let limit =
        (options.depth + options.positive + options.negative + most_excluded).min(API_MOST_RESULTS);

    let simulation = Simulation {
        state: &state,
        benchmark: &benchmark,
        parties: &parties,
        options,
        limit,
    };
    let (outcomes_a, outcomes_b) = actix_web::rt::System::new().block_on(async {
        let outcomes_a = simulation.task_a(&relevant_a).await?;
        let outcomes_b = simulation.task_b(&relevant_b).await?;
        anyhow::Ok((outcomes_a, outcomes_b))
    })?;

    let run_of = |outcomes: &[QueryOutcome]| -> ScoredRankings {
        outcomes
            .iter()
            .map(|outcome| {
                let mut ranked = outcome.marked.clone();
                ranked.truncate(options.depth);
                (outcome.query.clone(), ranked)
            })
            .collect()
    };
    write_run(run_out, &run_of(&outcomes_a), &run_of(&outcomes_b))?;
    Ok(FeedbackReport {
        positive: options.positive,
        negative: options.negative,
        depth: options.depth,
        folds: options.folds,
        tasks: vec![
            compare(Task::A, &folded_a, &outcomes_a),
            compare(Task::B, &folded_b, &outcomes_b),
        ],
    })
}

/// The users who ask for matches and mark them: one per start-up
/// organisation (task A) and one procurement officer per challenge
/// organisation (task B).
struct Parties {
    startup_users: HashMap<Uuid, Member>,
    procurement_users: HashMap<Uuid, Member>,
}

impl Parties {
    fn create(connection: &mut PgConnection, benchmark: &LoadedBenchmark) -> anyhow::Result<Self> {
        let mut add = |role: Role, organisation_id: Uuid| -> anyhow::Result<Member> {
            let email =
                EmailAddress::try_from(format!("eval-{}@example.invalid", Uuid::new_v4().simple()))
                    .map_err(|rule| anyhow::anyhow!("benchmark user address refused: {rule:?}"))?;
            let now = Utc::now();
            let row = users::insert(
                connection,
                &NewUser {
                    email: &email,
                    // No password hash verifies against this: nobody logs in.
                    password_hash: "!",
                    display_name: "Benchmark user",
                    role,
                    organisation_id: Some(organisation_id),
                    vetted_at: Some(now),
                    email_verified_at: Some(now),
                },
            )?;
            Ok(Member {
                user_id: row.id,
                role,
                organisation_id: Some(organisation_id),
                vetted: true,
                email_verified: true,
                rom: None,
            })
        };
        let mut startup_users = HashMap::new();
        for organisation_id in benchmark.startup_organisations.values() {
            startup_users.insert(*organisation_id, add(Role::Startup, *organisation_id)?);
        }
        let mut procurement_users = HashMap::new();
        let challenge_organisations: HashSet<Uuid> = benchmark
            .challenge_organisations
            .values()
            .copied()
            .collect();
        for organisation_id in challenge_organisations {
            procurement_users.insert(organisation_id, add(Role::Procurement, organisation_id)?);
        }
        Ok(Parties {
            startup_users,
            procurement_users,
        })
    }
}

struct Simulation<'a> {
    state: &'a AppState,
    benchmark: &'a LoadedBenchmark,
    parties: &'a Parties,
    options: FeedbackOptions,
    limit: usize,
}

/// The marks of one query: the N relevant items with the smallest ids, and
/// the M highest-ranked items of `unmarked` that are not relevant.
fn choose_marks(
    relevant: &HashSet<String>,
    unmarked: &[(String, f32)],
    options: FeedbackOptions,
) -> Vec<(String, Mark)> {
    let mut relevant_ids: Vec<&String> = relevant.iter().collect();
    relevant_ids.sort();
    let interesting = relevant_ids
        .into_iter()
        .take(options.positive)
        .map(|id| (id.clone(), Mark::Interesting));
    let rejected = unmarked
        .iter()
        .filter(|(id, _)| !relevant.contains(id))
        .take(options.negative)
        .map(|(id, _)| (id.clone(), Mark::NotRelevant));
    interesting.chain(rejected).collect()
}

fn without(ranked: Vec<(String, f32)>, marked: &HashSet<String>) -> Vec<(String, f32)> {
    ranked
        .into_iter()
        .filter(|(id, _)| !marked.contains(id))
        .collect()
}

fn app_failed(error: defmatch::app::AppError) -> anyhow::Error {
    anyhow::anyhow!("{error:?}")
}

impl Simulation<'_> {
    /// Task A: each start-up's user reads its matches, marks, and reads them again.
    async fn task_a(&self, relevant: &Relevance) -> anyhow::Result<Vec<QueryOutcome>> {
        let bar = defmatch::cli::progress_bar("task A");
        bar.set_length(self.benchmark.startup_external.len() as u64);
        let mut outcomes = Vec::new();
        let mut startups: Vec<(&Uuid, &String)> = self.benchmark.startup_external.iter().collect();
        startups.sort_by(|left, right| left.1.cmp(right.1));
        for (startup_id, external) in startups {
            bar.inc(1);
            let organisation_id = self.benchmark.startup_organisations[startup_id];
            let member = &self.parties.startup_users[&organisation_id];
            let unmarked = self.challenges_for(member, *startup_id).await?;
            let query_relevant = relevant.get(external).cloned().unwrap_or_default();
            if query_relevant.len() <= self.options.positive {
                outcomes.push(QueryOutcome::without_marks(external, unmarked));
                continue;
            }
            let marks = choose_marks(&query_relevant, &unmarked, self.options);
            for (item, mark) in &marks {
                let Some(challenge_id) = self.benchmark.challenge_id(item) else {
                    continue;
                };
                matching::mark_challenge_for_startup(
                    self.state,
                    member,
                    &StartupRef::Id(*startup_id),
                    challenge_id,
                    Some(*mark),
                )
                .await
                .map_err(app_failed)?;
            }
            let marked = self.challenges_for(member, *startup_id).await?;
            outcomes.push(QueryOutcome::with_marks(external, marks, unmarked, marked));
        }
        bar.finish_and_clear();
        Ok(outcomes)
    }

    /// Task B: each challenge's procurement officer reads its candidates
    /// (anonymous cards), marks some by their handles, and reads them again.
    async fn task_b(&self, relevant: &Relevance) -> anyhow::Result<Vec<QueryOutcome>> {
        let bar = defmatch::cli::progress_bar("task B");
        bar.set_length(self.benchmark.challenge_external.len() as u64);
        let mut outcomes = Vec::new();
        let mut challenges: Vec<(&Uuid, &String)> =
            self.benchmark.challenge_external.iter().collect();
        challenges.sort_by(|left, right| left.1.cmp(right.1));
        for (challenge_id, external) in challenges {
            bar.inc(1);
            let organisation_id = self.benchmark.challenge_organisations[challenge_id];
            let member = &self.parties.procurement_users[&organisation_id];
            let (unmarked, unmarked_handles) = self.startups_for(member, *challenge_id).await?;
            let query_relevant = relevant.get(external).cloned().unwrap_or_default();
            if query_relevant.len() <= self.options.positive {
                outcomes.push(QueryOutcome::without_marks(external, unmarked));
                continue;
            }
            let marks = choose_marks(&query_relevant, &unmarked, self.options);
            for (item, mark) in &marks {
                // Procurement names a start-up by the handle of a card it was
                // shown; an interesting winner not in its list is found as a
                // user would find it, by searching, which also hands out a card.
                let handle = match unmarked_handles.get(item) {
                    Some(handle) => handle.clone(),
                    None => {
                        let Some(startup_id) = self.benchmark.startup_id(item) else {
                            continue;
                        };
                        StartupRef::Handle(self.state.card_handles.seal(
                            organisation_id,
                            b"benchmark search",
                            startup_id,
                        ))
                    }
                };
                matching::mark_startup_for_challenge(
                    self.state,
                    member,
                    *challenge_id,
                    &handle,
                    Some(*mark),
                )
                .await
                .map_err(app_failed)?;
            }
            let (marked, _) = self.startups_for(member, *challenge_id).await?;
            outcomes.push(QueryOutcome::with_marks(external, marks, unmarked, marked));
        }
        bar.finish_and_clear();
        Ok(outcomes)
    }

    /// `GET /startups/{id}/matches` as the start-up's own user.
    async fn challenges_for(
        &self,
        member: &Member,
        startup_id: Uuid,
    ) -> anyhow::Result<Vec<(String, f32)>> {
        let filter = matching::ChallengeMatchFilter {
            limit: Some(self.limit as i64),
            // Every match, as the page's "Show them" lists them: the
            // minimum fit would cut lists short of the depth scored.
            min_fit: Some(0),
            ..Default::default()
        };
        let matches = matching::for_startup(
            self.state,
            &Viewer::Member(member.clone()),
            &StartupRef::Id(startup_id),
            filter,
        )
        .await
        .map_err(app_failed)?;
        Ok(matches
            .items
            .into_iter()
            .filter_map(|item| {
                let external = self.benchmark.challenge_external.get(&item.challenge.id)?;
                Some((external.clone(), item.explanation.score))
            })
            .collect())
    }

    /// `GET /challenges/{id}/matches` as procurement: the ranked start-ups
    /// (external ids, opened from the card handles for scoring only) and the
    /// handle each card came with.
    async fn startups_for(
        &self,
        member: &Member,
        challenge_id: Uuid,
    ) -> anyhow::Result<(Vec<(String, f32)>, HashMap<String, StartupRef>)> {
        let filter = matching::StartupMatchFilter {
            limit: Some(self.limit as i64),
            // Every match, as the page's "Show them" lists them: the
            // minimum fit would cut lists short of the depth scored.
            min_fit: Some(0),
            ..Default::default()
        };
        let matches = matching::for_challenge(self.state, member, challenge_id, filter)
            .await
            .map_err(app_failed)?;
        let reader = member.organisation_id.unwrap_or(member.user_id);
        let mut ranked = Vec::new();
        let mut handles = HashMap::new();
        for item in matches.items {
            let startup_id = match &item.startup.id {
                StartupRef::Id(id) => Some(*id),
                StartupRef::Handle(handle) => self.state.card_handles.open(reader, handle),
            };
            let Some(external) = startup_id.and_then(|id| self.benchmark.startup_external.get(&id))
            else {
                continue;
            };
            ranked.push((external.clone(), item.explanation.score));
            handles.insert(external.clone(), item.startup.id.clone());
        }
        Ok((ranked, handles))
    }
}

/// Scores both rankings of the marked queries on the relevance pairs that
/// remain once the marked items are taken out.
fn compare(task: Task, folded: &FoldedTask, outcomes: &[QueryOutcome]) -> FeedbackTaskReport {
    let by_query: HashMap<&str, &QueryOutcome> = outcomes
        .iter()
        .filter(|outcome| !outcome.marked_items.is_empty())
        .map(|outcome| (outcome.query.as_str(), outcome))
        .collect();
    let remaining = FoldedTask {
        folds: folded.folds,
        queries: folded
            .queries
            .iter()
            .filter_map(|query| {
                let outcome = by_query.get(query.query.as_str())?;
                let relevant: HashSet<String> = query
                    .relevant
                    .difference(&outcome.marked_items)
                    .cloned()
                    .collect();
                (!relevant.is_empty()).then(|| FoldQuery {
                    query: query.query.clone(),
                    fold: query.fold,
                    relevant,
                    excluded: query.excluded.clone(),
                })
            })
            .collect(),
    };
    let rankings = |pick: fn(&QueryOutcome) -> &Vec<(String, f32)>| {
        by_query
            .iter()
            .map(|(query, outcome)| {
                let ids = pick(outcome).iter().map(|(id, _)| id.clone()).collect();
                ((*query).to_owned(), ids)
            })
            .collect::<HashMap<String, Vec<String>>>()
    };
    let unmarked_per_query = remaining.score(&rankings(|outcome| &outcome.unmarked));
    let marked_per_query = remaining.score(&rankings(|outcome| &outcome.marked));
    let unmarked_folds = remaining.fold_means(&unmarked_per_query);
    let marked_folds = remaining.fold_means(&marked_per_query);
    let change = |pick: fn(&TaskMetrics) -> f64| {
        let differences: Vec<f64> = marked_folds
            .iter()
            .zip(&unmarked_folds)
            .map(|(marked, unmarked)| pick(marked) - pick(unmarked))
            .collect();
        MeanAndError::of(&differences)
    };
    FeedbackTaskReport {
        task,
        marked_queries: by_query.len(),
        scored_queries: remaining.queries.len(),
        ndcg_change: change(|metrics| metrics.ndcg),
        recall_change: change(|metrics| metrics.recall),
        mrr_change: change(|metrics| metrics.mrr),
        unmarked: Summary::of(&unmarked_folds),
        marked: Summary::of(&marked_folds),
    }
}

/// Prints each task's comparison: unmarked and marked side by side, and the
/// change paired by fold.
pub fn print(report: &FeedbackReport) {
    println!(
        "marks: {} interesting (smallest relevant ids), {} not relevant (highest-ranked non-relevant); \
         run depth {}; {} folds split by firm; mean ± standard error over folds",
        report.positive, report.negative, report.depth, report.folds
    );
    for task in &report.tasks {
        println!(
            "task {:?}: {} queries marked (more than {} relevant), {} fold queries scored on the remaining pairs",
            task.task, task.marked_queries, report.positive, task.scored_queries
        );
        println!(
            "  {:<10} {:<15} {:<15} {:<15}",
            "", "nDCG@10", "Recall@10", "MRR@10"
        );
        for (name, summary) in [("unmarked", &task.unmarked), ("marked", &task.marked)] {
            println!(
                "  {:<10} {:<15} {:<15} {:<15}",
                name,
                summary.ndcg.to_string(),
                summary.recall.to_string(),
                summary.mrr.to_string()
            );
        }
        let relative = |change: &MeanAndError, base: &MeanAndError| {
            if base.mean > 0.0 {
                format!(
                    "{} ({} %)",
                    change.as_change(),
                    signed(100.0 * change.mean / base.mean, 1)
                )
            } else {
                change.as_change()
            }
        };
        println!(
            "  change     nDCG {}   Recall {}   MRR {}",
            relative(&task.ndcg_change, &task.unmarked.ndcg),
            relative(&task.recall_change, &task.unmarked.recall),
            relative(&task.mrr_change, &task.unmarked.mrr)
        );
        println!(
            "  folds nDCG@10 unmarked {}  marked {}",
            task.unmarked
                .fold_ndcg
                .iter()
                .map(|value| format!("{value:.3}"))
                .collect::<Vec<_>>()
                .join(" "),
            task.marked
                .fold_ndcg
                .iter()
                .map(|value| format!("{value:.3}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}
