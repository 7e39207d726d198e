//! The span every request is logged in, and the log line of a refused or
//! failed request. Everything the caller sent (the target with its query,
//! the user agent, the host) is cut to a short piece (`domain::echo`), and
//! an error is logged by what was wrong, not by the payload: a 1 MB query
//! value or field name must not become megabytes of log.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::{Error, HttpMessage, ResponseError};
use tracing::field::Empty;
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};

use crate::domain::echo::{bounded_message, shortened, MAX_ECHOED_CHARS};

/// The request span with bounded fields, and one log line per 4xx (warn)
/// or 5xx (error) answer.
pub struct BoundedRequestSpan;

impl RootSpanBuilder for BoundedRequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let header_text = |name: header::HeaderName| {
            request
                .headers()
                .get(name)
                .map(|value| {
                    shortened(&String::from_utf8_lossy(value.as_bytes()), MAX_ECHOED_CHARS)
                })
                .unwrap_or_default()
        };
        let target = request
            .uri()
            .path_and_query()
            .map_or("", |target| target.as_str());
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        tracing::info_span!(
            "HTTP request",
            http.method = %shortened(request.method().as_str(), 16),
            http.route = %route,
            http.target = %shortened(target, MAX_ECHOED_CHARS),
            http.host = %header_text(header::HOST),
            http.user_agent = %header_text(header::USER_AGENT),
            http.peer = %request.peer_addr().map(|address| address.ip().to_string()).unwrap_or_default(),
            http.status_code = Empty,
            request_id = %request_id,
            exception.message = Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let (status, error) = match outcome {
            Ok(response) => (
                response.status(),
                response.response().error().map(Error::as_response_error),
            ),
            Err(error) => (
                error.as_response_error().status_code(),
                Some(error.as_response_error()),
            ),
        };
        span.record("http.status_code", status.as_u16());
        let Some(error) = error else {
            return;
        };
        let what = error_summary(error);
        span.record("exception.message", what.as_str());
        span.in_scope(|| {
            if status.is_server_error() {
                tracing::error!(status = status.as_u16(), error = %what, "request failed");
            } else {
                tracing::warn!(status = status.as_u16(), error = %what, "request refused");
            }
        });
    }
}

/// What was wrong, in a bounded sentence: the error's own message with
/// any input it quotes cut short.
fn error_summary(error: &dyn ResponseError) -> String {
    bounded_message(&error.to_string())
}
