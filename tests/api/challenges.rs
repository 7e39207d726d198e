//! Challenges: procurement officers post and manage those of their own
//! organisation; everyone else reads what the visibility allows, and a
//! challenge someone may not see answers exactly like one that does not exist.

use actix_web::http::Method;
use chrono::{Duration, Utc};
use defmatch::domain::region::Rom;
use diesel::prelude::*;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    challenge_body, merge, spawn_app, startup_profile, without, Actor, Reply, TestApp,
};

const CHALLENGES: &str = "/api/v1/challenges";
const DMO: &str = "Defensie Materieel en IT";
const MARINE: &str = "Koninklijke Marine";

fn challenge_path(id: Uuid) -> String {
    format!("{CHALLENGES}/{id}")
}

fn status_path(id: Uuid) -> String {
    format!("{CHALLENGES}/{id}/status")
}

/// An instant `days` from now, as RFC 3339 (for JSON bodies).
fn in_days(days: i64) -> String {
    (Utc::now() + Duration::days(days)).to_rfc3339()
}

/// An instant `days` from now in a form that needs no escaping in a query string.
fn query_instant(days: i64) -> String {
    (Utc::now() + Duration::days(days))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The ids on a page of challenges, in the order given.
fn ids(reply: &Reply) -> Vec<Uuid> {
    reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["id"].as_str().expect("id").parse().expect("uuid"))
        .collect()
}

/// The current version of a challenge, as `actor` reads it.
async fn version_of(app: &TestApp, actor: &Actor, id: Uuid) -> i32 {
    app.get(&challenge_path(id), actor.auth())
        .await
        .expect(200)
        .etag_version()
}

/// Asks to move a challenge to `status`, with the version `actor` reads now.
async fn move_to(app: &TestApp, actor: &Actor, id: Uuid, status: &str) -> Reply {
    let version = version_of(app, actor, id).await;
    app.post_if_match(
        &status_path(id),
        actor.auth(),
        version,
        json!({ "status": status }),
    )
    .await
}

/// Posts `body` as `officer` and asserts a 400 `invalid_input` naming `field`.
async fn assert_refused(app: &TestApp, officer: &Actor, case: &str, body: Value, field: &str) {
    let reply = app.post(CHALLENGES, officer.auth(), body).await;
    assert_eq!(reply.status, 400, "{case}: body {}", reply.body);
    assert_eq!(
        reply.error_code(),
        "invalid_input",
        "{case}: {}",
        reply.body
    );
    assert_eq!(reply.error_field(), Some(field), "{case}: {}", reply.body);
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn outbox_rows(app: &TestApp, entity_id: Uuid) -> i64 {
    let mut connection = app.database.connect();
    diesel::sql_query("SELECT count(*) AS n FROM search_outbox WHERE entity_id = $1")
        .bind::<diesel::sql_types::Uuid, _>(entity_id)
        .get_result::<Count>(&mut connection)
        .expect("count outbox rows")
        .n
}

// ---------------------------------------------------------------- create

#[actix_web::test]
async fn a_procurement_officer_posts_a_draft_for_their_organisation() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let body = challenge_body("Counter-drone radar for airbases");

    let reply = app
        .post(CHALLENGES, officer.auth(), body.clone())
        .await
        .expect(201);

    assert_eq!(reply.etag_version(), 1);
    let challenge = &reply.body;
    assert_eq!(challenge["status"], "draft");
    assert_eq!(challenge["organisation_name"], DMO);
    assert_eq!(challenge["organisation_id"], json!(officer.organisation_id));
    assert_eq!(
        challenge["allowed_transitions"],
        json!(["published", "open"])
    );
    for field in [
        "title",
        "summary",
        "technologies",
        "preferred_provinces",
        "trl_min",
        "trl_max",
        "budget_min_eur",
        "budget_max_eur",
        "visibility",
    ] {
        assert_eq!(challenge[field], body[field], "field {field} is not echoed");
    }
    let fetched = app
        .get(&challenge_path(reply.id()), officer.auth())
        .await
        .expect(200);
    assert_eq!(fetched.body["title"], "Counter-drone radar for airbases");
}

#[actix_web::test]
async fn only_procurement_officers_post_challenges() {
    let app = spawn_app().await;
    let (founder, _) = app
        .startup_with_profile(startup_profile("Skywatch B.V."))
        .await;
    let rom = app.rom_officer(Rom::RomInWest).await;
    let admin = app.admin().await;

    for (who, actor) in [("start-up", &founder), ("ROM", &rom), ("admin", &admin)] {
        let reply = app
            .post(
                CHALLENGES,
                actor.auth(),
                challenge_body("Not theirs to post"),
            )
            .await;
        assert_eq!(reply.status, 403, "{who}: {}", reply.body);
        reply.expect_error(403, "forbidden");
    }
    app.post(CHALLENGES, None, challenge_body("Anonymous need"))
        .await
        .expect_error(401, "missing_token");

    let listed = app.get(CHALLENGES, admin.auth()).await.expect(200);
    assert_eq!(listed.body["total"], 0);
}

