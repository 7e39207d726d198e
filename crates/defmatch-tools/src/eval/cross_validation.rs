//! `defmatch-tools eval --folds K`: every setting of [`super::grid`] and the
//! README's baselines, scored on the same folds split by firm, and the
//! setting that the training folds choose, scored on the held-out fold.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use defmatch::search::ranking::weights;
use serde::Serialize;

use super::folds::{split, Chosen, FoldedTask, MeanAndError, Summary, Task};
use super::grid::settings;
use super::metrics::CUTOFF;
use super::{baseline, ids_only, read_qrels, write_run, LoadedBenchmark, ScoredRankings, Tasks};

/// One method's cross-validated figures.
#[derive(Debug, Clone, Serialize)]
pub struct MethodRow {
    pub name: String,
    pub summary: Summary,
    /// nDCG@10 gain over the first (simplest) setting, paired by fold.
    pub gain_over_simplest: MeanAndError,
}

/// The cross-validated figures of one task.
#[derive(Debug, Clone, Serialize)]
pub struct TaskReport {
    pub task: Task,
    pub queries: usize,
    pub folds: usize,
    pub baselines: Vec<MethodRow>,
    pub settings: Vec<MethodRow>,
    /// The setting chosen on the training folds of each held-out fold.
    pub chosen_names: Vec<String>,
    pub chosen: Chosen,
}

/// What `eval --folds` found.
#[derive(Debug, Clone, Serialize)]
pub struct CrossValidationReport {
    pub import_seconds: f64,
    pub tasks: Vec<TaskReport>,
}

fn row(name: &str, summary: Summary, simplest: Option<&Summary>) -> MethodRow {
    let gain_over_simplest = simplest.map_or(
        MeanAndError {
            mean: 0.0,
            standard_error: 0.0,
        },
        |simplest| summary.gain_over(simplest),
    );
    MethodRow {
        name: name.to_owned(),
        summary,
        gain_over_simplest,
    }
}

/// Runs the comparison on `data_dir` and writes the production setting's run.
pub fn run(
    server_url: &str,
    data_dir: &Path,
    run_out: &Path,
    folds: usize,
) -> anyhow::Result<CrossValidationReport> {
    let qrels = data_dir.join("qrels.tsv");
    anyhow::ensure!(qrels.exists(), "--folds needs {}", qrels.display());
    let (relevant_a, relevant_b) = read_qrels(&qrels)?;
    let (folded_a, folded_b) = split(&relevant_a, &relevant_b, folds);
    let depth = folded_a.depth_needed().max(folded_b.depth_needed());

    let mut baseline_rows: HashMap<Task, Vec<MethodRow>> = HashMap::new();
    for (name, stemmed) in [("BM25", false), ("BM25 + Porter", true)] {
        let (rankings_a, rankings_b) = baseline::rankings(data_dir, stemmed, depth)
            .with_context(|| format!("failed to rank the {name} baseline"))?;
        for (task, folded, rankings) in [
            (Task::A, &folded_a, &rankings_a),
            (Task::B, &folded_b, &rankings_b),
        ] {
            let summary = Summary::of(&folded.fold_means(&folded.score(rankings)));
            baseline_rows
                .entry(task)
                .or_default()
                .push(row(name, summary, None));
        }
    }

    let benchmark = LoadedBenchmark::load(server_url, data_dir)?;
    let production = *weights();
    let mut production_runs: (ScoredRankings, ScoredRankings) = Default::default();
    let mut reports = Vec::new();
    for (task, folded) in [(Task::A, &folded_a), (Task::B, &folded_b)] {
        let task_settings: Vec<_> = settings(production)
            .into_iter()
            .filter(|setting| setting.task == task)
            .collect();
        let mut per_setting = Vec::new();
        for setting in &task_settings {
            eprintln!("task {task:?}: {}", setting.name);
            let only = match task {
                Task::A => Tasks::OnlyA,
                Task::B => Tasks::OnlyB,
            };
            let (scored_a, scored_b) = benchmark.rank(setting.weights, only, depth)?;
            let scored = match task {
                Task::A => scored_a,
                Task::B => scored_b,
            };
            per_setting.push(folded.score(&ids_only(&scored)));
            if setting.name == "production" {
                let top: ScoredRankings = scored
                    .into_iter()
                    .map(|(query, mut ranked)| {
                        ranked.truncate(CUTOFF);
                        (query, ranked)
                    })
                    .collect();
                match task {
                    Task::A => production_runs.0 = top,
                    Task::B => production_runs.1 = top,
                }
            }
        }
        reports.push(task_report(
            task,
            folded,
            &task_settings,
            &per_setting,
            baseline_rows.remove(&task).unwrap_or_default(),
        ));
    }
    write_run(run_out, &production_runs.0, &production_runs.1)?;
    Ok(CrossValidationReport {
        import_seconds: benchmark.import_seconds,
        tasks: reports,
    })
}

