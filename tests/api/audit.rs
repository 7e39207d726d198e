//! The audit trail: which actions leave an event, what the event says, who
//! may read the trail, and that nobody can change it afterwards.

use std::time::Duration;

use defmatch::config::LoginLimits;
use defmatch::domain::region::Rom;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    challenge_body, merge, server_database_url, spawn_app, spawn_app_with, Actor, Options, Reply,
    TestApp, TestDatabase, PASSWORD,
};

// ---------------------------------------------------------------------------
// Helpers private to these tests.

/// The audit trail as `admin` sees it with the query string `query`.
async fn audit(app: &TestApp, admin: &Actor, query: &str) -> Reply {
    app.get(&format!("/api/v1/audit?{query}"), admin.auth())
        .await
        .expect(200)
}

fn items(reply: &Reply) -> &Vec<Value> {
    reply.body["items"].as_array().expect("items")
}

fn actions(reply: &Reply) -> Vec<&str> {
    items(reply)
        .iter()
        .map(|event| event["action"].as_str().expect("action"))
        .collect()
}

async fn log_in_with(app: &TestApp, email: &str, password: &str) -> Reply {
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"email": email, "password": password}),
    )
    .await
}

fn user_path(id: Uuid) -> String {
    format!("/api/v1/users/{id}")
}

/// Changes a user as `caller`, from the version an admin sees.
async fn patch_user(app: &TestApp, caller: &Actor, admin: &Actor, id: Uuid, body: Value) -> Reply {
    let version = app
        .get(&user_path(id), admin.auth())
        .await
        .expect(200)
        .etag_version();
    app.patch(&user_path(id), caller.auth(), version, body)
        .await
}

// ---------------------------------------------------------------------------
// Logins

#[actix_web::test]
async fn a_successful_and_a_failed_login_each_leave_an_event_an_admin_can_find() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;

    app.log_in(&founder.email).await.expect(200);
    log_in_with(&app, &founder.email, "not the password at all")
        .await
        .expect_error(401, "invalid_credentials");

    // The founder's own events, newest first: the failure, the login, and
    // the login of `startup_account` after registering.
    let by_founder = audit(&app, &admin, &format!("actor={}", founder.user_id)).await;
    assert_eq!(actions(&by_founder), vec!["login_failed", "login", "login"]);
    let failed = &items(&by_founder)[0];
    assert_eq!(failed["actor_id"], json!(founder.user_id));
    assert_eq!(failed["subject_type"], "user");
    assert_eq!(failed["subject_id"], json!(founder.user_id));
    assert_eq!(failed["detail"]["email"], json!(founder.email));
    assert_eq!(failed["detail"]["reason"], "wrong_password");
    assert_eq!(failed["detail"]["client_ip"], "127.0.0.1");
    let login = &items(&by_founder)[1];
    assert_eq!(login["subject_id"], json!(founder.user_id));
    assert_eq!(login["detail"]["client_ip"], "127.0.0.1");
    assert!(login["id"].as_i64() < failed["id"].as_i64());

    // An address nobody has: no actor, the address lower-cased.
    log_in_with(&app, "  Nobody@Example.TEST ", PASSWORD)
        .await
        .expect_error(401, "invalid_credentials");
    let failures = audit(&app, &admin, "action=login_failed").await;
    assert_eq!(failures.body["total"], 2);
    let unknown = &items(&failures)[0];
    assert_eq!(unknown["actor_id"], Value::Null);
    assert_eq!(unknown["subject_id"], Value::Null);
    assert_eq!(unknown["detail"]["email"], "nobody@example.test");
    assert_eq!(unknown["detail"]["reason"], "unknown_account");
    assert_eq!(items(&failures)[1]["actor_id"], json!(founder.user_id));

    // No password, right or wrong, is ever written down.
    let everything = audit(&app, &admin, "per_page=100").await.body.to_string();
    assert!(!everything.contains(PASSWORD), "{everything}");
    assert!(
        !everything.contains("not the password at all"),
        "{everything}"
    );
}

#[actix_web::test]
async fn a_login_with_an_address_that_cannot_exist_is_audited_without_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    log_in_with(&app, "no-at-sign", PASSWORD)
        .await
        .expect_error(401, "invalid_credentials");
    let failures = audit(&app, &admin, "action=login_failed").await;
    assert_eq!(failures.body["total"], 1);
    let failed = &items(&failures)[0];
    assert_eq!(failed["actor_id"], Value::Null);
    assert_eq!(failed["detail"]["reason"], "malformed_address");
    assert_eq!(failed["detail"].get("email"), None);
}

