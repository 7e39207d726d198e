//! Invitations: an admin invites staff by e-mail, the invited person
//! follows the link from the real SMTP server, sets a name and a password
//! and is signed in with the right role and organisation. Used, expired,
//! revoked and forged links are refused; resending kills the old link; ROM
//! officers and procurement officers cannot invite staff; invitations are
//! limited per client address and every event is audited.

use chrono::{Duration, Utc};
use defmatch::app::accounts::invitations::accept_by_verified_email;
use defmatch::app::AppState;
use defmatch::config::{AuthSettings, LoginLimits};
use defmatch::db::schema::invitations;
use defmatch::domain::account::{EmailAddress, OrganisationKind, Role};
use defmatch::domain::region::Rom;
use diesel::prelude::*;
use secrecy::SecretString;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{short_id, spawn_app, spawn_app_with, Actor, Options, Reply, TestApp};
use crate::mailbox::{mail_to, Mailbox, ReceivedMail};

const CHOSEN_PASSWORD: &str = "my own long passphrase";

/// A fresh address, so that the shared SMTP server's other mail never counts.
pub fn new_address(who: &str) -> String {
    format!("{who}-{}@invited.test", short_id())
}

/// The token of the invitation link in `mail`, after checking where it leads.
pub fn invitation_token(app: &TestApp, mail: &ReceivedMail) -> String {
    let prefix = format!("{}/invitation?token=", app.address);
    let link = mail
        .link_starting_with(&prefix)
        .unwrap_or_else(|| panic!("no link to {prefix} in: {}", mail.text));
    link[prefix.len()..].to_owned()
}

/// The token of the `count`-th invitation mail to `email`.
pub async fn mailed_token(app: &TestApp, email: &str, count: usize) -> String {
    let messages = mail_to(app, email, count).await;
    invitation_token(app, &messages[count - 1])
}

async fn invite(app: &TestApp, inviter: &Actor, body: Value) -> Reply {
    app.post("/api/v1/invitations", inviter.auth(), body).await
}

pub async fn accept(app: &TestApp, token: &str, name: &str) -> Reply {
    app.post(
        "/api/v1/invitations/accept",
        None,
        json!({"token": token, "password": CHOSEN_PASSWORD, "display_name": name}),
    )
    .await
}

async fn log_in_with_chosen_password(app: &TestApp, email: &str) -> u16 {
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"email": email, "password": CHOSEN_PASSWORD}),
    )
    .await
    .status
}

/// An admin's invitation of a procurement officer of "Invited Navy": the
/// address, the defence organisation and the reply.
async fn invite_officer(app: &TestApp, admin: &Actor) -> (String, Uuid, Reply) {
    let navy = app.create_organisation(OrganisationKind::Defence, "Invited Navy", None);
    let email = new_address("officer");
    let reply = invite(
        app,
        admin,
        json!({"email": email, "role": "procurement", "organisation_id": navy}),
    )
    .await;
    (email, navy, reply)
}

fn assert_token_refused(reply: &Reply, words: &str) {
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("token"));
    let message = reply.body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(words), "{message}");
}