fn task_report(
    task: Task,
    folded: &FoldedTask,
    task_settings: &[super::grid::Setting],
    per_setting: &[Vec<super::metrics::QueryMetrics>],
    baselines: Vec<MethodRow>,
) -> TaskReport {
    let summaries: Vec<Summary> = per_setting
        .iter()
        .map(|per_query| Summary::of(&folded.fold_means(per_query)))
        .collect();
    let rows = task_settings
        .iter()
        .zip(&summaries)
        .map(|(setting, summary)| row(setting.name, summary.clone(), summaries.first()))
        .collect();
    // Production is what this protocol decides, so it is not a candidate.
    let candidates: Vec<_> = task_settings
        .iter()
        .zip(per_setting)
        .filter(|(setting, _)| setting.name != "production")
        .collect();
    let chosen = folded.choose_on_training_folds(
        &candidates
            .iter()
            .map(|(_, per_query)| (*per_query).clone())
            .collect::<Vec<_>>(),
    );
    TaskReport {
        task,
        queries: folded.queries.len(),
        folds: folded.folds,
        baselines,
        settings: rows,
        chosen_names: chosen
            .per_fold
            .iter()
            .map(|position| candidates[*position].0.name.to_owned())
            .collect(),
        chosen,
    }
}

/// Prints the report as a table per task.
pub fn print(report: &CrossValidationReport) {
    for task in &report.tasks {
        println!(
            "task {:?}: {} queries in {} folds split by firm; mean ± standard error over folds",
            task.task, task.queries, task.folds
        );
        println!(
            "  {:<44} {:<15} {:<15} {:<15} nDCG gain over plain",
            "method", "nDCG@10", "Recall@10", "MRR@10"
        );
        let line = |row: &MethodRow, gain: bool| {
            println!(
                "  {:<44} {:<15} {:<15} {:<15} {}",
                row.name,
                row.summary.ndcg.to_string(),
                row.summary.recall.to_string(),
                row.summary.mrr.to_string(),
                if gain {
                    row.gain_over_simplest.as_change()
                } else {
                    String::new()
                }
            );
        };
        for baseline in &task.baselines {
            line(baseline, false);
        }
        for setting in &task.settings {
            line(setting, true);
        }
        let chosen = MethodRow {
            name: "chosen on training folds".to_owned(),
            summary: task.chosen.summary.clone(),
            gain_over_simplest: MeanAndError {
                mean: 0.0,
                standard_error: 0.0,
            },
        };
        line(&chosen, false);
        println!(
            "  chosen per held-out fold: {}",
            task.chosen_names.join(" | ")
        );
        for method in task.baselines.iter().chain(&task.settings) {
            println!(
                "  folds nDCG@10 {:<44} {}",
                method.name,
                method
                    .summary
                    .fold_ndcg
                    .iter()
                    .map(|value| format!("{value:.3}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
    }
}