#[actix_web::test]
async fn an_invalid_challenge_is_refused_with_the_field_at_fault() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let body = challenge_body("Counter-drone radar for airbases");

    let cases = [
        (
            "TRL range inverted",
            merge(body.clone(), json!({"trl_min": 8, "trl_max": 7})),
            "trl_min",
        ),
        (
            "TRL 0",
            merge(body.clone(), json!({"trl_min": 0})),
            "trl_min",
        ),
        (
            "TRL 10",
            merge(body.clone(), json!({"trl_max": 10})),
            "trl_max",
        ),
        (
            "deadline before the opening",
            merge(
                body.clone(),
                json!({"opens_at": in_days(10), "closes_at": in_days(5)}),
            ),
            "closes_at",
        ),
        (
            "pre-release after the opening",
            merge(
                body.clone(),
                json!({"pre_release_at": in_days(2), "opens_at": in_days(1)}),
            ),
            "pre_release_at",
        ),
        (
            // The schedule is consistent in itself, only already over.
            "deadline in the past",
            merge(
                body.clone(),
                json!({
                    "pre_release_at": in_days(-11),
                    "opens_at": in_days(-10),
                    "closes_at": in_days(-1),
                }),
            ),
            "closes_at",
        ),
        (
            "date that is no date",
            merge(body.clone(), json!({"closes_at": "next tuesday"})),
            "closes_at",
        ),
        (
            "budget without a maximum",
            without(body.clone(), "budget_max_eur"),
            "budget_max_eur",
        ),
        (
            "budget without a minimum",
            without(body.clone(), "budget_min_eur"),
            "budget_min_eur",
        ),
        (
            "unknown visibility",
            merge(body.clone(), json!({"visibility": "secret"})),
            "visibility",
        ),
        (
            "unknown field",
            merge(body.clone(), json!({"colour": "green"})),
            "colour",
        ),
        (
            "title too short",
            merge(body.clone(), json!({"title": "ab"})),
            "title",
        ),
        (
            "TRL range missing",
            without(body.clone(), "trl_min"),
            "trl_min",
        ),
    ];
    for (case, invalid, field) in cases {
        assert_refused(&app, &officer, case, invalid, field).await;
    }

    let listed = app.get(CHALLENGES, officer.auth()).await.expect(200);
    assert_eq!(listed.body["total"], 0, "a refused challenge was stored");
}

#[actix_web::test]
async fn a_challenge_may_prefer_every_province() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let provinces = json!([
        "NL-GR", "NL-FR", "NL-DR", "NL-OV", "NL-GE", "NL-FL", "NL-UT", "NL-NH", "NL-ZH", "NL-ZE",
        "NL-NB", "NL-LI"
    ]);

    let reply = app
        .post(
            CHALLENGES,
            officer.auth(),
            merge(
                challenge_body("Everywhere at once"),
                json!({"preferred_provinces": provinces}),
            ),
        )
        .await
        .expect(201);

    assert_eq!(reply.body["preferred_provinces"], provinces);
}

// ---------------------------------------------------------------- visibility

#[actix_web::test]
async fn anonymous_visitors_see_only_public_challenges_past_draft() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let public = app
        .challenge_in_status(&officer, challenge_body("Public open need"), "open")
        .await;
    let registered = app
        .challenge_in_status(
            &officer,
            merge(
                challenge_body("Registered open need"),
                json!({"visibility": "registered"}),
            ),
            "open",
        )
        .await;
    let vetted = app
        .challenge_in_status(
            &officer,
            merge(
                challenge_body("Vetted open need"),
                json!({"visibility": "vetted"}),
            ),
            "open",
        )
        .await;
    let draft = app
        .challenge_in_status(&officer, challenge_body("Public draft need"), "draft")
        .await;

    let shown = app.get(&challenge_path(public), None).await.expect(200);
    assert_eq!(shown.body["allowed_transitions"], json!([]));
    let missing = app.get(&challenge_path(Uuid::new_v4()), None).await;
    missing.expect_error(404, "not_found");
    for (what, id) in [
        ("registered", registered),
        ("vetted", vetted),
        ("draft", draft),
    ] {
        let reply = app.get(&challenge_path(id), None).await;
        assert_eq!(reply.status, 404, "{what}: {}", reply.body);
        assert_eq!(
            reply.body, missing.body,
            "{what} answers unlike a missing one"
        );
    }

    let listed = app.get(CHALLENGES, None).await.expect(200);
    assert_eq!(ids(&listed), [public]);
    assert_eq!(listed.body["total"], 1);
}

