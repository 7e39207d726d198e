//! User administration: who may create, list, read, vet, rename, re-role
//! and disable accounts.

use actix_web::http::Method;
use defmatch::domain::region::Rom;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    challenge_body, merge, spawn_app, startup_profile, Actor, Reply, TestApp, PASSWORD,
};

// ---------------------------------------------------------------------------
// Helpers private to these tests.

/// Creates an organisation through the API, as an admin does.
async fn organisation(
    app: &TestApp,
    admin: &Actor,
    kind: &str,
    name: &str,
    rom: Option<&str>,
) -> Uuid {
    let mut body = json!({"kind": kind, "name": name});
    if let Some(rom) = rom {
        body["rom"] = json!(rom);
    }
    app.post("/api/v1/organisations", admin.auth(), body)
        .await
        .expect(201)
        .id()
}

fn new_user(email: &str, role: &str, organisation_id: Option<Uuid>) -> Value {
    json!({
        "email": email,
        "password": PASSWORD,
        "display_name": format!("A {role}"),
        "role": role,
        "organisation_id": organisation_id,
    })
}

async fn create_user(app: &TestApp, caller: Option<&str>, body: Value) -> Reply {
    app.post("/api/v1/users", caller, body).await
}

fn user_path(id: Uuid) -> String {
    format!("/api/v1/users/{id}")
}

/// The current version of a user, as an admin sees it.
async fn version_of(app: &TestApp, admin: &Actor, id: Uuid) -> i32 {
    app.get(&user_path(id), admin.auth())
        .await
        .expect(200)
        .etag_version()
}

async fn log_in(app: &TestApp, email: &str) -> Reply {
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"email": email, "password": PASSWORD}),
    )
    .await
}

fn emails(reply: &Reply) -> Vec<String> {
    reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|user| user["email"].as_str().unwrap().to_owned())
        .collect()
}

// ---------------------------------------------------------------------------
// Creating users

#[actix_web::test]
async fn an_admin_creates_users_of_every_role_in_a_fitting_organisation() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let defence = organisation(&app, &admin, "defence", "DMO", None).await;
    let rom = organisation(&app, &admin, "rom", "Oost NL", Some("oost-nl")).await;
    let company = organisation(&app, &admin, "startup_company", "Radar Works", None).await;

    let cases = [
        ("officer@dmo.test", "procurement", Some(defence)),
        ("broker@oost.test", "rom_officer", Some(rom)),
        ("founder@radar.test", "startup", Some(company)),
        ("second-admin@defmatch.test", "admin", None),
    ];
    for (email, role, organisation_id) in cases {
        let reply = create_user(&app, admin.auth(), new_user(email, role, organisation_id))
            .await
            .expect(201);
        assert_eq!(reply.etag_version(), 1, "{role}");
        assert_eq!(reply.body["email"], email);
        assert_eq!(reply.body["role"], role);
        assert_eq!(reply.body["organisation_id"], json!(organisation_id));
        assert_eq!(reply.body["disabled"], false);
        assert!(reply.body.get("password_hash").is_none());
        assert!(reply.body.get("password").is_none());

        // The new account can log in and is who the admin said.
        let tokens = log_in(&app, email).await.expect(200);
        let whoami = app
            .get("/api/v1/me", tokens.body["access_token"].as_str())
            .await
            .expect(200);
        assert_eq!(whoami.body["user"]["id"], reply.body["id"]);
        assert_eq!(whoami.body["user"]["role"], role);
    }
}

#[actix_web::test]
async fn procurement_officers_and_admins_are_vetted_on_creation_but_startups_are_not() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let defence = organisation(&app, &admin, "defence", "DMO", None).await;
    let company = organisation(&app, &admin, "startup_company", "Radar Works", None).await;
    let officer = create_user(
        &app,
        admin.auth(),
        new_user("officer@dmo.test", "procurement", Some(defence)),
    )
    .await
    .expect(201);
    assert_eq!(officer.body["vetted"], true);
    assert!(officer.body["vetted_at"].is_string());
    let founder = create_user(
        &app,
        admin.auth(),
        new_user("founder@radar.test", "startup", Some(company)),
    )
    .await
    .expect(201);
    assert_eq!(founder.body["vetted"], false);
    assert_eq!(founder.body["vetted_at"], Value::Null);
    let other_admin = create_user(
        &app,
        admin.auth(),
        new_user("admin2@defmatch.test", "admin", None),
    )
    .await
    .expect(201);
    assert_eq!(other_admin.body["vetted"], true);
}

