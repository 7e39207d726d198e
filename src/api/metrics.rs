//! Request metrics in the Prometheus exposition format (the `prometheus`
//! crate): counts and latency histograms by method, route pattern and
//! status, plus the database pool's usage. One registry per server, so
//! that servers in one process (the tests) count only their own requests.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest};
use prometheus::{
    Encoder, Gauge, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts,
    Registry,
};
use secrecy::{ExposeSecret, SecretString};
use std::net::SocketAddr;

use crate::app::accounts::session_cache::SessionCheckCounts;
use crate::app::operations::Backlogs;

/// Upper bounds of the latency buckets, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The labels of a request: method, route pattern, status.
const REQUEST_LABELS: [&str; 3] = ["method", "route", "status"];

/// The registry of one server's metrics.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_connections: IntGauge,
    pool_idle: IntGauge,
    pool_in_use: IntGauge,
    pool_max: IntGauge,
    search_outbox_lag: IntGauge,
    email_outbox_oldest: Gauge,
    session_checks: IntCounterVec,
    session_changes_heard: IntCounter,
}

impl Metrics {
    /// A registry with every metric of the service registered.
    pub fn new() -> prometheus::Result<Self> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "defmatch_http_requests_total",
                "HTTP requests by method, route and status.",
            ),
            &REQUEST_LABELS,
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "defmatch_http_request_duration_seconds",
                "HTTP request latency.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &REQUEST_LABELS,
        )?;
        let gauge = |name: &str, help: &str| IntGauge::new(name, help);
        let pool_connections = gauge(
            "defmatch_db_pool_connections",
            "Database connections open in the pool.",
        )?;
        let pool_idle = gauge(
            "defmatch_db_pool_idle_connections",
            "Open connections not in use.",
        )?;
        let pool_in_use = gauge(
            "defmatch_db_pool_in_use_connections",
            "Connections checked out by requests.",
        )?;
        let pool_max = gauge(
            "defmatch_db_pool_max_connections",
            "Size limit of the pool.",
        )?;
        let search_outbox_lag = gauge(
            "defmatch_search_outbox_lag",
            "Search outbox entries not yet in this replica's index.",
        )?;
        let email_outbox_oldest = Gauge::new(
            "defmatch_email_outbox_oldest_queued_seconds",
            "Seconds the oldest queued e-mail has waited (0: none queued).",
        )?;
        let session_checks = IntCounterVec::new(
            Opts::new(
                "defmatch_session_checks_total",
                "Who holds an access token, answered by this server's cache or by the database.",
            ),
            &["answered_by"],
        )?;
        let session_changes_heard = IntCounter::new(
            "defmatch_session_changes_heard_total",
            "Changes to sessions announced to this server, and losses and starts of its listening connection.",
        )?;
        registry.register(Box::new(session_checks.clone()))?;
        registry.register(Box::new(session_changes_heard.clone()))?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(search_outbox_lag.clone()))?;
        registry.register(Box::new(email_outbox_oldest.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        for each in [&pool_connections, &pool_idle, &pool_in_use, &pool_max] {
            registry.register(Box::new(each.clone()))?;
        }
        Ok(Metrics {
            registry,
            requests,
            latency,
            pool_connections,
            pool_idle,
            pool_in_use,
            pool_max,
            search_outbox_lag,
            email_outbox_oldest,
            session_checks,
            session_changes_heard,
        })
    }

    /// Counts one finished request.
    pub fn observe(&self, method: &str, route: &str, status: StatusCode, seconds: f64) {
        // The status's digits are static text: no string is made per request.
        let labels = [method, route, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.latency.with_label_values(&labels).observe(seconds);
    }

    /// The metrics in the Prometheus text format, with the pool and the
    /// session checks as they are now and the backlogs as last read
    /// (`None`: the database did not answer).
    pub fn render(
        &self,
        pool: &crate::db::DbPool,
        backlogs: Option<Backlogs>,
        sessions: SessionCheckCounts,
    ) -> String {
        if let Some(backlogs) = backlogs {
            self.search_outbox_lag.set(backlogs.search_outbox_lag);
            self.email_outbox_oldest
                .set(backlogs.email_outbox_oldest_seconds);
        }
        let state = pool.state();
        self.pool_connections.set(i64::from(state.connections));
        self.pool_idle.set(i64::from(state.idle_connections));
        self.pool_in_use.set(i64::from(
            state.connections.saturating_sub(state.idle_connections),
        ));
        self.pool_max.set(i64::from(pool.max_size()));
        // The cache counts for itself; the counters catch up to its counts.
        let catch_up = |counter: &IntCounter, count: u64| {
            counter.inc_by(count.saturating_sub(counter.get()));
        };
        catch_up(
            &self.session_checks.with_label_values(&["cache"]),
            sessions.from_cache,
        );
        catch_up(
            &self.session_checks.with_label_values(&["database"]),
            sessions.from_database,
        );
        catch_up(&self.session_changes_heard, sessions.changes_heard);
        let mut text = Vec::new();
        if let Err(error) =
            prometheus::TextEncoder::new().encode(&self.registry.gather(), &mut text)
        {
            tracing::error!(%error, "metrics could not be encoded");
        }
        String::from_utf8(text).unwrap_or_default()
    }
}

/// Who may read `/metrics` (docs/api.md, "Operations"): closed by default,
/// since route latencies and pool use tell an outsider how the service
/// fares; open to a bearer of `METRICS_TOKEN`, and to anyone on the
/// separate address `DEFMATCH_METRICS_BIND`, which serves nothing else.
#[derive(Debug, Clone, Default)]
pub struct MetricsAccess {
    /// The token a scraper sends as `Authorization: Bearer <token>`.
    pub token: Option<SecretString>,
    /// The address of the metrics-only listener.
    pub address: Option<SocketAddr>,
}

impl MetricsAccess {
    /// Whether `request` came in on the metrics-only listener.
    pub fn is_metrics_listener(&self, request: &HttpRequest) -> bool {
        self.address == Some(request.app_config().local_addr())
    }

    /// Whether `request` may read the metrics.
    pub fn allows(&self, request: &HttpRequest) -> bool {
        if self.is_metrics_listener(request) {
            return true;
        }
        let Some(token) = &self.token else {
            return false;
        };
        request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.as_bytes().strip_prefix(b"Bearer "))
            .is_some_and(|presented| same_secret(presented, token.expose_secret().as_bytes()))
    }
}

