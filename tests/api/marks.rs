//! Tests of marks on matches: a party marks a match interesting or not
//! relevant, and its own matches re-rank at once (rejected items leave the
//! list, similar ones move up with the reason given); marks are private to
//! the organisation, audited, and procurement names start-ups by handle only.

use actix_web::http::Method;
use defmatch::domain::region::Rom;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{challenge_body, merge, spawn_app, startup_profile, Actor, Reply, TestApp};

async fn put_mark(app: &TestApp, path: &str, actor: &Actor, mark: &str) -> Reply {
    let body = json!({ "mark": mark }).to_string().into_bytes();
    app.send(
        Method::PUT,
        path,
        actor.auth(),
        &[],
        Some(("application/json", body)),
    )
    .await
}

async fn delete_mark(app: &TestApp, path: &str, actor: &Actor) -> Reply {
    app.send(Method::DELETE, path, actor.auth(), &[], None)
        .await
}

pub(crate) fn items(reply: &Reply) -> Vec<Value> {
    reply.body["items"].as_array().expect("items").clone()
}

pub(crate) fn challenge_ids(reply: &Reply) -> Vec<Uuid> {
    items(reply)
        .iter()
        .map(|item| item["challenge"]["id"].as_str().unwrap().parse().unwrap())
        .collect()
}

