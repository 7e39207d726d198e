//! Self-registration answers the same for every well-formed request and
//! tells nobody which addresses, companies or KvK numbers are known; the
//! mail says what comes next. A new account confirms its address by the
//! mailed link; until then it can log in, edit its profile and browse, but
//! not express interest, accept an introduction or be proposed.

use std::time::{Duration, Instant};

use chrono::Utc;
use defmatch::config::LoginLimits;
use defmatch::db::schema::{email_outbox, email_verification_tokens, organisations, users};
use defmatch::domain::region::Rom;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::helpers::{
    challenge_body, spawn_app, spawn_app_with, startup_profile, Options, TestApp, PASSWORD,
};
use crate::mailbox::{mail_to, Mailbox, ReceivedMail};
use crate::web_pages::{html, WebVisitor};

fn registration(email: &str, company: &str) -> Value {
    json!({"email": email, "password": PASSWORD, "display_name": "Founder", "company_name": company, "accept_privacy": true})
}

/// Registers and answers the reply's status and body.
async fn register(app: &TestApp, body: Value) -> (u16, Value) {
    let reply = app.post("/api/v1/auth/register", None, body).await;
    (reply.status, reply.body)
}

fn unique_email(name: &str) -> String {
    format!("{name}-{}@startup.test", uuid::Uuid::new_v4().simple())
}

/// The path of the verification link in `mail`.
fn verification_path(app: &TestApp, mail: &ReceivedMail) -> String {
    let prefix = format!("{}/verify-email?token=", app.address);
    let link = mail
        .link_starting_with(&prefix)
        .unwrap_or_else(|| panic!("no link to {prefix} in: {}", mail.text));
    link[app.address.len()..].to_owned()
}

fn count_organisations(app: &TestApp) -> i64 {
    let mut connection = app.database.connect();
    organisations::table
        .count()
        .get_result(&mut connection)
        .expect("count")
}

#[actix_web::test]
async fn a_new_start_up_confirms_its_address_by_the_mailed_link() {
    let app = spawn_app().await;
    let email = unique_email("anna");
    let (status, body) = register(&app, registration(&email, "Radar Works BV")).await;
    assert_eq!(status, 202);
    assert!(body["message"].as_str().is_some_and(|m| m.contains("mail")));

    let mails = mail_to(&app, &email, 1).await;
    let mail = &mails[0];
    assert!(
        mail.subject.contains("Confirm your e-mail address"),
        "{}",
        mail.subject
    );
    assert!(mail.text.contains("48 hours"), "{}", mail.text);
    let path = verification_path(&app, mail);

    // It logs in before confirming, and /me says the address is not confirmed.
    let founder = app.logged_in(&email).await;
    let me = app.get("/api/v1/me", founder.auth()).await.expect(200);
    assert_eq!(me.body["user"]["email_verified"], false);
    assert_eq!(me.body["user"]["role"], "startup");
    assert_eq!(me.body["organisation"]["name"], "Radar Works BV");

    let page = app.get(&path, None).await.expect(200);
    assert!(page
        .body
        .as_str()
        .unwrap_or_default()
        .contains("Your e-mail address is confirmed."));
    let me = app.get("/api/v1/me", founder.auth()).await.expect(200);
    assert_eq!(me.body["user"]["email_verified"], true);

    // The link works once, and only its hash was stored.
    app.get(&path, None).await.expect(400);
    let token = path.rsplit('=').next().expect("token").to_owned();
    app.post("/api/v1/auth/verify-email", None, json!({ "token": token }))
        .await
        .expect_error(400, "invalid_input");
    let mut connection = app.database.connect();
    let stored: Vec<Vec<u8>> = email_verification_tokens::table
        .select(email_verification_tokens::token_hash)
        .load(&mut connection)
        .expect("tokens");
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token.as_bytes());
}

#[actix_web::test]
async fn expired_and_forged_verification_links_are_refused_and_a_new_one_can_be_asked_for() {
    let app = spawn_app().await;
    let founder = app.unverified_startup_account("Expiry Radar").await;
    let first = verification_path(&app, &mail_to(&app, &founder.email, 1).await[0]);
    {
        let mut connection = app.database.connect();
        diesel::update(email_verification_tokens::table)
            .set(
                email_verification_tokens::expires_at.eq(Utc::now() - chrono::Duration::minutes(1)),
            )
            .execute(&mut connection)
            .expect("age the token");
    }
    app.get(&first, None).await.expect(400);
    let forged = app
        .post(
            "/api/v1/auth/verify-email",
            None,
            json!({ "token": "00".repeat(32) }),
        )
        .await;
    forged.expect_error(400, "invalid_input");
    assert_eq!(forged.error_field(), Some("token"));

    let resent = app
        .post("/api/v1/me/verification-mail", founder.auth(), json!({}))
        .await
        .expect(202);
    assert!(resent.body["message"].is_string());
    let mails = mail_to(&app, &founder.email, 2).await;
    let second = verification_path(&app, &mails[1]);
    assert_ne!(first, second);
    let token = second.rsplit('=').next().expect("token");
    app.post("/api/v1/auth/verify-email", None, json!({ "token": token }))
        .await
        .expect(204);
    let me = app.get("/api/v1/me", founder.auth()).await.expect(200);
    assert_eq!(me.body["user"]["email_verified"], true);
    // Confirmed: asking again sends nothing.
    app.post("/api/v1/me/verification-mail", founder.auth(), json!({}))
        .await
        .expect(202);
    mail_to(&app, &founder.email, 2).await;
    app.deliver_mail().await;
    assert_eq!(Mailbox::shared().messages_to(&founder.email).len(), 2);
}

