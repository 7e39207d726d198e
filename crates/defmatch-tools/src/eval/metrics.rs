//! nDCG@10, Recall@10 and MRR@10 with binary relevance, macro-averaged over
//! the queries that have a relevance pair, exactly as the benchmark's
//! `score.py` computes them (a query missing from the run scores 0).

use std::collections::{HashMap, HashSet};

use serde::Serialize;

/// Cut-off of every metric.
pub const CUTOFF: usize = 10;

/// The metrics of one task.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TaskMetrics {
    pub queries: usize,
    #[serde(rename = "ndcg@10")]
    pub ndcg: f64,
    #[serde(rename = "recall@10")]
    pub recall: f64,
    #[serde(rename = "mrr@10")]
    pub mrr: f64,
}

/// The metrics of one query.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct QueryMetrics {
    pub ndcg: f64,
    pub recall: f64,
    pub mrr: f64,
}

/// Scores one ranking against the relevant documents of its query.
pub fn score_query(relevant_docs: &HashSet<String>, ranking: &[String]) -> QueryMetrics {
    if relevant_docs.is_empty() {
        return QueryMetrics::default();
    }
    let top = &ranking[..ranking.len().min(CUTOFF)];
    let dcg: f64 = top
        .iter()
        .enumerate()
        .filter(|(_, doc)| relevant_docs.contains(*doc))
        .map(|(position, _)| 1.0 / ((position + 2) as f64).log2())
        .sum();
    let ideal: f64 = (0..relevant_docs.len().min(CUTOFF))
        .map(|position| 1.0 / ((position + 2) as f64).log2())
        .sum();
    let hits = top
        .iter()
        .filter(|doc| relevant_docs.contains(*doc))
        .count();
    let reciprocal_rank = top
        .iter()
        .position(|doc| relevant_docs.contains(doc))
        .map_or(0.0, |position| 1.0 / (position + 1) as f64);
    QueryMetrics {
        ndcg: dcg / ideal,
        recall: hits as f64 / relevant_docs.len() as f64,
        mrr: reciprocal_rank,
    }
}

/// Averages per-query metrics.
pub fn average(per_query: &[QueryMetrics]) -> TaskMetrics {
    let queries = per_query.len();
    let mean = |pick: fn(&QueryMetrics) -> f64| {
        if queries == 0 {
            0.0
        } else {
            per_query.iter().map(pick).sum::<f64>() / queries as f64
        }
    };
    TaskMetrics {
        queries,
        ndcg: mean(|metrics| metrics.ndcg),
        recall: mean(|metrics| metrics.recall),
        mrr: mean(|metrics| metrics.mrr),
    }
}

/// Scores rankings (query → ranked doc ids) against relevance (query → relevant ids).
pub fn score(
    relevant: &HashMap<String, HashSet<String>>,
    rankings: &HashMap<String, Vec<String>>,
) -> TaskMetrics {
    let empty = Vec::new();
    let per_query: Vec<QueryMetrics> = relevant
        .iter()
        .map(|(query, relevant_docs)| {
            score_query(relevant_docs, rankings.get(query).unwrap_or(&empty))
        })
        .collect();
    average(&per_query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_perfect_ranking_scores_one_and_a_missing_query_zero() {
        let relevant: HashMap<String, HashSet<String>> = [
            ("q1".to_owned(), HashSet::from(["a".to_owned()])),
            ("q2".to_owned(), HashSet::from(["b".to_owned()])),
        ]
        .into();
        let rankings: HashMap<String, Vec<String>> =
            [("q1".to_owned(), vec!["a".to_owned(), "x".to_owned()])].into();
        let metrics = score(&relevant, &rankings);
        assert_eq!(metrics.queries, 2);
        assert!((metrics.ndcg - 0.5).abs() < 1e-12);
        assert!((metrics.mrr - 0.5).abs() < 1e-12);
    }

    #[test]
    fn a_hit_at_rank_two_counts_as_score_py_counts_it() {
        let relevant: HashMap<String, HashSet<String>> = [(
            "q".to_owned(),
            HashSet::from(["a".to_owned(), "b".to_owned()]),
        )]
        .into();
        let rankings: HashMap<String, Vec<String>> =
            [("q".to_owned(), vec!["x".to_owned(), "a".to_owned()])].into();
        let metrics = score(&relevant, &rankings);
        let expected_ndcg = (1.0 / 3f64.log2()) / (1.0 + 1.0 / 3f64.log2());
        assert!((metrics.ndcg - expected_ndcg).abs() < 1e-12);
        assert!((metrics.recall - 0.5).abs() < 1e-12);
        assert!((metrics.mrr - 0.5).abs() < 1e-12);
    }
}