#[actix_web::test]
async fn an_invited_officer_follows_the_mailed_link_and_lands_signed_in_in_the_right_organisation()
{
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (email, navy, invited) = invite_officer(&app, &admin).await;
    let invited = invited.expect(201);
    assert_eq!(invited.body["email"], email.as_str());
    assert_eq!(invited.body["role"], "procurement");
    assert_eq!(invited.body["organisation_name"], "Invited Navy");
    assert_eq!(invited.body["expired"], false);
    assert!(invited.body.get("token").is_none(), "{}", invited.body);

    let messages = mail_to(&app, &email, 1).await;
    let mail = &messages[0];
    assert!(
        mail.subject.contains("Your invitation to defmatch"),
        "{}",
        mail.subject
    );
    assert!(
        mail.text.contains("as procurement officer of Invited Navy"),
        "{}",
        mail.text
    );
    assert!(
        mail.text.contains("als inkoper van Invited Navy"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("7 days"), "{}", mail.text);
    let token = invitation_token(&app, mail);

    let accepted = accept(&app, &token, "Ingrid Officer").await.expect(201);
    assert_eq!(accepted.body["user"]["email"], email.as_str());
    assert_eq!(accepted.body["user"]["display_name"], "Ingrid Officer");
    let access = accepted.body["tokens"]["access_token"]
        .as_str()
        .expect("token");
    let me = app.get("/api/v1/me", Some(access)).await.expect(200);
    assert_eq!(me.body["user"]["role"], "procurement");
    assert_eq!(me.body["user"]["organisation_id"], navy.to_string());
    // An admin vouched for the officer by inviting them.
    assert_eq!(me.body["user"]["vetted"], true);
    assert_eq!(log_in_with_chosen_password(&app, &email).await, 200);

    // Accepted invitations leave the pending list.
    let pending = app
        .get("/api/v1/invitations", admin.auth())
        .await
        .expect(200);
    assert_eq!(pending.body["total"], 0);
}

#[actix_web::test]
async fn an_invited_rom_officer_and_admin_get_their_role_and_are_vetted() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let rom = app.create_organisation(OrganisationKind::Rom, "ROM InWest", Some(Rom::RomInWest));
    let broker = new_address("broker");
    invite(
        &app,
        &admin,
        json!({"email": broker, "role": "rom_officer", "organisation_id": rom}),
    )
    .await
    .expect(201);
    let colleague = new_address("colleague");
    invite(&app, &admin, json!({"email": colleague, "role": "admin"}))
        .await
        .expect(201);
    for (email, role) in [(&broker, "rom_officer"), (&colleague, "admin")] {
        let token = mailed_token(&app, email, 1).await;
        let accepted = accept(&app, &token, "New Staff").await.expect(201);
        assert_eq!(accepted.body["user"]["role"], role);
        assert_eq!(accepted.body["user"]["vetted"], true);
    }
}

#[actix_web::test]
async fn a_link_works_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (email, _, invited) = invite_officer(&app, &admin).await;
    invited.expect(201);
    let token = mailed_token(&app, &email, 1).await;
    accept(&app, &token, "First").await.expect(201);
    assert_token_refused(&accept(&app, &token, "Second").await, "accepted already");
}

#[actix_web::test]
async fn an_expired_link_is_refused() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (email, _, invited) = invite_officer(&app, &admin).await;
    let id = invited.expect(201).id();
    let token = mailed_token(&app, &email, 1).await;
    diesel::update(invitations::table.find(id))
        .set(invitations::expires_at.eq(Utc::now() - Duration::minutes(1)))
        .execute(&mut app.database.connect())
        .expect("expire the invitation");
    assert_token_refused(&accept(&app, &token, "Late").await, "expired");
    // The list still shows it, marked, so that it can be resent.
    let pending = app
        .get("/api/v1/invitations", admin.auth())
        .await
        .expect(200);
    assert_eq!(pending.body["items"][0]["expired"], true);
}

#[actix_web::test]
async fn a_revoked_invitation_is_refused_and_leaves_the_pending_list() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (email, _, invited) = invite_officer(&app, &admin).await;
    let id = invited.expect(201).id();
    let token = mailed_token(&app, &email, 1).await;
    let pending = app
        .get("/api/v1/invitations", admin.auth())
        .await
        .expect(200);
    assert_eq!(pending.body["total"], 1);
    assert_eq!(pending.body["items"][0]["id"], id.to_string());

    let path = format!("/api/v1/invitations/{id}");
    let revoked = app
        .send(
            actix_web::http::Method::DELETE,
            &path,
            admin.auth(),
            &[],
            None,
        )
        .await;
    assert_eq!(revoked.status, 204);
    assert_token_refused(&accept(&app, &token, "Too late").await, "withdrawn");
    let pending = app
        .get("/api/v1/invitations", admin.auth())
        .await
        .expect(200);
    assert_eq!(pending.body["total"], 0);
    // Revoking or resending it again: it is no longer pending.
    app.send(
        actix_web::http::Method::DELETE,
        &path,
        admin.auth(),
        &[],
        None,
    )
    .await
    .expect_error(409, "conflict");
    app.post(&format!("{path}/resend"), admin.auth(), json!({}))
        .await
        .expect_error(409, "conflict");
    // The address may be invited anew.
    invite(&app, &admin, json!({"email": email, "role": "admin"}))
        .await
        .expect(201);
}

