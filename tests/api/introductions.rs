//! Introductions: who may start one, the double opt-in, what each side sees
//! before and after both accepted, every transition allowed and refused,
//! notes, expiry, and the audit rows they leave.

use defmatch::domain::region::Rom;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{challenge_body, merge, spawn_app, startup_profile, Actor, Reply, TestApp};

/// A brokered pair: an open challenge of a procurement officer, a start-up
/// in Noord-Holland, and the ROM officer of that province.
struct Brokered {
    procurement: Actor,
    startup: Actor,
    rom: Actor,
    challenge_id: Uuid,
    startup_id: Uuid,
}

async fn brokered_pair(app: &TestApp) -> Brokered {
    let procurement = app.procurement("Defensie Materieel Organisatie").await;
    let challenge_id = app
        .challenge_in_status(
            &procurement,
            challenge_body("Counter-drone sensing"),
            "open",
        )
        .await;
    let (startup, startup_id) = app
        .startup_with_profile(startup_profile("Skywatch Radar BV"))
        .await;
    let rom = app.rom_officer(Rom::RomInWest).await;
    Brokered {
        procurement,
        startup,
        rom,
        challenge_id,
        startup_id,
    }
}

async fn propose(app: &TestApp, pair: &Brokered) -> Reply {
    app.post(
        "/api/v1/introductions",
        pair.rom.auth(),
        json!({
            "challenge_id": pair.challenge_id,
            "startup_id": pair.startup_id,
            "message": "Their passive radar fits your airbase need."
        }),
    )
    .await
}

async fn act(app: &TestApp, actor: &Actor, id: Uuid, version: i32, body: Value) -> Reply {
    app.post_if_match(
        &format!("/api/v1/introductions/{id}/transitions"),
        actor.auth(),
        version,
        body,
    )
    .await
}

/// The next move on the introduction of `previous`, at its version.
async fn step(app: &TestApp, actor: &Actor, previous: &Reply, body: Value) -> Reply {
    act(app, actor, previous.id(), previous.etag_version(), body).await
}

/// Every string in `value`, for checking that a name appears nowhere.
fn all_text(value: &Value) -> String {
    value.to_string()
}

#[actix_web::test]
async fn a_rom_officer_proposes_and_both_sides_accept_before_anyone_is_named() {
    let app = spawn_app().await;
    let pair = brokered_pair(&app).await;

    let proposed = propose(&app, &pair).await.expect(201);
    assert_eq!(proposed.body["state"], "proposed");
    assert_eq!(proposed.body["origin"], "brokered");
    assert_eq!(proposed.body["broker_rom"], "rom-inwest");
    assert_eq!(proposed.body["my_side"], "broker");
    let id = proposed.id();

    // Before acceptance: procurement sees an anonymous card, the start-up no officer.
    let for_procurement = app
        .get(
            &format!("/api/v1/introductions/{id}"),
            pair.procurement.auth(),
        )
        .await
        .expect(200);
    assert_eq!(for_procurement.body["startup"]["anonymised"], true);
    let text = all_text(&for_procurement.body);
    for secret in [
        "Skywatch",
        "anna@startup.example",
        "Anna de Vries",
        "+31 20 555 0100",
    ] {
        assert!(
            !text.contains(secret),
            "procurement must not see {secret}: {text}"
        );
    }
    assert_eq!(
        for_procurement.body["startup"]["technologies"][0],
        "autonomy-drones"
    );
    assert_eq!(
        for_procurement.body["allowed_actions"],
        json!(["accept", "decline"])
    );
    let for_startup = app
        .get(&format!("/api/v1/introductions/{id}"), pair.startup.auth())
        .await
        .expect(200);
    assert_eq!(for_startup.body["procurement_contact"], Value::Null);
    assert_eq!(
        for_startup.body["challenge"]["title"],
        "Counter-drone sensing"
    );
    assert!(!all_text(&for_startup.body).contains(&pair.procurement.email));
    assert_eq!(for_startup.body["contacts_revealed"], false);

    // The start-up accepts first, then procurement: introduced.
    let accepted = step(&app, &pair.startup, &proposed, json!({"action": "accept"}))
        .await
        .expect(200);
    assert_eq!(accepted.body["state"], "accepted_by_startup");
    let still_hidden = app
        .get(
            &format!("/api/v1/introductions/{id}"),
            pair.procurement.auth(),
        )
        .await
        .expect(200);
    assert!(!all_text(&still_hidden.body).contains("Skywatch"));
    let introduced = step(
        &app,
        &pair.procurement,
        &accepted,
        json!({"action": "accept"}),
    )
    .await
    .expect(200);
    assert_eq!(introduced.body["state"], "introduced");
    assert_eq!(introduced.body["contacts_revealed"], true);
    assert_eq!(introduced.body["startup"]["name"], "Skywatch Radar BV");
    assert_eq!(
        introduced.body["startup"]["contact_email"],
        "anna@startup.example"
    );

    // Now the start-up and the broker see the officer.
    for actor in [&pair.startup, &pair.rom] {
        let revealed = app
            .get(&format!("/api/v1/introductions/{id}"), actor.auth())
            .await
            .expect(200);
        assert_eq!(
            revealed.body["procurement_contact"]["email"],
            pair.procurement.email.as_str()
        );
    }
}

