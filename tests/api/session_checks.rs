//! Who holds a token, answered from the server's cache of recent checks:
//! a change counts at once when made through the server, as soon as
//! PostgreSQL announces it when made elsewhere, and every check goes to the
//! database while the server cannot hear the announcements.

use std::time::{Duration, Instant};

use chrono::Utc;
use defmatch::db::schema::{sessions, users};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with, Actor, Options, TestApp};

/// Asks `/me` until the answer is served from the cache (the first check
/// of a session reads the database; the cache only keeps checks once its
/// listening connection is up).
async fn warm(app: &TestApp, token: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let before = app.sessions.counts().from_cache;
        app.get("/api/v1/me", Some(token)).await.expect(200);
        if app.sessions.counts().from_cache > before {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no check was answered from the cache within 5 s"
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A server with a founder's and an officer's sessions in its cache.
async fn two_cached_sessions() -> (TestApp, Actor, Actor) {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    warm(&app, &founder.token).await;
    warm(&app, &officer.token).await;
    (app, founder, officer)
}

fn disable(connection: &mut PgConnection, user_id: uuid::Uuid) {
    diesel::update(users::table.find(user_id))
        .set(users::disabled_at.eq(Some(Utc::now())))
        .execute(connection)
        .expect("disable the user");
}

#[actix_web::test]
async fn a_change_made_straight_in_the_database_reaches_a_cached_session() {
    let (app, founder, officer) = two_cached_sessions().await;

    // `change_user` fails unless the announcement reaches the server.
    app.change_user(founder.user_id, |connection| {
        disable(connection, founder.user_id)
    });
    app.get("/api/v1/me", founder.auth())
        .await
        .expect_error(401, "invalid_token");
    // Only the changed user's sessions were forgotten.
    let before = app.sessions.counts().from_cache;
    app.get("/api/v1/me", officer.auth()).await.expect(200);
    assert_eq!(app.sessions.counts().from_cache, before + 1);
}

#[actix_web::test]
async fn a_log_out_through_the_server_counts_at_once_for_a_cached_session() {
    let (app, founder, officer) = two_cached_sessions().await;
    app.post("/api/v1/auth/logout", founder.auth(), json!({}))
        .await
        .expect(204);
    app.get("/api/v1/me", founder.auth())
        .await
        .expect_error(401, "invalid_token");
    // The write emptied the whole cache before it answered, without waiting
    // for the announcement (which names the founder only): the officer's
    // next check reads the database.
    let before = app.sessions.counts().from_database;
    app.get("/api/v1/me", officer.auth()).await.expect(200);
    assert_eq!(app.sessions.counts().from_database, before + 1);
}

#[actix_web::test]
async fn a_cached_session_ends_when_its_time_is_up() {
    let (app, founder, _) = two_cached_sessions().await;
    // The session now ends in two seconds; the cache learns of it, and
    // keeps the new end with the next check.
    let ends_at = Utc::now() + chrono::Duration::seconds(2);
    app.change_user(founder.user_id, |connection| {
        diesel::update(sessions::table.filter(sessions::user_id.eq(founder.user_id)))
            .set(sessions::expires_at.eq(ends_at))
            .execute(connection)
            .expect("shorten the session");
    });
    warm(&app, &founder.token).await;
    let wait = (ends_at - Utc::now()).to_std().unwrap_or_default() + Duration::from_millis(100);
    actix_web::rt::time::sleep(wait).await;
    app.get("/api/v1/me", founder.auth())
        .await
        .expect_error(401, "invalid_token");
}

#[derive(QueryableByName)]
struct Terminated {
    #[diesel(sql_type = Bool)]
    terminated: bool,
}

#[actix_web::test]
async fn without_its_listening_connection_the_server_checks_every_session_in_the_database() {
    let app = spawn_app_with(Options {
        metrics_listener: true,
        ..Options::default()
    })
    .await;
    let founder = app.startup_account("Radar Works").await;
    warm(&app, &founder.token).await;

    // The listening connection goes, and the founder is disabled without
    // the server hearing of it.
    let mut connection = app.database.connect();
    let ended: Vec<Terminated> = diesel::sql_query(
        "SELECT pg_terminate_backend(pid, 5000) AS terminated FROM pg_stat_activity \
         WHERE datname = current_database() AND query = 'LISTEN session_changes'",
    )
    .load(&mut connection)
    .expect("end the listening connection");
    assert_eq!(ended.len(), 1, "one listening connection");
    assert!(ended[0].terminated);
    disable(&mut connection, founder.user_id);
    app.get("/api/v1/me", founder.auth())
        .await
        .expect_error(401, "invalid_token");

    // The server listens again within seconds, and caches again.
    diesel::update(users::table.find(founder.user_id))
        .set(users::disabled_at.eq(None::<chrono::DateTime<Utc>>))
        .execute(&mut connection)
        .expect("enable the user");
    warm(&app, &founder.token).await;

    // Operators see how checks were answered.
    let metrics_address = app.metrics_address.clone().expect("metrics listener");
    let mut response = awc::Client::default()
        .get(format!("{metrics_address}/metrics"))
        .send()
        .await
        .expect("metrics");
    let text = String::from_utf8_lossy(&response.body().await.expect("body")).into_owned();
    for line in [
        "defmatch_session_checks_total{answered_by=\"cache\"}",
        "defmatch_session_checks_total{answered_by=\"database\"}",
        "defmatch_session_changes_heard_total",
    ] {
        assert!(text.contains(line), "{line} in {text}");
    }
}