#[actix_web::test]
async fn a_role_must_fit_the_kind_of_its_organisation() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let defence = organisation(&app, &admin, "defence", "DMO", None).await;
    let rom = organisation(&app, &admin, "rom", "Oost NL", Some("oost-nl")).await;
    let company = organisation(&app, &admin, "startup_company", "Radar Works", None).await;

    let mismatches = [
        ("procurement", Some(company)),
        ("procurement", Some(rom)),
        ("rom_officer", Some(defence)),
        ("startup", Some(defence)),
        ("startup", None),
        ("procurement", None),
        ("admin", Some(defence)),
        ("startup", Some(Uuid::new_v4())),
    ];
    for (n, (role, organisation_id)) in mismatches.into_iter().enumerate() {
        let email = format!("user-{n}@defmatch.test");
        let reply = create_user(&app, admin.auth(), new_user(&email, role, organisation_id)).await;
        reply.expect_error(400, "invalid_input");
        assert_eq!(
            reply.error_field(),
            Some("organisation_id"),
            "{role} in {organisation_id:?}"
        );
        log_in(&app, &email)
            .await
            .expect_error(401, "invalid_credentials");
    }
}

#[actix_web::test]
async fn creating_a_user_checks_email_password_and_fields() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let company = organisation(&app, &admin, "startup_company", "Radar Works", None).await;

    let taken = create_user(
        &app,
        admin.auth(),
        new_user(&admin.email.to_uppercase(), "startup", Some(company)),
    )
    .await;
    taken.expect_error(409, "conflict");
    assert_eq!(taken.error_field(), Some("email"));

    let mut short = new_user("founder@radar.test", "startup", Some(company));
    short["password"] = json!("short");
    let reply = create_user(&app, admin.auth(), short).await;
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("password"));

    let mut wizard = new_user("founder@radar.test", "startup", Some(company));
    wizard["role"] = json!("wizard");
    let reply = create_user(&app, admin.auth(), wizard).await;
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("role"));

    let mut extra = new_user("founder@radar.test", "startup", Some(company));
    extra["vetted"] = json!(true);
    let reply = create_user(&app, admin.auth(), extra).await;
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("vetted"));
}

#[actix_web::test]
async fn only_admins_may_create_users() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let company = organisation(&app, &admin, "startup_company", "Radar Works", None).await;
    let founder = app.startup_account("Sonar Works").await;
    let officer = app.procurement("DMO").await;
    let broker = app.rom_officer(Rom::OostNl).await;
    for (n, caller) in [&founder, &officer, &broker].into_iter().enumerate() {
        let email = format!("sneaky-{n}@defmatch.test");
        create_user(&app, caller.auth(), new_user(&email, "admin", None))
            .await
            .expect_error(403, "forbidden");
        create_user(
            &app,
            caller.auth(),
            new_user(&email, "startup", Some(company)),
        )
        .await
        .expect_error(403, "forbidden");
        log_in(&app, &email)
            .await
            .expect_error(401, "invalid_credentials");
    }
    create_user(&app, None, new_user("anon@defmatch.test", "admin", None))
        .await
        .expect_error(401, "missing_token");
}

// ---------------------------------------------------------------------------
// Listing users