#[actix_web::test]
async fn procurement_may_accept_first_and_the_meeting_and_outcome_follow() {
    let app = spawn_app().await;
    let pair = brokered_pair(&app).await;
    let proposed = propose(&app, &pair).await.expect(201);
    let accepted = step(
        &app,
        &pair.procurement,
        &proposed,
        json!({"action": "accept"}),
    )
    .await
    .expect(200);
    assert_eq!(accepted.body["state"], "accepted_by_procurement");
    let introduced = step(&app, &pair.startup, &accepted, json!({"action": "accept"}))
        .await
        .expect(200);
    assert_eq!(introduced.body["state"], "introduced");

    // An outcome before the meeting is refused and changes nothing.
    step(
        &app,
        &pair.rom,
        &introduced,
        json!({"action": "record_outcome", "outcome": "pilot"}),
    )
    .await
    .expect_error(409, "invalid_transition");
    let met = step(
        &app,
        &pair.rom,
        &introduced,
        json!({"action": "record_meeting"}),
    )
    .await
    .expect(200);
    assert_eq!(met.body["state"], "meeting_held");
    assert!(met.body["meeting_held_at"].is_string());

    // "No fit" needs a reason.
    step(
        &app,
        &pair.procurement,
        &met,
        json!({"action": "record_outcome", "outcome": "no_fit"}),
    )
    .await
    .expect_error(400, "invalid_input");
    let ended = step(&app, &pair.procurement, &met, json!({"action": "record_outcome", "outcome": "no_fit", "reason": "Range too short for our bases."}))
    .await
    .expect(200);
    assert_eq!(ended.body["state"], "no_fit");
    assert_eq!(ended.body["reason"], "Range too short for our bases.");
    assert_eq!(ended.body["allowed_actions"], json!([]));
    // Ended: nothing moves any more.
    step(&app, &pair.startup, &ended, json!({"action": "withdraw"}))
        .await
        .expect_error(409, "invalid_transition");
}

