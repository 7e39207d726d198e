//! The `defmatch-tools` command: parses the command line and calls the
//! library.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use defmatch::config::database_url_from_env;
use secrecy::ExposeSecret;

/// Measurements of defmatch: ranking quality and speed, on throw-away databases.
#[derive(Debug, Parser)]
#[command(name = "defmatch-tools", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Measure ranking quality on a benchmark directory (challenges.jsonl, startups.jsonl, qrels.tsv).
    Eval {
        #[arg(long)]
        data: PathBuf,
        /// Where to write the ranking run (score.py format).
        #[arg(long)]
        run_out: PathBuf,
        /// Print the metrics as one JSON object.
        #[arg(long)]
        json: bool,
        /// Cross-validate by firm in this many folds (5 when given without a
        /// number): every setting compared, the README's baselines on the same
        /// folds, and the setting the training folds choose.
        #[arg(long, num_args = 0..=1, default_missing_value = "5", value_parser = clap::value_parser!(u64).range(2..=20))]
        folds: Option<u64>,
        /// Simulate marks: for each query with more relevant items than this,
        /// mark that many relevant items (smallest ids first) interesting,
        /// through the API's own functions, and compare with the unmarked
        /// ranking, cross-validated by firm (5 folds unless `--folds` says).
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=20))]
        feedback_positive: Option<u64>,
        /// With `--feedback-positive`: mark the highest-ranked non-relevant
        /// items of the unmarked ranking not relevant, this many per query.
        #[arg(long, default_value_t = 0, requires = "feedback_positive", value_parser = clap::value_parser!(u64).range(0..=20))]
        feedback_negative: u64,
        /// With `--feedback-positive`: results per query in the run, marked and
        /// unmarked alike.
        #[arg(long, default_value_t = 10, requires = "feedback_positive", value_parser = clap::value_parser!(u64).range(1..=50))]
        depth: u64,
    },
    /// Measure the fit scale (score to fit 0-100) on a benchmark directory: the scores of the
    /// relevant pairs per direction, and what each minimum fit would leave out.
    Calibrate {
        #[arg(long)]
        data: PathBuf,
    },
    /// Measure speed on generated data: import, matching and search in-process and over
    /// HTTP, a PostgreSQL full-text baseline, write to searchable, memory.
    Bench {
        #[arg(long, default_value_t = 100_000)]
        startups: usize,
        #[arg(long, default_value_t = 10_000)]
        challenges: usize,
        /// Concurrent clients of the HTTP and PostgreSQL load runs.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Seconds each load run counts (after a one-second warm-up).
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Instead of the benchmark, a soak: mixed reads and a trickle of writes against the
        /// server for this many minutes, with the resident set and latency sampled each minute.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
        soak_minutes: Option<u64>,
        /// Print only the JSON line on stdout (progress goes to stderr).
        #[arg(long)]
        json: bool,
    },
    /// Measure the anonymous challenge list (`?q=`) under load: the p99 of a signed-in
    /// call made at the same time, with the text index and without it.
    BenchListing {
        #[arg(long, default_value_t = 16_000)]
        challenges: usize,
        /// Anonymous clients on the list.
        #[arg(long, default_value_t = 30)]
        anonymous_clients: usize,
        /// Seconds each run counts (after a one-second warm-up).
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Print only the JSON line on stdout (progress goes to stderr).
        #[arg(long)]
        json: bool,
    },
    /// Measure write throughput: concurrent writers create challenges and change start-up
    /// profiles through the API (writes per second, p50 and p99).
    BenchWrites {
        #[arg(long, default_value_t = 8)]
        writers: usize,
        /// Seconds the run counts (after a one-second warm-up).
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// `http` (through the API) or `database` (the same transactions through the database
        /// layer, without HTTP).
        #[arg(long, default_value = "http")]
        via: String,
        /// Print only the JSON line on stdout.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> anyhow::Result<()> {
    defmatch::server::memory::bound_allocator_memory();
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    defmatch::telemetry::init(
        std::env::var("DEFMATCH_LOG_FORMAT").is_ok_and(|format| format == "json"),
    );
    let url = database_url_from_env()?;
    match cli.command {
        Command::Eval {
            data,
            run_out,
            json,
            folds,
            feedback_positive,
            feedback_negative,
            depth,
        } => match (feedback_positive, folds) {
            (Some(positive), folds) => defmatch_tools::cli::eval_feedback(
                url.expose_secret(),
                &data,
                &run_out,
                defmatch_tools::eval::feedback::FeedbackOptions {
                    positive: positive as usize,
                    negative: feedback_negative as usize,
                    depth: depth as usize,
                    folds: folds.map_or(defmatch_tools::eval::folds::DEFAULT_FOLDS, |folds| {
                        folds as usize
                    }),
                },
                json,
            ),
            (None, Some(folds)) => defmatch_tools::cli::eval_folds(
                url.expose_secret(),
                &data,
                &run_out,
                folds as usize,
                json,
            ),
            (None, None) => defmatch_tools::cli::eval(url.expose_secret(), &data, &run_out, json),
        },
        Command::Calibrate { data } => defmatch_tools::calibrate::run(url.expose_secret(), &data),
        Command::Bench {
            startups,
            challenges,
            concurrency,
            seconds,
            soak_minutes,
            json,
        } => {
            let options = defmatch_tools::bench::BenchOptions {
                startups,
                challenges,
                concurrency,
                seconds,
            };
            match soak_minutes {
                Some(minutes) => defmatch_tools::cli::bench_soak(
                    url.expose_secret(),
                    &options,
                    &defmatch_tools::bench::soak::SoakOptions { minutes },
                    json,
                ),
                None => defmatch_tools::cli::bench(url.expose_secret(), &options, json),
            }
        }
        Command::BenchListing {
            challenges,
            anonymous_clients,
            seconds,
            json,
        } => {
            let options = defmatch_tools::bench::listing::ListingOptions {
                challenges,
                anonymous_clients,
                seconds,
            };
            defmatch_tools::cli::bench_listing(url.expose_secret(), &options, json)
        }
        Command::BenchWrites {
            writers,
            seconds,
            via,
            json,
        } => {
            use defmatch_tools::bench::writes::{WriteOptions, WritePath};
            let path = match via.as_str() {
                "http" => WritePath::Http,
                "database" => WritePath::Database,
                other => anyhow::bail!("--via must be http or database, not {other:?}"),
            };
            let options = WriteOptions {
                writers,
                seconds,
                path,
            };
            defmatch_tools::cli::bench_writes(url.expose_secret(), &options, json)
        }
    }
}