#[actix_web::test]
async fn registration_answers_the_same_for_known_and_new_addresses_names_and_kvk_numbers() {
    // Room for the timing rounds below the per-address limit.
    let app = spawn_app_with(Options {
        login_limits: LoginLimits {
            requests_per_address: 100,
            ..LoginLimits::default()
        },
        ..Default::default()
    })
    .await;
    let profile = startup_profile("Known Radar BV");
    let kvk = profile["kvk_number"].as_str().expect("kvk").to_owned();
    let (known, _) = app.startup_with_profile(profile).await;

    let new = register(&app, registration(&unique_email("new"), "Brand New BV")).await;
    let known_address = register(&app, registration(&known.email, "Another Company")).await;
    let known_name = register(&app, registration(&unique_email("name"), "known radar bv")).await;
    let mut by_kvk = registration(&unique_email("kvk"), "Renamed Radar");
    by_kvk["kvk_number"] = json!(kvk);
    let known_kvk = register(&app, by_kvk).await;
    assert_eq!(new.0, 202);
    assert_eq!(
        known_address, new,
        "same status and body for a known address"
    );
    assert_eq!(
        known_name, new,
        "same status and body for a known company name"
    );
    assert_eq!(
        known_kvk, new,
        "same status and body for a known KvK number"
    );

    // The same timing class: the lookups, the account and the mail happen
    // after the answer.
    let (mut known_times, mut new_times) = (Vec::new(), Vec::new());
    for round in 0..11 {
        let start = Instant::now();
        let again = register(&app, registration(&known.email, "Another Company")).await;
        known_times.push(start.elapsed());
        assert_eq!(again, new);
        let start = Instant::now();
        let fresh = registration(&unique_email("timing"), &format!("Timing {round} BV"));
        assert_eq!(register(&app, fresh).await, new);
        new_times.push(start.elapsed());
    }
    known_times.sort();
    new_times.sort();
    let (known_median, new_median) = (known_times[5], new_times[5]);
    let (fast, slow) = if known_median < new_median {
        (known_median, new_median)
    } else {
        (new_median, known_median)
    };
    assert!(
        slow < fast * 3 + Duration::from_millis(15),
        "known {known_median:?} vs new {new_median:?}"
    );
}

#[actix_web::test]
async fn a_known_address_gets_a_note_and_nothing_is_created() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let before = count_organisations(&app);
    let (status, _) = register(
        &app,
        registration(
            &format!("  {} ", founder.email.to_uppercase()),
            "Other Company",
        ),
    )
    .await;
    assert_eq!(status, 202);
    let mails = mail_to(&app, &founder.email, 2).await;
    let note = &mails[1];
    assert!(note.text.contains("You already have one"), "{}", note.text);
    assert!(note
        .text
        .contains(&format!("{}/forgot-password", app.address)));
    assert!(!note.text.contains("verify-email"));
    assert_eq!(count_organisations(&app), before);
    // The password of the attempt opens nothing: the account keeps its own.
    app.log_in(&founder.email).await.expect(200);
}

#[actix_web::test]
async fn a_known_company_mails_its_people_and_without_them_its_rom() {
    let app = spawn_app().await;
    let (founder, _) = app
        .startup_with_profile(startup_profile("Skywatch Radar BV"))
        .await;
    let newcomer = unique_email("newcomer");
    let before = count_organisations(&app);
    register(&app, registration(&newcomer, "SKYWATCH radar bv")).await;
    let mails = mail_to(&app, &founder.email, 2).await;
    let note = &mails[1];
    assert!(
        note.subject.contains("Skywatch Radar BV"),
        "{}",
        note.subject
    );
    assert!(note.text.contains(&newcomer), "{}", note.text);
    assert!(
        note.text.contains("nothing new was created"),
        "{}",
        note.text
    );
    assert_eq!(count_organisations(&app), before);
    app.deliver_mail().await;
    assert!(Mailbox::shared().messages_to(&newcomer).is_empty());

    // Without an active account (as after an import), the ROM officers of
    // its province (Noord-Holland: ROM InWest) hear of it.
    {
        let mut connection = app.database.connect();
        diesel::update(users::table.find(founder.user_id))
            .set(users::disabled_at.eq(Some(Utc::now())))
            .execute(&mut connection)
            .expect("disable the founder");
    }
    let officer = app.rom_officer(Rom::RomInWest).await;
    let other_rom = app.rom_officer(Rom::Nom).await;
    register(
        &app,
        registration(&unique_email("second"), "Skywatch Radar BV"),
    )
    .await;
    let mails = mail_to(&app, &officer.email, 1).await;
    assert!(
        mails[0].text.contains("Skywatch Radar BV"),
        "{}",
        mails[0].text
    );
    let mut connection = app.database.connect();
    let to_other_rom: i64 = email_outbox::table
        .filter(email_outbox::recipient.eq(&other_rom.email))
        .count()
        .get_result(&mut connection)
        .expect("count");
    assert_eq!(to_other_rom, 0);
}