#[actix_web::test]
async fn forged_tokens_are_refused() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, _, invited) = invite_officer(&app, &admin).await;
    invited.expect(201);
    let random_hex = hex::encode(Uuid::new_v4().as_bytes()).repeat(2);
    for forged in [random_hex.as_str(), "", "not-a-token", "0"] {
        assert_token_refused(&accept(&app, forged, "Forger").await, "not valid");
    }
}

#[actix_web::test]
async fn resending_kills_the_old_link_and_gives_seven_new_days() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (email, _, invited) = invite_officer(&app, &admin).await;
    let id = invited.expect(201).id();
    let old_token = mailed_token(&app, &email, 1).await;
    diesel::update(invitations::table.find(id))
        .set(invitations::expires_at.eq(Utc::now() - Duration::days(1)))
        .execute(&mut app.database.connect())
        .expect("expire the invitation");

    let resent = app
        .post(
            &format!("/api/v1/invitations/{id}/resend"),
            admin.auth(),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(resent.body["expired"], false);
    let expires_at: chrono::DateTime<Utc> =
        serde_json::from_value(resent.body["expires_at"].clone()).expect("expires_at");
    assert!(expires_at > Utc::now() + Duration::days(6), "{expires_at}");

    let new_token = mailed_token(&app, &email, 2).await;
    assert_ne!(new_token, old_token);
    assert_token_refused(&accept(&app, &old_token, "Old link").await, "not valid");
    accept(&app, &new_token, "New link").await.expect(201);
}

