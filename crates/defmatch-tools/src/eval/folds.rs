//! Cross-validation by firm: every firm's queries and relevance pairs sit in
//! one fold, so a setting chosen on the other folds is scored on firms it
//! has never seen.
//!
//! A firm's fold is a hash of its id (FNV-1a, modulo the number of folds),
//! so the split is the same on every run and for every method. Task A's
//! queries are firms and sit in their firm's fold. A task B query (a
//! challenge) can have winners in several folds; it becomes one query per
//! fold, scored against that fold's winners only, with the winners of other
//! folds taken out of the ranking (they count neither as hits nor misses).

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::metrics::{average, score_query, QueryMetrics, TaskMetrics, CUTOFF};
use super::Relevance;

/// The two tasks of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Task {
    /// Start-up to challenges.
    A,
    /// Challenge to start-ups.
    B,
}

/// Folds when `--folds` is given without a number.
pub const DEFAULT_FOLDS: usize = 5;

/// The fold of a firm: FNV-1a of its id, modulo `folds`.
pub fn fold_of(firm: &str, folds: usize) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in firm.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash % folds.max(1) as u64) as usize
}

/// One query of a cross-validated task.
#[derive(Debug, Clone)]
pub struct FoldQuery {
    /// The query's id in the run (a firm for task A, a challenge for task B).
    pub query: String,
    pub fold: usize,
    /// The relevant documents of this fold.
    pub relevant: HashSet<String>,
    /// Relevant documents of other folds, taken out of the ranking.
    pub excluded: HashSet<String>,
}

/// The queries of one task, split into folds.
#[derive(Debug, Clone)]
pub struct FoldedTask {
    pub folds: usize,
    pub queries: Vec<FoldQuery>,
}

/// Splits task A (firm → challenges) and task B (challenge → firms) by firm.
pub fn split(
    relevant_a: &Relevance,
    relevant_b: &Relevance,
    folds: usize,
) -> (FoldedTask, FoldedTask) {
    let mut task_a: Vec<FoldQuery> = relevant_a
        .iter()
        .map(|(firm, challenges)| FoldQuery {
            query: firm.clone(),
            fold: fold_of(firm, folds),
            relevant: challenges.clone(),
            excluded: HashSet::new(),
        })
        .collect();
    let mut task_b = Vec::new();
    for (challenge, firms) in relevant_b {
        let mut by_fold: HashMap<usize, HashSet<String>> = HashMap::new();
        for firm in firms {
            by_fold
                .entry(fold_of(firm, folds))
                .or_default()
                .insert(firm.clone());
        }
        for (fold, relevant) in &by_fold {
            task_b.push(FoldQuery {
                query: challenge.clone(),
                fold: *fold,
                relevant: relevant.clone(),
                excluded: firms.difference(relevant).cloned().collect(),
            });
        }
    }
    let order = |left: &FoldQuery, right: &FoldQuery| {
        (left.fold, &left.query).cmp(&(right.fold, &right.query))
    };
    task_a.sort_by(order);
    task_b.sort_by(order);
    (
        FoldedTask {
            folds,
            queries: task_a,
        },
        FoldedTask {
            folds,
            queries: task_b,
        },
    )
}

impl FoldedTask {
    /// How many results past the cut-off a ranking needs so that taking out
    /// the other folds' winners still leaves a full top 10.
    pub fn depth_needed(&self) -> usize {
        CUTOFF
            + self
                .queries
                .iter()
                .map(|query| query.excluded.len())
                .max()
                .unwrap_or(0)
    }

    /// The metrics of every query, in the order of `self.queries`.
    pub fn score(&self, rankings: &HashMap<String, Vec<String>>) -> Vec<QueryMetrics> {
        let empty = Vec::new();
        self.queries
            .iter()
            .map(|query| {
                let ranking: Vec<String> = rankings
                    .get(&query.query)
                    .unwrap_or(&empty)
                    .iter()
                    .filter(|doc| !query.excluded.contains(*doc))
                    .take(CUTOFF)
                    .cloned()
                    .collect();
                score_query(&query.relevant, &ranking)
            })
            .collect()
    }

