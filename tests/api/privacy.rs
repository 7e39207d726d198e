//! Personal data: the privacy notice and consent at registration, the
//! export of an account's data (and nothing hidden from it), the erasure of
//! an account, and a start-up's calendar feed of deadlines.

use awc::http::Method;
use defmatch::db::schema::{audit_events, users};
use diesel::prelude::*;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    challenge_body, merge, spawn_app, startup_profile, Actor, Reply, TestApp, PASSWORD,
};
use crate::web_pages::{html, WebVisitor};

fn registration(email: &str, accept_privacy: Option<bool>) -> Value {
    let mut body = json!({
        "email": email,
        "password": PASSWORD,
        "display_name": "Mira Jansen",
        "company_name": format!("Consent Works {}", Uuid::new_v4().simple()),
    });
    if let Some(accept) = accept_privacy {
        body["accept_privacy"] = json!(accept);
    }
    body
}

async fn send_json(app: &TestApp, method: Method, path: &str, actor: &Actor, body: Value) -> Reply {
    app.send(
        method,
        path,
        actor.auth(),
        &[],
        Some(("application/json", body.to_string().into_bytes())),
    )
    .await
}

#[actix_web::test]
async fn registration_without_consent_is_a_400_naming_accept_privacy_and_consent_is_recorded() {
    let app = spawn_app().await;
    for refused in [Some(false), None] {
        let reply = app
            .post(
                "/api/v1/auth/register",
                None,
                registration("mira@consent.test", refused),
            )
            .await;
        reply.expect_error(400, "invalid_input");
        assert_eq!(reply.error_field(), Some("accept_privacy"), "{refused:?}");
    }
    app.log_in("mira@consent.test").await.expect(401);
    app.post(
        "/api/v1/auth/register",
        None,
        registration("mira@consent.test", Some(true)),
    )
    .await
    .expect(202);
    // The account is made after the answer, with its verification mail.
    crate::mailbox::mail_to(&app, "mira@consent.test", 1).await;
    let founder = app.logged_in("mira@consent.test").await;
    let exported = app
        .get("/api/v1/me/export", founder.auth())
        .await
        .expect(200);
    assert!(exported.body["settings"]["privacy_accepted_at"].is_string());
    assert_eq!(exported.body["settings"]["language"], "nl");
}