#[actix_web::test]
async fn rom_and_procurement_officers_cannot_invite_staff_and_start_ups_cannot_invite_at_all() {
    let app = spawn_app().await;
    let rom = app.rom_officer(Rom::RomInWest).await;
    let officer = app.procurement("Inviting Navy").await;
    let founder = app.startup_account("Inviting Start-up").await;
    let navy = officer.organisation_id.expect("navy");
    let staff =
        json!({"email": new_address("staff"), "role": "procurement", "organisation_id": navy});
    let refused = invite(&app, &rom, staff.clone()).await;
    refused.expect_error(403, "forbidden");
    assert!(refused.body["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("staff are invited by an admin"));
    let admin_invite = json!({"email": new_address("staff"), "role": "admin"});
    invite(&app, &rom, admin_invite)
        .await
        .expect_error(403, "forbidden");
    for outsider in [&officer, &founder] {
        invite(&app, outsider, staff.clone())
            .await
            .expect_error(403, "forbidden");
        app.get("/api/v1/invitations", outsider.auth())
            .await
            .expect_error(403, "forbidden");
    }
    // Nobody was mailed.
    app.deliver_mail().await;
    assert!(Mailbox::shared()
        .messages_to(staff["email"].as_str().unwrap_or_default())
        .is_empty());
}

#[actix_web::test]
async fn an_address_with_an_account_or_a_pending_invitation_is_a_conflict() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let existing = app.procurement("Conflict Navy").await;
    let navy = existing.organisation_id.expect("navy");
    let taken = invite(
        &app,
        &admin,
        json!({"email": existing.email.to_uppercase(), "role": "procurement", "organisation_id": navy}),
    )
    .await;
    taken.expect_error(409, "conflict");
    assert_eq!(taken.error_field(), Some("email"));

    let (email, _, first) = invite_officer(&app, &admin).await;
    first.expect(201);
    let again = invite(&app, &admin, json!({"email": email, "role": "admin"})).await;
    again.expect_error(409, "conflict");
    assert_eq!(again.error_field(), Some("email"));
    assert!(again.body["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("resend or revoke"));
}

#[actix_web::test]
async fn the_organisation_must_fit_the_role() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let rom = app.create_organisation(OrganisationKind::Rom, "ROM InWest", Some(Rom::RomInWest));
    for body in [
        json!({"email": new_address("x"), "role": "procurement", "organisation_id": rom}),
        json!({"email": new_address("x"), "role": "procurement"}),
        json!({"email": new_address("x"), "role": "admin", "organisation_id": rom}),
    ] {
        let refused = invite(&app, &admin, body).await;
        refused.expect_error(400, "invalid_input");
        assert_eq!(refused.error_field(), Some("organisation_id"));
    }
    let unknown = invite(
        &app,
        &admin,
        json!({"email": new_address("x"), "role": "procurement", "organisation_id": Uuid::new_v4()}),
    )
    .await;
    unknown.expect_error(400, "invalid_input");
    assert_eq!(unknown.error_field(), Some("organisation_id"));
    let bad_address = invite(
        &app,
        &admin,
        json!({"email": "no address", "role": "admin"}),
    )
    .await;
    bad_address.expect_error(400, "invalid_input");
    assert_eq!(bad_address.error_field(), Some("email"));
}

#[actix_web::test]
async fn invitations_are_limited_per_client_address() {
    let limits = LoginLimits {
        requests_per_address: 2,
        ..LoginLimits::default()
    };
    let app = spawn_app_with(Options {
        login_limits: limits,
        ..Options::default()
    })
    .await;
    let admin = app.admin().await;
    for _ in 0..2 {
        invite(
            &app,
            &admin,
            json!({"email": new_address("limit"), "role": "admin"}),
        )
        .await
        .expect(201);
    }
    let refused = invite(
        &app,
        &admin,
        json!({"email": new_address("limit"), "role": "admin"}),
    )
    .await;
    refused.expect_error(429, "too_many_requests");
    assert!(refused.header("retry-after").is_some());
}

#[actix_web::test]
async fn every_invitation_event_is_audited_without_the_address() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (email, _, invited) = invite_officer(&app, &admin).await;
    let id = invited.expect(201).id();
    app.post(
        &format!("/api/v1/invitations/{id}/resend"),
        admin.auth(),
        json!({}),
    )
    .await
    .expect(200);
    let token = mailed_token(&app, &email, 2).await;
    let accepted = accept(&app, &token, "Audited Officer").await.expect(201);
    let user_id = accepted.body["user"]["id"]
        .as_str()
        .expect("user id")
        .to_owned();
    let (other_email, _, other) = invite_officer(&app, &admin).await;
    let other_id = other.expect(201).id();
    let revoked = app
        .send(
            actix_web::http::Method::DELETE,
            &format!("/api/v1/invitations/{other_id}"),
            admin.auth(),
            &[],
            None,
        )
        .await;
    assert_eq!(revoked.status, 204);

    let events = audit_trail(&app, &admin, id).await;
    let mut actions: Vec<&str> = events
        .iter()
        .filter_map(|event| event["action"].as_str())
        .collect();
    actions.sort_unstable();
    assert_eq!(
        actions,
        [
            "invitation_accepted",
            "invitation_resent",
            "invitation_sent"
        ]
    );
    let accepted_event = events
        .iter()
        .find(|event| event["action"] == "invitation_accepted")
        .expect("accepted event");
    assert_eq!(accepted_event["actor_id"], user_id.as_str());
    assert_eq!(accepted_event["detail"]["role"], "procurement");
    let sent_event = events
        .iter()
        .find(|event| event["action"] == "invitation_sent")
        .expect("sent event");
    assert_eq!(sent_event["actor_id"], admin.user_id.to_string());
    let revoked_events = audit_trail(&app, &admin, other_id).await;
    assert!(
        revoked_events
            .iter()
            .any(|event| event["action"] == "invitation_revoked"),
        "{revoked_events:?}"
    );
    let everything = format!("{events:?}{revoked_events:?}");
    assert!(!everything.contains(&email) && !everything.contains(&other_email));
}

/// The audit events about `subject`, as an admin reads them.
async fn audit_trail(app: &TestApp, admin: &Actor, subject: Uuid) -> Vec<Value> {
    let reply = app
        .get(&format!("/api/v1/audit?subject={subject}"), admin.auth())
        .await
        .expect(200);
    reply.body["items"].as_array().cloned().unwrap_or_default()
}

/// The application state of `app`'s database, for calling operations
/// directly as the lead's single sign-on will.
fn state_of(app: &TestApp) -> AppState {
    let pool = defmatch::db::build_pool_with_timeout(
        &app.database.url,
        2,
        std::time::Duration::from_secs(2),
    );
    let auth = AuthSettings::with_secret(SecretString::from(app.jwt_secret.clone()));
    AppState::new(
        pool,
        &app.database.url,
        &auth,
        LoginLimits::default(),
        app.search.engine.clone(),
    )
}

#[actix_web::test]
async fn a_verified_address_accepts_its_pending_invitation_without_a_password() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (email, navy, invited) = invite_officer(&app, &admin).await;
    let id = invited.expect(201).id();
    let token = mailed_token(&app, &email, 1).await;
    let state = state_of(&app);

    let nobody = EmailAddress::try_from(new_address("nobody")).expect("address");
    assert_eq!(
        accept_by_verified_email(&state, nobody)
            .await
            .expect("lookup"),
        None
    );

    let address = EmailAddress::try_from(email.to_uppercase()).expect("address");
    let user_id = accept_by_verified_email(&state, address.clone())
        .await
        .expect("accept")
        .expect("an account");
    let (role, organisation_id, vetted, accepted_by): (String, Option<Uuid>, bool, Option<Uuid>) = {
        use defmatch::db::schema::users;
        let mut connection = app.database.connect();
        let (role, organisation_id, vetted_at) = users::table
            .find(user_id)
            .select((users::role, users::organisation_id, users::vetted_at))
            .first::<(String, Option<Uuid>, Option<chrono::DateTime<Utc>>)>(&mut connection)
            .expect("the account");
        let accepted_by = invitations::table
            .find(id)
            .select(invitations::accepted_user_id)
            .first::<Option<Uuid>>(&mut connection)
            .expect("the invitation");
        (role, organisation_id, vetted_at.is_some(), accepted_by)
    };
    assert_eq!(role, Role::Procurement.as_str());
    assert_eq!(organisation_id, Some(navy));
    assert!(vetted);
    assert_eq!(accepted_by, Some(user_id));
    // No password opens it, and the mailed link is spent.
    for password in [
        CHOSEN_PASSWORD,
        "",
        "!no-password: signed up through single sign-on",
    ] {
        let login = app
            .post(
                "/api/v1/auth/login",
                None,
                json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(login.status, 401, "{password}");
    }
    assert_token_refused(&accept(&app, &token, "Again").await, "accepted already");
    // A second sign-on finds no pending invitation.
    assert_eq!(
        accept_by_verified_email(&state, address)
            .await
            .expect("lookup"),
        None
    );
}

#[actix_web::test]
async fn the_concrete_accept_path_is_not_taken_for_an_invitation_id() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for method in [
        actix_web::http::Method::DELETE,
        actix_web::http::Method::OPTIONS,
    ] {
        let reply = app
            .send(
                method.clone(),
                "/api/v1/invitations/accept",
                admin.auth(),
                &[],
                None,
            )
            .await;
        reply.expect_error(405, "method_not_allowed");
        assert_eq!(reply.header("allow").as_deref(), Some("POST"), "{method}");
    }
    // A malformed id is still just a missing invitation.
    let reply = app
        .send(
            actix_web::http::Method::DELETE,
            "/api/v1/invitations/not-an-id",
            admin.auth(),
            &[],
            None,
        )
        .await;
    reply.expect_error(404, "not_found");
}