/// Compares two secrets in time that depends only on their lengths.
fn same_secret(presented: &[u8], expected: &[u8]) -> bool {
    presented.len() == expected.len()
        && presented
            .iter()
            .zip(expected)
            .fold(0_u8, |difference, (a, b)| difference | (a ^ b))
            == 0
}

/// Middleware that times every request and counts it by route pattern
/// (not raw path, so ids do not explode the label set).
pub async fn record_request_metrics(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = request.app_data::<web::Data<Metrics>>().cloned();
    let method = request.method().clone();
    let response = next.call(request).await?;
    if let Some(metrics) = metrics {
        let route = response.request().match_pattern();
        metrics.observe(
            method.as_str(),
            route.as_deref().unwrap_or("unmatched"),
            response.status(),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_equal_only_when_every_byte_matches() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"abcd"));
        assert!(!same_secret(b"", b"a"));
    }

    #[test]
    fn a_request_lands_in_its_latency_bucket_and_every_bucket_above() {
        let metrics = Metrics::new().expect("metrics");
        metrics.observe("GET", "/x", StatusCode::OK, 0.003);
        metrics.observe("GET", "/x", StatusCode::OK, 0.3);
        let histogram = metrics.latency.with_label_values(&["GET", "/x", "200"]);
        assert_eq!(histogram.get_sample_count(), 2);
        let text = {
            let mut text = Vec::new();
            prometheus::TextEncoder::new()
                .encode(&metrics.registry.gather(), &mut text)
                .expect("encode");
            String::from_utf8(text).expect("utf-8")
        };
        assert!(text.contains(r#"le="0.001"} 0"#), "{text}");
        assert!(text.contains(r#"le="0.005"} 1"#), "{text}");
        assert!(text.contains(r#"le="5"} 2"#), "{text}");
        assert!(text
            .contains(r#"defmatch_http_requests_total{method="GET",route="/x",status="200"} 2"#));
    }
}