/// Titles and score parts, best first, for a failure message.
fn summary(reply: &Reply) -> String {
    items(reply)
        .iter()
        .map(|item| {
            format!(
                "{} {}",
                item["challenge"]["title"], item["explanation"]["parts"]
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn position(ids: &[Uuid], id: Uuid) -> usize {
    ids.iter()
        .position(|candidate| *candidate == id)
        .unwrap_or_else(|| panic!("{id} is not among {ids:?}"))
}

pub(crate) async fn open_challenge(
    app: &TestApp,
    officer: &Actor,
    title: &str,
    text: &str,
) -> Uuid {
    app.challenge_in_status(
        officer,
        merge(
            challenge_body(title),
            json!({
                "summary": text,
                "description": text,
                "technologies": [],
                "keywords": [],
                "preferred_provinces": [],
                "trl_min": 1,
                "trl_max": 9,
            }),
        ),
        "open",
    )
    .await
}

/// A start-up that does logistics planning and a little drone radar, and
/// four challenges: two about logistics (ranked first), two about drones.
struct Market {
    founder: Actor,
    startup_id: Uuid,
    drone_radar: Uuid,
    drone_acoustic: Uuid,
    logistics_forecast: Uuid,
    logistics_routes: Uuid,
}

impl Market {
    /// The start-up's matches, every one listed (`min_fit=0`), as its
    /// founder reads them.
    async fn matches(&self, app: &TestApp) -> Reply {
        let path = format!("/api/v1/startups/{}/matches?min_fit=0", self.startup_id);
        app.get(&path, self.founder.auth()).await.expect(200)
    }

    /// The founder marks the drone radar challenge interesting; the path of
    /// that mark.
    async fn mark_drone_radar_interesting(&self, app: &TestApp) -> String {
        let path = format!(
            "/api/v1/startups/{}/matches/{}/mark",
            self.startup_id, self.drone_radar
        );
        put_mark(app, &path, &self.founder, "interesting")
            .await
            .expect(204);
        path
    }
}

async fn market(app: &TestApp) -> Market {
    let dmo = app.procurement("Defensie Materieel en IT").await;
    let drone_radar = open_challenge(
        app,
        &dmo,
        "Counter-drone radar for airbases",
        "Detect small drones near airbases with passive radar and track each drone.",
    )
    .await;
    let drone_acoustic = open_challenge(
        app,
        &dmo,
        "Acoustic drone detection for camps",
        "Detect small drones near airbases with passive radar and microphones and track each drone.",
    )
    .await;
    let logistics_forecast = open_challenge(
        app,
        &dmo,
        "Spare-part forecasting for logistics",
        "Forecast the demand for spare parts so that logistics planners plan convoys and \
         routes in time with machine learning.",
    )
    .await;
    let logistics_routes = open_challenge(
        app,
        &dmo,
        "Convoy route planning",
        "Plan the routes of supply convoys for logistics planners across Europe.",
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
    Market {
        founder,
        startup_id,
        drone_radar,
        drone_acoustic,
        logistics_forecast,
        logistics_routes,
    }
}

#[actix_web::test]
async fn marking_a_challenge_interesting_moves_a_similar_one_up_with_the_reason_and_undo_restores_the_ranking(
) {
    let app = spawn_app().await;
    let market = market(&app).await;
    let before = market.matches(&app).await;
    let unmarked = challenge_ids(&before);
    assert!(
        position(&unmarked, market.logistics_routes) < position(&unmarked, market.drone_acoustic),
        "the profile is mostly about logistics: {}",
        summary(&before)
    );

    let mark_path = market.mark_drone_radar_interesting(&app).await;
    let after = market.matches(&app).await;
    let marked = challenge_ids(&after);
    assert!(
        position(&marked, market.drone_acoustic) < position(&marked, market.logistics_routes),
        "the drone challenge like the one marked interesting moves up: {}",
        summary(&after)
    );
    let acoustic = &items(&after)[position(&marked, market.drone_acoustic)];
    assert_eq!(
        acoustic["explanation"]["marked_like"]["title"],
        "Counter-drone radar for airbases"
    );
    assert!(acoustic["explanation"]["parts"]["marks"].as_f64().unwrap() > 0.0);
    let radar = &items(&after)[position(&marked, market.drone_radar)];
    assert_eq!(radar["mark"], "interesting");

    delete_mark(&app, &mark_path, &market.founder)
        .await
        .expect(204);
    let undone = market.matches(&app).await;
    assert_eq!(
        undone.body, before.body,
        "without marks the ranking is the unmarked one"
    );
}

/// A start-up's marks move its query toward the challenges it marked
/// interesting: a challenge that shares words only with the marked one,
/// none with the profile, is found at all, and its explanation names the
/// marked challenge but none of that challenge's words as the start-up's own.
#[actix_web::test]
async fn a_challenge_like_the_marked_one_that_the_profile_alone_never_finds_appears_after_the_mark()
{
    let app = spawn_app().await;
    let market = market(&app).await;
    let dmo = app.procurement("Defensie Materieel en IT").await;
    let artillery = open_challenge(
        &app,
        &dmo,
        "Counter-battery radar",
        "Passive radar for counter-battery.",
    )
    .await;
    app.wait_for_index().await;
    let before = market.matches(&app).await;
    assert!(
        !challenge_ids(&before).contains(&artillery),
        "no word of the profile is in it: {}",
        summary(&before)
    );

    market.mark_drone_radar_interesting(&app).await;
    let after = market.matches(&app).await;
    let marked = challenge_ids(&after);
    assert!(
        marked.contains(&artillery),
        "the moved query finds it: {}",
        summary(&after)
    );
    let found = &items(&after)[position(&marked, artillery)];
    assert_eq!(
        found["explanation"]["marked_like"]["title"],
        "Counter-drone radar for airbases"
    );
    assert_eq!(
        found["explanation"]["matched_terms"]["query_to_result"],
        json!([]),
        "the words it shares are the marked challenge's, not the profile's"
    );
    let radar = &items(&after)[position(&marked, market.drone_radar)];
    let radar_words = radar["explanation"]["matched_terms"]["query_to_result"]
        .as_array()
        .unwrap();
    assert!(
        radar_words.contains(&json!("drones"))
            && !radar_words.contains(&json!("radar"))
            && !radar_words.contains(&json!("passive")),
        "the marked challenge's own words are not the profile's: {radar_words:?}"
    );
}

/// Saving a challenge again re-indexes it; the old copy stays in its segment
/// until a merge drops it. The corpus statistics leave that copy out, so a
/// save that changes no text moves nobody's scores, merge or not.
#[actix_web::test]
async fn saving_a_challenge_again_without_new_text_moves_no_match_score() {
    let app = spawn_app().await;
    let market = market(&app).await;
    let before = market.matches(&app).await;
    let dmo = app.procurement("Defensie Materieel en IT").await;
    let challenge_path = format!("/api/v1/challenges/{}", market.logistics_routes);
    for days in [40, 50] {
        let version = app
            .get(&challenge_path, dmo.auth())
            .await
            .expect(200)
            .etag_version();
        let closes_at = (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339();
        app.patch(
            &challenge_path,
            dmo.auth(),
            version,
            json!({ "closes_at": closes_at }),
        )
        .await
        .expect(200);
    }
    app.wait_for_index().await;
    let after = market.matches(&app).await;
    let scores = |reply: &Reply| -> Vec<(Value, Value)> {
        items(reply)
            .iter()
            .map(|item| (item["challenge"]["id"].clone(), item["explanation"].clone()))
            .collect()
    };
    assert_eq!(
        scores(&after),
        scores(&before),
        "the same texts give the same scores: {}",
        summary(&after)
    );
}

#[actix_web::test]
async fn a_challenge_marked_not_relevant_leaves_the_list_until_the_mark_is_taken_back() {
    let app = spawn_app().await;
    let market = market(&app).await;
    let mark_path = format!(
        "/api/v1/startups/{}/matches/{}/mark",
        market.startup_id, market.logistics_forecast
    );
    let before = market.matches(&app).await;
    put_mark(&app, &mark_path, &market.founder, "not_relevant")
        .await
        .expect(204);
    let after = market.matches(&app).await;
    assert!(!challenge_ids(&after).contains(&market.logistics_forecast));
    // It only leaves: the others keep their order and scores.
    let others = |reply: &Reply| -> Vec<(Uuid, Value)> {
        challenge_ids(reply)
            .into_iter()
            .zip(
                items(reply)
                    .iter()
                    .map(|item| item["explanation"]["score"].clone()),
            )
            .filter(|(id, _)| *id != market.logistics_forecast)
            .collect()
    };
    assert_eq!(others(&after), others(&before));

    delete_mark(&app, &mark_path, &market.founder)
        .await
        .expect(204);
    let restored = market.matches(&app).await;
    assert!(challenge_ids(&restored).contains(&market.logistics_forecast));

    let bad = put_mark(&app, &mark_path, &market.founder, "maybe").await;
    bad.expect_error(400, "invalid_input");
    let other_founder = app.startup_account("Elders B.V.").await;
    put_mark(&app, &mark_path, &other_founder, "interesting")
        .await
        .expect(404);
}

/// Two drone start-ups in Noord-Holland and one in Limburg, and a drone challenge.
struct Candidates {
    dmo: Actor,
    challenge: Uuid,
    skyshield: Uuid,
    harbour: Uuid,
    maasradar: Uuid,
}

async fn candidates(app: &TestApp) -> Candidates {
    let dmo = app.procurement("Defensie Materieel en IT").await;
    let challenge = open_challenge(
        app,
        &dmo,
        "Counter-drone radar for airbases",
        "Detect small drones near airbases with passive radar and track each drone.",
    )
    .await;
    let profile = |name: &str, province: &str, text: &str| {
        merge(
            startup_profile(name),
            json!({ "description": text, "province": province, "keywords": [] }),
        )
    };
    let (_, skyshield) = app
        .startup_with_profile(profile(
            "SkyShield B.V.",
            "NL-NH",
            "SkyShield detects small drones near airbases with passive radar.",
        ))
        .await;
    let (_, harbour) = app
        .startup_with_profile(profile(
            "Harbourwatch B.V.",
            "NL-NH",
            "Harbourwatch tracks small drones over harbours with radar.",
        ))
        .await;
    let (_, maasradar) = app
        .startup_with_profile(profile(
            "Maasradar B.V.",
            "NL-LI",
            "Maasradar detects drones near airbases with passive radar.",
        ))
        .await;
    app.wait_for_index().await;
    Candidates {
        dmo,
        challenge,
        skyshield,
        harbour,
        maasradar,
    }
}

#[actix_web::test]
async fn procurement_marks_a_card_by_its_handle_privately_and_never_sees_the_startup_id() {
    let app = spawn_app().await;
    let market = candidates(&app).await;
    let inwest = app.rom_officer(Rom::RomInWest).await;
    let matches_path = format!("/api/v1/challenges/{}/matches?min_fit=0", market.challenge);
    let broker_before = app.get(&matches_path, inwest.auth()).await.expect(200);

    // A raw id is "not found" to procurement, and the answer names nothing.
    let by_id = put_mark(
        &app,
        &challenge_mark_path(market.challenge, market.skyshield),
        &market.dmo,
        "not_relevant",
    )
    .await;
    by_id.expect_error(404, "not_found");
    assert!(!by_id
        .body
        .to_string()
        .contains(&market.skyshield.to_string()));

    let listed = app.get(&matches_path, market.dmo.auth()).await.expect(200);
    let handle = items(&listed)
        .iter()
        .map(|item| item["startup"]["id"].as_str().unwrap().to_owned())
        .find(|handle| app.startup_behind(&json!(handle)) == market.skyshield)
        .expect("SkyShield is a candidate");
    let mark_path = format!(
        "/api/v1/challenges/{}/matches/{handle}/mark",
        market.challenge
    );
    let marked = put_mark(&app, &mark_path, &market.dmo, "not_relevant")
        .await
        .expect(204);
    assert_eq!(marked.body, Value::Null);

    let after = app.get(&matches_path, market.dmo.auth()).await.expect(200);
    let shown: Vec<Uuid> = items(&after)
        .iter()
        .map(|item| app.startup_behind(&item["startup"]["id"]))
        .collect();
    assert!(!shown.contains(&market.skyshield));
    assert!(shown.contains(&market.harbour));
    for id in [market.skyshield, market.harbour, market.maasradar] {
        assert!(!after.body.to_string().contains(&id.to_string()));
    }

    // The broker's organisation has no marks: its ranking is unchanged.
    let broker_after = app.get(&matches_path, inwest.auth()).await.expect(200);
    let ids = |reply: &Reply| -> Vec<Uuid> {
        items(reply)
            .iter()
            .map(|item| app.startup_behind(&item["startup"]["id"]))
            .collect()
    };
    assert_eq!(ids(&broker_after), ids(&broker_before));
    assert!(ids(&broker_after).contains(&market.skyshield));

    // The mark is audited, about the challenge.
    let admin = app.admin().await;
    let audit = app
        .get("/api/v1/audit?action=match_marked", admin.auth())
        .await
        .expect(200);
    let event = &audit.body["items"][0];
    assert_eq!(event["actor_id"], json!(market.dmo.user_id));
    assert_eq!(event["subject_id"], json!(market.challenge));
    assert_eq!(event["detail"]["mark"], "not_relevant");
}

#[actix_web::test]
async fn only_the_parties_of_a_match_may_mark_it() {
    let app = spawn_app().await;
    let market = candidates(&app).await;
    let inwest = app.rom_officer(Rom::RomInWest).await;
    let liof = app.rom_officer(Rom::Liof).await;
    let path = |startup: Uuid| {
        format!(
            "/api/v1/challenges/{}/matches/{startup}/mark",
            market.challenge
        )
    };
    // A broker marks the start-ups of its own provinces, not those of others.
    put_mark(&app, &path(market.skyshield), &inwest, "interesting")
        .await
        .expect(204);
    put_mark(&app, &path(market.skyshield), &liof, "interesting")
        .await
        .expect(404);
    put_mark(&app, &path(market.maasradar), &liof, "interesting")
        .await
        .expect(204);
    // Another procurement organisation sees the card but does not mark it.
    let marine = app.procurement("Koninklijke Marine").await;
    let handle = app.card_handle_for(&marine, market.harbour).await;
    put_mark(
        &app,
        &challenge_mark_path(market.challenge, &handle),
        &marine,
        "interesting",
    )
    .await
    .expect_error(403, "forbidden");
    // The broker's mark does not touch procurement's ranking.
    let procurement_view = app
        .get(
            &format!("/api/v1/challenges/{}/matches", market.challenge),
            market.dmo.auth(),
        )
        .await
        .expect(200);
    for item in items(&procurement_view) {
        assert_eq!(item["mark"], Value::Null);
        assert_eq!(item["explanation"]["parts"]["marks"], json!(0.0));
    }
}

/// The mark of a challenge's candidate, named by a card's handle or a raw id.
fn challenge_mark_path(challenge: Uuid, startup: impl std::fmt::Display) -> String {
    format!("/api/v1/challenges/{challenge}/matches/{startup}/mark")
}

#[actix_web::test]
async fn a_candidate_like_a_marked_one_names_it_to_a_broker_and_never_to_procurement() {
    let app = spawn_app().await;
    let market = candidates(&app).await;
    let maasradar_like = |reply: &Reply| -> Value {
        items(reply)
            .iter()
            .find(|item| app.startup_behind(&item["startup"]["id"]) == market.maasradar)
            .map(|item| item["explanation"]["marked_like"].clone())
            .expect("Maasradar is a candidate")
    };

    // A broker marks SkyShield, of its own province; Maasradar, in Limburg
    // and so a card to this broker, is named as like it, also on a list
    // that SkyShield is not on.
    let inwest = app.rom_officer(Rom::RomInWest).await;
    put_mark(
        &app,
        &challenge_mark_path(market.challenge, market.skyshield),
        &inwest,
        "interesting",
    )
    .await
    .expect(204);
    let broker_view = app
        .get(
            &format!(
                "/api/v1/challenges/{}/matches?min_fit=0&scope=all&province=NL-LI",
                market.challenge
            ),
            inwest.auth(),
        )
        .await
        .expect(200);
    assert_eq!(items(&broker_view).len(), 1, "{}", broker_view.body);
    let like = maasradar_like(&broker_view);
    assert_eq!(like["title"], "SkyShield B.V.", "{like}");
    assert!(like["similarity"].as_f64().unwrap() >= 0.15, "{like}");

    // Procurement marks SkyShield's card: the same candidate points to it,
    // unnamed, and nothing in the answer identifies it.
    let handle = app.card_handle_for(&market.dmo, market.skyshield).await;
    put_mark(
        &app,
        &challenge_mark_path(market.challenge, &handle),
        &market.dmo,
        "interesting",
    )
    .await
    .expect(204);
    let procurement_view = app
        .get(
            &format!("/api/v1/challenges/{}/matches?min_fit=0", market.challenge),
            market.dmo.auth(),
        )
        .await
        .expect(200);
    let like = maasradar_like(&procurement_view);
    assert!(like.is_object(), "a mark moved it: {like}");
    assert_eq!(like["title"], Value::Null, "{like}");
    let answer = procurement_view.body.to_string();
    for identifying in ["SkyShield", &market.skyshield.to_string()] {
        assert!(!answer.contains(identifying), "{identifying} in {answer}");
    }
}