#[actix_web::test]
async fn a_registered_challenge_is_seen_by_any_logged_in_user() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let id = app
        .challenge_in_status(
            &officer,
            merge(
                challenge_body("Registered open need"),
                json!({"visibility": "registered"}),
            ),
            "open",
        )
        .await;
    let (founder, _) = app
        .startup_with_profile(startup_profile("Skywatch B.V."))
        .await;
    let rom = app.rom_officer(Rom::Liof).await;

    for (who, actor) in [("start-up", &founder), ("ROM officer", &rom)] {
        let reply = app.get(&challenge_path(id), actor.auth()).await;
        assert_eq!(reply.status, 200, "{who}: {}", reply.body);
        let listed = app.get(CHALLENGES, actor.auth()).await.expect(200);
        assert_eq!(ids(&listed), [id], "{who}");
    }
    app.get(&challenge_path(id), None)
        .await
        .expect_error(404, "not_found");
}

#[actix_web::test]
async fn a_vetted_challenge_is_seen_only_once_the_start_up_is_vetted() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let id = app
        .challenge_in_status(
            &officer,
            merge(
                challenge_body("Vetted open need"),
                json!({"visibility": "vetted"}),
            ),
            "open",
        )
        .await;
    let (founder, _) = app
        .startup_with_profile(startup_profile("Skywatch B.V."))
        .await;
    let marine = app.procurement(MARINE).await;
    let admin = app.admin().await;

    app.get(&challenge_path(id), founder.auth())
        .await
        .expect_error(404, "not_found");
    let unvetted_list = app.get(CHALLENGES, founder.auth()).await.expect(200);
    assert_eq!(unvetted_list.body["total"], 0);

    app.vet(&founder);

    app.get(&challenge_path(id), founder.auth())
        .await
        .expect(200);
    let vetted_list = app.get(CHALLENGES, founder.auth()).await.expect(200);
    assert_eq!(ids(&vetted_list), [id]);
    assert_eq!(vetted_list.body["total"], 1);

    for (who, actor) in [
        ("procurement of another organisation", &marine),
        ("admin", &admin),
    ] {
        let reply = app.get(&challenge_path(id), actor.auth()).await;
        assert_eq!(reply.status, 200, "{who}: {}", reply.body);
        let listed = app.get(CHALLENGES, actor.auth()).await.expect(200);
        assert_eq!(ids(&listed), [id], "{who}");
    }
}

#[actix_web::test]
async fn a_draft_is_seen_only_by_its_organisation_and_admins() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let colleague = app.procurement(DMO).await;
    let marine = app.procurement(MARINE).await;
    let admin = app.admin().await;
    let (founder, _) = app
        .startup_with_profile(startup_profile("Skywatch B.V."))
        .await;
    app.vet(&founder);
    let draft = app
        .challenge_in_status(&officer, challenge_body("Public draft need"), "draft")
        .await;

    for (who, actor) in [("colleague", &colleague), ("admin", &admin)] {
        let reply = app.get(&challenge_path(draft), actor.auth()).await;
        assert_eq!(reply.status, 200, "{who}: {}", reply.body);
        let listed = app.get(CHALLENGES, actor.auth()).await.expect(200);
        assert_eq!(ids(&listed), [draft], "{who}");
    }
    for (who, actor) in [
        ("procurement of another organisation", &marine),
        ("vetted start-up", &founder),
    ] {
        let reply = app.get(&challenge_path(draft), actor.auth()).await;
        assert_eq!(reply.status, 404, "{who}: {}", reply.body);
        reply.expect_error(404, "not_found");
        let listed = app.get(CHALLENGES, actor.auth()).await.expect(200);
        assert_eq!(listed.body["total"], 0, "{who}");
        assert_eq!(listed.body["items"], json!([]), "{who}");
    }
}

// ---------------------------------------------------------------- lifecycle

#[actix_web::test]
async fn a_challenge_goes_from_draft_through_open_and_closed_to_awarded() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let id = app
        .post(
            CHALLENGES,
            officer.auth(),
            challenge_body("Counter-drone radar for airbases"),
        )
        .await
        .expect(201)
        .id();

    let steps = [
        ("open", 2, json!(["closed", "withdrawn"])),
        ("closed", 3, json!(["awarded", "withdrawn"])),
        ("awarded", 4, json!([])),
    ];
    for (status, version, allowed) in steps {
        let reply = move_to(&app, &officer, id, status).await;
        assert_eq!(reply.status, 200, "to {status}: {}", reply.body);
        assert_eq!(reply.body["status"], status);
        assert_eq!(reply.etag_version(), version, "to {status}");
        assert_eq!(reply.body["allowed_transitions"], allowed, "at {status}");
    }

    let refused = move_to(&app, &officer, id, "withdrawn").await;
    refused.expect_error(409, "invalid_transition");
    assert_eq!(refused.error_field(), Some("status"));
    let fetched = app
        .get(&challenge_path(id), officer.auth())
        .await
        .expect(200);
    assert_eq!(fetched.body["status"], "awarded");
}

