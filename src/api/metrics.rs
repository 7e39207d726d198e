//! Request metrics in the Prometheus text format, kept in memory: counts and
//! latency histograms by method, route pattern and status, plus pool usage.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;


/// Upper bounds of the latency buckets, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RouteKey {
    method: String,
    route: String,
    status: u16,
}

#[derive(Debug, Default, Clone)]
struct RouteStats {
    count: u64,
    sum_seconds: f64,
    /// Cumulative counts per bucket of `LATENCY_BUCKETS`.
    buckets: [u64; LATENCY_BUCKETS.len()],
}

/// The registry of request metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<RouteKey, RouteStats>>,
}

impl Metrics {
    /// Counts one finished request.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let key = RouteKey {
            method: method.to_owned(),
            route: route.to_owned(),
            status,
        };
        let mut routes = self
            .routes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let stats = routes.entry(key).or_default();
        stats.count += 1;
        stats.sum_seconds += seconds;
        for (bucket, upper_bound) in stats.buckets.iter_mut().zip(LATENCY_BUCKETS) {
            if seconds <= upper_bound {
                *bucket += 1;
            }
        }
    }

    /// The metrics in the Prometheus text exposition format.
    pub fn render(&self, pool: &crate::db::DbPool) -> String {
        let routes = self
            .routes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let mut out = String::new();
        out.push_str(
            "# HELP defmatch_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE defmatch_http_requests_total counter\n");
        for (key, stats) in &routes {
            let _ = writeln!(
                out,
                "defmatch_http_requests_total{{{}}} {}",
                labels(key),
                stats.count
            );
        }
        out.push_str("# HELP defmatch_http_request_duration_seconds HTTP request latency.\n");
        out.push_str("# TYPE defmatch_http_request_duration_seconds histogram\n");
        for (key, stats) in &routes {
            let labels = labels(key);
            for (count, upper_bound) in stats.buckets.iter().zip(LATENCY_BUCKETS) {
                let _ = writeln!(
                    out,
                    "defmatch_http_request_duration_seconds_bucket{{{labels},le=\"{upper_bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "defmatch_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                stats.count
            );
            let _ = writeln!(
                out,
                "defmatch_http_request_duration_seconds_sum{{{labels}}} {}",
                stats.sum_seconds
            );
            let _ = writeln!(
                out,
                "defmatch_http_request_duration_seconds_count{{{labels}}} {}",
                stats.count
            );
        }
        let pool_state = pool.state();
        let max_size = pool.max_size();
        out.push_str(
            "# HELP defmatch_db_pool_connections Database connections open in the pool.\n",
        );
        out.push_str("# TYPE defmatch_db_pool_connections gauge\n");
        let _ = writeln!(
            out,
            "defmatch_db_pool_connections {}",
            pool_state.connections
        );
        out.push_str("# HELP defmatch_db_pool_idle_connections Open connections not in use.\n");
        out.push_str("# TYPE defmatch_db_pool_idle_connections gauge\n");
        let _ = writeln!(
            out,
            "defmatch_db_pool_idle_connections {}",
            pool_state.idle_connections
        );
        out.push_str(
            "# HELP defmatch_db_pool_in_use_connections Connections checked out by requests.\n",
        );
        out.push_str("# TYPE defmatch_db_pool_in_use_connections gauge\n");
        let _ = writeln!(
            out,
            "defmatch_db_pool_in_use_connections {}",
            pool_state
                .connections
                .saturating_sub(pool_state.idle_connections)
        );
        out.push_str("# HELP defmatch_db_pool_max_connections Size limit of the pool.\n");
        out.push_str("# TYPE defmatch_db_pool_max_connections gauge\n");
        let _ = writeln!(out, "defmatch_db_pool_max_connections {max_size}");
        out
    }
}

fn labels(key: &RouteKey) -> String {
    format!(
        "method=\"{}\",route=\"{}\",status=\"{}\"",
        escape(&key.method),
        escape(&key.route),
        key.status
    )
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Middleware that times every request and counts it by route pattern
/// (not raw path, so ids do not explode the label set).
pub async fn record_request_metrics(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = request.app_data::<web::Data<Metrics>>().cloned();
    let method = request.method().to_string();
    let response = next.call(request).await?;
    if let Some(metrics) = metrics {
        let route = response
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        metrics.observe(
            &method,
            &route,
            response.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative() {
        let metrics = Metrics::default();
        metrics.observe("GET", "/x", 200, 0.003);
        metrics.observe("GET", "/x", 200, 0.3);
        let routes = metrics.routes.lock().unwrap();
        let stats = routes.values().next().unwrap();
        assert_eq!(stats.count, 2);
        assert_eq!(stats.buckets[0], 0); // <= 1 ms
        assert_eq!(stats.buckets[2], 1); // <= 5 ms
        assert_eq!(stats.buckets[LATENCY_BUCKETS.len() - 1], 2);
    }
}