#[actix_web::test]
async fn the_privacy_notice_is_in_both_languages_and_the_form_asks_for_consent() {
    let app = spawn_app().await;
    let mut visitor = WebVisitor::new(&app);
    let english = visitor.get("/privacy").await.expect(200);
    assert!(html(&english).contains("Privacy notice"));
    assert!(html(&english).contains("How long"));
    visitor
        .get("/language?to=nl&back=/privacy")
        .await
        .expect(303);
    let dutch = visitor.get("/privacy").await.expect(200);
    assert!(html(&dutch).contains("Privacyverklaring"));
    assert!(html(&dutch).contains("Hoe lang"));

    let form = visitor.get("/register").await.expect(200);
    assert!(html(&form).contains("name=\"accept_privacy\""));
    assert!(html(&form).contains("href=\"/privacy\""));
    let without = visitor
        .post_form(
            "/register",
            &[
                ("display_name", "Eva"),
                ("company_name", "Polder Robotics"),
                ("email", "eva@polder.example"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(without.status, 400);
    assert!(html(&without).contains("Ga akkoord met de privacyverklaring"));
    assert!(!visitor.has_cookie("defmatch_session"));
}

/// An open challenge of a procurement officer and a start-up that
/// expressed interest in it: an introduction neither side has accepted.
struct Interested {
    officer: Actor,
    founder: Actor,
    startup_id: Uuid,
    challenge_id: Uuid,
    introduction_id: Uuid,
}

async fn interested(app: &TestApp) -> Interested {
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    let challenge_id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone sensing"), "open")
        .await;
    let (founder, startup_id) = app
        .startup_with_profile(startup_profile("Skywatch Radar BV"))
        .await;
    let introduction = app
        .post(
            "/api/v1/introductions",
            founder.auth(),
            json!({"challenge_id": challenge_id, "message": "We have a demonstrator."}),
        )
        .await
        .expect(201);
    Interested {
        officer,
        founder,
        startup_id,
        challenge_id,
        introduction_id: introduction.id(),
    }
}

#[actix_web::test]
async fn an_export_holds_the_accounts_data_and_nothing_the_account_may_not_see() {
    let app = spawn_app().await;
    let scene = interested(&app).await;
    app.post(
        &format!("/api/v1/challenges/{}/questions", scene.challenge_id),
        scene.founder.auth(),
        json!({"question": "Which airbases?"}),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/saved-searches",
        scene.founder.auth(),
        json!({"name": "Radar", "target": "challenges", "query": "q=radar"}),
    )
    .await
    .expect(201);

    let mine = app
        .get("/api/v1/me/export", scene.founder.auth())
        .await
        .expect(200);
    assert!(mine
        .header("content-disposition")
        .is_some_and(|value| value.contains("attachment")));
    let body = &mine.body;
    assert_eq!(body["account"]["user"]["email"], scene.founder.email);
    assert_eq!(body["account"]["organisation"]["name"], "Skywatch Radar BV");
    assert_eq!(body["startup_profile"]["id"], json!(scene.startup_id));
    assert_eq!(body["introductions"].as_array().expect("list").len(), 1);
    assert_eq!(body["introductions"][0]["id"], json!(scene.introduction_id));
    assert_eq!(body["questions_asked"][0]["question"], "Which airbases?");
    assert_eq!(body["saved_searches"][0]["name"], "Radar");
    assert!(body["audit_events"]
        .as_array()
        .expect("audit")
        .iter()
        .any(|event| event["action"] == "login" && event["by_you"] == true));
    // The procurement officer is not revealed before both sides accept.
    let text = body.to_string();
    assert!(!text.contains(&scene.officer.email), "{text}");
    assert!(!text.contains(&scene.officer.user_id.to_string()), "{text}");

    let theirs = app
        .get("/api/v1/me/export", scene.officer.auth())
        .await
        .expect(200);
    let text = theirs.body.to_string();
    assert!(text.contains(&scene.introduction_id.to_string()));
    for secret in [
        "Skywatch".to_owned(),
        scene.founder.email.clone(),
        scene.startup_id.to_string(),
        scene.founder.user_id.to_string(),
        scene.founder.organisation_id.expect("company").to_string(),
    ] {
        assert!(!text.contains(&secret), "{secret} leaked: {text}");
    }
    // Exports are audited.
    let mut connection = app.database.connect();
    let exports: i64 = audit_events::table
        .filter(audit_events::action.eq("personal_data_exported"))
        .count()
        .get_result(&mut connection)
        .expect("count");
    assert_eq!(exports, 2);
}

/// The start-up ids among `reader`'s matches of a challenge.
async fn matched_startups(app: &TestApp, reader: &Actor, challenge_id: Uuid) -> Vec<Uuid> {
    app.wait_for_index().await;
    let matches = app
        .get(
            &format!("/api/v1/challenges/{challenge_id}/matches"),
            reader.auth(),
        )
        .await
        .expect(200);
    matches.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| app.startup_behind(&item["startup"]["id"]))
        .collect()
}

#[actix_web::test]
async fn erasing_an_account_removes_the_person_and_unlists_a_company_left_without_members() {
    let app = spawn_app().await;
    let scene = interested(&app).await;
    // A failed login leaves the address in the audit trail.
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"email": scene.founder.email, "password": "not the password"}),
    )
    .await
    .expect(401);
    assert!(matched_startups(&app, &scene.officer, scene.challenge_id)
        .await
        .contains(&scene.startup_id));

    let wrong = send_json(
        &app,
        Method::DELETE,
        "/api/v1/me",
        &scene.founder,
        json!({"password": "not the password"}),
    )
    .await;
    wrong.expect_error(400, "invalid_input");
    assert_eq!(wrong.error_field(), Some("password"));
    send_json(
        &app,
        Method::DELETE,
        "/api/v1/me",
        &scene.founder,
        json!({"password": PASSWORD}),
    )
    .await
    .expect(204);

    // Sessions ended; the password and address no longer open anything.
    app.get("/api/v1/me", scene.founder.auth())
        .await
        .expect(401);
    let mut connection = app.database.connect();
    let (email, name, hash): (String, String, String) = users::table
        .find(scene.founder.user_id)
        .select((users::email, users::display_name, users::password_hash))
        .first(&mut connection)
        .expect("the row stays");
    assert_eq!(
        email,
        format!("erased-{}@erased.invalid", scene.founder.user_id)
    );
    assert_ne!(name, "Founder");
    assert!(!hash.starts_with("$argon2"));

    // The audit trail keeps the id, without the address or client address.
    let details: Vec<(Option<Uuid>, Value)> = audit_events::table
        .select((audit_events::actor_id, audit_events::detail))
        .load(&mut connection)
        .expect("audit");
    assert!(details
        .iter()
        .any(|(actor, _)| *actor == Some(scene.founder.user_id)));
    for (actor, detail) in &details {
        let text = detail.to_string();
        assert!(!text.contains(&scene.founder.email), "{text}");
        assert!(!text.contains("Founder"), "{text}");
        if *actor == Some(scene.founder.user_id) {
            assert!(detail.get("client_ip").is_none(), "{text}");
        }
    }
    // Rows still cannot be rewritten otherwise.
    let rewrite =
        diesel::sql_query("UPDATE audit_events SET action = 'export'").execute(&mut connection);
    assert!(rewrite.is_err(), "the audit trail stays append-only");
    // (A later attempt with the old address is an unknown account's.)
    app.log_in(&scene.founder.email).await.expect(401);

    // The introduction keeps an anonymous party.
    let introduction = app
        .get(
            &format!("/api/v1/introductions/{}", scene.introduction_id),
            scene.officer.auth(),
        )
        .await
        .expect(200);
    assert!(!introduction.body.to_string().contains("Skywatch"));

    // The company had no other member: gone from matches, lists and search.
    assert!(!matched_startups(&app, &scene.officer, scene.challenge_id)
        .await
        .contains(&scene.startup_id));
    let listed = app
        .get("/api/v1/startups?per_page=100", scene.officer.auth())
        .await
        .expect(200);
    assert!(listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|item| app.startup_behind(&item["id"]) != scene.startup_id));
    let admin = app.admin().await;
    let searched = app
        .get("/api/v1/search/startups?q=Skywatch", admin.auth())
        .await
        .expect(200);
    assert_eq!(searched.body["total"], 0, "{}", searched.body);
}

