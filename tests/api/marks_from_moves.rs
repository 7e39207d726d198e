//! Introduction moves count as marks: expressing interest, inviting,
//! proposing and accepting mark the pair interesting for the side that
//! moves, declining marks it not relevant. The mark steers only that
//! side's own matches, the other side never sees it, and a mark the user
//! set themselves wins over one a move implies.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{merge, spawn_app, startup_profile, Actor, Reply, TestApp};
use crate::marks::{challenge_ids, items, open_challenge, position};

async fn transition(app: &TestApp, actor: &Actor, previous: &Reply, body: Value) -> Reply {
    app.post_if_match(
        &format!("/api/v1/introductions/{}/transitions", previous.id()),
        actor.auth(),
        previous.etag_version(),
        body,
    )
    .await
}

async fn express_interest(app: &TestApp, founder: &Actor, challenge: Uuid) -> Reply {
    app.post(
        "/api/v1/introductions",
        founder.auth(),
        json!({ "challenge_id": challenge }),
    )
    .await
    .expect(201)
}

#[actix_web::test]
async fn expressing_interest_marks_the_challenge_interesting_for_the_startup_only() {
    let app = spawn_app().await;
    let dmo = app.procurement("Defensie Materieel en IT").await;
    let drone_radar = open_challenge(
        &app,
        &dmo,
        "Counter-drone radar for airbases",
        "Detect small drones near airbases with passive radar and track each drone.",
    )
    .await;
    let drone_acoustic = open_challenge(
        &app,
        &dmo,
        "Acoustic drone detection for camps",
        "Detect small drones near airbases with passive radar and microphones and track each drone.",
    )
    .await;
    let logistics_routes = open_challenge(
        &app,
        &dmo,
        "Convoy route planning",
        "Plan the routes of supply convoys for logistics planners across Europe.",
    )
    .await;
    open_challenge(
        &app,
        &dmo,
        "Spare-part forecasting for logistics",
        "Forecast the demand for spare parts so that logistics planners plan convoys and \
         routes in time with machine learning.",
    )
    .await;
    let (founder, startup_id) = app
        .startup_with_profile(merge(
            startup_profile("Planradar B.V."),
            json!({
                "description": "Planradar builds machine learning for logistics planners: it \
                    forecasts demand for spare parts and plans convoy routes. It also detects \
                    and tracks small drones near airbases.",
                "keywords": ["logistics", "forecasting", "route planning"],
                "technologies": ["ai-data"],
            }),
        ))
        .await;
    app.wait_for_index().await;
    // Every match, however weak: the test compares places in the list.
    let matches_path = format!("/api/v1/startups/{startup_id}/matches?min_fit=0");
    let before = app.get(&matches_path, founder.auth()).await.expect(200);
    let unmarked = challenge_ids(&before);
    let candidates_path = format!("/api/v1/challenges/{drone_radar}/matches?min_fit=0");
    let procurement_before = app.get(&candidates_path, dmo.auth()).await.expect(200);

    express_interest(&app, &founder, drone_radar).await;

    let after = app.get(&matches_path, founder.auth()).await.expect(200);
    let marked = challenge_ids(&after);
    let radar = &items(&after)[position(&marked, drone_radar)];
    assert_eq!(radar["mark"], "interesting");
    assert!(
        position(&marked, drone_acoustic) < position(&marked, logistics_routes),
        "the drone challenge like the one it is interested in moves up: {marked:?}"
    );
    let acoustic = &items(&after)[position(&marked, drone_acoustic)];
    assert_eq!(
        acoustic["explanation"]["marked_like"]["title"],
        "Counter-drone radar for airbases"
    );
    let score = |reply: &Reply, ids: &[Uuid], id: Uuid| {
        items(reply)[position(ids, id)]["explanation"]["score"]
            .as_f64()
            .unwrap()
    };
    assert!(
        score(&after, &marked, drone_acoustic) - score(&after, &marked, logistics_routes)
            > score(&before, &unmarked, drone_acoustic)
                - score(&before, &unmarked, logistics_routes),
        "the similar challenge gains on the logistics one"
    );

    // The other side never sees the start-up's mark: procurement's
    // candidates are ranked and shown exactly as before.
    let procurement_after = app.get(&candidates_path, dmo.auth()).await.expect(200);
    assert!(!items(&procurement_after).is_empty());
    for item in items(&procurement_after) {
        assert_eq!(item["mark"], Value::Null);
        assert_eq!(item["explanation"]["parts"]["marks"], json!(0.0));
    }
    let shown = |reply: &Reply| -> Vec<Uuid> {
        items(reply)
            .iter()
            .map(|item| app.startup_behind(&item["startup"]["id"]))
            .collect()
    };
    assert_eq!(shown(&procurement_after), shown(&procurement_before));

    // Audited like a mark, naming the move.
    let admin = app.admin().await;
    let audit = app
        .get("/api/v1/audit?action=match_marked", admin.auth())
        .await
        .expect(200);
    let event = &audit.body["items"][0];
    assert_eq!(event["actor_id"], json!(founder.user_id));
    assert_eq!(event["subject_id"], json!(drone_radar));
    assert_eq!(event["detail"]["mark"], "interesting");
    assert_eq!(event["detail"]["implied_by"], "startup_request");
}