#[actix_web::test]
async fn a_login_to_a_disabled_account_is_a_failed_login_of_that_user() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;
    patch_user(
        &app,
        &admin,
        &admin,
        founder.user_id,
        json!({"disabled": true}),
    )
    .await
    .expect(200);
    app.log_in(&founder.email)
        .await
        .expect_error(403, "account_disabled");
    let failures = audit(&app, &admin, "action=login_failed").await;
    assert_eq!(failures.body["total"], 1);
    assert_eq!(items(&failures)[0]["actor_id"], json!(founder.user_id));
    assert_eq!(items(&failures)[0]["detail"]["reason"], "account_disabled");
}

/// Logs `founder` in with a forged `X-Forwarded-For`, and reads the client
/// address the trail recorded for that login.
async fn address_of_a_forwarded_login(app: &TestApp) -> Value {
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;
    let body = json!({"email": founder.email, "password": PASSWORD}).to_string();
    app.send(
        actix_web::http::Method::POST,
        "/api/v1/auth/login",
        None,
        &[("X-Forwarded-For", "203.0.113.9".to_owned())],
        Some(("application/json", body.into_bytes())),
    )
    .await
    .expect(200);
    let events = audit(
        app,
        &admin,
        &format!("actor={}&action=login", founder.user_id),
    )
    .await;
    items(&events)[0]["detail"]["client_ip"].clone()
}

#[actix_web::test]
async fn the_trail_records_the_forwarded_address_only_behind_a_trusted_proxy() {
    // Straight to the service, the header is the client's own claim: ignored.
    let direct = spawn_app().await;
    assert_eq!(address_of_a_forwarded_login(&direct).await, "127.0.0.1");

    // Behind a proxy the server trusts, the header names the client.
    let proxied = spawn_app_with(Options {
        trusted_proxies: defmatch::config::TrustedProxies::parse("127.0.0.1").unwrap(),
        ..Default::default()
    })
    .await;
    assert_eq!(address_of_a_forwarded_login(&proxied).await, "203.0.113.9");
}

#[actix_web::test]
async fn a_login_refused_by_the_rate_limiter_still_answers_429_and_the_trail_stays_readable() {
    let app = spawn_app_with(Options {
        login_limits: LoginLimits {
            free_failures_per_pair: 1,
            first_delay: Duration::from_secs(60),
            failures_per_address: 10,
            requests_per_address: 10,
            window: Duration::from_secs(60),
        },
        ..Default::default()
    })
    .await;
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;
    log_in_with(&app, &founder.email, "wrong password here")
        .await
        .expect_error(401, "invalid_credentials");
    log_in_with(&app, &founder.email, "wrong password here")
        .await
        .expect_error(429, "too_many_requests");
    // Refusals are not recorded (a flood must not fill the trail); the
    // attempt that reached the password check is.
    let failures = audit(&app, &admin, "action=login_failed").await;
    assert_eq!(failures.body["total"], 1);
}

// ---------------------------------------------------------------------------
// Changes to accounts

#[actix_web::test]
async fn vetting_a_user_is_audited_with_the_vetter_as_actor_and_the_user_as_subject() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let officer = app.procurement("DMO").await;
    let founder = app.startup_account("Radar Works").await;

    patch_user(
        &app,
        &officer,
        &admin,
        founder.user_id,
        json!({"vetted": true}),
    )
    .await
    .expect(204);
    // Vetting again changes nothing, so it records nothing.
    patch_user(
        &app,
        &officer,
        &admin,
        founder.user_id,
        json!({"vetted": true}),
    )
    .await
    .expect(204);
    patch_user(
        &app,
        &admin,
        &admin,
        founder.user_id,
        json!({"vetted": false}),
    )
    .await
    .expect(200);

    let about_founder = audit(
        &app,
        &admin,
        &format!("subject={}&action=user_vetted", founder.user_id),
    )
    .await;
    assert_eq!(about_founder.body["total"], 1);
    let vetted = &items(&about_founder)[0];
    assert_eq!(vetted["actor_id"], json!(officer.user_id));
    assert_eq!(vetted["subject_type"], "user");
    assert_eq!(vetted["subject_id"], json!(founder.user_id));

    let unvetted = audit(
        &app,
        &admin,
        &format!("subject={}&action=user_unvetted", founder.user_id),
    )
    .await;
    assert_eq!(unvetted.body["total"], 1);
    assert_eq!(items(&unvetted)[0]["actor_id"], json!(admin.user_id));
}