    /// The mean of each fold's queries.
    pub fn fold_means(&self, per_query: &[QueryMetrics]) -> Vec<TaskMetrics> {
        (0..self.folds)
            .map(|fold| average(&self.select(per_query, |query| query.fold == fold)))
            .collect()
    }

    fn select(
        &self,
        per_query: &[QueryMetrics],
        keep: impl Fn(&FoldQuery) -> bool,
    ) -> Vec<QueryMetrics> {
        self.queries
            .iter()
            .zip(per_query)
            .filter(|(query, _)| keep(query))
            .map(|(_, metrics)| *metrics)
            .collect()
    }

    /// For each held-out fold, the candidate with the best nDCG@10 on the
    /// other folds (the earlier, simpler one on a tie), scored on the held-out fold.
    pub fn choose_on_training_folds(&self, candidates: &[Vec<QueryMetrics>]) -> Chosen {
        let mut chosen = Vec::with_capacity(self.folds);
        let mut held_out = Vec::with_capacity(self.folds);
        for fold in 0..self.folds {
            let mut best: Option<(usize, f64)> = None;
            for (position, per_query) in candidates.iter().enumerate() {
                let training = average(&self.select(per_query, |query| query.fold != fold)).ndcg;
                if best.is_none_or(|(_, best_ndcg)| training > best_ndcg + 1e-12) {
                    best = Some((position, training));
                }
            }
            let Some((position, _)) = best else { break };
            chosen.push(position);
            held_out.push(self.fold_means(&candidates[position])[fold]);
        }
        Chosen {
            per_fold: chosen,
            summary: Summary::of(&held_out),
        }
    }
}

/// A method's cross-validated figures: the mean and standard error of the
/// fold means.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub ndcg: MeanAndError,
    pub recall: MeanAndError,
    pub mrr: MeanAndError,
    /// nDCG@10 of every fold.
    pub fold_ndcg: Vec<f64>,
}

/// A mean over folds and its standard error.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MeanAndError {
    pub mean: f64,
    pub standard_error: f64,
}

impl MeanAndError {
    /// Mean and standard error (sample deviation over √n) of `values`.
    pub fn of(values: &[f64]) -> Self {
        let count = values.len() as f64;
        if values.is_empty() {
            return MeanAndError {
                mean: 0.0,
                standard_error: 0.0,
            };
        }
        let mean = values.iter().sum::<f64>() / count;
        let variance = if values.len() > 1 {
            values
                .iter()
                .map(|value| (value - mean).powi(2))
                .sum::<f64>()
                / (count - 1.0)
        } else {
            0.0
        };
        MeanAndError {
            mean,
            standard_error: (variance / count).sqrt(),
        }
    }
}

impl MeanAndError {
    /// The mean as a change, signed, with its standard error:
    /// "+0.004 ± 0.002".
    pub fn as_change(&self) -> String {
        format!("{} ± {:.3}", signed(self.mean, 3), self.standard_error)
    }
}

/// `value` with its sign at `decimals` places; a value that rounds to zero
/// reads "+0.000", never "-0.000".
pub fn signed(value: f64, decimals: i32) -> String {
    let scale = 10f64.powi(decimals);
    // Adding +0.0 turns a rounded -0.0 into +0.0.
    let rounded = (value * scale).round() / scale + 0.0;
    format!("{:+.*}", decimals as usize, rounded)
}

impl std::fmt::Display for MeanAndError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{:.3} ± {:.3}", self.mean, self.standard_error)
    }
}

impl Summary {
    /// Summarises fold means.
    pub fn of(fold_means: &[TaskMetrics]) -> Self {
        let pick = |value: fn(&TaskMetrics) -> f64| {
            MeanAndError::of(&fold_means.iter().map(value).collect::<Vec<_>>())
        };
        Summary {
            ndcg: pick(|metrics| metrics.ndcg),
            recall: pick(|metrics| metrics.recall),
            mrr: pick(|metrics| metrics.mrr),
            fold_ndcg: fold_means.iter().map(|metrics| metrics.ndcg).collect(),
        }
    }