#[actix_web::test]
async fn admins_list_users_filtered_by_role_and_paginated() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let officer = app.procurement("DMO").await;
    let mut founders = Vec::new();
    for n in 0..3 {
        founders.push(app.startup_account(&format!("Start-up {n}")).await);
    }

    let all = app.get("/api/v1/users", admin.auth()).await.expect(200);
    assert_eq!(all.body["total"], 5);
    assert_eq!(all.body["page"], 1);
    assert_eq!(all.body["per_page"], 20);
    assert_eq!(all.body["items"].as_array().unwrap().len(), 5);

    let startups = app
        .get("/api/v1/users?role=startup", admin.auth())
        .await
        .expect(200);
    assert_eq!(startups.body["total"], 3);
    let mut expected: Vec<String> = founders.iter().map(|f| f.email.clone()).collect();
    expected.sort();
    assert_eq!(emails(&startups), expected);

    let procurement = app
        .get("/api/v1/users?role=procurement", admin.auth())
        .await
        .expect(200);
    assert_eq!(emails(&procurement), vec![officer.email.clone()]);

    let first = app
        .get("/api/v1/users?role=startup&per_page=2", admin.auth())
        .await
        .expect(200);
    assert_eq!(first.body["total"], 3);
    assert_eq!(first.body["per_page"], 2);
    assert_eq!(emails(&first), expected[..2].to_vec());
    let second = app
        .get("/api/v1/users?role=startup&per_page=2&page=2", admin.auth())
        .await
        .expect(200);
    assert_eq!(second.body["page"], 2);
    assert_eq!(second.body["total"], 3);
    assert_eq!(emails(&second), expected[2..].to_vec());
    let beyond = app
        .get("/api/v1/users?role=startup&per_page=2&page=3", admin.auth())
        .await
        .expect(200);
    assert_eq!(beyond.body["items"], json!([]));
    assert_eq!(beyond.body["total"], 3);

    let of_company = app
        .get(
            &format!(
                "/api/v1/users?organisation_id={}",
                founders[0].organisation_id.unwrap()
            ),
            admin.auth(),
        )
        .await
        .expect(200);
    assert_eq!(emails(&of_company), vec![founders[0].email.clone()]);
}

#[actix_web::test]
async fn a_bad_user_list_query_is_400_naming_the_parameter() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for (query, field) in [
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("colour=blue", "colour"),
    ] {
        let reply = app
            .get(&format!("/api/v1/users?{query}"), admin.auth())
            .await;
        reply.expect_error(400, "invalid_input");
        assert_eq!(reply.error_field(), Some(field), "{query}");
    }
    app.get("/api/v1/users?role=wizard", admin.auth())
        .await
        .expect_error(400, "invalid_input");
}

#[actix_web::test]
async fn only_admins_may_list_users() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let officer = app.procurement("DMO").await;
    let broker = app.rom_officer(Rom::OostNl).await;
    for caller in [&founder, &officer, &broker] {
        app.get("/api/v1/users", caller.auth())
            .await
            .expect_error(403, "forbidden");
    }
    app.get("/api/v1/users", None)
        .await
        .expect_error(401, "missing_token");
}

// ---------------------------------------------------------------------------
// Reading one user

#[actix_web::test]
async fn a_user_is_seen_by_themselves_colleagues_admins_and_revealed_parties_only() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let officer = app.procurement("DMO").await;
    let broker = app.rom_officer(Rom::OostNl).await;
    let (founder, startup_id) = app
        .startup_with_profile(startup_profile("Radar Works"))
        .await;
    let rival = app.startup_account("Sonar Works").await;
    let path = user_path(founder.user_id);

    for caller in [&founder, &admin] {
        let reply = app.get(&path, caller.auth()).await.expect(200);
        assert_eq!(reply.id(), founder.user_id);
        assert_eq!(reply.body["email"], founder.email);
        assert!(reply.body.get("password_hash").is_none());
    }
    // Procurement, other start-ups and brokers get what a missing id gets.
    for caller in [&officer, &rival, &broker] {
        let reply = app.get(&path, caller.auth()).await;
        assert_eq!(reply.status, 404);
        let missing = app.get(&user_path(Uuid::new_v4()), caller.auth()).await;
        assert_eq!(missing.status, 404);
        assert_eq!(reply.body, missing.body);
    }
    app.get(&path, None)
        .await
        .expect_error(401, "missing_token");

    // After both sides accept an introduction, procurement reads the founder.
    let rom = app.rom_officer(Rom::RomInWest).await;
    let challenge_id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone sensing"), "open")
        .await;
    let proposed = app
        .post(
            "/api/v1/introductions",
            rom.auth(),
            json!({"challenge_id": challenge_id, "startup_id": startup_id, "message": "A fit."}),
        )
        .await
        .expect(201);
    let transitions = format!("/api/v1/introductions/{}/transitions", proposed.id());
    let accepted = app
        .post_if_match(
            &transitions,
            founder.auth(),
            proposed.etag_version(),
            json!({"action": "accept"}),
        )
        .await
        .expect(200);
    app.get(&path, officer.auth())
        .await
        .expect_error(404, "not_found");
    app.post_if_match(
        &transitions,
        officer.auth(),
        accepted.etag_version(),
        json!({"action": "accept"}),
    )
    .await
    .expect(200);
    let revealed = app.get(&path, officer.auth()).await.expect(200);
    assert_eq!(revealed.body["email"], founder.email);
    let founder_reads_officer = app
        .get(&user_path(officer.user_id), founder.auth())
        .await
        .expect(200);
    assert_eq!(founder_reads_officer.body["email"], officer.email);
    app.get(&path, rival.auth())
        .await
        .expect_error(404, "not_found");
}

