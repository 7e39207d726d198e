//! Alerts, reminders and notifications: fan-out on publication with the
//! threshold and visibility respected, alerts to challenge owners without
//! names, deadline reminders sent once with two schedulers, preferences,
//! the e-mail outbox, and answered questions.

use chrono::{DateTime, Duration, Utc};
use defmatch::alerts::{run_tick, TickReport};
use defmatch::domain::region::Rom;
use serde_json::{json, Value};

use crate::helpers::{challenge_body, merge, spawn_app, startup_profile, Actor, TestApp};

/// Runs one scheduler tick at `now` off the async runtime.
async fn tick(app: &TestApp, now: DateTime<Utc>) -> TickReport {
    app.wait_for_index().await;
    let engine = app.search.engine.clone();
    let url = app.database.url.clone();
    actix_web::web::block(move || {
        use diesel::Connection;
        let mut connection = diesel::PgConnection::establish(&url).expect("connect");
        run_tick(&mut connection, &engine, now).expect("tick")
    })
    .await
    .expect("tick task")
}

async fn notifications_of(app: &TestApp, actor: &Actor) -> Vec<Value> {
    app.get("/api/v1/notifications?per_page=100", actor.auth())
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .expect("items")
        .clone()
}

fn of_kind<'a>(items: &'a [Value], kind: &str) -> Vec<&'a Value> {
    items.iter().filter(|item| item["kind"] == kind).collect()
}

fn biotech_profile(name: &str) -> Value {
    merge(
        startup_profile(name),
        json!({
            "description": format!("{name} develops freeze-dried vaccines and cold-chain packaging for field hospitals."),
            "technologies": ["biotech-health"],
            "keywords": ["vaccines", "cold chain"],
            "province": "NL-LI",
            "city": "Maastricht",
            "trl": 3
        }),
    )
}

#[actix_web::test]
async fn an_opened_challenge_alerts_matching_start_ups_it_may_reach_and_their_rom() {
    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    let (radar, _) = app
        .startup_with_profile(startup_profile("Skywatch Radar BV"))
        .await;
    let (vaccines, _) = app
        .startup_with_profile(biotech_profile("Coldchain Vaccines BV"))
        .await;
    let (vetted_radar, _) = app
        .startup_with_profile(startup_profile("Cleared Radar BV"))
        .await;
    app.vet(&vetted_radar);
    let rom_west = app.rom_officer(Rom::RomInWest).await;
    let rom_south = app.rom_officer(Rom::Liof).await;
    let public = app
        .challenge_in_status(
            &officer,
            challenge_body("Counter-drone radar for airbases"),
            "open",
        )
        .await;
    let vetted = app
        .challenge_in_status(
            &officer,
            merge(
                challenge_body("Classified counter-drone radar"),
                json!({"visibility": "vetted"}),
            ),
            "open",
        )
        .await;
    let draft = app
        .challenge_in_status(
            &officer,
            challenge_body("Draft counter-drone radar"),
            "draft",
        )
        .await;

    let first = tick(&app, Utc::now()).await;
    assert!(first.ran);
    assert_eq!(first.challenges_alerted, 2, "the draft waits");

    let radar_alerts = notifications_of(&app, &radar).await;
    let matched = of_kind(&radar_alerts, "challenge_match");
    assert_eq!(matched.len(), 1, "{radar_alerts:?}");
    assert_eq!(matched[0]["subject_id"], public.to_string());
    assert_eq!(matched[0]["read_at"], Value::Null);
    let cleared = notifications_of(&app, &vetted_radar).await;
    let mut subjects: Vec<String> = of_kind(&cleared, "challenge_match")
        .iter()
        .map(|item| item["subject_id"].as_str().expect("id").to_owned())
        .collect();
    subjects.sort();
    let mut expected = vec![public.to_string(), vetted.to_string()];
    expected.sort();
    assert_eq!(subjects, expected);
    assert!(!cleared
        .iter()
        .any(|item| item["subject_id"] == draft.to_string()));
    assert!(
        of_kind(&notifications_of(&app, &vaccines).await, "challenge_match").is_empty(),
        "below the threshold"
    );
    // The ROM officer is not vetted: told of the public challenge only.
    let west = notifications_of(&app, &rom_west).await;
    let regional = of_kind(&west, "region_match");
    assert_eq!(regional.len(), 1, "{west:?}");
    assert_eq!(regional[0]["subject_id"], public.to_string());
    assert!(of_kind(&notifications_of(&app, &rom_south).await, "region_match").is_empty());

    // A second tick sends nothing again.
    let again = tick(&app, Utc::now()).await;
    assert_eq!(again.notifications, 0);
    assert_eq!(
        notifications_of(&app, &radar).await.len(),
        radar_alerts.len()
    );

    // Every notification is queued as e-mail, visible to admins.
    let admin = app.admin().await;
    let outbox = app
        .get(
            "/api/v1/admin/email-outbox?status=queued&per_page=100",
            admin.auth(),
        )
        .await
        .expect(200);
    let recipients: Vec<&str> = outbox.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|mail| mail["recipient"].as_str().expect("recipient"))
        .collect();
    assert!(recipients.contains(&radar.email.as_str()));
    assert!(!recipients.contains(&vaccines.email.as_str()));
    app.get("/api/v1/admin/email-outbox", radar.auth())
        .await
        .expect_error(403, "forbidden");
    app.get("/api/v1/admin/email-outbox?status=lost", admin.auth())
        .await
        .expect_error(400, "invalid_input");
}