#[actix_web::test]
async fn an_open_challenge_cannot_go_back_to_draft() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone radar"), "open")
        .await;

    move_to(&app, &officer, id, "draft")
        .await
        .expect_error(409, "invalid_transition");

    let fetched = app.get(&challenge_path(id), None).await.expect(200);
    assert_eq!(fetched.body["status"], "open");
}

#[actix_web::test]
async fn a_pre_release_needs_an_opening_date() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let undated = without(
        without(challenge_body("Undated counter-drone need"), "opens_at"),
        "pre_release_at",
    );
    let id = app
        .post(CHALLENGES, officer.auth(), undated)
        .await
        .expect(201)
        .id();

    let refused = move_to(&app, &officer, id, "published").await;
    refused.expect_error(400, "invalid_input");
    assert_eq!(refused.error_field(), Some("opens_at"));
    let fetched = app
        .get(&challenge_path(id), officer.auth())
        .await
        .expect(200);
    assert_eq!(fetched.body["status"], "draft");
    assert_eq!(fetched.etag_version(), 1);

    let dated = app
        .challenge_in_status(
            &officer,
            merge(
                challenge_body("Announced counter-drone need"),
                json!({"pre_release_at": in_days(0), "opens_at": in_days(5)}),
            ),
            "published",
        )
        .await;
    // Opening before the opening date would contradict the dates: refused.
    let early = move_to(&app, &officer, dated, "open").await;
    early.expect_error(400, "invalid_input");
    assert_eq!(early.error_field(), Some("opens_at"));
    // Moving the opening date to now opens it at once.
    let version = version_of(&app, &officer, dated).await;
    app.patch(
        &challenge_path(dated),
        officer.auth(),
        version,
        json!({"opens_at": chrono::Utc::now().to_rfc3339()}),
    )
    .await
    .expect(200);
    let opened = move_to(&app, &officer, dated, "open").await.expect(200);
    assert_eq!(opened.body["status"], "open");
}

#[actix_web::test]
async fn a_closed_challenge_can_no_longer_be_edited_but_can_be_withdrawn() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone radar"), "closed")
        .await;
    let version = version_of(&app, &officer, id).await;

    let edit = app
        .patch(
            &challenge_path(id),
            officer.auth(),
            version,
            json!({"title": "Changed after the deadline"}),
        )
        .await;
    edit.expect_error(409, "not_editable");

    let withdrawn = move_to(&app, &officer, id, "withdrawn").await.expect(200);
    assert_eq!(withdrawn.body["status"], "withdrawn");
    assert_eq!(withdrawn.body["title"], "Counter-drone radar");
    assert_eq!(withdrawn.body["allowed_transitions"], json!([]));
}

#[actix_web::test]
async fn another_organisation_sees_a_public_challenge_but_cannot_manage_it() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let marine = app.procurement(MARINE).await;
    let id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone radar"), "open")
        .await;

    let seen = app
        .get(&challenge_path(id), marine.auth())
        .await
        .expect(200);
    assert_eq!(seen.body["allowed_transitions"], json!([]));
    let version = seen.etag_version();

    app.post_if_match(
        &status_path(id),
        marine.auth(),
        version,
        json!({"status": "withdrawn"}),
    )
    .await
    .expect_error(403, "forbidden");
    app.patch(
        &challenge_path(id),
        marine.auth(),
        version,
        json!({"title": "Hijacked"}),
    )
    .await
    .expect_error(403, "forbidden");
    app.delete(&challenge_path(id), marine.auth(), version)
        .await
        .expect_error(403, "forbidden");

    let fetched = app
        .get(&challenge_path(id), officer.auth())
        .await
        .expect(200);
    assert_eq!(fetched.body["status"], "open");
    assert_eq!(fetched.body["title"], "Counter-drone radar");
    assert_eq!(fetched.etag_version(), version);
}