#[actix_web::test]
async fn a_start_up_gets_a_secret_calendar_of_the_deadlines_it_follows() {
    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    let followed = app
        .challenge_in_status(
            &officer,
            merge(
                challenge_body("Radar, drones; sensing"),
                json!({"closes_at": "2027-03-01T11:00:00Z"}),
            ),
            "open",
        )
        .await;
    let vetted_only = app
        .challenge_in_status(
            &officer,
            merge(
                challenge_body("Vetted harbour sonar"),
                json!({"closes_at": "2027-03-02T11:00:00Z", "visibility": "vetted"}),
            ),
            "open",
        )
        .await;
    let not_followed = app
        .challenge_in_status(
            &officer,
            merge(
                challenge_body("Unrelated logistics"),
                json!({"closes_at": "2027-03-03T11:00:00Z"}),
            ),
            "open",
        )
        .await;
    let (founder, _) = app
        .startup_with_profile(startup_profile("Skywatch Radar BV"))
        .await;
    app.vet(&founder);
    for challenge_id in [followed, vetted_only] {
        app.post(
            "/api/v1/introductions",
            founder.auth(),
            json!({"challenge_id": challenge_id}),
        )
        .await
        .expect(201);
    }
    // No longer vetted: the vetted challenge leaves the feed.
    app.change_user(founder.user_id, |connection| {
        diesel::update(users::table.find(founder.user_id))
            .set(users::vetted_at.eq(None::<chrono::DateTime<chrono::Utc>>))
            .execute(connection)
            .expect("unvet");
    });

    app.post("/api/v1/me/calendar", officer.auth(), json!({}))
        .await
        .expect_error(403, "forbidden");
    let before = app
        .get("/api/v1/me/calendar", founder.auth())
        .await
        .expect(200);
    assert_eq!(before.body["active"], false);
    let made = app
        .post("/api/v1/me/calendar", founder.auth(), json!({}))
        .await
        .expect(201);
    let url = made.body["url"].as_str().expect("url").to_owned();
    assert!(
        url.starts_with(&format!("{}/calendar/", app.address)),
        "{url}"
    );
    assert!(url.ends_with(".ics"));
    let after = app
        .get("/api/v1/me/calendar", founder.auth())
        .await
        .expect(200);
    assert_eq!(after.body["active"], true);
    assert_eq!(after.body["url"], Value::Null);

    let path = url.trim_start_matches(&app.address).to_owned();
    let feed = app.get(&path, None).await.expect(200);
    assert!(feed
        .header("content-type")
        .is_some_and(|value| value.starts_with("text/calendar")));
    let text = feed.body.as_str().expect("text").to_owned();
    assert!(
        text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
        "{text}"
    );
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "CRLF only");
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 1, "{text}");
    assert!(text.contains(&format!("UID:deadline-{followed}@127.0.0.1\r\n")));
    assert!(text.contains("DTSTART:20270301T110000Z\r\n"));
    assert!(text.contains("DTSTAMP:"));
    assert!(text.contains("SUMMARY:Deadline: Radar\\, drones\\; sensing\r\n"));
    assert!(!text.contains("Vetted harbour sonar"));
    assert!(!text.contains(&not_followed.to_string()));

    // A new URL kills the old one.
    let rotated = app
        .post("/api/v1/me/calendar", founder.auth(), json!({}))
        .await
        .expect(201);
    let new_path = rotated.body["url"]
        .as_str()
        .expect("url")
        .trim_start_matches(&app.address)
        .to_owned();
    assert_ne!(new_path, path);
    app.get(&path, None).await.expect(404);
    app.get(&new_path, None).await.expect(200);
    app.get("/calendar/not-a-token.ics", None).await.expect(404);
}

