//! Forgotten and changed passwords: the reset link travels by real mail
//! (the test SMTP server), works once and for one hour, and a new password
//! ends the account's other sessions. Asking for a link tells nobody
//! whether an account has the address.

use std::time::{Duration, Instant};

use defmatch::db::schema::{email_outbox, password_reset_tokens};
use diesel::prelude::*;
use serde_json::json;

use defmatch::config::LoginLimits;

use crate::helpers::{spawn_app, spawn_app_with, Actor, Options, TestApp, PASSWORD};
use crate::mailbox::{mail_to, Mailbox, ReceivedMail};

const NEW_PASSWORD: &str = "a brand new passphrase";

/// Asks for a reset link for `email` and answers the reply's status and body.
async fn ask_for_reset(app: &TestApp, email: &str) -> (u16, serde_json::Value) {
    let reply = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            json!({ "email": email }),
        )
        .await;
    (reply.status, reply.body)
}

/// The token of the reset link in `mail`, after checking where the link leads.
fn reset_token(app: &TestApp, mail: &ReceivedMail) -> String {
    let prefix = format!("{}/reset-password?token=", app.address);
    let link = mail
        .link_starting_with(&prefix)
        .unwrap_or_else(|| panic!("no link to {prefix} in: {}", mail.text));
    link[prefix.len()..].to_owned()
}

/// A reset link for `actor`, from the mail it received.
async fn reset_link_for(app: &TestApp, actor: &Actor) -> String {
    let before = Mailbox::shared().messages_to(&actor.email).len();
    assert_eq!(ask_for_reset(app, &actor.email).await.0, 202);
    let messages = mail_to(app, &actor.email, before + 1).await;
    reset_token(app, messages.last().expect("a mail"))
}

async fn confirm(app: &TestApp, token: &str, password: &str) -> crate::helpers::Reply {
    app.post(
        "/api/v1/auth/password-reset/confirm",
        None,
        json!({ "token": token, "password": password }),
    )
    .await
}

async fn log_in_with(app: &TestApp, email: &str, password: &str) -> u16 {
    app.post(
        "/api/v1/auth/login",
        None,
        json!({ "email": email, "password": password }),
    )
    .await
    .status
}

#[actix_web::test]
async fn a_forgotten_password_is_reset_through_the_mailed_link() {
    let app = spawn_app().await;
    let officer = app.procurement("Reset Navy").await;
    let before = Mailbox::shared().messages_to(&officer.email).len();
    let (status, body) = ask_for_reset(&app, &officer.email).await;
    assert_eq!(status, 202);
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));

    let messages = mail_to(&app, &officer.email, before + 1).await;
    let mail = messages.last().expect("the reset mail");
    assert!(
        mail.subject.contains("Reset your defmatch password"),
        "{}",
        mail.subject
    );
    assert!(mail.text.contains("60 minutes"), "{}", mail.text);
    let token = reset_token(&app, mail);
    assert_eq!(token.len(), 64, "256 random bits, hex: {token}");

    confirm(&app, &token, NEW_PASSWORD).await.expect(204);
    // Every session of the account ended, and only the new password works.
    app.get("/api/v1/me", officer.auth())
        .await
        .expect_error(401, "invalid_token");
    assert_eq!(log_in_with(&app, &officer.email, PASSWORD).await, 401);
    assert_eq!(log_in_with(&app, &officer.email, NEW_PASSWORD).await, 200);

    // The token is kept only as its hash, and the outbox keeps no copy of the link.
    let mut connection = app.database.connect();
    let stored: Vec<Vec<u8>> = password_reset_tokens::table
        .select(password_reset_tokens::token_hash)
        .load(&mut connection)
        .expect("tokens");
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token.as_bytes());
    let bodies: Vec<String> = email_outbox::table
        .filter(email_outbox::recipient.eq(&officer.email))
        .select(email_outbox::body)
        .load(&mut connection)
        .expect("outbox");
    assert!(
        bodies.iter().all(|body| !body.contains(&token)),
        "{bodies:?}"
    );
}

#[actix_web::test]
async fn a_reset_link_works_once() {
    let app = spawn_app().await;
    let officer = app.procurement("Once Navy").await;
    let token = reset_link_for(&app, &officer).await;
    confirm(&app, &token, NEW_PASSWORD).await.expect(204);
    let reused = confirm(&app, &token, "yet another passphrase").await;
    reused.expect_error(400, "invalid_input");
    assert_eq!(reused.error_field(), Some("token"));
    assert_eq!(log_in_with(&app, &officer.email, NEW_PASSWORD).await, 200);
}