#[actix_web::test]
async fn a_status_change_needs_the_current_version_and_a_known_status() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone radar"), "open")
        .await;
    let current = version_of(&app, &officer, id).await;

    let stale = app
        .post_if_match(
            &status_path(id),
            officer.auth(),
            current - 1,
            json!({"status": "closed"}),
        )
        .await;
    stale.expect_error(412, "precondition_failed");

    let missing = app
        .send(
            Method::POST,
            &status_path(id),
            officer.auth(),
            &[],
            Some((
                "application/json",
                json!({"status": "closed"}).to_string().into_bytes(),
            )),
        )
        .await;
    missing.expect_error(428, "precondition_required");

    let unknown = app
        .post_if_match(
            &status_path(id),
            officer.auth(),
            current,
            json!({"status": "cancelled"}),
        )
        .await;
    unknown.expect_error(400, "invalid_input");
    assert_eq!(unknown.error_field(), Some("status"));

    let fetched = app
        .get(&challenge_path(id), officer.auth())
        .await
        .expect(200);
    assert_eq!(fetched.body["status"], "open");
    assert_eq!(fetched.etag_version(), current);
}

// ---------------------------------------------------------------- update

#[actix_web::test]
async fn the_owner_edits_a_challenge_with_if_match() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let colleague = app.procurement(DMO).await;
    let id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone radar"), "open")
        .await;
    let version = version_of(&app, &officer, id).await;

    let reply = app
        .patch(
            &challenge_path(id),
            colleague.auth(),
            version,
            json!({"title": "Counter-drone radar and jamming"}),
        )
        .await
        .expect(200);

    assert_eq!(reply.body["title"], "Counter-drone radar and jamming");
    assert_eq!(reply.body["version"], version + 1);
    assert_eq!(reply.etag_version(), version + 1);
    assert_eq!(reply.body["trl_min"], 4, "absent fields stay");
    assert_eq!(reply.body["status"], "open");
    let fetched = app.get(&challenge_path(id), None).await.expect(200);
    assert_eq!(fetched.body["title"], "Counter-drone radar and jamming");
}

#[actix_web::test]
async fn null_clears_the_budget() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let created = app
        .post(
            CHALLENGES,
            officer.auth(),
            challenge_body("Counter-drone radar"),
        )
        .await
        .expect(201);

    let reply = app
        .patch(
            &challenge_path(created.id()),
            officer.auth(),
            created.etag_version(),
            json!({"budget_min_eur": null, "budget_max_eur": null}),
        )
        .await
        .expect(200);

    assert_eq!(reply.body["budget_min_eur"], Value::Null);
    assert_eq!(reply.body["budget_max_eur"], Value::Null);
    let fetched = app
        .get(&challenge_path(created.id()), officer.auth())
        .await
        .expect(200);
    assert_eq!(fetched.body["budget_min_eur"], Value::Null);
    assert_eq!(fetched.body["budget_max_eur"], Value::Null);
}

#[actix_web::test]
async fn an_edit_that_inverts_the_trl_range_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let created = app
        .post(
            CHALLENGES,
            officer.auth(),
            challenge_body("Counter-drone radar"),
        )
        .await
        .expect(201);

    let reply = app
        .patch(
            &challenge_path(created.id()),
            officer.auth(),
            1,
            json!({"trl_min": 8, "title": "Should not be saved"}),
        )
        .await;

    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("trl_min"));
    let fetched = app
        .get(&challenge_path(created.id()), officer.auth())
        .await
        .expect(200);
    assert_eq!(fetched.body["trl_min"], 4);
    assert_eq!(fetched.body["trl_max"], 7);
    assert_eq!(fetched.body["title"], "Counter-drone radar");
    assert_eq!(fetched.etag_version(), 1);
}

#[actix_web::test]
async fn an_edit_cannot_move_the_deadline_into_the_past() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone radar"), "open")
        .await;
    let version = version_of(&app, &officer, id).await;

    let reply = app
        .patch(
            &challenge_path(id),
            officer.auth(),
            version,
            json!({
                "pre_release_at": in_days(-11),
                "opens_at": in_days(-10),
                "closes_at": in_days(-1),
            }),
        )
        .await;

    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("closes_at"));
    assert_eq!(version_of(&app, &officer, id).await, version);
}

/// The rule that a pre-release needs an opening date holds for edits too:
/// without one, a published challenge would never open.
#[actix_web::test]
async fn a_published_challenge_keeps_its_opening_date() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let id = app
        .challenge_in_status(
            &officer,
            merge(
                challenge_body("Announced counter-drone need"),
                json!({"pre_release_at": in_days(0), "opens_at": in_days(5)}),
            ),
            "published",
        )
        .await;
    let version = version_of(&app, &officer, id).await;

    let reply = app
        .patch(
            &challenge_path(id),
            officer.auth(),
            version,
            json!({"opens_at": null}),
        )
        .await;

    assert_eq!(
        reply.status, 400,
        "a published challenge lost its opening date: {}",
        reply.body
    );
    assert_eq!(reply.error_code(), "invalid_input");
    assert_eq!(reply.error_field(), Some("opens_at"));
    let fetched = app
        .get(&challenge_path(id), officer.auth())
        .await
        .expect(200);
    assert_eq!(fetched.body["status"], "published");
    assert!(fetched.body["opens_at"].is_string(), "{}", fetched.body);
}

