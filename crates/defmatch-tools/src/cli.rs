//! The work behind the subcommands: runs the evaluation or the benchmark
//! and prints its report; `main.rs` only parses arguments.

use std::path::Path;

/// `defmatch-tools eval --folds K`: prints the cross-validated comparison.
pub fn eval_folds(
    database_url: &str,
    data: &Path,
    run_out: &Path,
    folds: usize,
    json: bool,
) -> anyhow::Result<()> {
    let report = crate::eval::cross_validation::run(database_url, data, run_out, folds)?;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        crate::eval::cross_validation::print(&report);
        println!(
            "run of the production weights written to {}",
            run_out.display()
        );
    }
    Ok(())
}

/// `defmatch-tools eval --feedback-positive N`: prints the marked and
/// unmarked rankings side by side, per task.
pub fn eval_feedback(
    database_url: &str,
    data: &Path,
    run_out: &Path,
    options: crate::eval::feedback::FeedbackOptions,
    json: bool,
) -> anyhow::Result<()> {
    let report = crate::eval::feedback::run(database_url, data, run_out, options)?;
    if json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(());
    }
    crate::eval::feedback::print(&report);
    println!("marked run written to {}", run_out.display());
    Ok(())
}

/// `defmatch-tools eval`: prints the metrics, as text or one JSON object.
pub fn eval(database_url: &str, data: &Path, run_out: &Path, json: bool) -> anyhow::Result<()> {
    let report = crate::eval::run(database_url, data, run_out)?;
    if json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(());
    }
    println!(
        "imported {} challenges and {} start-ups ({} rejected) in {:.1}s; ranked in {:.1}s",
        report.challenges,
        report.startups,
        report.rejected_records,
        report.import_seconds,
        report.rank_seconds
    );
    for (task, metrics) in [("task_a", report.task_a), ("task_b", report.task_b)] {
        if let Some(metrics) = metrics {
            println!(
                "{task}: nDCG@10 {:.3}  Recall@10 {:.3}  MRR@10 {:.3}  ({} queries)",
                metrics.ndcg, metrics.recall, metrics.mrr, metrics.queries
            );
        }
    }
    println!("run written to {}", run_out.display());
    Ok(())
}

/// `defmatch-tools bench`: prints the figures as text, then as one JSON object
/// on the last line; with `json`, only the JSON line.
pub fn bench(
    database_url: &str,
    options: &crate::bench::BenchOptions,
    json: bool,
) -> anyhow::Result<()> {
    let report = crate::bench::run(database_url, options)?;
    let json_line = serde_json::to_string(&report)?;
    if json {
        println!("{json_line}");
        return Ok(());
    }
    println!(
        "data: {} start-ups, {} challenges ({} rejected); generated in {:.1}s",
        report.startups, report.challenges, report.rejected_records, report.generate_seconds
    );
    println!(
        "import {:.1}s, index build {:.1}s, PostgreSQL FTS column and GIN index {:.1}s",
        report.import_seconds, report.index_seconds, report.pg_fts_setup_seconds
    );
    println!(
        "database {:.0} MB after the import, index {:.0} MB on disk",
        report.database_mb, report.index_mb
    );
    println!("in-process, one at a time (p50 / p99):");
    println!(
        "  match start-up -> challenges  {:>8.2} / {:>8.2} ms",
        report.match_inprocess_p50_ms, report.match_inprocess_p99_ms
    );
    println!(
        "  match challenge -> start-ups  {:>8.2} / {:>8.2} ms",
        report.match_startups_inprocess_p50_ms, report.match_startups_inprocess_p99_ms
    );
    println!(
        "  search challenges             {:>8.2} / {:>8.2} ms",
        report.search_inprocess_p50_ms, report.search_inprocess_p99_ms
    );
    println!(
        "  (answers with no result: {} matches, {} searches)",
        report.match_inprocess_empty_answers, report.search_inprocess_empty_answers
    );
    println!(
        "{} concurrent clients for {} s each (p50 / p99, requests per second):",
        report.concurrency, report.seconds
    );
    for (label, p50, p99, rps) in [
        (
            "HTTP GET /startups/{id}/matches",
            Some(report.match_http_p50_ms),
            Some(report.match_http_p99_ms),
            report.match_http_rps,
        ),
        (
            "  the same, one client",
            Some(report.match_http_one_client_p50_ms),
            Some(report.match_http_one_client_p99_ms),
            report.match_http_one_client_rps,
        ),
        (
            "PostgreSQL FTS match",
            report.pg_fts_p50_ms,
            report.pg_fts_p99_ms,
            report.pg_fts_rps,
        ),
        (
            "HTTP GET /search/challenges",
            Some(report.search_http_p50_ms),
            Some(report.search_http_p99_ms),
            report.search_http_rps,
        ),
        (
            "PostgreSQL FTS search",
            report.pg_fts_search_p50_ms,
            report.pg_fts_search_p99_ms,
            report.pg_fts_search_rps,
        ),
    ] {
        match p50.zip(p99) {
            Some((p50, p99)) => {
                println!("  {label:<32} {p50:>8.2} / {p99:>8.2} ms  {rps:>8.1} rps")
            }
            None => println!("  {label:<32} no query ended within the window"),
        }
    }
    println!(
        "  HTTP / PostgreSQL throughput: matching {:.2}x, search {:.2}x",
        report.match_http_vs_pg_fts_rps, report.search_http_vs_pg_fts_rps
    );
    let cpu = |ms: Option<f64>| ms.map_or_else(|| "n/a".to_owned(), |ms| format!("{ms:.3} ms"));
    println!(
        "  server CPU per request: matching {}, one client {}, search {} ({} the in-process search p50)",
        cpu(report.match_http_cpu_ms_per_request),
        cpu(report.match_http_one_client_cpu_ms_per_request),
        cpu(report.search_http_cpu_ms_per_request),
        report
            .search_http_cpu_vs_inprocess
            .map_or_else(|| "n/a".to_owned(), |ratio| format!("{ratio:.2}x")),
    );
    if report.match_http_errors + report.search_http_errors > 0 {
        println!(
            "  failed HTTP requests: {} matching, {} search",
            report.match_http_errors, report.search_http_errors
        );
    }
    println!(
        "write to searchable (p50 / p99): {:.1} / {:.1} ms",
        report.write_to_searchable_p50_ms, report.write_to_searchable_p99_ms
    );
    println!(
        "memory: peak {:.0} MB; while serving {:.0} MB ({:.0} MB anonymous, {:.0} MB mapped files)",
        report.peak_rss_mb,
        report.serving_rss_mb,
        report.serving_rss_anon_mb,
        report.serving_rss_file_mb
    );
    println!("{json_line}");
    Ok(())
}

