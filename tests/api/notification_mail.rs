//! Notification mail a person can act on, read from the real SMTP server:
//! in the recipient's language, times on Amsterdam's clock, a link to the
//! page it is about, and an unsubscribe link that stops that kind only.

use chrono::{DateTime, Utc};
use defmatch::alerts::run_tick;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{challenge_body, merge, spawn_app, startup_profile, Actor, Reply, TestApp};
use crate::mailbox::{mail_to, ReceivedMail};
use crate::web_pages::{html, WebVisitor};

/// Runs one scheduler tick at `now` off the async runtime.
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

fn instant(text: &str) -> DateTime<Utc> {
    text.parse().expect("an instant")
}

/// A winter deadline: 16:00 UTC is 17:00 in Amsterdam.
const CLOSES_AT: &str = "2027-01-15T16:00:00Z";
/// Six days and twenty hours before it: the 7-day reminder is due.
const A_WEEK_BEFORE: &str = "2027-01-08T20:00:00Z";

/// An open radar challenge closing at [`CLOSES_AT`], and two radar
/// start-ups that match it: one reads Dutch (the default), one English.
async fn reminder_scene(app: &TestApp) -> (Uuid, Actor, Actor, Actor) {
    let officer = app.procurement("Koninklijke Marine").await;
    let (dutch, _) = app
        .startup_with_profile(startup_profile("Harbour Radar BV"))
        .await;
    let (english, _) = app
        .startup_with_profile(startup_profile("Coastal Radar BV"))
        .await;
    put_json(
        app,
        "/api/v1/me/language",
        &english,
        json!({"language": "en"}),
    )
    .await
    .expect(200);
    let challenge_id = app
        .challenge_in_status(
            &officer,
            merge(
                challenge_body("Counter-drone radar for naval bases"),
                json!({"closes_at": CLOSES_AT}),
            ),
            "open",
        )
        .await;
    (challenge_id, dutch, english, officer)
}

/// PUTs `body` as `actor`.
pub async fn put_json(app: &TestApp, path: &str, actor: &Actor, body: Value) -> Reply {
    app.send(
        awc::http::Method::PUT,
        path,
        actor.auth(),
        &[],
        Some(("application/json", body.to_string().into_bytes())),
    )
    .await
}

/// The mails to `actor` whose subject contains `needle`.
fn with_subject(mails: &[ReceivedMail], needle: &str) -> Vec<ReceivedMail> {
    mails
        .iter()
        .filter(|mail| mail.subject.contains(needle))
        .cloned()
        .collect()
}

#[actix_web::test]
async fn a_reminder_is_mailed_in_each_recipients_language_with_amsterdam_time_and_a_working_link() {
    let app = spawn_app().await;
    let (challenge_id, dutch, english, _) = reminder_scene(&app).await;
    let language = app
        .get("/api/v1/me/language", english.auth())
        .await
        .expect(200);
    assert_eq!(language.body["language"], "en");
    tick(&app, instant(A_WEEK_BEFORE)).await;

    let to_dutch = mail_to(&app, &dutch.email, 2).await;
    let reminder = with_subject(&to_dutch, "sluit over 7 dagen");
    assert_eq!(reminder.len(), 1, "{to_dutch:?}");
    let reminder = &reminder[0];
    assert_eq!(
        reminder.subject,
        "Counter-drone radar for naval bases sluit over 7 dagen"
    );
    assert!(
        reminder
            .text
            .contains("De uitdaging sluit op 2027-01-15 17:00 (Nederlandse tijd)."),
        "{}",
        reminder.text
    );
    assert!(
        !reminder.text.contains("16:00"),
        "no UTC time: {}",
        reminder.text
    );
    assert!(reminder.text.contains("Openen in defmatch:"));

    let to_english = mail_to(&app, &english.email, 2).await;
    let reminder_en = with_subject(&to_english, "closes in 7 days");
    assert_eq!(reminder_en.len(), 1, "{to_english:?}");
    assert!(
        reminder_en[0]
            .text
            .contains("The challenge closes at 2027-01-15 17:00 (Amsterdam time)."),
        "{}",
        reminder_en[0].text
    );
    assert!(reminder_en[0]
        .text
        .contains("No more mail about deadline reminders?"));

    // The link opens the challenge's page.
    let page_link = reminder
        .link_starting_with(&format!("{}/challenges/", app.address))
        .expect("a link to the challenge");
    assert_eq!(
        page_link,
        format!("{}/challenges/{challenge_id}", app.address)
    );
    let path = page_link.trim_start_matches(&app.address);
    let mut visitor = WebVisitor::new(&app);
    let page = visitor.get(path).await.expect(200);
    assert!(html(&page).contains("Counter-drone radar for naval bases"));
    // The challenge match mail, sent on opening, links to the page too.
    let matched = with_subject(&to_dutch, "Een nieuwe uitdaging past bij u");
    assert_eq!(matched.len(), 1, "{to_dutch:?}");
    assert!(matched[0]
        .text
        .contains(&format!("{}/challenges/{challenge_id}", app.address)));
}

