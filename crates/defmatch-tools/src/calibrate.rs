//! `defmatch-tools calibrate`: measures the fit scale of the ranking
//! (`defmatch::search::ranking::calibration`) on a benchmark directory. It
//! ranks both tasks as `eval` does, as deep as the candidates every match
//! rescores (`RankingWeights::candidates`), and prints, per direction, the
//! raw scores at 0, 5, …, 100 % of the relevant pairs (the knots of the
//! table in code), and what a minimum fit would leave out of the lists.

use std::path::Path;

use defmatch::search::ranking::{weights, FitScale};
use defmatch::search::ranking::{CHALLENGES_FOR_STARTUP_FIT, STARTUPS_FOR_CHALLENGE_FIT};

use crate::eval::{read_qrels, LoadedBenchmark, Relevance, ScoredRankings, Tasks};

/// The shown list a minimum fit is judged on: the API's default limit.
const SHOWN: usize = 20;

/// The minimum fits whose effect is printed.
const MINIMUM_FITS: [u8; 8] = [5, 10, 15, 20, 25, 30, 40, 50];

/// Ranks `data_dir` and prints the calibration of both directions.
pub fn run(server_url: &str, data_dir: &Path) -> anyhow::Result<()> {
    let benchmark = LoadedBenchmark::load(server_url, data_dir)?;
    // As deep as the engine's candidate pool, so the text part is
    // normalised as in an API call with the default limit.
    let depth = weights().candidates;
    let (task_a, task_b) = benchmark.rank(*weights(), Tasks::Both, depth)?;
    let (relevant_a, relevant_b) = read_qrels(&data_dir.join("qrels.tsv"))?;
    for (name, rankings, relevance, scale) in [
        (
            "task A (start-up -> challenges), CHALLENGES_FOR_STARTUP_FIT",
            &task_a,
            &relevant_a,
            &CHALLENGES_FOR_STARTUP_FIT,
        ),
        (
            "task B (challenge -> start-ups), STARTUPS_FOR_CHALLENGE_FIT",
            &task_b,
            &relevant_b,
            &STARTUPS_FOR_CHALLENGE_FIT,
        ),
    ] {
        print_direction(name, rankings, relevance, scale, depth);
    }
    Ok(())
}

fn print_direction(
    name: &str,
    rankings: &ScoredRankings,
    relevance: &Relevance,
    scale: &FitScale,
    depth: usize,
) {
    let judged = rankings
        .iter()
        .filter_map(|(query, ranked)| Some((relevance.get(query)?, ranked)));
    let mut relevant_scores = Vec::new();
    // (score, rank from 0, relevant) of every listed pair of a judged query.
    let mut listed = Vec::new();
    let mut relevant_pairs = 0;
    for (wanted, ranked) in judged {
        relevant_pairs += wanted.len();
        for (rank, (document, score)) in ranked.iter().enumerate() {
            let relevant = wanted.contains(document);
            if relevant {
                relevant_scores.push(*score);
            }
            listed.push((*score, rank, relevant));
        }
    }
    relevant_scores.sort_by(f32::total_cmp);
    println!("{name}");
    println!(
        "  relevant pairs among the {depth} candidates: {} of {relevant_pairs}",
        relevant_scores.len()
    );
    if relevant_scores.is_empty() {
        return;
    }
    println!("  knots (score, fit) of the relevant pairs' scores:");
    let score_at = |percent: u8| {
        let position = (f32::from(percent) / 100.0 * (relevant_scores.len() - 1) as f32).round();
        relevant_scores[position as usize]
    };
    for percent in (0..=100).step_by(5) {
        println!("        ({:.4}, {percent}.0),", score_at(percent));
    }
    println!("  a minimum fit (score of that share of the relevant pairs), in the top {SHOWN} of each judged query:");
    for minimum in MINIMUM_FITS {
        let threshold = score_at(minimum);
        let shown = listed.iter().filter(|(_, rank, _)| *rank < SHOWN);
        let (mut relevant_kept, mut relevant_all, mut other_out, mut other_all) = (0, 0, 0, 0);
        for (score, _, relevant) in shown {
            let kept = *score >= threshold;
            if *relevant {
                relevant_all += 1;
                relevant_kept += usize::from(kept);
            } else {
                other_all += 1;
                other_out += usize::from(!kept);
            }
        }
        println!(
            "    minimum fit {minimum:>2} (score {threshold:.4}): keeps {:.1} % of the relevant pairs, leaves out {:.1} % of the others",
            percent_of(relevant_kept, relevant_all),
            percent_of(other_out, other_all)
        );
    }
    println!(
        "  the scale in code gives the median relevant pair a fit of {:.1}",
        scale.fit(score_at(50))
    );
}

fn percent_of(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    part as f64 * 100.0 / whole as f64
}