// ---------------------------------------------------------------- delete

#[actix_web::test]
async fn a_draft_can_be_deleted() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let created = app
        .post(
            CHALLENGES,
            officer.auth(),
            challenge_body("Counter-drone radar"),
        )
        .await
        .expect(201);

    let reply = app
        .delete(&challenge_path(created.id()), officer.auth(), 1)
        .await
        .expect(204);

    assert_eq!(reply.body, Value::Null);
    app.get(&challenge_path(created.id()), officer.auth())
        .await
        .expect_error(404, "not_found");
    let listed = app.get(CHALLENGES, officer.auth()).await.expect(200);
    assert_eq!(listed.body["total"], 0);
}

#[actix_web::test]
async fn an_open_challenge_cannot_be_deleted() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone radar"), "open")
        .await;
    let version = version_of(&app, &officer, id).await;

    app.delete(&challenge_path(id), officer.auth(), version)
        .await
        .expect_error(409, "not_editable");

    let fetched = app.get(&challenge_path(id), None).await.expect(200);
    assert_eq!(fetched.body["status"], "open");
}

// ---------------------------------------------------------------- list

/// Six challenges of two organisations, created in this order.
struct Catalogue {
    dmo: Actor,
    marine: Actor,
    /// Open, drones, Noord-Holland, TRL 4-7, deadline in 30 days.
    radar: Uuid,
    /// Published, quantum, national, TRL 2-4, deadline in 10 days.
    quantum: Uuid,
    /// Draft, communications, Limburg, TRL 6-9, deadline in 90 days.
    mesh: Uuid,
    /// Open for registered users, cybersecurity, Zuid-Holland, TRL 5-8, deadline in 20 days.
    cyber: Uuid,
    /// Open rolling call, AI, Noord-Holland and Utrecht, TRL 5-9, no deadline.
    rolling: Uuid,
    /// The navy's: open, photonics, Zeeland, TRL 4-7, deadline in 45 days.
    photonic: Uuid,
}

async fn catalogue(app: &TestApp) -> Catalogue {
    let dmo = app.procurement(DMO).await;
    let marine = app.procurement(MARINE).await;
    let radar = app
        .challenge_in_status(
            &dmo,
            merge(
                challenge_body("Counter-drone radar for airbases"),
                json!({"closes_at": in_days(30)}),
            ),
            "open",
        )
        .await;
    let quantum = app
        .challenge_in_status(
            &dmo,
            merge(
                challenge_body("Quantum navigation without GPS"),
                json!({
                    "technologies": ["quantum"],
                    "preferred_provinces": [],
                    "trl_min": 2,
                    "trl_max": 4,
                    "pre_release_at": in_days(0),
                    "opens_at": in_days(5),
                    "closes_at": in_days(10),
                }),
            ),
            "published",
        )
        .await;
    let mesh = app
        .challenge_in_status(
            &dmo,
            merge(
                challenge_body("Secure mesh communications"),
                json!({
                    "technologies": ["communications"],
                    "preferred_provinces": ["NL-LI"],
                    "trl_min": 6,
                    "trl_max": 9,
                    "closes_at": in_days(90),
                }),
            ),
            "draft",
        )
        .await;
    let cyber = app
        .challenge_in_status(
            &dmo,
            merge(
                challenge_body("Cyber range for exercises"),
                json!({
                    "technologies": ["cybersecurity"],
                    "preferred_provinces": ["NL-ZH"],
                    "trl_min": 5,
                    "trl_max": 8,
                    "closes_at": in_days(20),
                    "visibility": "registered",
                }),
            ),
            "open",
        )
        .await;
    let rolling = app
        .challenge_in_status(
            &dmo,
            merge(
                without(challenge_body("Rolling call for AI triage"), "closes_at"),
                json!({
                    "technologies": ["ai-data"],
                    "preferred_provinces": ["NL-NH", "NL-UT"],
                    "trl_min": 5,
                    "trl_max": 9,
                }),
            ),
            "open",
        )
        .await;
    let photonic = app
        .challenge_in_status(
            &marine,
            merge(
                challenge_body("Photonic sensors for ships"),
                json!({
                    "technologies": ["photonics"],
                    "preferred_provinces": ["NL-ZE"],
                    "closes_at": in_days(45),
                }),
            ),
            "open",
        )
        .await;
    Catalogue {
        dmo,
        marine,
        radar,
        quantum,
        mesh,
        cyber,
        rolling,
        photonic,
    }
}