#[actix_web::test]
async fn refused_transitions_are_409_and_stale_versions_412() {
    let app = spawn_app().await;
    let pair = brokered_pair(&app).await;
    let proposed = propose(&app, &pair).await.expect(201);
    let id = proposed.id();
    let version = proposed.etag_version();

    // A broker does not accept, a start-up does not withdraw what a broker
    // proposed, and a meeting needs an introduction first.
    for (actor, body) in [
        (&pair.rom, json!({"action": "accept"})),
        (&pair.rom, json!({"action": "decline"})),
        (&pair.startup, json!({"action": "withdraw"})),
        (&pair.startup, json!({"action": "record_meeting"})),
    ] {
        act(&app, actor, id, version, body)
            .await
            .expect_error(409, "invalid_transition");
    }
    // Accepting twice is refused.
    let accepted = act(
        &app,
        &pair.startup,
        id,
        version,
        json!({"action": "accept"}),
    )
    .await
    .expect(200);
    step(&app, &pair.startup, &accepted, json!({"action": "accept"}))
        .await
        .expect_error(409, "invalid_transition");
    // A stale version changes nothing.
    act(
        &app,
        &pair.procurement,
        id,
        version,
        json!({"action": "accept"}),
    )
    .await
    .expect_error(412, "precondition_failed");
    // A missing If-Match is 428; a bad action a 400 naming the field.
    app.post(
        &format!("/api/v1/introductions/{id}/transitions"),
        pair.procurement.auth(),
        json!({"action": "accept"}),
    )
    .await
    .expect_error(428, "precondition_required");
    let bad = step(
        &app,
        &pair.procurement,
        &accepted,
        json!({"action": "marry"}),
    )
    .await;
    bad.expect_error(400, "invalid_input");
    let state = app
        .get(&format!("/api/v1/introductions/{id}"), pair.rom.auth())
        .await
        .expect(200);
    assert_eq!(state.body["state"], "accepted_by_startup");
}

#[actix_web::test]
async fn a_decline_carries_its_feedback_and_the_broker_may_withdraw() {
    let app = spawn_app().await;
    let pair = brokered_pair(&app).await;
    let proposed = propose(&app, &pair).await.expect(201);
    let declined = step(
        &app,
        &pair.procurement,
        &proposed,
        json!({"action": "decline", "reason": "We need TRL 8 or higher."}),
    )
    .await
    .expect(200);
    assert_eq!(declined.body["state"], "declined");
    assert_eq!(declined.body["declined_by"], "procurement");
    let seen_by_startup = app
        .get(
            &format!("/api/v1/introductions/{}", proposed.id()),
            pair.startup.auth(),
        )
        .await
        .expect(200);
    assert_eq!(seen_by_startup.body["reason"], "We need TRL 8 or higher.");
    assert_eq!(seen_by_startup.body["contacts_revealed"], false);

    // The pair may be proposed again once the first one ended; the broker withdraws it.
    let again = propose(&app, &pair).await.expect(201);
    let withdrawn = step(
        &app,
        &pair.rom,
        &again,
        json!({"action": "withdraw", "reason": "Wrong contact."}),
    )
    .await
    .expect(200);
    assert_eq!(withdrawn.body["state"], "withdrawn");
}

#[actix_web::test]
async fn a_start_up_expresses_interest_and_procurement_invites() {
    let app = spawn_app().await;
    let pair = brokered_pair(&app).await;

    let requested = app
        .post(
            "/api/v1/introductions",
            pair.startup.auth(),
            json!({"challenge_id": pair.challenge_id, "message": "We have a demonstrator."}),
        )
        .await
        .expect(201);
    assert_eq!(requested.body["state"], "requested");
    assert_eq!(requested.body["origin"], "startup_request");
    assert!(requested.body["startup_accepted_at"].is_string());
    // The same pair cannot have two live introductions.
    propose(&app, &pair).await.expect_error(409, "conflict");
    let introduced = step(
        &app,
        &pair.procurement,
        &requested,
        json!({"action": "accept"}),
    )
    .await
    .expect(200);
    assert_eq!(introduced.body["state"], "introduced");

    // Procurement invites another start-up: it starts accepted by procurement.
    let (other, other_id) = app
        .startup_with_profile(startup_profile("Quantum Owl BV"))
        .await;
    let card = app.card_handle_for(&pair.procurement, other_id).await;
    let invited = app
        .post(
            "/api/v1/introductions",
            pair.procurement.auth(),
            json!({"challenge_id": pair.challenge_id, "startup_id": card}),
        )
        .await
        .expect(201);
    assert_eq!(invited.body["state"], "accepted_by_procurement");
    assert_eq!(invited.body["startup"]["anonymised"], true);
    let inbox = app
        .get(
            "/api/v1/introductions?state=accepted_by_procurement",
            other.auth(),
        )
        .await
        .expect(200);
    assert_eq!(inbox.body["total"], 1);
    assert_eq!(
        inbox.body["items"][0]["allowed_actions"],
        json!(["accept", "decline"])
    );
}