#[actix_web::test]
async fn a_role_change_is_audited_with_the_old_and_the_new_role() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;
    // Repeating the current role is no change.
    patch_user(
        &app,
        &admin,
        &admin,
        founder.user_id,
        json!({"role": "startup"}),
    )
    .await
    .expect(200);
    // Every role belongs to its own kind of organisation, so a role can only
    // change once the organisation has changed kind; the API cannot do that,
    // a data correction in the database can.
    {
        use defmatch::db::schema::organisations;
        let mut connection = app.database.connect();
        diesel::update(organisations::table.find(founder.organisation_id.expect("company")))
            .set(organisations::kind.eq("defence"))
            .execute(&mut connection)
            .expect("re-kind the company");
    }
    let changed = patch_user(
        &app,
        &admin,
        &admin,
        founder.user_id,
        json!({"role": "procurement"}),
    )
    .await
    .expect(200);
    assert_eq!(changed.body["role"], "procurement");

    let about_founder = audit(&app, &admin, &format!("subject={}", founder.user_id)).await;
    let role_changes: Vec<&Value> = items(&about_founder)
        .iter()
        .filter(|event| event["action"] == "role_changed")
        .collect();
    assert_eq!(role_changes.len(), 1, "{}", about_founder.body);
    let role_changed = role_changes[0];
    assert_eq!(role_changed["actor_id"], json!(admin.user_id));
    assert_eq!(role_changed["subject_type"], "user");
    assert_eq!(role_changed["subject_id"], json!(founder.user_id));
    assert_eq!(
        role_changed["detail"],
        json!({"old_role": "startup", "new_role": "procurement"})
    );
}

#[actix_web::test]
async fn disabling_and_enabling_an_account_are_audited() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;
    for disabled in [true, false] {
        patch_user(
            &app,
            &admin,
            &admin,
            founder.user_id,
            json!({"disabled": disabled}),
        )
        .await
        .expect(200);
    }
    // A rename is not a change of rights and is not audited.
    patch_user(
        &app,
        &admin,
        &admin,
        founder.user_id,
        json!({"display_name": "Anna"}),
    )
    .await
    .expect(200);
    let by_admin = audit(
        &app,
        &admin,
        &format!("actor={}&subject={}", admin.user_id, founder.user_id),
    )
    .await;
    assert_eq!(actions(&by_admin), vec!["user_enabled", "user_disabled"]);
}

// ---------------------------------------------------------------------------
// Reading confidential challenges

#[actix_web::test]
async fn reading_a_vetted_challenge_from_outside_is_audited_and_a_public_one_is_not() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let officer = app.procurement("DMO").await;
    let confidential = app
        .challenge_in_status(
            &officer,
            merge(
                challenge_body("Passive radar"),
                json!({"visibility": "vetted"}),
            ),
            "open",
        )
        .await;
    let public = app
        .challenge_in_status(&officer, challenge_body("Drone detection"), "open")
        .await;
    let founder = app.startup_account("Radar Works").await;
    let unvetted = app.startup_account("Sensor Works").await;
    app.vet(&founder);

    let confidential_path = format!("/api/v1/challenges/{confidential}");
    app.get(&confidential_path, founder.auth())
        .await
        .expect(200);
    app.get(&format!("/api/v1/challenges/{public}"), founder.auth())
        .await
        .expect(200);
    // Not seen, so not read: nothing to audit.
    app.get(&confidential_path, unvetted.auth())
        .await
        .expect_error(404, "not_found");
    // The owning organisation reads its own challenge unaudited ...
    app.get(&confidential_path, officer.auth())
        .await
        .expect(200);
    // ... an admin, who may read everything, is audited.
    app.get(&confidential_path, admin.auth()).await.expect(200);
    // Lists are not audited.
    app.get("/api/v1/challenges", founder.auth())
        .await
        .expect(200);

    let reads = audit(&app, &admin, "action=vetted_challenge_viewed").await;
    assert_eq!(reads.body["total"], 2, "{}", reads.body);
    let actors: Vec<&Value> = items(&reads)
        .iter()
        .map(|event| &event["actor_id"])
        .collect();
    assert_eq!(actors, vec![&json!(admin.user_id), &json!(founder.user_id)]);
    for event in items(&reads) {
        assert_eq!(event["subject_type"], "challenge");
        assert_eq!(event["subject_id"], json!(confidential));
    }
    let founder_read = &items(&reads)[1];
    assert_eq!(founder_read["detail"]["reader_role"], "startup");
    assert_eq!(
        founder_read["detail"]["reader_organisation_id"],
        json!(founder.organisation_id)
    );

    // Its status move is on the trail; a read of it is not.
    let public_reads = audit(
        &app,
        &admin,
        &format!("subject={public}&action=vetted_challenge_viewed"),
    )
    .await;
    assert_eq!(public_reads.body["total"], 0);
    let public_moves = audit(
        &app,
        &admin,
        &format!("subject={public}&action=challenge_status_changed"),
    )
    .await;
    assert_eq!(public_moves.body["total"], 1, "{}", public_moves.body);
}