#[actix_web::test]
async fn an_unknown_or_malformed_user_id_is_404() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.get(&user_path(Uuid::new_v4()), admin.auth())
        .await
        .expect_error(404, "not_found");
    app.get("/api/v1/users/not-a-uuid", admin.auth())
        .await
        .expect_error(404, "not_found");
}

// ---------------------------------------------------------------------------
// Changing users

#[actix_web::test]
async fn an_admin_vets_a_startup_with_if_match_and_the_etag_moves_on() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;
    let path = user_path(founder.user_id);
    let before = app.get(&path, admin.auth()).await.expect(200);
    assert_eq!(before.body["vetted"], false);
    let version = before.etag_version();

    let reply = app
        .patch(&path, admin.auth(), version, json!({"vetted": true}))
        .await
        .expect(200);
    assert_eq!(reply.body["vetted"], true);
    assert!(reply.body["vetted_at"].is_string());
    assert_eq!(reply.etag_version(), version + 1);
    assert_eq!(reply.body["version"], version + 1);

    let after = app.get(&path, founder.auth()).await.expect(200);
    assert_eq!(after.body["vetted"], true);
    assert_eq!(after.etag_version(), version + 1);
}

#[actix_web::test]
async fn a_stale_if_match_is_refused_with_412_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;
    let path = user_path(founder.user_id);
    let version = version_of(&app, &admin, founder.user_id).await;
    app.patch(
        &path,
        founder.auth(),
        version,
        json!({"display_name": "Anna"}),
    )
    .await
    .expect(200);

    let reply = app
        .patch(&path, admin.auth(), version, json!({"vetted": true}))
        .await;
    reply.expect_error(412, "precondition_failed");
    assert_eq!(reply.error_field(), Some("If-Match"));
    let current = app.get(&path, admin.auth()).await.expect(200);
    assert_eq!(current.body["vetted"], false);
    assert_eq!(current.body["display_name"], "Anna");
    assert_eq!(current.etag_version(), version + 1);
}

#[actix_web::test]
async fn a_patch_without_if_match_is_refused_with_428() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;
    let path = user_path(founder.user_id);
    let reply = app
        .send(
            Method::PATCH,
            &path,
            admin.auth(),
            &[],
            Some(("application/json", br#"{"vetted": true}"#.to_vec())),
        )
        .await;
    reply.expect_error(428, "precondition_required");
    assert_eq!(reply.error_field(), Some("If-Match"));
    let current = app.get(&path, admin.auth()).await.expect(200);
    assert_eq!(current.body["vetted"], false);
}

#[actix_web::test]
async fn a_procurement_officer_may_vet_but_not_re_role_or_disable() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let officer = app.procurement("DMO").await;
    let founder = app.startup_account("Radar Works").await;
    let path = user_path(founder.user_id);
    let version = version_of(&app, &admin, founder.user_id).await;

    // The answer says nothing about an account the officer may not read:
    // no e-mail, no name, no organisation; only the new version.
    let vetted = app
        .patch(&path, officer.auth(), version, json!({"vetted": true}))
        .await
        .expect(204);
    assert!(!vetted.body.to_string().contains("radar works"));
    assert!(!vetted.body.to_string().contains(&founder.email));
    let version = vetted.etag_version();
    let seen = app.get(&path, admin.auth()).await.expect(200);
    assert_eq!(seen.body["vetted"], true);
    assert_eq!(seen.etag_version(), version);

    app.patch(
        &path,
        officer.auth(),
        version,
        json!({"role": "procurement"}),
    )
    .await
    .expect_error(404, "not_found");
    app.patch(&path, officer.auth(), version, json!({"disabled": true}))
        .await
        .expect_error(404, "not_found");
    app.patch(
        &path,
        officer.auth(),
        version,
        json!({"display_name": "Renamed"}),
    )
    .await
    .expect_error(404, "not_found");

    // The officer may vet, but reads nothing else of the account: every
    // other change answers as for a missing account.
    let current = app.get(&path, admin.auth()).await.expect(200);
    assert_eq!(current.body["role"], "startup");
    assert_eq!(current.body["disabled"], false);
    assert_eq!(current.body["display_name"], "Founder");
    assert_eq!(current.etag_version(), version);
    app.get("/api/v1/me", founder.auth()).await.expect(200);
}