/// Every kind's e-mail switch of `actor`.
async fn email_switches(app: &TestApp, actor: &Actor) -> Vec<(String, bool)> {
    let preferences = app
        .get("/api/v1/me/notification-preferences", actor.auth())
        .await
        .expect(200);
    preferences.body["kinds"]
        .as_array()
        .expect("kinds")
        .iter()
        .map(|kind: &Value| {
            (
                kind["kind"].as_str().expect("kind").to_owned(),
                kind["email"].as_bool().expect("email"),
            )
        })
        .collect()
}

#[actix_web::test]
async fn the_unsubscribe_link_works_without_login_and_stops_that_kind_only() {
    let app = spawn_app().await;
    let (challenge_id, dutch, _, owner) = reminder_scene(&app).await;
    tick(&app, instant(A_WEEK_BEFORE)).await;
    let mails = mail_to(&app, &dutch.email, 2).await;
    let reminder = with_subject(&mails, "sluit over 7 dagen").remove(0);
    let unsubscribe = reminder
        .link_starting_with(&format!("{}/unsubscribe/", app.address))
        .expect("an unsubscribe link");
    assert!(
        reminder
            .raw
            .contains(&format!("List-Unsubscribe: <{unsubscribe}>")),
        "{}",
        reminder.raw
    );

    // A forged link finds nothing.
    let mut visitor = WebVisitor::new(&app);
    visitor
        .get(&format!("/unsubscribe/{}", "0".repeat(64)))
        .await
        .expect(404);
    // GET only asks; nothing changes until the form is sent.
    let path = unsubscribe.trim_start_matches(&app.address).to_owned();
    let asked = visitor.get(&path).await.expect(200);
    assert!(
        html(&asked).contains("deadline reminders"),
        "the page names the kind: {}",
        html(&asked)
    );
    assert!(email_switches(&app, &dutch)
        .await
        .iter()
        .all(|(_, email)| *email));
    let done = visitor.post_form(&path, &[]).await.expect(200);
    assert!(!html(&done).contains("<form method=\"post\" action=\"/unsubscribe/"));
    let switches = email_switches(&app, &dutch).await;
    for (kind, email) in &switches {
        assert_eq!(*email, kind != "deadline_reminder", "{kind}: {switches:?}");
    }

    // The next reminder is in the app but not mailed; other kinds still are.
    tick(&app, instant("2027-01-14T20:00:00Z")).await;
    let notifications = app
        .get("/api/v1/notifications?per_page=100", dutch.auth())
        .await
        .expect(200);
    let reminders = notifications.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|item| item["kind"] == "deadline_reminder")
        .count();
    assert_eq!(reminders, 2, "both reminders are in the app");
    let officer_question = app
        .post(
            &format!("/api/v1/challenges/{challenge_id}/questions"),
            dutch.auth(),
            json!({"question": "Which harbours?"}),
        )
        .await
        .expect(201);
    app.post(
        &format!(
            "/api/v1/challenges/{challenge_id}/questions/{}/answer",
            officer_question.id()
        ),
        owner.auth(),
        json!({"answer": "Den Helder."}),
    )
    .await
    .expect(200);
    let after = mail_to(&app, &dutch.email, 3).await;
    assert_eq!(with_subject(&after, "sluit over").len(), 1, "{after:?}");
    assert_eq!(with_subject(&after, "is beantwoord").len(), 1, "{after:?}");
}