// ---------------------------------------------------------------------------
// Reading the trail

#[actix_web::test]
async fn only_admins_may_read_the_audit_trail() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let officer = app.procurement("DMO").await;
    let broker = app.rom_officer(Rom::OostNl).await;
    for caller in [&founder, &officer, &broker] {
        app.get("/api/v1/audit", caller.auth())
            .await
            .expect_error(403, "forbidden");
    }
    app.get("/api/v1/audit", None)
        .await
        .expect_error(401, "missing_token");
}

#[actix_web::test]
async fn the_trail_is_paginated_newest_first_and_filtered_by_time() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for _ in 0..2 {
        app.log_in(&admin.email).await.expect(200);
    }
    let all = audit(&app, &admin, "").await;
    assert_eq!(all.body["total"], 3);
    let newest_first: Vec<i64> = items(&all)
        .iter()
        .map(|event| event["id"].as_i64().expect("id"))
        .collect();
    assert!(
        newest_first.windows(2).all(|pair| pair[0] > pair[1]),
        "{newest_first:?}"
    );

    let second = audit(&app, &admin, "per_page=1&page=2").await;
    assert_eq!(
        second.body,
        json!({"items": [items(&all)[1]], "total": 3, "page": 2, "per_page": 1})
    );

    let occurred_at = |index: usize| {
        items(&all)[index]["occurred_at"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let encode = |instant: &str| instant.replace('+', "%2B");
    let since_newest = audit(&app, &admin, &format!("from={}", encode(&occurred_at(0)))).await;
    assert_eq!(since_newest.body["total"], 1);
    let before_newest = audit(&app, &admin, &format!("until={}", encode(&occurred_at(0)))).await;
    assert_eq!(before_newest.body["total"], 2);
    let in_the_past = audit(&app, &admin, "until=2000-01-01T00:00:00Z").await;
    assert_eq!(in_the_past.body["total"], 0);
}

#[actix_web::test]
async fn a_bad_audit_query_is_400_naming_the_parameter() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for (query, field) in [
        ("action=wizardry", "action"),
        ("from=yesterday", "from"),
        ("until=2026-13-01T00:00:00Z", "until"),
        ("actor=not-a-uuid", "actor"),
        ("subject=42", "subject"),
        ("per_page=0", "per_page"),
        ("colour=blue", "colour"),
        (
            "from=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z",
            "until",
        ),
    ] {
        let reply = app
            .get(&format!("/api/v1/audit?{query}"), admin.auth())
            .await;
        reply.expect_error(400, "invalid_input");
        assert_eq!(reply.error_field(), Some(field), "{query}");
    }
}

// ---------------------------------------------------------------------------
// Append-only

#[actix_web::test]
async fn audit_events_cannot_be_changed_or_deleted_even_straight_in_the_database() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let before = audit(&app, &admin, "").await;
    assert_eq!(before.body["total"], 1);

    let mut connection = app.database.connect();
    for statement in [
        "UPDATE audit_events SET action = 'export', actor_id = NULL",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ] {
        let refused = diesel::sql_query(statement)
            .execute(&mut connection)
            .expect_err(statement);
        assert!(
            refused.to_string().contains("append-only"),
            "{statement}: {refused}"
        );
    }

    let after = audit(&app, &admin, "").await;
    assert_eq!(after.body, before.body);
}

/// A login role for one test, dropped when the test ends; declare it before
/// the database it is granted rights in, so that it is dropped after it.
struct ServerRole {
    name: String,
    password: String,
}