#[actix_web::test]
async fn a_startup_may_rename_itself_but_not_vet_itself_or_touch_others() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;
    let rival = app.startup_account("Sonar Works").await;
    let path = user_path(founder.user_id);
    let version = version_of(&app, &admin, founder.user_id).await;

    let renamed = app
        .patch(
            &path,
            founder.auth(),
            version,
            json!({"display_name": "  Anna de Vries "}),
        )
        .await
        .expect(200);
    assert_eq!(renamed.body["display_name"], "Anna de Vries");
    let version = renamed.etag_version();

    let reply = app
        .patch(
            &path,
            founder.auth(),
            version,
            json!({"display_name": "   "}),
        )
        .await;
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("display_name"));

    app.patch(&path, founder.auth(), version, json!({"vetted": true}))
        .await
        .expect_error(403, "forbidden");
    app.patch(&path, founder.auth(), version, json!({"role": "admin"}))
        .await
        .expect_error(403, "forbidden");

    let rival_version = version_of(&app, &admin, rival.user_id).await;
    app.patch(
        &user_path(rival.user_id),
        founder.auth(),
        rival_version,
        json!({"display_name": "Hacked"}),
    )
    .await
    .expect_error(404, "not_found");

    let me = app.get(&path, admin.auth()).await.expect(200);
    assert_eq!(me.body["vetted"], false);
    assert_eq!(me.body["role"], "startup");
    let rival_now = app
        .get(&user_path(rival.user_id), admin.auth())
        .await
        .expect(200);
    assert_eq!(rival_now.body["display_name"], "Founder");
}

#[actix_web::test]
async fn disabling_a_user_ends_their_sessions_and_logins_until_enabled_again() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;
    let path = user_path(founder.user_id);
    let version = version_of(&app, &admin, founder.user_id).await;

    let disabled = app
        .patch(&path, admin.auth(), version, json!({"disabled": true}))
        .await
        .expect(200);
    assert_eq!(disabled.body["disabled"], true);
    app.get("/api/v1/me", founder.auth())
        .await
        .expect_error(401, "invalid_token");
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": founder.refresh_token}),
    )
    .await
    .expect_error(401, "invalid_token");
    log_in(&app, &founder.email)
        .await
        .expect_error(403, "account_disabled");

    app.patch(
        &path,
        admin.auth(),
        disabled.etag_version(),
        json!({"disabled": false}),
    )
    .await
    .expect(200);
    let tokens = log_in(&app, &founder.email).await.expect(200);
    app.get("/api/v1/me", tokens.body["access_token"].as_str())
        .await
        .expect(200);
    // The sessions ended by disabling stay ended.
    app.get("/api/v1/me", founder.auth())
        .await
        .expect_error(401, "invalid_token");
}

#[actix_web::test]
async fn an_admin_cannot_disable_or_demote_himself() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let path = user_path(admin.user_id);
    let version = version_of(&app, &admin, admin.user_id).await;
    app.patch(&path, admin.auth(), version, json!({"disabled": true}))
        .await
        .expect_error(403, "forbidden");
    app.patch(&path, admin.auth(), version, json!({"role": "startup"}))
        .await
        .expect_error(403, "forbidden");
    app.get("/api/v1/me", admin.auth()).await.expect(200);

    // Renaming himself is fine.
    let renamed = app
        .patch(
            &path,
            admin.auth(),
            version,
            json!({"display_name": "Chief"}),
        )
        .await
        .expect(200);
    assert_eq!(renamed.body["display_name"], "Chief");

    // Another admin may disable him.
    let other = app.admin().await;
    app.patch(
        &path,
        other.auth(),
        renamed.etag_version(),
        json!({"disabled": true}),
    )
    .await
    .expect(200);
    app.get("/api/v1/me", admin.auth())
        .await
        .expect_error(401, "invalid_token");
}