#[actix_web::test]
async fn an_unconfirmed_start_up_edits_its_profile_but_takes_no_part_in_introductions() {
    let app = spawn_app().await;
    let procurement = app.procurement("Defensie Materieel Organisatie").await;
    let challenge_id = app
        .challenge_in_status(
            &procurement,
            challenge_body("Counter-drone sensing"),
            "open",
        )
        .await;
    let founder = app.unverified_startup_account("Unconfirmed Radar BV").await;
    let startup_id = app
        .post(
            "/api/v1/startups",
            founder.auth(),
            startup_profile("Unconfirmed Radar BV"),
        )
        .await
        .expect(201)
        .id();
    app.get(
        &format!("/api/v1/challenges/{challenge_id}"),
        founder.auth(),
    )
    .await
    .expect(200);

    // Expressing interest is refused, and the page offers the link instead of the form.
    let interest = app
        .post(
            "/api/v1/introductions",
            founder.auth(),
            json!({ "challenge_id": challenge_id }),
        )
        .await;
    interest.expect_error(403, "forbidden");
    assert!(interest.body["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("confirm your e-mail address")));
    let mut visitor = WebVisitor::new(&app);
    visitor.log_in(&founder.email).await.expect(303);
    let page = visitor
        .get(&format!("/challenges/{challenge_id}"))
        .await
        .expect(200);
    assert!(!html(&page).contains("/interest\""), "no interest form");
    assert!(html(&page).contains("action=\"/verify-email/resend\""));

    // A ROM officer cannot propose it, and the region list offers no Propose.
    let rom = app.rom_officer(Rom::RomInWest).await;
    let proposal = json!({"challenge_id": challenge_id, "startup_id": startup_id});
    let refused = app
        .post("/api/v1/introductions", rom.auth(), proposal.clone())
        .await;
    refused.expect_error(409, "conflict");
    assert_eq!(refused.error_field(), Some("startup_id"));
    app.wait_for_index().await;
    let mut broker = WebVisitor::new(&app);
    broker.log_in(&rom.email).await.expect(303);
    let propose =
        format!("/introductions/propose?startup={startup_id}&amp;challenge={challenge_id}");
    let region = broker.get("/region/startups").await.expect(200);
    assert!(
        html(&region).contains("Unconfirmed Radar BV"),
        "listed: {}",
        html(&region)
    );
    assert!(
        !html(&region).contains(&propose),
        "no Propose while unconfirmed"
    );

    // Procurement may invite (it never learns why a card cannot complete),
    // but the start-up cannot accept until it confirmed its address.
    let handle = app.card_handle_for(&procurement, startup_id).await;
    let invitation = app
        .post(
            "/api/v1/introductions",
            procurement.auth(),
            json!({"challenge_id": challenge_id, "startup_id": handle}),
        )
        .await
        .expect(201);
    let seen = app
        .get(
            &format!("/api/v1/introductions/{}", invitation.id()),
            founder.auth(),
        )
        .await
        .expect(200);
    assert!(!seen.body["allowed_actions"]
        .as_array()
        .expect("actions")
        .contains(&json!("accept")));
    app.post_if_match(
        &format!("/api/v1/introductions/{}/transitions", invitation.id()),
        founder.auth(),
        seen.etag_version(),
        json!({"action": "accept"}),
    )
    .await
    .expect_error(403, "forbidden");

    // Once confirmed, the same start-up accepts and can be proposed.
    app.confirm_address(&founder).await;
    let founder = app.logged_in(&founder.email).await;
    let seen = app
        .get(
            &format!("/api/v1/introductions/{}", invitation.id()),
            founder.auth(),
        )
        .await
        .expect(200);
    assert!(seen.body["allowed_actions"]
        .as_array()
        .expect("actions")
        .contains(&json!("accept")));
    app.post_if_match(
        &format!("/api/v1/introductions/{}/transitions", invitation.id()),
        founder.auth(),
        seen.etag_version(),
        json!({"action": "accept"}),
    )
    .await
    .expect(200);
}