    /// nDCG@10 gain of `self` over `reference`, fold by fold: its mean and
    /// standard error (the folds are paired, so fold difficulty cancels).
    pub fn gain_over(&self, reference: &Summary) -> MeanAndError {
        let differences: Vec<f64> = self
            .fold_ndcg
            .iter()
            .zip(&reference.fold_ndcg)
            .map(|(mine, theirs)| mine - theirs)
            .collect();
        MeanAndError::of(&differences)
    }
}

/// The settings chosen on training folds and their held-out figures.
#[derive(Debug, Clone, Serialize)]
pub struct Chosen {
    /// Per held-out fold, the position of the chosen candidate.
    pub per_fold: Vec<usize>,
    pub summary: Summary,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_that_rounds_to_zero_reads_plus_zero() {
        assert_eq!(signed(-0.0004, 3), "+0.000");
        assert_eq!(signed(-0.0006, 3), "-0.001");
        assert_eq!(signed(0.0123, 1), "+0.0");
        let change = MeanAndError {
            mean: -0.0001,
            standard_error: 0.002,
        };
        assert_eq!(change.as_change(), "+0.000 ± 0.002");
    }

    fn relevance(pairs: &[(&str, &str)]) -> Relevance {
        let mut relevance: Relevance = HashMap::new();
        for (query, doc) in pairs {
            relevance
                .entry((*query).to_owned())
                .or_default()
                .insert((*doc).to_owned());
        }
        relevance
    }

    #[test]
    fn a_firm_sits_in_one_fold_in_both_tasks() {
        let firms: Vec<String> = (0..40).map(|number| format!("firm:{number:04}")).collect();
        let pairs: Vec<(&str, &str)> = firms
            .iter()
            .map(|firm| (firm.as_str(), "ch:shared"))
            .collect();
        let relevant_a = relevance(&pairs);
        let relevant_b = relevance(
            &pairs
                .iter()
                .map(|(firm, ch)| (*ch, *firm))
                .collect::<Vec<_>>(),
        );
        let (task_a, task_b) = split(&relevant_a, &relevant_b, 5);
        for query in &task_b.queries {
            for firm in &query.relevant {
                assert_eq!(fold_of(firm, 5), query.fold);
                let own = task_a.queries.iter().find(|q| &q.query == firm).unwrap();
                assert_eq!(own.fold, query.fold);
            }
            assert_eq!(query.relevant.len() + query.excluded.len(), firms.len());
        }
        let used: HashSet<usize> = task_b.queries.iter().map(|query| query.fold).collect();
        assert_eq!(used.len(), 5, "40 firms fill every fold");
    }

    #[test]
    fn other_folds_winners_leave_the_ranking_and_training_picks_the_setting() {
        let folded = FoldedTask {
            folds: 2,
            queries: vec![
                FoldQuery {
                    query: "q0".into(),
                    fold: 0,
                    relevant: HashSet::from(["a".to_owned()]),
                    excluded: HashSet::from(["x".to_owned()]),
                },
                FoldQuery {
                    query: "q1".into(),
                    fold: 1,
                    relevant: HashSet::from(["b".to_owned()]),
                    excluded: HashSet::new(),
                },
            ],
        };
        let rankings: HashMap<String, Vec<String>> = [
            (
                "q0".to_owned(),
                vec!["x".to_owned(), "c".to_owned(), "a".to_owned()],
            ),
            ("q1".to_owned(), vec!["c".to_owned(), "b".to_owned()]),
        ]
        .into();
        let scored = folded.score(&rankings);
        assert_eq!(
            scored[0].mrr, 0.5,
            "x is another fold's winner and is skipped: a ranks second"
        );
        assert_eq!(scored[1].mrr, 0.5);
        let perfect = vec![
            QueryMetrics {
                ndcg: 1.0,
                recall: 1.0,
                mrr: 1.0,
            };
            2
        ];
        let chosen = folded.choose_on_training_folds(&[scored, perfect]);
        assert_eq!(chosen.per_fold, vec![1, 1]);
        assert!((chosen.summary.ndcg.mean - 1.0).abs() < 1e-12);
    }
}