#[actix_web::test]
async fn the_list_filters_challenges() {
    let app = spawn_app().await;
    let c = catalogue(&app).await;
    let marine_id = c.marine.organisation_id.expect("organisation");

    let cases: Vec<(String, Vec<Uuid>)> = vec![
        ("technology=quantum".into(), vec![c.quantum]),
        ("technology=photonics".into(), vec![c.photonic]),
        ("province=NL-NH".into(), vec![c.rolling, c.quantum, c.radar]),
        ("province=NL-LI".into(), vec![c.mesh, c.quantum]),
        (
            "status=open,published".into(),
            vec![c.photonic, c.rolling, c.cyber, c.quantum, c.radar],
        ),
        ("status=draft".into(), vec![c.mesh]),
        ("trl=3".into(), vec![c.quantum]),
        ("trl=9".into(), vec![c.rolling, c.mesh]),
        (
            format!("closes_before={}", query_instant(15)),
            vec![c.quantum],
        ),
        (
            format!("closes_after={}", query_instant(25)),
            vec![c.photonic, c.mesh, c.radar],
        ),
        (
            format!(
                "closes_after={}&closes_before={}",
                query_instant(15),
                query_instant(40)
            ),
            vec![c.cyber, c.radar],
        ),
        (format!("organisation_id={marine_id}"), vec![c.photonic]),
        ("visibility=registered".into(), vec![c.cyber]),
        ("q=MESH".into(), vec![c.mesh]),
        ("q=photonic".into(), vec![c.photonic]),
        (
            "technology=autonomy-drones&status=open".into(),
            vec![c.radar],
        ),
    ];
    for (query, expected) in cases {
        let reply = app
            .get(&format!("{CHALLENGES}?{query}"), c.dmo.auth())
            .await
            .expect(200);
        assert_eq!(ids(&reply), expected, "{query}");
        assert_eq!(reply.body["total"], expected.len(), "{query}");
    }
}

#[actix_web::test]
async fn the_list_shows_newest_first_or_nearest_deadline_first() {
    let app = spawn_app().await;
    let c = catalogue(&app).await;

    let newest = app.get(CHALLENGES, c.dmo.auth()).await.expect(200);
    assert_eq!(
        ids(&newest),
        [c.photonic, c.rolling, c.cyber, c.mesh, c.quantum, c.radar]
    );
    assert_eq!(newest.body["total"], 6);

    let by_deadline = app
        .get(&format!("{CHALLENGES}?sort=deadline"), c.dmo.auth())
        .await
        .expect(200);
    assert_eq!(
        ids(&by_deadline),
        [c.quantum, c.cyber, c.radar, c.photonic, c.mesh, c.rolling],
        "nearest deadline first, rolling calls last"
    );

    let second_page = app
        .get(
            &format!("{CHALLENGES}?sort=deadline&per_page=2&page=2"),
            c.dmo.auth(),
        )
        .await
        .expect(200);
    assert_eq!(ids(&second_page), [c.radar, c.photonic]);
    assert_eq!(second_page.body["total"], 6);
}

#[actix_web::test]
async fn each_viewer_lists_only_what_they_may_see() {
    let app = spawn_app().await;
    let c = catalogue(&app).await;
    let (founder, _) = app
        .startup_with_profile(startup_profile("Skywatch B.V."))
        .await;

    let anonymous = app.get(CHALLENGES, None).await.expect(200);
    assert_eq!(
        ids(&anonymous),
        [c.photonic, c.rolling, c.quantum, c.radar],
        "no drafts, nothing for registered users only"
    );
    assert_eq!(anonymous.body["total"], 4);

    let registered = app.get(CHALLENGES, founder.auth()).await.expect(200);
    assert_eq!(
        ids(&registered),
        [c.photonic, c.rolling, c.cyber, c.quantum, c.radar]
    );
    assert_eq!(registered.body["total"], 5);

    let navy = app.get(CHALLENGES, c.marine.auth()).await.expect(200);
    assert!(!ids(&navy).contains(&c.mesh), "another's draft is listed");
    assert_eq!(navy.body["total"], 5);

    let anonymous_drafts = app
        .get(&format!("{CHALLENGES}?status=draft"), None)
        .await
        .expect(200);
    assert_eq!(anonymous_drafts.body["total"], 0);
}