#[actix_web::test]
async fn who_may_start_an_introduction() {
    let app = spawn_app().await;
    let pair = brokered_pair(&app).await;

    // A ROM officer of another region cannot broker this start-up.
    let other_rom = app.rom_officer(Rom::Liof).await;
    app.post(
        "/api/v1/introductions",
        other_rom.auth(),
        json!({"challenge_id": pair.challenge_id, "startup_id": pair.startup_id}),
    )
    .await
    .expect_error(404, "not_found");
    // Another organisation's officer cannot invite to this challenge.
    let stranger = app.procurement("Koninklijke Marine").await;
    let card = app.card_handle_for(&stranger, pair.startup_id).await;
    app.post(
        "/api/v1/introductions",
        stranger.auth(),
        json!({"challenge_id": pair.challenge_id, "startup_id": card}),
    )
    .await
    .expect_error(403, "forbidden");
    // A draft is not open for introductions (and invisible to the broker).
    let draft = app
        .challenge_in_status(&pair.procurement, challenge_body("Draft need"), "draft")
        .await;
    app.post(
        "/api/v1/introductions",
        pair.rom.auth(),
        json!({"challenge_id": draft, "startup_id": pair.startup_id}),
    )
    .await
    .expect_error(404, "not_found");
    // A closed challenge is refused with 409.
    let closed = app
        .challenge_in_status(&pair.procurement, challenge_body("Closed need"), "closed")
        .await;
    app.post(
        "/api/v1/introductions",
        pair.rom.auth(),
        json!({"challenge_id": closed, "startup_id": pair.startup_id}),
    )
    .await
    .expect_error(409, "conflict");
    // Unknown fields and a missing start-up are refused before anything is stored.
    app.post(
        "/api/v1/introductions",
        pair.rom.auth(),
        json!({"challenge_id": pair.challenge_id, "startup_id": pair.startup_id, "priority": 1}),
    )
    .await
    .expect_error(400, "invalid_input");
    app.post(
        "/api/v1/introductions",
        pair.rom.auth(),
        json!({"challenge_id": pair.challenge_id}),
    )
    .await
    .expect_error(400, "invalid_input");
    let listed = app
        .get("/api/v1/introductions", pair.rom.auth())
        .await
        .expect(200);
    assert_eq!(listed.body["total"], 0);
}

#[actix_web::test]
async fn a_start_up_is_not_introduced_to_a_challenge_it_may_not_see() {
    let app = spawn_app().await;
    let pair = brokered_pair(&app).await;
    // The broker must see the vetted challenge to broker it at all.
    app.vet(&pair.rom);
    let vetted = app
        .challenge_in_status(
            &pair.procurement,
            merge(
                challenge_body("Vetted need"),
                json!({"visibility": "vetted"}),
            ),
            "open",
        )
        .await;
    let refused = app
        .post(
            "/api/v1/introductions",
            pair.rom.auth(),
            json!({"challenge_id": vetted, "startup_id": pair.startup_id}),
        )
        .await;
    refused.expect_error(409, "conflict");
    assert_eq!(refused.error_field(), Some("challenge_id"));
    let abdo = app
        .challenge_in_status(
            &pair.procurement,
            merge(
                challenge_body("Classified need"),
                json!({"abdo_required": true}),
            ),
            "open",
        )
        .await;
    app.post(
        "/api/v1/introductions",
        pair.rom.auth(),
        json!({"challenge_id": abdo, "startup_id": pair.startup_id}),
    )
    .await
    .expect_error(409, "conflict");

    // Once one of its people is vetted, the vetted challenge is fine.
    app.vet(&pair.startup);
    propose(
        &app,
        &Brokered {
            challenge_id: vetted,
            ..pair
        },
    )
    .await
    .expect(201);
}

