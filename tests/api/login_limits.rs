//! Fair login limits, counted in PostgreSQL: wrong passwords slow down the
//! pair (account, address) only, so a stranger never locks the owner out;
//! per address only failures count; `X-Forwarded-For` counts only from a
//! trusted proxy; registration and reset requests are limited per address;
//! and two servers on one database share every count.

use std::time::Duration;

use actix_web::http::Method;
use defmatch::config::{LoginLimits, TrustedProxies};
use serde_json::json;

use crate::helpers::{spawn_app_with, Options, Reply, TestApp, PASSWORD};

fn strict_limits() -> LoginLimits {
    LoginLimits {
        free_failures_per_pair: 2,
        first_delay: Duration::from_secs(30),
        failures_per_address: 5,
        requests_per_address: 3,
        window: Duration::from_secs(60),
    }
}

/// A server with the strict limits behind a trusted proxy on 127.0.0.1, so
/// that a test can speak from any address with `X-Forwarded-For`.
async fn behind_a_proxy() -> TestApp {
    spawn_app_with(Options {
        login_limits: strict_limits(),
        trusted_proxies: TrustedProxies::parse("127.0.0.1").expect("proxies"),
        ..Default::default()
    })
    .await
}

async fn login_from(app: &TestApp, address: Option<&str>, email: &str, password: &str) -> Reply {
    let headers: Vec<(&str, String)> = address
        .map(|address| ("X-Forwarded-For", address.to_owned()))
        .into_iter()
        .collect();
    let body = json!({"email": email, "password": password}).to_string();
    app.send(
        Method::POST,
        "/api/v1/auth/login",
        None,
        &headers,
        Some(("application/json", body.into_bytes())),
    )
    .await
}

#[track_caller]
fn retry_after_seconds(reply: &Reply) -> u64 {
    let value = reply
        .header("retry-after")
        .unwrap_or_else(|| panic!("429 without Retry-After; body: {}", reply.body));
    value
        .parse()
        .unwrap_or_else(|_| panic!("Retry-After is not a number of seconds: {value}"))
}

const STRANGER: Option<&str> = Some("203.0.113.66");
const OWNER: Option<&str> = Some("198.51.100.7");
const WRONG: &str = "not the password at all";

#[actix_web::test]
async fn a_strangers_wrong_passwords_slow_down_only_the_stranger() {
    let app = behind_a_proxy().await;
    let founder = app.startup_account("Radar Works").await;
    for _ in 0..2 {
        login_from(&app, STRANGER, &founder.email, WRONG)
            .await
            .expect_error(401, "invalid_credentials");
    }
    // The stranger now waits, even with the right password, however the
    // address is written.
    let slowed = login_from(&app, STRANGER, &founder.email, PASSWORD).await;
    slowed.expect_error(429, "too_many_requests");
    let wait = retry_after_seconds(&slowed);
    assert!(wait > 0 && wait <= 30, "Retry-After {wait}");
    login_from(
        &app,
        STRANGER,
        &format!(" {} ", founder.email.to_uppercase()),
        PASSWORD,
    )
    .await
    .expect_error(429, "too_many_requests");
    // The owner, from another address, is not locked out.
    login_from(&app, OWNER, &founder.email, PASSWORD)
        .await
        .expect(200);
    // Nor is another account from the stranger's address.
    let other = app.startup_account("Sonar Works").await;
    login_from(&app, STRANGER, &other.email, PASSWORD)
        .await
        .expect(200);
}

#[actix_web::test]
async fn the_wait_grows_with_every_further_wrong_password() {
    let app = spawn_app_with(Options {
        login_limits: LoginLimits {
            first_delay: Duration::from_secs(1),
            ..strict_limits()
        },
        ..Default::default()
    })
    .await;
    let founder = app.startup_account("Radar Works").await;
    let mut waits = Vec::new();
    for _ in 0..2 {
        login_from(&app, None, &founder.email, WRONG)
            .await
            .expect_error(401, "invalid_credentials");
    }
    for _ in 0..2 {
        let refused = login_from(&app, None, &founder.email, WRONG).await;
        refused.expect_error(429, "too_many_requests");
        let wait = retry_after_seconds(&refused);
        waits.push(wait);
        actix_web::rt::time::sleep(Duration::from_millis(wait * 1000 + 100)).await;
        login_from(&app, None, &founder.email, WRONG)
            .await
            .expect_error(401, "invalid_credentials");
    }
    // The second failure starts the waits (1 s), each further one doubles it.
    assert_eq!(waits, vec![1, 2], "Retry-After of each wait");
}

#[actix_web::test]
async fn a_successful_login_forgets_earlier_failures() {
    let app = spawn_app_with(Options {
        login_limits: strict_limits(),
        ..Default::default()
    })
    .await;
    let founder = app.startup_account("Radar Works").await;
    for _ in 0..3 {
        login_from(&app, None, &founder.email, WRONG)
            .await
            .expect_error(401, "invalid_credentials");
        login_from(&app, None, &founder.email, PASSWORD)
            .await
            .expect(200);
    }
}