#[actix_web::test]
async fn an_admin_cannot_give_a_user_a_role_that_does_not_fit_their_organisation() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;
    let path = user_path(founder.user_id);
    let version = version_of(&app, &admin, founder.user_id).await;

    // A start-up company's member made admin would be an admin with an organisation.
    let reply = app
        .patch(&path, admin.auth(), version, json!({"role": "admin"}))
        .await;
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("role"));

    // A start-up made procurement officer would post challenges for a start-up company.
    let reply = app
        .patch(&path, admin.auth(), version, json!({"role": "procurement"}))
        .await;
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("role"));
    let current = app.get(&path, admin.auth()).await.expect(200);
    assert_eq!(current.body["role"], "startup");
}

#[actix_web::test]
async fn an_empty_patch_is_not_a_server_error() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;
    let path = user_path(founder.user_id);
    let version = version_of(&app, &admin, founder.user_id).await;
    let reply = app.patch(&path, founder.auth(), version, json!({})).await;
    assert!(
        reply.status == 200 || (reply.status == 400 && reply.error_code() == "invalid_input"),
        "an empty patch should change nothing (200) or be refused (400), got {reply:?}"
    );
    let current = app.get(&path, admin.auth()).await.expect(200);
    assert_eq!(current.body["display_name"], "Founder");
}

#[actix_web::test]
async fn vetting_a_startup_opens_the_challenges_for_vetted_users() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let officer = app.procurement("DMO").await;
    let founder = app.startup_account("Radar Works").await;
    let challenge = app
        .challenge_in_status(
            &officer,
            merge(
                challenge_body("Counter-drone radar"),
                json!({"visibility": "vetted"}),
            ),
            "open",
        )
        .await;
    let challenge_path = format!("/api/v1/challenges/{challenge}");

    app.get(&challenge_path, founder.auth())
        .await
        .expect_error(404, "not_found");

    let version = version_of(&app, &admin, founder.user_id).await;
    app.patch(
        &user_path(founder.user_id),
        admin.auth(),
        version,
        json!({"vetted": true}),
    )
    .await
    .expect(200);

    // The same token: vetting takes effect at once.
    let seen = app.get(&challenge_path, founder.auth()).await.expect(200);
    assert_eq!(seen.id(), challenge);
    assert_eq!(seen.body["title"], "Counter-drone radar");

    // And un-vetting hides it again.
    let version = version_of(&app, &admin, founder.user_id).await;
    app.patch(
        &user_path(founder.user_id),
        admin.auth(),
        version,
        json!({"vetted": false}),
    )
    .await
    .expect(200);
    app.get(&challenge_path, founder.auth())
        .await
        .expect_error(404, "not_found");
}

// ---------------------------------------------------------------------------
// The users page

#[actix_web::test]
async fn an_admin_vets_and_disables_on_the_users_page_from_the_version_shown() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;
    let mut visitor = crate::web_pages::signed_in(&app, &admin.email).await;
    let listed = visitor.get("/admin/users?role=startup").await.expect(200);
    assert!(crate::web_pages::html(&listed).contains(&founder.email));
    assert_eq!(visitor.get("/admin/users?role=wizard").await.status, 400);

    let shown = version_of(&app, &admin, founder.user_id).await.to_string();
    let vetting = format!("/admin/users/{}/vetting", founder.user_id);
    let vetted = visitor
        .post_form(
            &vetting,
            &[
                ("version", &shown),
                ("vetted", "true"),
                ("back", "/admin/users?role=startup"),
            ],
        )
        .await;
    assert_eq!(vetted.status, 303);
    assert_eq!(
        vetted.header("location").as_deref(),
        Some("/admin/users?role=startup&done=vetted")
    );
    let user = app
        .get(&user_path(founder.user_id), admin.auth())
        .await
        .expect(200);
    assert_eq!(user.body["vetted"], true);

    // A form drawn before the change is stale, and changes nothing.
    let disable = format!("/admin/users/{}/disable", founder.user_id);
    let stale = visitor.post_form(&disable, &[("version", &shown)]).await;
    assert_eq!(stale.status, 412);
    app.get("/api/v1/me", founder.auth()).await.expect(200);

    let current = user.etag_version().to_string();
    let disabled = visitor.post_form(&disable, &[("version", &current)]).await;
    assert_eq!(disabled.status, 303);
    app.get("/api/v1/me", founder.auth())
        .await
        .expect_error(401, "invalid_token");
}