#[actix_web::test]
async fn outsiders_cannot_tell_an_introduction_from_a_missing_one() {
    let app = spawn_app().await;
    let pair = brokered_pair(&app).await;
    let id = propose(&app, &pair).await.expect(201).id();
    let (outsider, _) = app
        .startup_with_profile(startup_profile("Nosy Parker BV"))
        .await;
    let other_rom = app.rom_officer(Rom::Bom).await;
    let stranger = app.procurement("Koninklijke Landmacht").await;
    for actor in [&outsider, &other_rom, &stranger] {
        app.get(&format!("/api/v1/introductions/{id}"), actor.auth())
            .await
            .expect_error(404, "not_found");
        act(&app, actor, id, 1, json!({"action": "accept"}))
            .await
            .expect_error(404, "not_found");
        let listed = app
            .get("/api/v1/introductions", actor.auth())
            .await
            .expect(200);
        assert_eq!(listed.body["total"], 0);
    }
    app.get(
        &format!("/api/v1/introductions/{}", Uuid::new_v4()),
        pair.rom.auth(),
    )
    .await
    .expect_error(404, "not_found");
    app.get(&format!("/api/v1/introductions/{id}"), None)
        .await
        .expect_error(401, "missing_token");
}

#[actix_web::test]
async fn notes_are_private_to_their_side_unless_shared() {
    let app = spawn_app().await;
    let pair = brokered_pair(&app).await;
    let id = propose(&app, &pair).await.expect(201).id();
    let notes = format!("/api/v1/introductions/{id}/notes");
    app.post(
        &notes,
        pair.procurement.auth(),
        json!({"body": "Budget is tight."}),
    )
    .await
    .expect(201);
    app.post(
        &notes,
        pair.procurement.auth(),
        json!({"body": "Please bring a demo.", "shared": true}),
    )
    .await
    .expect(201);
    app.post(&notes, pair.startup.auth(), json!({"body": "   "}))
        .await
        .expect_error(400, "invalid_input");

    let bodies = |reply: &Reply| -> Vec<String> {
        reply.body["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .map(|note| note["body"].as_str().expect("body").to_owned())
            .collect()
    };
    let for_startup = app
        .get(&format!("/api/v1/introductions/{id}"), pair.startup.auth())
        .await
        .expect(200);
    assert_eq!(bodies(&for_startup), vec!["Please bring a demo."]);
    let for_procurement = app
        .get(
            &format!("/api/v1/introductions/{id}"),
            pair.procurement.auth(),
        )
        .await
        .expect(200);
    assert_eq!(
        bodies(&for_procurement),
        vec!["Budget is tight.", "Please bring a demo."]
    );
    assert_eq!(for_procurement.body["notes"][0]["mine"], true);
}

#[actix_web::test]
async fn closing_the_challenge_expires_what_was_not_yet_introduced() {
    let app = spawn_app().await;
    let pair = brokered_pair(&app).await;
    let proposed = propose(&app, &pair).await.expect(201);
    let challenge = app
        .get(
            &format!("/api/v1/challenges/{}", pair.challenge_id),
            pair.procurement.auth(),
        )
        .await
        .expect(200);
    app.post_if_match(
        &format!("/api/v1/challenges/{}/status", pair.challenge_id),
        pair.procurement.auth(),
        challenge.etag_version(),
        json!({"status": "closed"}),
    )
    .await
    .expect(200);
    let expired = app
        .get(
            &format!("/api/v1/introductions/{}", proposed.id()),
            pair.rom.auth(),
        )
        .await
        .expect(200);
    assert_eq!(expired.body["state"], "expired");
    assert!(expired.body["ended_at"].is_string());
    {
        use defmatch::db::schema::audit_events;
        use diesel::prelude::*;
        let mut connection = app.database.connect();
        let details: Vec<(Option<Uuid>, Value)> = audit_events::table
            .filter(audit_events::subject_id.eq(proposed.id()))
            .order(audit_events::id)
            .select((audit_events::actor_id, audit_events::detail))
            .load(&mut connection)
            .expect("audit rows");
        let (actor, detail) = details.last().expect("the expiry is audited");
        assert_eq!(*actor, None, "the server expired it, nobody in person");
        assert_eq!(detail["from"], "proposed");
        assert_eq!(detail["to"], "expired");
    }
    step(&app, &pair.startup, &expired, json!({"action": "accept"}))
        .await
        .expect_error(409, "invalid_transition");
}

#[actix_web::test]
async fn every_state_change_and_the_reveal_are_audited() {
    use defmatch::db::schema::audit_events;
    use diesel::prelude::*;

    let app = spawn_app().await;
    let pair = brokered_pair(&app).await;
    let proposed = propose(&app, &pair).await.expect(201);
    let id = proposed.id();
    let accepted = step(&app, &pair.startup, &proposed, json!({"action": "accept"}))
        .await
        .expect(200);
    step(
        &app,
        &pair.procurement,
        &accepted,
        json!({"action": "accept"}),
    )
    .await
    .expect(200);

    let mut connection = app.database.connect();
    let events: Vec<(String, Option<Uuid>, Value)> = audit_events::table
        .filter(audit_events::subject_id.eq(id))
        .order(audit_events::id)
        .select((
            audit_events::action,
            audit_events::actor_id,
            audit_events::detail,
        ))
        .load(&mut connection)
        .expect("audit rows");
    let actions: Vec<&str> = events
        .iter()
        .map(|(action, _, _)| action.as_str())
        .collect();
    assert_eq!(
        actions,
        vec![
            "introduction_state_changed",
            "introduction_state_changed",
            "introduction_state_changed",
            "contact_revealed"
        ]
    );
    assert_eq!(events[0].1, Some(pair.rom.user_id));
    assert_eq!(events[1].2["to"], "accepted_by_startup");
    assert_eq!(events[2].1, Some(pair.procurement.user_id));
    assert_eq!(events[2].2["to"], "introduced");
}

#[actix_web::test]
async fn procurement_learns_nothing_of_vetting_and_the_start_up_learns_it_at_acceptance() {
    let app = spawn_app().await;
    let pair = brokered_pair(&app).await;
    let vetted = app
        .challenge_in_status(
            &pair.procurement,
            merge(
                challenge_body("Vetted need"),
                json!({"visibility": "vetted"}),
            ),
            "open",
        )
        .await;
    // The invitation is made whatever the start-up's vetting status.
    let card = app
        .card_handle_for(&pair.procurement, pair.startup_id)
        .await;
    let invited = app
        .post(
            "/api/v1/introductions",
            pair.procurement.auth(),
            json!({"challenge_id": vetted, "startup_id": card}),
        )
        .await
        .expect(201);
    assert!(!all_text(&invited.body).contains("vetted"));
    // The start-up hears of its own status when it accepts.
    let refused = step(&app, &pair.startup, &invited, json!({"action": "accept"})).await;
    refused.expect_error(409, "conflict");
    assert!(refused.body["error"]["message"]
        .as_str()
        .expect("message")
        .contains("vetted"));
    app.vet(&pair.startup);
    step(&app, &pair.startup, &invited, json!({"action": "accept"}))
        .await
        .expect(200);
}

#[actix_web::test]
async fn a_challenge_that_became_abdo_only_is_checked_again_at_acceptance() {
    let app = spawn_app().await;
    let pair = brokered_pair(&app).await;
    let proposed = propose(&app, &pair).await.expect(201);
    let accepted = step(&app, &pair.startup, &proposed, json!({"action": "accept"}))
        .await
        .expect(200);
    let challenge_path = format!("/api/v1/challenges/{}", pair.challenge_id);
    let version = app
        .get(&challenge_path, pair.procurement.auth())
        .await
        .expect(200)
        .etag_version();
    app.patch(
        &challenge_path,
        pair.procurement.auth(),
        version,
        json!({"abdo_required": true}),
    )
    .await
    .expect(200);
    let refused = step(
        &app,
        &pair.procurement,
        &accepted,
        json!({"action": "accept"}),
    )
    .await;
    refused.expect_error(409, "conflict");
    let still = app
        .get(
            &format!("/api/v1/introductions/{}", proposed.id()),
            pair.procurement.auth(),
        )
        .await
        .expect(200);
    assert_eq!(still.body["state"], "accepted_by_startup");
    assert_eq!(still.body["startup"]["anonymised"], true);
}