#[actix_web::test]
async fn bad_list_parameters_are_refused() {
    let app = spawn_app().await;

    let cases = [
        ("status=bogus", Some("status")),
        ("status=open,bogus", Some("status")),
        ("per_page=101", Some("per_page")),
        ("page=0", Some("page")),
        ("colour=red", Some("colour")),
        ("closes_before=garbage", None),
        ("technology=lasers", None),
        ("sort=alphabetical", None),
        ("trl=10", None),
    ];
    for (query, field) in cases {
        let reply = app.get(&format!("{CHALLENGES}?{query}"), None).await;
        assert_eq!(reply.status, 400, "{query}: {}", reply.body);
        assert_eq!(reply.error_code(), "invalid_input", "{query}");
        if let Some(field) = field {
            assert_eq!(reply.error_field(), Some(field), "{query}");
        }
    }
}

// ---------------------------------------------------------------- outbox

#[actix_web::test]
async fn challenge_writes_are_recorded_for_the_search_index() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let created = app
        .post(
            CHALLENGES,
            officer.auth(),
            challenge_body("Counter-drone radar"),
        )
        .await
        .expect(201);
    let id = created.id();
    assert_eq!(outbox_rows(&app, id), 1);

    app.patch(
        &challenge_path(id),
        officer.auth(),
        1,
        json!({"title": "Counter-drone radar and jamming"}),
    )
    .await
    .expect(200);
    let after_edit = outbox_rows(&app, id);
    assert!(after_edit > 1);

    move_to(&app, &officer, id, "open").await.expect(200);
    assert!(
        outbox_rows(&app, id) > after_edit,
        "a status change is searchable too"
    );

    let unrelated = app
        .post(CHALLENGES, officer.auth(), challenge_body("Another need"))
        .await
        .expect(201)
        .id();
    assert_eq!(outbox_rows(&app, unrelated), 1);
}

#[actix_web::test]
async fn if_match_star_is_refused_like_a_missing_version() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone radar"), "draft")
        .await;
    let headers = [("If-Match", "*".to_owned())];
    let body = json!({"title": "Renamed without knowing the version"});
    let reply = app
        .send(
            actix_web::http::Method::PATCH,
            &challenge_path(id),
            officer.auth(),
            &headers,
            Some(("application/json", body.to_string().into_bytes())),
        )
        .await;
    reply.expect_error(428, "precondition_required");
    let unchanged = app
        .get(&challenge_path(id), officer.auth())
        .await
        .expect(200);
    assert_eq!(unchanged.body["title"], "Counter-drone radar");
    assert_eq!(unchanged.etag_version(), 1);
}

#[actix_web::test]
async fn an_edit_that_changes_nothing_keeps_the_version_and_null_cannot_clear_a_required_field() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone radar"), "draft")
        .await;
    let unchanged = app
        .patch(&challenge_path(id), officer.auth(), 1, json!({}))
        .await
        .expect(200);
    assert_eq!(unchanged.etag_version(), 1);
    let same_title = app
        .patch(
            &challenge_path(id),
            officer.auth(),
            1,
            json!({"title": "Counter-drone radar"}),
        )
        .await
        .expect(200);
    assert_eq!(same_title.etag_version(), 1);
    let nulled = app
        .patch(
            &challenge_path(id),
            officer.auth(),
            1,
            json!({"title": null}),
        )
        .await;
    nulled.expect_error(400, "invalid_input");
    assert_eq!(nulled.error_field(), Some("title"));
}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
    line: String,
}

#[actix_web::test]
async fn the_text_filter_of_the_list_runs_on_the_trigram_index() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    app.challenge_in_status(
        &officer,
        challenge_body("Sidescan sonar for harbours"),
        "open",
    )
    .await;
    let found = app
        .get("/api/v1/challenges?q=SONAR", None)
        .await
        .expect(200);
    assert_eq!(found.body["total"], 1, "{}", found.body);
    // Fewer than three letters or digits in a row cannot use the index.
    for short in ["5G", "a%20b", "%25%25"] {
        let refused = app
            .get(&format!("/api/v1/challenges?q={short}"), None)
            .await;
        refused.expect_error(400, "invalid_input");
        assert_eq!(refused.error_field(), Some("q"), "{short}");
    }
    // The filter's expression is the index's: with sequential scans
    // priced out (the test table is tiny), the planner takes the index.
    let mut connection = app.database.connect();
    diesel::sql_query("SET enable_seqscan = off")
        .execute(&mut connection)
        .expect("planner setting");
    let plan: Vec<PlanLine> = diesel::sql_query(
        "EXPLAIN SELECT id FROM challenges WHERE challenge_text(title, summary, description, keywords) ILIKE '%sonar%'",
    )
    .load(&mut connection)
    .expect("explain");
    let plan: Vec<String> = plan.into_iter().map(|line| line.line).collect();
    assert!(
        plan.iter()
            .any(|line| line.contains("challenges_text_trigram")),
        "{plan:#?}"
    );
}
