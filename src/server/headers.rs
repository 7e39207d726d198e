//! The security headers every answer carries: API, pages, assets and
//! errors alike. Why each one, and what the policy allows, is in
//! docs/web.md ("Security headers").

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;

use crate::web::WebSettings;

/// The Content-Security-Policy: scripts, styles, images and fetches only
/// from this origin, no inline script or style, no plugins, no framing,
/// forms post only here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The policy of the interactive API documentation under `/docs/`: the
/// same, but the Swagger UI script adds one `<style>` element of its own,
/// allowed by its hash (no 'unsafe-inline'). A new Swagger UI version with
/// another style shows as a CSP violation in the browser test of `/docs/`.
pub const DOCS_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Where the interactive API documentation is served.
const DOCS_PATH: &str = "/docs/";

/// HSTS for a year, sent only when the session cookies are `Secure`, that
/// is, when the site is served over TLS.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

/// Adds the security headers to every answer. An answer that sets its own
/// `Cache-Control` (the assets) keeps it; every other one is `no-store`, as
/// pages and API answers may carry personal data.
pub async fn security_headers(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let secure_cookies = request
        .app_data::<web::Data<WebSettings>>()
        .is_none_or(|settings| settings.secure_cookies);
    let policy = if request.path().starts_with(DOCS_PATH) {
        DOCS_CONTENT_SECURITY_POLICY
    } else {
        CONTENT_SECURITY_POLICY
    };
    let mut response = next.call(request).await?;
    let headers = response.headers_mut();
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, policy),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        );
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}