#[actix_web::test]
async fn an_expired_reset_link_is_refused() {
    let app = spawn_app().await;
    let officer = app.procurement("Expiry Navy").await;
    let token = reset_link_for(&app, &officer).await;
    // An hour and a minute later.
    let mut connection = app.database.connect();
    diesel::update(password_reset_tokens::table)
        .set(
            password_reset_tokens::expires_at.eq(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .execute(&mut connection)
        .expect("age the token");
    let expired = confirm(&app, &token, NEW_PASSWORD).await;
    expired.expect_error(400, "invalid_input");
    assert_eq!(expired.error_field(), Some("token"));
    assert_eq!(log_in_with(&app, &officer.email, PASSWORD).await, 200);
}

#[actix_web::test]
async fn forged_reset_tokens_are_refused() {
    let app = spawn_app().await;
    let officer = app.procurement("Forgery Navy").await;
    let genuine = reset_link_for(&app, &officer).await;
    let mut altered = genuine.clone().into_bytes();
    altered[0] = if altered[0] == b'0' { b'1' } else { b'0' };
    let altered = String::from_utf8(altered).expect("hex");
    for forged in [
        altered.as_str(),
        "0000000000000000000000000000000000000000000000000000000000000000",
        "not even hex",
        "",
    ] {
        let refused = confirm(&app, forged, NEW_PASSWORD).await;
        refused.expect_error(400, "invalid_input");
        assert_eq!(refused.error_field(), Some("token"), "{forged:?}");
    }
    // A bad new password is refused before the token is spent.
    let short = confirm(&app, &genuine, "short").await;
    short.expect_error(400, "invalid_input");
    assert_eq!(short.error_field(), Some("password"));
    confirm(&app, &genuine, NEW_PASSWORD).await.expect(204);
}

#[actix_web::test]
async fn asking_for_a_reset_tells_nobody_whether_an_account_exists() {
    // Room for the timing rounds below the per-address limit.
    let app = spawn_app_with(Options {
        login_limits: LoginLimits {
            requests_per_address: 100,
            ..LoginLimits::default()
        },
        ..Default::default()
    })
    .await;
    let officer = app.procurement("Enumeration Navy").await;
    let stranger = format!("nobody-{}@defmatch.test", uuid::Uuid::new_v4().simple());
    let known = ask_for_reset(&app, &officer.email).await;
    let unknown = ask_for_reset(&app, &stranger).await;
    let malformed = ask_for_reset(&app, "not an address").await;
    assert_eq!(known, unknown, "same status and body");
    assert_eq!(known, malformed);
    assert_eq!(known.0, 202);

    // The same timing class: the lookup and the mail happen after the answer.
    let (mut known_times, mut unknown_times) = (Vec::new(), Vec::new());
    for _ in 0..15 {
        let start = Instant::now();
        assert_eq!(ask_for_reset(&app, &officer.email).await, known);
        known_times.push(start.elapsed());
        let start = Instant::now();
        assert_eq!(ask_for_reset(&app, &stranger).await, known);
        unknown_times.push(start.elapsed());
    }
    known_times.sort();
    unknown_times.sort();
    let (known_median, unknown_median) = (known_times[7], unknown_times[7]);
    let (fast, slow) = if known_median < unknown_median {
        (known_median, unknown_median)
    } else {
        (unknown_median, known_median)
    };
    assert!(
        slow < fast * 3 + Duration::from_millis(15),
        "known {known_median:?} vs unknown {unknown_median:?}"
    );

    // Mail went to the account only: 16 requests, 16 links.
    mail_to(&app, &officer.email, 16).await;
    let mut connection = app.database.connect();
    let to_stranger: i64 = email_outbox::table
        .filter(email_outbox::recipient.eq(&stranger))
        .count()
        .get_result(&mut connection)
        .expect("count");
    assert_eq!(to_stranger, 0);
    assert!(Mailbox::shared().messages_to(&stranger).is_empty());
}

#[actix_web::test]
async fn reset_mail_stays_out_of_notifications_and_the_admins_outbox_view() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let officer = app.procurement("Outbox Navy").await;
    assert_eq!(ask_for_reset(&app, &officer.email).await.0, 202);
    // Queued (the request is answered before the mail is queued).
    let deadline = Instant::now() + Duration::from_secs(10);
    let outbox = loop {
        let outbox = app
            .get("/api/v1/admin/email-outbox", admin.auth())
            .await
            .expect(200);
        if outbox.body["items"]
            .as_array()
            .is_some_and(|items| !items.is_empty())
        {
            break outbox;
        }
        assert!(Instant::now() < deadline, "no mail queued: {}", outbox.body);
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    };
    let item = &outbox.body["items"][0];
    assert_eq!(item["recipient"], officer.email.as_str());
    assert!(item["notification_id"].is_null());
    assert!(
        !item["body"].as_str().unwrap_or_default().contains("token="),
        "the link is withheld: {item}"
    );
    let notifications = app
        .get("/api/v1/notifications", officer.auth())
        .await
        .expect(200);
    assert_eq!(notifications.body["total"], 0, "{}", notifications.body);
}

#[actix_web::test]
async fn changing_the_password_needs_the_current_one_and_ends_the_other_sessions() {
    let app = spawn_app().await;
    let here = app.procurement("Change Navy").await;
    let elsewhere = app.log_in(&here.email).await.expect(200);
    let elsewhere_token = elsewhere.body["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let pending_link = reset_link_for(&app, &here).await;

    let wrong = app
        .post(
            "/api/v1/me/password",
            here.auth(),
            json!({ "current_password": "not my password", "new_password": NEW_PASSWORD }),
        )
        .await;
    wrong.expect_error(400, "invalid_input");
    assert_eq!(wrong.error_field(), Some("current_password"));
    app.post(
        "/api/v1/me/password",
        None,
        json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD }),
    )
    .await
    .expect_error(401, "missing_token");

    app.post(
        "/api/v1/me/password",
        here.auth(),
        json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD }),
    )
    .await
    .expect(204);
    // This session goes on; the other one ended; the old link is spent.
    app.get("/api/v1/me", here.auth()).await.expect(200);
    app.get("/api/v1/me", Some(&elsewhere_token))
        .await
        .expect_error(401, "invalid_token");
    confirm(&app, &pending_link, "a third passphrase here")
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(log_in_with(&app, &here.email, PASSWORD).await, 401);
    assert_eq!(log_in_with(&app, &here.email, NEW_PASSWORD).await, 200);
}