impl ServerRole {
    fn create() -> Self {
        let role = ServerRole {
            name: format!(
                "defmatch_test_server_{}",
                &Uuid::new_v4().simple().to_string()[..12]
            ),
            password: Uuid::new_v4().simple().to_string(),
        };
        let mut superuser = PgConnection::establish(&server_database_url()).expect("connect");
        diesel::sql_query(format!(
            "CREATE ROLE \"{}\" LOGIN PASSWORD '{}'",
            role.name, role.password
        ))
        .execute(&mut superuser)
        .expect("create the server role");
        role
    }

    /// `database_url` with this role as the user.
    fn url_for(&self, database_url: &str) -> String {
        let (scheme, rest) = database_url.split_once("://").expect("scheme");
        let host_onwards = rest.split_once('@').map_or(rest, |(_, after)| after);
        format!("{scheme}://{}:{}@{host_onwards}", self.name, self.password)
    }
}

impl Drop for ServerRole {
    fn drop(&mut self) {
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            if let Ok(mut superuser) = PgConnection::establish(&server_database_url()) {
                let _ = diesel::sql_query(format!("DROP ROLE IF EXISTS \"{name}\""))
                    .execute(&mut superuser);
            }
        })
        .join();
    }
}

/// The grants that docs/decisions.md recommends, read from it, so that
/// the documentation cannot drift from what is tested.
fn documented_grants() -> String {
    let decisions = include_str!("../../docs/decisions.md");
    let section = decisions
        .split_once("## Audit trail")
        .expect("an Audit trail section")
        .1;
    let block = section
        .split_once("```sql\n")
        .expect("an SQL block in the Audit trail section")
        .1;
    block
        .split_once("```")
        .expect("the end of the SQL block")
        .0
        .to_owned()
}

#[actix_web::test]
async fn a_server_role_with_the_documented_grants_serves_but_cannot_touch_the_trail() {
    let role = ServerRole::create();
    let database = TestDatabase::create();
    {
        // The test databases belong to the superuser of the tests, who stands
        // in for the owner that ran the migrations.
        let grants = documented_grants()
            .replace("CREATE ROLE defmatch_server LOGIN PASSWORD '…';", "")
            .replace(
                "DATABASE defmatch TO",
                &format!("DATABASE \"{}\" TO", database.name),
            )
            .replace("FOR ROLE defmatch_owner", "FOR ROLE CURRENT_USER")
            .replace("defmatch_server", &format!("\"{}\"", role.name));
        let mut owner = database.connect();
        owner
            .batch_execute(&grants)
            .expect("apply the documented grants");
    }
    let app = spawn_app_with(Options {
        shared_database_url: Some(role.url_for(&database.url)),
        ..Default::default()
    })
    .await;

    // It starts, reports ready (no CREATE needed) and records events.
    app.get("/readyz", None).await.expect(200);
    let admin = app.admin().await;
    let before = audit(&app, &admin, "").await;
    assert_eq!(before.body["total"], 1);

    let mut as_server = app.database.connect();
    for statement in [
        "UPDATE audit_events SET action = 'export'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete",
        "DROP TRIGGER audit_events_no_update_or_delete ON audit_events",
        "DROP TABLE audit_events",
        "SELECT setval('audit_events_id_seq', 1)",
    ] {
        let refused = diesel::sql_query(statement)
            .execute(&mut as_server)
            .expect_err(statement);
        let message = refused.to_string();
        assert!(
            message.contains("permission denied") || message.contains("must be owner"),
            "{statement}: {message}"
        );
    }
    assert_eq!(audit(&app, &admin, "").await.body, before.body);
}

// ---------------------------------------------------------------------------
// The audit page

#[actix_web::test]
async fn the_audit_page_lists_events_and_names_a_bad_subject_beside_its_field_in_dutch() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let mut visitor = crate::web_pages::signed_in(&app, &admin.email).await;

    let listed = visitor.get("/admin/audit").await.expect(200);
    assert!(crate::web_pages::html(&listed).contains("Logged in"));

    visitor
        .get("/language?to=nl&back=/admin/audit")
        .await
        .expect(303);
    let refused = visitor.get("/admin/audit?subject=42").await;
    assert_eq!(refused.status, 400);
    let page = crate::web_pages::html(&refused);
    assert!(page.contains("Vul een volledig id in"), "{page}");
    assert!(page.contains(r#"aria-invalid="true""#), "{page}");
}