#[actix_web::test]
async fn the_account_page_sets_the_mail_language_downloads_the_data_and_erases() {
    let app = spawn_app().await;
    let (founder, _) = app
        .startup_with_profile(startup_profile("Account Page Radar BV"))
        .await;
    let mut visitor = WebVisitor::new(&app);
    visitor.log_in(&founder.email).await.expect(303);
    let account = visitor.get("/account").await.expect(200);
    assert!(html(&account).contains("<option value=\"nl\" selected>"));
    let saved = visitor
        .post_form("/account/language", &[("language", "en")])
        .await
        .expect(303);
    assert_eq!(
        saved.header("location").as_deref(),
        Some("/account?done=language")
    );
    let language = app
        .get("/api/v1/me/language", founder.auth())
        .await
        .expect(200);
    assert_eq!(language.body["language"], "en");

    let download = visitor.get("/account/export").await.expect(200);
    assert!(download
        .header("content-disposition")
        .is_some_and(|value| value.contains("defmatch-data.json")));
    let exported: Value = serde_json::from_str(html(&download)).expect("the download is JSON");
    assert_eq!(exported["account"]["user"]["email"], founder.email);

    let refused = visitor
        .post_form("/account/erase", &[("password", "not the password")])
        .await;
    assert_eq!(refused.status, 400);
    assert!(html(&refused).contains("id=\"error-password\""));
    let erased = visitor
        .post_form("/account/erase", &[("password", PASSWORD)])
        .await
        .expect(200);
    assert!(html(&erased).contains("Your account is erased"));
    assert!(!visitor.has_cookie("defmatch_session"));
    visitor.get("/account").await.expect(303);
    app.get("/api/v1/me", founder.auth()).await.expect(401);
}
