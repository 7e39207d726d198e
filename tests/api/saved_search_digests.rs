//! Saved searches with `notify: daily` mail the challenges they newly find,
//! at most once a day per search, only those the owner may see; read from
//! the real SMTP server.

use chrono::{DateTime, Duration, Utc};
use defmatch::alerts::run_tick;
use serde_json::{json, Value};

use crate::helpers::{challenge_body, merge, spawn_app, startup_profile, Actor, TestApp};
use crate::mailbox::{Mailbox, ReceivedMail};

async fn tick(app: &TestApp, now: DateTime<Utc>) {
    app.wait_for_index().await;
    let engine = app.search.engine.clone();
    let url = app.database.url.clone();
    actix_web::web::block(move || {
        use diesel::Connection;
        let mut connection = diesel::PgConnection::establish(&url).expect("connect");
        run_tick(&mut connection, &engine, now).expect("tick")
    })
    .await
    .expect("tick task");
}

async fn digests_in_app(app: &TestApp, actor: &Actor) -> Vec<Value> {
    let listed = app
        .get("/api/v1/notifications?per_page=100", actor.auth())
        .await
        .expect(200);
    listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|item| item["kind"] == "saved_search_digest")
        .cloned()
        .collect()
}

/// Waits until `count` digest mails reached `recipient` (other alerts
/// reach them too), sending the outbox meanwhile.
async fn digest_mails(app: &TestApp, recipient: &str, count: usize) -> Vec<ReceivedMail> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        app.deliver_mail().await;
        let digests: Vec<ReceivedMail> = Mailbox::shared()
            .messages_to(recipient)
            .into_iter()
            .filter(|mail| mail.subject.contains("voor uw zoekopdracht"))
            .collect();
        if digests.len() >= count {
            return digests;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{recipient} got {} digest(s), expected {count}",
            digests.len()
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn open_challenge(app: &TestApp, officer: &Actor, title: &str, visibility: &str) {
    app.challenge_in_status(
        officer,
        merge(challenge_body(title), json!({"visibility": visibility})),
        "open",
    )
    .await;
}

#[actix_web::test]
async fn a_daily_saved_search_mails_only_new_visible_challenges_once_a_day() {
    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    open_challenge(&app, &officer, "Counter-drone radar for airbases", "public").await;
    let (founder, _) = app
        .startup_with_profile(startup_profile("Digest Radar BV"))
        .await;
    let daily = app
        .post(
            "/api/v1/saved-searches",
            founder.auth(),
            json!({"name": "Radar", "target": "challenges", "query": "q=radar", "notify": "daily"}),
        )
        .await
        .expect(201);
    assert_eq!(daily.body["notify"], "daily");
    let quiet = app
        .post(
            "/api/v1/saved-searches",
            founder.auth(),
            json!({"name": "Radar, by hand", "target": "challenges", "query": "q=radar"}),
        )
        .await
        .expect(201);
    assert_eq!(quiet.body["notify"], "never");

    // The first run records what the search finds when opting in.
    let opted_in = Utc::now();
    tick(&app, opted_in).await;
    open_challenge(&app, &officer, "Passive radar for harbours", "public").await;
    open_challenge(&app, &officer, "Vetted radar sonar", "vetted").await;
    tick(&app, opted_in + Duration::hours(1)).await;
    assert!(
        digests_in_app(&app, &founder).await.is_empty(),
        "not a day yet"
    );

    tick(&app, opted_in + Duration::hours(25)).await;
    let digests = digests_in_app(&app, &founder).await;
    assert_eq!(digests.len(), 1, "{digests:?}");
    let first = digest_mails(&app, &founder.email, 1).await;
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(
        first[0].subject,
        "1 nieuwe uitdaging(en) voor uw zoekopdracht Radar"
    );
    assert!(first[0].text.contains("Passive radar for harbours"));
    assert!(!first[0].text.contains("Counter-drone radar for airbases"));
    assert!(
        !first[0].text.contains("Vetted radar sonar"),
        "not visible to the founder"
    );
    assert!(first[0]
        .text
        .contains(&format!("{}/saved-searches", app.address)));

    // Another new challenge the same day waits for the next day's digest.
    open_challenge(&app, &officer, "Radar for border drones", "public").await;
    tick(&app, opted_in + Duration::hours(26)).await;
    assert_eq!(digests_in_app(&app, &founder).await.len(), 1);
    tick(&app, opted_in + Duration::hours(50)).await;
    let digests = digests_in_app(&app, &founder).await;
    assert_eq!(digests.len(), 2, "{digests:?}");
    let newest = digests[0]["body"].as_str().expect("body");
    assert!(newest.contains("Radar for border drones"), "{newest}");
    assert!(!newest.contains("Passive radar for harbours"), "{newest}");
    // The runs never changed the search's version: its owner's ETag holds.
    app.delete(
        &format!("/api/v1/saved-searches/{}", daily.id()),
        founder.auth(),
        1,
    )
    .await
    .expect(204);
}

#[actix_web::test]
async fn only_searches_of_challenges_take_a_digest() {
    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    let startups = app
        .post(
            "/api/v1/saved-searches",
            officer.auth(),
            json!({"name": "Radars", "target": "startups", "query": "q=radar", "notify": "daily"}),
        )
        .await;
    startups.expect_error(400, "invalid_input");
    assert_eq!(startups.error_field(), Some("notify"));
    let weekly = app
        .post(
            "/api/v1/saved-searches",
            officer.auth(),
            json!({"name": "Radars", "target": "challenges", "query": "q=radar", "notify": "weekly"}),
        )
        .await;
    assert_eq!(weekly.status, 400);
    assert_eq!(weekly.error_field(), Some("notify"));
}
