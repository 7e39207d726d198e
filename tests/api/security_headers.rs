//! The security headers on every kind of answer: API, pages, assets and
//! errors, anonymous and signed in; HSTS only with `Secure` cookies.

use actix_web::http::Method;
use defmatch::web::WebSettings;
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with, Options, Reply, TestApp};
use crate::web_pages::{html, signed_in};

/// Asserts the headers every answer carries, with `what` in the message.
#[track_caller]
fn assert_security_headers(reply: &Reply, what: &str) {
    let policy = reply
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"));
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ] {
        assert!(
            policy.contains(directive),
            "{what}: {directive} in {policy}"
        );
    }
    assert!(
        !policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"),
        "{what}: {policy}"
    );
    assert_eq!(
        reply.header("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        reply.header("referrer-policy").as_deref(),
        Some("same-origin"),
        "{what}"
    );
    assert_eq!(
        reply.header("x-frame-options").as_deref(),
        Some("DENY"),
        "{what}"
    );
    assert!(
        reply
            .header("strict-transport-security")
            .is_some_and(|value| value.starts_with("max-age=31536000")),
        "{what}: HSTS with Secure cookies"
    );
}

#[track_caller]
fn assert_no_store(reply: &Reply, what: &str) {
    assert_eq!(
        reply.header("cache-control").as_deref(),
        Some("no-store"),
        "{what}"
    );
}

async fn page(app: &TestApp, path: &str) -> Reply {
    app.send(
        Method::GET,
        path,
        None,
        &[("Accept", "text/html".to_owned())],
        None,
    )
    .await
}

#[actix_web::test]
async fn api_answers_carry_the_security_headers_and_are_not_stored() {
    let app = spawn_app().await;
    let officer = app.procurement("Headers Procurement").await;

    let public = app.get("/api/v1/taxonomy", None).await.expect(200);
    assert_security_headers(&public, "public API");
    assert_no_store(&public, "public API");

    let me = app.get("/api/v1/me", officer.auth()).await.expect(200);
    assert_security_headers(&me, "signed-in API");
    assert_no_store(&me, "signed-in API");

    let created = app
        .post(
            "/api/v1/challenges",
            officer.auth(),
            crate::helpers::challenge_body("Headers on a write"),
        )
        .await
        .expect(201);
    assert_security_headers(&created, "a write");
    assert_no_store(&created, "a write");

    for reply in [
        app.get("/healthz", None).await.expect(200),
        app.get("/readyz", None).await.expect(200),
        app.get("/api/v1/openapi.json", None).await.expect(200),
    ] {
        assert_security_headers(&reply, "operations");
    }
}

#[actix_web::test]
async fn error_answers_carry_the_security_headers() {
    let app = spawn_app().await;
    let officer = app.procurement("Headers Errors").await;
    let missing = app
        .get(
            "/api/v1/challenges/00000000-0000-4000-8000-000000000000",
            None,
        )
        .await;
    missing.expect_error(404, "not_found");
    let unrouted = app.get("/api/v1/no-such-thing", None).await;
    let method = app
        .send(Method::PUT, "/api/v1/taxonomy", None, &[], None)
        .await;
    let unauthenticated = app.get("/api/v1/me", None).await;
    let bad_json = app
        .send(
            Method::POST,
            "/api/v1/challenges",
            officer.auth(),
            &[],
            Some(("application/json", b"{not json".to_vec())),
        )
        .await;
    let invalid = app
        .post("/api/v1/challenges", officer.auth(), json!({"title": ""}))
        .await;
    for (reply, status) in [
        (&missing, 404),
        (&unrouted, 404),
        (&method, 405),
        (&unauthenticated, 401),
        (&bad_json, 400),
        (&invalid, 400),
    ] {
        assert_eq!(reply.status, status, "{}", reply.body);
        assert_security_headers(reply, &format!("error {status}"));
        assert_no_store(reply, &format!("error {status}"));
    }
    let missing_page = page(&app, "/no-such-page").await;
    assert_eq!(missing_page.status, 404);
    assert_security_headers(&missing_page, "404 page");
}

#[actix_web::test]
async fn pages_carry_the_security_headers_and_signed_in_pages_are_not_stored() {
    let app = spawn_app().await;
    for path in ["/", "/login", "/challenges"] {
        let reply = page(&app, path).await.expect(200);
        assert_security_headers(&reply, path);
        assert_no_store(&reply, path);
        let text = html(&reply);
        // What the policy would refuse: inline script, handlers, style attributes.
        assert!(!text.contains("<script>"), "{path}: inline script");
        assert!(!text.contains(" style="), "{path}: style attribute");
        assert!(!text.contains(" onclick="), "{path}: inline handler");
        assert!(!text.contains("<style"), "{path}: style element");
    }

    let startup = app.startup_account("Headers Sonar").await;
    let mut visitor = signed_in(&app, &startup.email).await;
    let dashboard = visitor.get("/profile").await.expect(200);
    assert_security_headers(&dashboard, "signed-in page");
    assert_no_store(&dashboard, "signed-in page");
}

#[actix_web::test]
async fn assets_carry_the_security_headers_and_may_be_cached() {
    let app = spawn_app().await;
    for path in ["/assets/app.css", "/assets/app.js"] {
        let reply = app.get(path, None).await.expect(200);
        assert_security_headers(&reply, path);
        assert_eq!(
            reply.header("cache-control").as_deref(),
            Some("public, max-age=3600"),
            "{path}"
        );
    }
    // The Swagger UI and its files: the same policy, with one style hash.
    for path in [
        "/docs/",
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-initializer.js",
    ] {
        let reply = app.get(path, None).await.expect(200);
        assert_security_headers(&reply, path);
    }
}

#[actix_web::test]
async fn hsts_is_sent_only_when_the_cookies_are_secure() {
    let app = spawn_app_with(Options {
        web_settings: WebSettings {
            secure_cookies: false,
        },
        ..Options::default()
    })
    .await;
    let reply = app.get("/api/v1/taxonomy", None).await.expect(200);
    assert_eq!(reply.header("strict-transport-security"), None);
    assert_eq!(
        reply.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert!(reply
        .header("content-security-policy")
        .is_some_and(|policy| policy.contains("frame-ancestors 'none'")));
}