/// `defmatch-tools bench --soak-minutes N`: prints a line of the table each
/// minute (on stderr with `json`), then the JSON object as the last line.
pub fn bench_soak(
    database_url: &str,
    options: &crate::bench::BenchOptions,
    soak: &crate::bench::soak::SoakOptions,
    json: bool,
) -> anyhow::Result<()> {
    use crate::bench::soak::{self, SoakSample};
    let print = |line: String| {
        if json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    };
    let mut header_printed = false;
    let report = soak::run(database_url, options, soak, |sample| {
        if !std::mem::replace(&mut header_printed, true) {
            print(SoakSample::header());
        }
        print(sample.row());
    })?;
    if let Some(summary) = &report.summary {
        print(format!(
            "resident set (median) {:.1} MB in minutes {}-{}, {:.1} MB in minutes {}-{}: {:+.1} MB ({:+.2} %), {} {} %",
            summary.rss_after_warm_up_mb,
            summary.warm_up_minutes.0,
            summary.warm_up_minutes.1,
            summary.rss_end_mb,
            summary.end_minutes.0,
            summary.end_minutes.1,
            summary.growth_mb,
            summary.growth_percent,
            if summary.under_5_percent { "under" } else { "NOT under" },
            soak::GROWTH_LIMIT_PERCENT
        ));
    }
    for (kind, p99) in &report.median_p99_ms_by_kind {
        print(format!(
            "p99 of {kind} (median over the minutes): {p99:.2} ms"
        ));
    }
    if let Some(error) = &report.first_error {
        print(format!("first failed request: {error}"));
    }
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

/// `defmatch-tools bench-listing`: prints the figures as text, then as one
/// JSON object on the last line; with `json`, only the JSON line.
pub fn bench_listing(
    database_url: &str,
    options: &crate::bench::listing::ListingOptions,
    json: bool,
) -> anyhow::Result<()> {
    let report = crate::bench::listing::run(database_url, options)?;
    let json_line = serde_json::to_string(&report)?;
    if json {
        println!("{json_line}");
        return Ok(());
    }
    println!(
        "{} challenges; {} anonymous clients on GET /api/v1/challenges?q=, one signed-in client on GET /api/v1/challenges/{{id}}, {} s each (p50 / p99)",
        report.challenges, report.anonymous_clients, report.seconds
    );
    println!(
        "  signed-in alone                 {:>8.2} / {:>8.2} ms",
        report.signed_in_alone_p50_ms, report.signed_in_alone_p99_ms
    );
    for (label, run) in [
        ("with the trigram index", &report.with_index),
        ("without it (before)", &report.without_index),
    ] {
        println!("  {label}:");
        println!(
            "    anonymous list                {:>8.2} / {:>8.2} ms  {:>7.1} rps  {} errors",
            run.anonymous_p50_ms, run.anonymous_p99_ms, run.anonymous_rps, run.anonymous_errors
        );
        println!(
            "    signed-in read at that time   {:>8.2} / {:>8.2} ms  {:>7.1} rps  {} errors",
            run.signed_in_p50_ms, run.signed_in_p99_ms, run.signed_in_rps, run.signed_in_errors
        );
    }
    println!("{json_line}");
    Ok(())
}

/// `defmatch-tools bench-writes`: prints the figures, then the JSON line;
/// with `json`, only the JSON line.
pub fn bench_writes(
    database_url: &str,
    options: &crate::bench::writes::WriteOptions,
    json: bool,
) -> anyhow::Result<()> {
    let report = crate::bench::writes::run(database_url, options)?;
    let json_line = serde_json::to_string(&report)?;
    if !json {
        println!(
            "{} writers ({:?}) for {} s: {:.1} writes/s, p50 {:.2} ms, p99 {:.2} ms ({} writes, {} failed); outbox {} rows, {} after a retention pass",
            report.writers,
            report.path,
            report.seconds,
            report.writes_per_second,
            report.write_p50_ms,
            report.write_p99_ms,
            report.writes,
            report.errors,
            report.outbox_rows,
            report.outbox_rows_after_retention
        );
    }
    println!("{json_line}");
    Ok(())
}