#[actix_web::test]
async fn per_address_only_failures_count() {
    let app = spawn_app_with(Options {
        login_limits: strict_limits(),
        ..Default::default()
    })
    .await;
    let founder = app.startup_account("Radar Works").await;
    // An office behind one address: many logins, none refused.
    for _ in 0..12 {
        login_from(&app, None, &founder.email, PASSWORD)
            .await
            .expect(200);
    }
    // Five failures across accounts from that address do stop it.
    for n in 0..5 {
        login_from(&app, None, &format!("guess-{n}@radar.test"), PASSWORD)
            .await
            .expect_error(401, "invalid_credentials");
    }
    let limited = login_from(&app, None, &founder.email, PASSWORD).await;
    limited.expect_error(429, "too_many_requests");
    let wait = retry_after_seconds(&limited);
    assert!(wait > 0 && wait <= 60, "Retry-After {wait}");
}

#[actix_web::test]
async fn a_forged_forwarded_for_from_an_untrusted_peer_changes_nothing() {
    let app = spawn_app_with(Options {
        login_limits: strict_limits(),
        ..Default::default()
    })
    .await;
    let founder = app.startup_account("Radar Works").await;
    for n in 0..2 {
        let claimed = format!("203.0.113.{n}");
        login_from(&app, Some(&claimed), &founder.email, WRONG)
            .await
            .expect_error(401, "invalid_credentials");
    }
    // Every attempt came from 127.0.0.1, whatever the header claimed.
    login_from(&app, Some("192.0.2.200"), &founder.email, PASSWORD)
        .await
        .expect_error(429, "too_many_requests");
}

#[actix_web::test]
async fn two_servers_on_one_database_share_the_counts() {
    let first = behind_a_proxy().await;
    let second = spawn_app_with(Options {
        login_limits: strict_limits(),
        trusted_proxies: TrustedProxies::parse("127.0.0.1").expect("proxies"),
        shared_database_url: Some(first.database.url.clone()),
        ..Default::default()
    })
    .await;
    let founder = first.startup_account("Radar Works").await;
    // One wrong password on each server: together, the pair's free ones.
    login_from(&first, STRANGER, &founder.email, WRONG)
        .await
        .expect_error(401, "invalid_credentials");
    login_from(&second, STRANGER, &founder.email, WRONG)
        .await
        .expect_error(401, "invalid_credentials");
    login_from(&first, STRANGER, &founder.email, PASSWORD)
        .await
        .expect_error(429, "too_many_requests");
    login_from(&second, STRANGER, &founder.email, PASSWORD)
        .await
        .expect_error(429, "too_many_requests");
    // Address failures add up across servers too: 2 so far, 3 more.
    let address = Some("203.0.113.99");
    for (n, app) in [&first, &second, &first].into_iter().enumerate() {
        login_from(app, address, &format!("guess-{n}@radar.test"), WRONG)
            .await
            .expect_error(401, "invalid_credentials");
    }
    for (n, app) in [&second, &first].into_iter().enumerate() {
        login_from(app, address, &format!("more-{n}@radar.test"), WRONG)
            .await
            .expect_error(401, "invalid_credentials");
    }
    login_from(&second, address, &founder.email, PASSWORD)
        .await
        .expect_error(429, "too_many_requests");
    // The owner elsewhere still gets in, on either server.
    login_from(&second, OWNER, &founder.email, PASSWORD)
        .await
        .expect(200);
}

async fn post_from(app: &TestApp, address: &str, path: &str, body: serde_json::Value) -> Reply {
    app.send(
        Method::POST,
        path,
        None,
        &[("X-Forwarded-For", address.to_owned())],
        Some(("application/json", body.to_string().into_bytes())),
    )
    .await
}

#[actix_web::test]
async fn registrations_are_limited_per_address() {
    let app = behind_a_proxy().await;
    let register = |n: usize, address: &'static str| {
        let app = &app;
        async move {
            post_from(
                app,
                address,
                "/api/v1/auth/register",
                json!({
                    "email": format!("founder-{n}-{}@startup.test", uuid::Uuid::new_v4().simple()),
                    "password": PASSWORD,
                    "display_name": "Founder",
                    "company_name": format!("Company {n} {}", uuid::Uuid::new_v4().simple()),
                    "accept_privacy": true,
                }),
            )
            .await
        }
    };
    for n in 0..3 {
        register(n, "203.0.113.5").await.expect(202);
    }
    let limited = register(3, "203.0.113.5").await;
    limited.expect_error(429, "too_many_requests");
    assert!(retry_after_seconds(&limited) <= 60);
    register(4, "203.0.113.6").await.expect(202);
}

#[actix_web::test]
async fn reset_requests_are_limited_per_address_whatever_they_ask_for() {
    let app = behind_a_proxy().await;
    for n in 0..3 {
        let reply = post_from(
            &app,
            "203.0.113.7",
            "/api/v1/auth/password-reset",
            json!({"email": format!("someone-{n}@defmatch.test")}),
        )
        .await;
        assert_eq!(reply.status, 202, "{}", reply.body);
    }
    post_from(
        &app,
        "203.0.113.7",
        "/api/v1/auth/password-reset",
        json!({"email": "someone-else@defmatch.test"}),
    )
    .await
    .expect_error(429, "too_many_requests");
    let elsewhere = post_from(
        &app,
        "203.0.113.8",
        "/api/v1/auth/password-reset",
        json!({"email": "someone-else@defmatch.test"}),
    )
    .await;
    assert_eq!(elsewhere.status, 202);
}