#[actix_web::test]
async fn a_new_profile_alerts_the_owner_of_a_matching_challenge_without_its_name() {
    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    app.challenge_in_status(
        &officer,
        challenge_body("Counter-drone radar for airbases"),
        "open",
    )
    .await;
    tick(&app, Utc::now()).await;
    let (_, secretive_id) = app
        .startup_with_profile(startup_profile("Secretive Radar BV"))
        .await;
    let report = tick(&app, Utc::now()).await;
    assert_eq!(report.startups_alerted, 1);
    let alerts = notifications_of(&app, &officer).await;
    let matched = of_kind(&alerts, "startup_match");
    assert_eq!(matched.len(), 1, "{alerts:?}");
    assert!(matched[0]["title"]
        .as_str()
        .expect("title")
        .contains("Counter-drone radar for airbases"));
    let text = Value::Array(alerts.clone()).to_string();
    for secret in ["Secretive", "anna@startup.example", "Anna de Vries"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    // Not even its id: the notification is about the challenge.
    assert!(
        !text.contains(&secretive_id.to_string()),
        "the id leaked: {text}"
    );
    assert_eq!(matched[0]["subject_type"], "challenge");
    // An unchanged profile alerts nobody again.
    assert_eq!(tick(&app, Utc::now()).await.startups_alerted, 0);
}

#[actix_web::test]
async fn deadline_reminders_go_out_once_each_with_two_schedulers() {
    let app = spawn_app().await;
    let officer = app.procurement("Koninklijke Marine").await;
    let (radar, _) = app
        .startup_with_profile(startup_profile("Harbour Radar BV"))
        .await;
    let closes_at = Utc::now() + Duration::days(7) - Duration::hours(1);
    app.challenge_in_status(
        &officer,
        merge(
            challenge_body("Counter-drone radar for naval bases"),
            json!({"closes_at": closes_at.to_rfc3339()}),
        ),
        "open",
    )
    .await;

    // Two schedulers tick at once, twice: one 7-day reminder (in Dutch,
    // the language of an account that chose none).
    let now = Utc::now();
    let (first, second) = futures_util::join!(tick(&app, now), tick(&app, now));
    assert!(first.ran || second.ran);
    tick(&app, now).await;
    let reminders = |items: &[Value]| -> Vec<String> {
        of_kind(items, "deadline_reminder")
            .iter()
            .map(|item| item["title"].as_str().expect("title").to_owned())
            .collect()
    };
    let sent = reminders(&notifications_of(&app, &radar).await);
    assert_eq!(
        sent,
        vec!["Counter-drone radar for naval bases sluit over 7 dagen"]
    );

    // Inside the last day: the 1-day reminder, once.
    let last_day = closes_at - Duration::hours(12);
    tick(&app, last_day).await;
    tick(&app, last_day).await;
    let sent = reminders(&notifications_of(&app, &radar).await);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(
        sent[0],
        "Counter-drone radar for naval bases sluit over 1 dag"
    );
}

#[actix_web::test]
async fn preferences_decide_how_a_notification_arrives_and_read_marks_stick() {
    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    let (quiet, _) = app
        .startup_with_profile(startup_profile("Quiet Radar BV"))
        .await;
    let (mailless, _) = app
        .startup_with_profile(startup_profile("Mailless Radar BV"))
        .await;
    let preferences = app
        .get("/api/v1/me/notification-preferences", quiet.auth())
        .await
        .expect(200);
    assert_eq!(
        preferences.body["kinds"].as_array().expect("kinds").len(),
        6
    );
    assert_eq!(preferences.body["email_unsubscribed"], false);
    // Quiet wants challenge matches by e-mail only; Mailless unsubscribes.
    app.send(
        awc::http::Method::PUT,
        "/api/v1/me/notification-preferences",
        quiet.auth(),
        &[],
        Some((
            "application/json",
            json!({"kinds": [{"kind": "challenge_match", "in_app": false, "email": true}]})
                .to_string()
                .into_bytes(),
        )),
    )
    .await
    .expect(200);
    let changed = app
        .send(
            awc::http::Method::PUT,
            "/api/v1/me/notification-preferences",
            mailless.auth(),
            &[],
            Some((
                "application/json",
                json!({"kinds": [], "email_unsubscribed": true})
                    .to_string()
                    .into_bytes(),
            )),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["email_unsubscribed"], true);
    app.send(
        awc::http::Method::PUT,
        "/api/v1/me/notification-preferences",
        mailless.auth(),
        &[],
        Some((
            "application/json",
            json!({"kinds": [{"kind": "gossip", "in_app": true, "email": true}]})
                .to_string()
                .into_bytes(),
        )),
    )
    .await
    .expect_error(400, "invalid_input");

    app.challenge_in_status(
        &officer,
        challenge_body("Counter-drone radar for airbases"),
        "open",
    )
    .await;
    tick(&app, Utc::now()).await;

    let quiet_items = notifications_of(&app, &quiet).await;
    assert!(quiet_items.iter().all(|item| item["read_at"].is_string()));
    let unread = app
        .get("/api/v1/notifications?unread=true", quiet.auth())
        .await
        .expect(200);
    assert_eq!(unread.body["total"], 0);
    let admin = app.admin().await;
    let outbox = app
        .get("/api/v1/admin/email-outbox?per_page=100", admin.auth())
        .await
        .expect(200)
        .body;
    // Notification mail only: the address checks of registration are account mail.
    let notified: Vec<&str> = outbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|item| !item["notification_id"].is_null())
        .filter_map(|item| item["recipient"].as_str())
        .collect();
    assert!(notified.contains(&quiet.email.as_str()));
    assert!(
        !notified.contains(&mailless.email.as_str()),
        "unsubscribed: no e-mail"
    );

    // Mailless still has it in the app; marking read sticks and is private.
    let items = notifications_of(&app, &mailless).await;
    let id = items[0]["id"].as_str().expect("id").to_owned();
    app.post(
        &format!("/api/v1/notifications/{id}/read"),
        quiet.auth(),
        json!({}),
    )
    .await
    .expect_error(404, "not_found");
    let read = app
        .post(
            &format!("/api/v1/notifications/{id}/read"),
            mailless.auth(),
            json!({}),
        )
        .await
        .expect(200);
    assert!(read.body["read_at"].is_string());
    let all = app
        .post("/api/v1/notifications/read-all", mailless.auth(), json!({}))
        .await
        .expect(200);
    assert_eq!(all.body["marked"], items.len() as i64 - 1);
}