/// A drone challenge and two drone start-ups that both fit it.
struct Pair {
    dmo: Actor,
    challenge: Uuid,
    skyshield_founder: Actor,
    skyshield: Uuid,
    harbour: Uuid,
}

async fn pair(app: &TestApp) -> Pair {
    let dmo = app.procurement("Defensie Materieel en IT").await;
    let challenge = open_challenge(
        app,
        &dmo,
        "Counter-drone radar for airbases",
        "Detect small drones near airbases with passive radar and track each drone.",
    )
    .await;
    let profile = |name: &str, text: &str| {
        merge(
            startup_profile(name),
            json!({ "description": text, "province": "NL-NH", "keywords": [] }),
        )
    };
    let (skyshield_founder, skyshield) = app
        .startup_with_profile(profile(
            "SkyShield B.V.",
            "SkyShield detects small drones near airbases with passive radar.",
        ))
        .await;
    let (_, harbour) = app
        .startup_with_profile(profile(
            "Harbourwatch B.V.",
            "Harbourwatch tracks small drones over harbours with radar.",
        ))
        .await;
    app.wait_for_index().await;
    Pair {
        dmo,
        challenge,
        skyshield_founder,
        skyshield,
        harbour,
    }
}

fn candidates(app: &TestApp, reply: &Reply) -> Vec<Uuid> {
    items(reply)
        .iter()
        .map(|item| app.startup_behind(&item["startup"]["id"]))
        .collect()
}

#[actix_web::test]
async fn a_startup_procurement_declines_leaves_the_challenges_candidates_and_never_learns_of_it() {
    let app = spawn_app().await;
    let pair = pair(&app).await;
    // Every candidate, however weak: these tests are about who is listed.
    let candidates_path = format!("/api/v1/challenges/{}/matches?min_fit=0", pair.challenge);
    let before = app.get(&candidates_path, pair.dmo.auth()).await.expect(200);
    assert!(candidates(&app, &before).contains(&pair.skyshield));

    let requested = express_interest(&app, &pair.skyshield_founder, pair.challenge).await;
    transition(
        &app,
        &pair.dmo,
        &requested,
        json!({"action": "decline", "reason": "We need a longer range."}),
    )
    .await
    .expect(200);

    let after = app.get(&candidates_path, pair.dmo.auth()).await.expect(200);
    let shown = candidates(&app, &after);
    assert!(
        !shown.contains(&pair.skyshield),
        "declined: not relevant for procurement"
    );
    assert!(shown.contains(&pair.harbour));

    // The start-up's own matches keep its own mark, never procurement's.
    let own = app
        .get(
            &format!("/api/v1/startups/{}/matches?min_fit=0", pair.skyshield),
            pair.skyshield_founder.auth(),
        )
        .await
        .expect(200);
    let ids = challenge_ids(&own);
    let item = &items(&own)[position(&ids, pair.challenge)];
    assert_eq!(item["mark"], "interesting");
    assert!(!own.body.to_string().contains("not_relevant"));
}

#[actix_web::test]
async fn a_mark_the_user_set_wins_over_the_one_a_move_implies() {
    let app = spawn_app().await;
    let pair = pair(&app).await;
    // Every candidate, however weak: these tests are about who is listed.
    let candidates_path = format!("/api/v1/challenges/{}/matches?min_fit=0", pair.challenge);
    // Procurement marks SkyShield interesting itself, then declines its request.
    let handle = app.card_handle_for(&pair.dmo, pair.skyshield).await;
    app.send(
        actix_web::http::Method::PUT,
        &format!(
            "/api/v1/challenges/{}/matches/{handle}/mark",
            pair.challenge
        ),
        pair.dmo.auth(),
        &[],
        Some((
            "application/json",
            json!({"mark": "interesting"}).to_string().into_bytes(),
        )),
    )
    .await
    .expect(204);
    let requested = express_interest(&app, &pair.skyshield_founder, pair.challenge).await;
    transition(&app, &pair.dmo, &requested, json!({"action": "decline"}))
        .await
        .expect(200);

    let after = app.get(&candidates_path, pair.dmo.auth()).await.expect(200);
    let shown = candidates(&app, &after);
    let item = &items(&after)[position(&shown, pair.skyshield)];
    assert_eq!(item["mark"], "interesting", "the explicit mark stays");

    // Once the user takes its mark back, the next move's mark counts.
    app.send(
        actix_web::http::Method::DELETE,
        &format!(
            "/api/v1/challenges/{}/matches/{handle}/mark",
            pair.challenge
        ),
        pair.dmo.auth(),
        &[],
        None,
    )
    .await
    .expect(204);
    let again = express_interest(&app, &pair.skyshield_founder, pair.challenge).await;
    transition(&app, &pair.dmo, &again, json!({"action": "decline"}))
        .await
        .expect(200);
    let declined = app.get(&candidates_path, pair.dmo.auth()).await.expect(200);
    assert!(!candidates(&app, &declined).contains(&pair.skyshield));
}