#[actix_web::test]
async fn an_answer_notifies_those_who_asked() {
    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    let challenge = app
        .challenge_in_status(&officer, challenge_body("Port drone detection"), "open")
        .await;
    let (asker, _) = app
        .startup_with_profile(startup_profile("Curious Radar BV"))
        .await;
    let questions = format!("/api/v1/challenges/{challenge}/questions");
    let question = app
        .post(
            &questions,
            asker.auth(),
            json!({"question": "Which ports?"}),
        )
        .await
        .expect(201)
        .id();
    app.post(
        &format!("{questions}/{question}/answer"),
        officer.auth(),
        json!({"answer": "Den Helder and Vlissingen."}),
    )
    .await
    .expect(200);
    let items = notifications_of(&app, &asker).await;
    let answered = of_kind(&items, "question_answered");
    assert_eq!(answered.len(), 1);
    assert!(answered[0]["body"]
        .as_str()
        .expect("body")
        .contains("Den Helder and Vlissingen."));
}

#[actix_web::test]
async fn a_colleague_who_is_not_vetted_learns_nothing_of_a_vetted_challenge() {
    use defmatch::domain::account::Role;

    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    let (founder, startup_id) = app
        .startup_with_profile(startup_profile("Cleared Radar BV"))
        .await;
    app.vet(&founder);
    // Vetting is per person: the founder's colleague is not vetted.
    let colleague_email = format!("colleague-{}@startup.test", uuid::Uuid::new_v4().simple());
    let colleague_id = app.create_account(&colleague_email, Role::Startup, founder.organisation_id);
    let login = app.log_in(&colleague_email).await.expect(200);
    let colleague = Actor {
        token: login.body["access_token"]
            .as_str()
            .expect("token")
            .to_owned(),
        refresh_token: login.body["refresh_token"]
            .as_str()
            .expect("refresh")
            .to_owned(),
        user_id: colleague_id,
        organisation_id: founder.organisation_id,
        email: colleague_email,
    };
    let vetted = app
        .challenge_in_status(
            &officer,
            merge(
                challenge_body("Classified counter-drone radar"),
                json!({"visibility": "vetted"}),
            ),
            "open",
        )
        .await;
    tick(&app, Utc::now()).await;
    let founder_alerts = notifications_of(&app, &founder).await;
    assert_eq!(of_kind(&founder_alerts, "challenge_match").len(), 1);
    assert!(notifications_of(&app, &colleague).await.is_empty());

    // In the company's introduction the colleague sees the challenge's id only.
    let rom = app.rom_officer(Rom::RomInWest).await;
    app.vet(&rom);
    let id = app
        .post(
            "/api/v1/introductions",
            rom.auth(),
            json!({"challenge_id": vetted, "startup_id": startup_id}),
        )
        .await
        .expect(201)
        .id();
    let path = format!("/api/v1/introductions/{id}");
    let for_founder = app.get(&path, founder.auth()).await.expect(200);
    assert_eq!(for_founder.body["challenge"]["visible"], true);
    assert_eq!(
        for_founder.body["challenge"]["title"],
        "Classified counter-drone radar"
    );
    let for_colleague = app.get(&path, colleague.auth()).await.expect(200);
    assert_eq!(for_colleague.body["challenge"]["visible"], false);
    assert_eq!(for_colleague.body["challenge"]["title"], Value::Null);
    assert!(!for_colleague.body.to_string().contains("Classified"));
}
