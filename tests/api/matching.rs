//! Tests of matching: the challenges that fit a start-up, the start-ups that
//! could solve a challenge, and the preview a start-up sees while it writes
//! its profile. Every result comes with an explanation whose parts add up
//! to its score; confidentiality and the caller's scope decide what is shown.

use defmatch::domain::region::Rom;
use serde_json::{json, Value};
use uuid::Uuid;

use defmatch::domain::policy::ImportReach;
use defmatch::import::{import_records, read_records, ImportOptions, RecordKind};

use crate::helpers::{
    challenge_body, merge, spawn_app, startup_profile, Actor, Reply, TempDirectory, TestApp,
};

const DMO: &str = "Defensie Materieel en IT";
const MARINE: &str = "Koninklijke Marine";

/// Every match, however weak (`min_fit=0`): these tests are about who is
/// listed and why, not about the minimum fit (tests/api/fit.rs).
fn challenge_matches_path(id: Uuid) -> String {
    format!("/api/v1/challenges/{id}/matches?min_fit=0")
}

fn startup_matches_path(id: Uuid) -> String {
    format!("/api/v1/startups/{id}/matches?min_fit=0")
}

const PREVIEW: &str = "/api/v1/matches/preview";

// ---------------------------------------------------------------- fixtures

/// A start-up with its founder.
struct Startup {
    founder: Actor,
    id: Uuid,
}

/// Five start-ups and three challenges of the defence materiel organisation.
struct Market {
    dmo: Actor,
    /// Open, Noord-Holland, drones and sensing, TRL 5-7.
    counter_drone: Uuid,
    /// Open, national (no preferred province), AI, TRL 4-6.
    logistics: Uuid,
    /// Open, Gelderland, AI, TRL 6-8.
    maintenance: Uuid,
    /// Passive radar against drones; Noord-Holland, TRL 6.
    skyshield: Startup,
    /// The same text as SkyShield; Limburg, TRL 6.
    maasradar: Startup,
    /// Machine learning for logistics planning; Overijssel, TRL 5.
    planwise: Startup,
    /// Perimeter robots and drones; Zuid-Holland, TRL 3.
    dunewatch: Startup,
    /// Acoustic drone detection; Belgium (no province), TRL 7.
    vigilo: Startup,
}

const DRONE_RADAR_TEXT: &str = "builds passive radar and RF sensors that detect, classify and \
     track small drones approaching airbases and other critical sites. Operators get an alert \
     with the position and heading of the drone and the location of its pilot.";

async fn startup(app: &TestApp, name: &str, changes: Value) -> Startup {
    let (founder, id) = app
        .startup_with_profile(merge(startup_profile(name), changes))
        .await;
    Startup { founder, id }
}

async fn drone_radar_startup(app: &TestApp, name: &str, province: &str, city: &str) -> Startup {
    let short = name.trim_end_matches(" B.V.");
    startup(
        app,
        name,
        json!({
            "description": format!("{short} {DRONE_RADAR_TEXT}"),
            "keywords": ["counter-drone", "passive radar", "drone detection"],
            "technologies": ["autonomy-drones", "imaging-sensing"],
            "province": province,
            "city": city,
            "trl": 6,
        }),
    )
    .await
}

async fn market(app: &TestApp) -> Market {
    let dmo = app.procurement(DMO).await;
    let counter_drone = app
        .challenge_in_status(
            &dmo,
            merge(
                challenge_body("Counter-drone detection at Noord-Holland airbases"),
                json!({
                    "summary": "Detect and track small drones approaching the airbase.",
                    "description": "Small drones fly low over the airbase at night and are \
                        hard to see. We need passive radar and RF sensors that detect, classify \
                        and track these drones and alert the base operations centre with the \
                        position of the drone and of its pilot.",
                    "desired_outcome": "A counter-drone demonstrator on a Noord-Holland airbase.",
                    "technologies": ["autonomy-drones", "imaging-sensing"],
                    "keywords": ["counter-drone", "radar", "drone detection"],
                    "preferred_provinces": ["NL-NH"],
                    "trl_min": 5,
                    "trl_max": 7,
                }),
            ),
            "open",
        )
        .await;
    let logistics = app
        .challenge_in_status(
            &dmo,
            merge(
                challenge_body("AI planning for military logistics"),
                json!({
                    "summary": "Forecast spare-part demand and plan convoys with artificial \
                        intelligence.",
                    "description": "Logistics planners forecast the demand for spare parts and \
                        plan convoy routes by hand, in spreadsheets. We look for machine learning \
                        that forecasts demand, plans routes and explains its planning decisions \
                        to the planner.",
                    "desired_outcome": "A planning assistant tested by one logistics battalion.",
                    "technologies": ["ai-data"],
                    "keywords": ["logistics", "forecasting", "route planning"],
                    "preferred_provinces": [],
                    "trl_min": 4,
                    "trl_max": 6,
                }),
            ),
            "open",
        )
        .await;
    let maintenance = app
        .challenge_in_status(
            &dmo,
            merge(
                challenge_body("Predictive maintenance for armoured vehicles"),
                json!({
                    "summary": "Predict failures of armoured vehicles from sensor data.",
                    "description": "Armoured vehicles break down during exercises because parts \
                        wear out unnoticed. We look for machine learning that predicts failures \
                        from engine and gearbox data, so that the workshop replaces parts in time.",
                    "desired_outcome": "A model validated on one vehicle fleet in Gelderland.",
                    "technologies": ["ai-data"],
                    "keywords": ["predictive maintenance", "vehicles"],
                    "preferred_provinces": ["NL-GE"],
                    "trl_min": 6,
                    "trl_max": 8,
                }),
            ),
            "open",
        )
        .await;
    let skyshield = drone_radar_startup(app, "SkyShield B.V.", "NL-NH", "Haarlem").await;
    let maasradar = drone_radar_startup(app, "Maasradar B.V.", "NL-LI", "Maastricht").await;
    let planwise = startup(
        app,
        "Planwise B.V.",
        json!({
            "description": "Planwise develops machine learning software for logistics planners. \
                It forecasts the demand for spare parts, plans convoy and delivery routes, and \
                explains each planning decision so that planners can trust it.",
            "keywords": ["logistics", "forecasting", "route planning"],
            "technologies": ["ai-data"],
            "province": "NL-OV",
            "city": "Enschede",
            "trl": 5,
        }),
    )
    .await;
    let dunewatch = startup(
        app,
        "Dunewatch B.V.",
        json!({
            "description": "Dunewatch designs autonomous ground robots and small drones that \
                patrol the perimeter of ports and depots and inspect fences with thermal cameras.",
            "keywords": ["perimeter security", "inspection drones"],
            "technologies": ["mechatronics-robotics", "autonomy-drones"],
            "province": "NL-ZH",
            "city": "Delft",
            "trl": 3,
        }),
    )
    .await;
    let vigilo = startup(
        app,
        "Vigilo BV",
        json!({
            "description": "Vigilo detects hostile drones with acoustic sensors and radar around \
                military camps and airbases, and tracks them until they land.",
            "keywords": ["drone detection", "acoustic sensing"],
            "technologies": ["autonomy-drones", "imaging-sensing"],
            "country": "BE",
            "province": null,
            "kvk_number": null,
            "city": "Gent",
            "trl": 7,
        }),
    )
    .await;
    app.wait_for_index().await;
    Market {
        dmo,
        counter_drone,
        logistics,
        maintenance,
        skyshield,
        maasradar,
        planwise,
        dunewatch,
        vigilo,
    }
}

// ---------------------------------------------------------------- reading replies

fn items(reply: &Reply) -> &Vec<Value> {
    reply.body["items"].as_array().expect("items")
}

fn uuid_of(value: &Value) -> Uuid {
    value.as_str().expect("uuid string").parse().expect("uuid")
}

/// The start-up ids of a start-up match list, best first (behind the
/// handles of anonymous cards).
fn startup_ids(app: &TestApp, reply: &Reply) -> Vec<Uuid> {
    items(reply)
        .iter()
        .map(|item| app.startup_behind(&item["startup"]["id"]))
        .collect()
}

/// The challenge ids of a challenge match list, best first.
fn challenge_ids(reply: &Reply) -> Vec<Uuid> {
    items(reply)
        .iter()
        .map(|item| uuid_of(&item["challenge"]["id"]))
        .collect()
}

/// The item about start-up `id`.
#[track_caller]
fn startup_item<'a>(app: &TestApp, reply: &'a Reply, id: Uuid) -> &'a Value {
    items(reply)
        .iter()
        .find(|item| app.startup_behind(&item["startup"]["id"]) == id)
        .unwrap_or_else(|| panic!("start-up {id} is not among the matches: {}", reply.body))
}

/// The item about challenge `id`.
#[track_caller]
fn challenge_item(reply: &Reply, id: Uuid) -> &Value {
    items(reply)
        .iter()
        .find(|item| uuid_of(&item["challenge"]["id"]) == id)
        .unwrap_or_else(|| panic!("challenge {id} is not among the matches: {}", reply.body))
}

fn position(ids: &[Uuid], id: Uuid) -> Option<usize> {
    ids.iter().position(|candidate| *candidate == id)
}

fn number(value: &Value) -> f64 {
    value.as_f64().expect("a number")
}

/// `word` is among the matched terms in both directions of `explanation`.
#[track_caller]
fn assert_matched_both_ways(explanation: &Value, word: &str) {
    for direction in ["query_to_result", "result_to_query"] {
        let terms = explanation["matched_terms"][direction]
            .as_array()
            .expect("matched terms");
        assert!(
            terms.iter().any(|term| term == word),
            "{word} matched {direction}: {explanation}"
        );
    }
}

/// Every explanation's parts add up to its score, and scores never rise
/// down the list.
#[track_caller]
fn assert_explanations_add_up(reply: &Reply) {
    let mut previous = f64::INFINITY;
    for item in items(reply) {
        let explanation = &item["explanation"];
        let parts = &explanation["parts"];
        let sum = ["text", "technology", "region", "trl"]
            .iter()
            .map(|part| number(&parts[*part]))
            .sum::<f64>();
        let score = number(&explanation["score"]);
        assert!(
            (sum - score).abs() < 1e-4,
            "parts add up to {sum}, the score is {score}: {explanation}"
        );
        assert!(
            score <= previous + 1e-6,
            "results are not best first: {}",
            reply.body
        );
        previous = score;
    }
}

// ---------------------------------------------------------------- ranking

#[actix_web::test]
async fn the_nearest_drone_start_up_ranks_first_for_a_counter_drone_challenge() {
    let app = spawn_app().await;
    let m = market(&app).await;
    let admin = app.admin().await;

    for (who, actor) in [("procurement officer", &m.dmo), ("admin", &admin)] {
        let reply = app
            .get(&challenge_matches_path(m.counter_drone), actor.auth())
            .await
            .expect(200);

        let ids = startup_ids(&app, &reply);
        assert_eq!(
            ids.first(),
            Some(&m.skyshield.id),
            "{who}: the Noord-Holland drone start-up comes first: {}",
            reply.body
        );
        let limburg = position(&ids, m.maasradar.id)
            .unwrap_or_else(|| panic!("{who}: the Limburg twin is a match too: {}", reply.body));
        assert!(limburg > 0, "{who}");
        assert_explanations_add_up(&reply);

        // The two describe themselves alike: the region makes the difference.
        let near = &startup_item(&app, &reply, m.skyshield.id)["explanation"];
        let far = &startup_item(&app, &reply, m.maasradar.id)["explanation"];
        assert!(
            (number(&near["parts"]["text"]) - number(&far["parts"]["text"])).abs() < 1e-4,
            "{who}: same text, same text part: {near} / {far}"
        );
        assert!(number(&near["parts"]["region"]) > number(&far["parts"]["region"]));
        assert_eq!(near["region"]["relation"], "same_province", "{who}");
        assert_eq!(far["region"]["relation"], "elsewhere_in_nl", "{who}");
    }
}

#[actix_web::test]
async fn an_ai_start_up_beats_the_drone_start_ups_for_an_ai_logistics_challenge() {
    let app = spawn_app().await;
    let m = market(&app).await;

    let reply = app
        .get(&challenge_matches_path(m.logistics), m.dmo.auth())
        .await
        .expect(200);

    let ids = startup_ids(&app, &reply);
    assert_eq!(ids.first(), Some(&m.planwise.id), "{}", reply.body);
    for drone in [&m.skyshield, &m.maasradar] {
        if let Some(place) = position(&ids, drone.id) {
            assert!(place > 0);
        }
    }
    assert_explanations_add_up(&reply);
    let explanation = &startup_item(&app, &reply, m.planwise.id)["explanation"];
    assert_eq!(explanation["shared_technologies"], json!(["ai-data"]));
    // The shared word shows as the text writes it, both ways: the reverse
    // direction has no share in this score, but its terms are still named
    // for the results shown.
    assert_matched_both_ways(explanation, "logistics");
}

#[actix_web::test]
async fn a_drone_start_up_sees_the_counter_drone_challenge_first() {
    let app = spawn_app().await;
    let m = market(&app).await;

    let reply = app
        .get(
            &startup_matches_path(m.skyshield.id),
            m.skyshield.founder.auth(),
        )
        .await
        .expect(200);

    assert_eq!(
        challenge_ids(&reply).first(),
        Some(&m.counter_drone),
        "{}",
        reply.body
    );
    assert_explanations_add_up(&reply);
    let best = &items(&reply)[0];
    assert_eq!(
        best["challenge"]["title"],
        "Counter-drone detection at Noord-Holland airbases"
    );
    let explanation = &best["explanation"];
    assert_eq!(
        explanation["shared_technologies"],
        json!(["autonomy-drones", "imaging-sensing"])
    );
    assert_eq!(explanation["region"]["relation"], "same_province");
    assert_eq!(explanation["region"]["national"], false);
    assert_eq!(explanation["trl_in_range"], true);
    assert_matched_both_ways(explanation, "radar");

    // The AI start-up gets the AI challenges first.
    let planwise = app
        .get(
            &startup_matches_path(m.planwise.id),
            m.planwise.founder.auth(),
        )
        .await
        .expect(200);
    assert_eq!(
        challenge_ids(&planwise).first(),
        Some(&m.logistics),
        "{}",
        planwise.body
    );
    assert_explanations_add_up(&planwise);
}

#[actix_web::test]
async fn explanations_name_the_region_relation_and_the_trl_fit() {
    let app = spawn_app().await;
    let m = market(&app).await;
    let admin = app.admin().await;

    let drones = app
        .get(&challenge_matches_path(m.counter_drone), admin.auth())
        .await
        .expect(200);
    assert_explanations_add_up(&drones);
    let expected = [
        (&m.skyshield, "same_province", true),
        (&m.dunewatch, "same_landsdeel", false),
        (&m.maasradar, "elsewhere_in_nl", true),
        (&m.vigilo, "abroad", true),
    ];
    for (startup, relation, in_range) in expected {
        let explanation = &startup_item(&app, &drones, startup.id)["explanation"];
        assert_eq!(explanation["region"]["relation"], relation, "{explanation}");
        assert_eq!(explanation["region"]["national"], false, "{explanation}");
        assert_eq!(explanation["trl_in_range"], in_range, "{explanation}");
    }
    let dunewatch = &startup_item(&app, &drones, m.dunewatch.id)["explanation"];
    assert_eq!(dunewatch["shared_technologies"], json!(["autonomy-drones"]));
    let vigilo = &startup_item(&app, &drones, m.vigilo.id)["explanation"];
    assert_eq!(
        number(&vigilo["parts"]["region"]),
        0.0,
        "abroad adds nothing"
    );

    // Gelderland and Overijssel share a ROM (Oost NL); TRL 5 is below 6-8.
    let maintenance = app
        .get(&challenge_matches_path(m.maintenance), admin.auth())
        .await
        .expect(200);
    assert_explanations_add_up(&maintenance);
    let planwise = &startup_item(&app, &maintenance, m.planwise.id)["explanation"];
    assert_eq!(planwise["region"]["relation"], "same_rom_area");
    assert_eq!(planwise["trl_in_range"], false);

    // A challenge without preferred provinces is national.
    let logistics = app
        .get(&challenge_matches_path(m.logistics), admin.auth())
        .await
        .expect(200);
    assert_explanations_add_up(&logistics);
    let planwise = &startup_item(&app, &logistics, m.planwise.id)["explanation"];
    assert_eq!(planwise["region"]["national"], true);
    assert_eq!(planwise["region"]["relation"], Value::Null);
    assert_eq!(planwise["trl_in_range"], true);

    // And seen from the start-up.
    let from_startup = app
        .get(&startup_matches_path(m.planwise.id), admin.auth())
        .await
        .expect(200);
    assert_explanations_add_up(&from_startup);
    let national = &challenge_item(&from_startup, m.logistics)["explanation"];
    assert_eq!(national["region"]["national"], true);
    let regional = &challenge_item(&from_startup, m.maintenance)["explanation"];
    assert_eq!(regional["region"]["relation"], "same_rom_area");
    assert_eq!(regional["trl_in_range"], false);
}

// ---------------------------------------------------------------- confidentiality

#[actix_web::test]
async fn a_vetted_challenge_matches_a_start_up_only_once_it_is_vetted() {
    let app = spawn_app().await;
    let m = market(&app).await;
    let naval = app
        .challenge_in_status(
            &m.dmo,
            merge(
                challenge_body("Counter-drone radar for naval bases"),
                json!({
                    "summary": "Detect small drones over the naval base with passive radar.",
                    "description": "Drones approach the naval base from the sea. We need \
                        passive radar and RF sensors that detect and track them.",
                    "visibility": "vetted",
                }),
            ),
            "open",
        )
        .await;
    app.wait_for_index().await;
    let path = startup_matches_path(m.skyshield.id);

    let unvetted = app.get(&path, m.skyshield.founder.auth()).await.expect(200);
    assert!(challenge_ids(&unvetted).contains(&m.counter_drone));
    assert!(
        !challenge_ids(&unvetted).contains(&naval),
        "an unvetted start-up must not see a vetted challenge: {}",
        unvetted.body
    );

    app.vet(&m.skyshield.founder);

    let vetted = app.get(&path, m.skyshield.founder.auth()).await.expect(200);
    assert!(challenge_ids(&vetted).contains(&naval), "{}", vetted.body);
    assert_explanations_add_up(&vetted);
}

#[actix_web::test]
async fn drafts_and_closed_challenges_are_left_out_unless_asked_for() {
    let app = spawn_app().await;
    let m = market(&app).await;
    let admin = app.admin().await;
    let drone_challenge = |title: &str| {
        merge(
            challenge_body(title),
            json!({
                "summary": "Detect small drones near the barracks with passive radar.",
                "description": "Drones fly over the barracks. We need passive radar and RF \
                    sensors that detect, classify and track them.",
            }),
        )
    };
    let draft = app
        .challenge_in_status(&m.dmo, drone_challenge("Drone detection draft"), "draft")
        .await;
    let closed = app
        .challenge_in_status(&m.dmo, drone_challenge("Drone detection closed"), "closed")
        .await;
    app.wait_for_index().await;
    let path = startup_matches_path(m.skyshield.id);

    // Even an admin, who may see drafts, gets open and published ones by default.
    for (who, actor) in [("founder", &m.skyshield.founder), ("admin", &admin)] {
        let reply = app.get(&path, actor.auth()).await.expect(200);
        let ids = challenge_ids(&reply);
        assert_eq!(ids.first(), Some(&m.counter_drone), "{who}");
        assert!(!ids.contains(&draft), "{who}: {}", reply.body);
        assert!(!ids.contains(&closed), "{who}: {}", reply.body);
        for item in items(&reply) {
            let status = &item["challenge"]["status"];
            assert!(status == "open" || status == "published", "{who}: {item}");
        }
    }

    let asked = app
        .get(&format!("{path}&status=closed"), m.skyshield.founder.auth())
        .await
        .expect(200);
    assert_eq!(challenge_ids(&asked), [closed]);
    assert_explanations_add_up(&asked);

    let drafts = app
        .get(&format!("{path}&status=draft"), m.skyshield.founder.auth())
        .await
        .expect(200);
    assert_eq!(
        challenge_ids(&drafts),
        Vec::<Uuid>::new(),
        "another organisation's draft stays hidden"
    );
    let admin_drafts = app
        .get(&format!("{path}&status=draft"), admin.auth())
        .await
        .expect(200);
    assert_eq!(challenge_ids(&admin_drafts), [draft]);
}

// ---------------------------------------------------------------- scope

#[actix_web::test]
async fn a_rom_officer_sees_their_own_provinces_unless_they_widen_the_scope() {
    let app = spawn_app().await;
    let m = market(&app).await;
    let rom = app.rom_officer(Rom::RomInWest).await;
    let path = challenge_matches_path(m.counter_drone);

    let regional = app.get(&path, rom.auth()).await.expect(200);
    assert_eq!(
        startup_ids(&app, &regional),
        [m.skyshield.id],
        "{}",
        regional.body
    );
    let only = &items(&regional)[0]["startup"];
    assert_eq!(only["anonymised"], false);
    assert_eq!(only["name"], "SkyShield B.V.");
    assert_explanations_add_up(&regional);

    let everywhere = app
        .get(&format!("{path}&scope=all"), rom.auth())
        .await
        .expect(200);
    let ids = startup_ids(&app, &everywhere);
    assert_eq!(ids.first(), Some(&m.skyshield.id));
    for other in [&m.maasradar, &m.dunewatch, &m.vigilo] {
        let card = &startup_item(&app, &everywhere, other.id)["startup"];
        assert_eq!(card["anonymised"], true, "{card}");
        assert_eq!(card["name"], Value::Null, "{card}");
        assert_eq!(card["contact_email"], Value::Null, "{card}");
    }
    let own = &startup_item(&app, &everywhere, m.skyshield.id)["startup"];
    assert_eq!(own["anonymised"], false);
    assert_eq!(own["name"], "SkyShield B.V.");
    assert_explanations_add_up(&everywhere);
}

#[actix_web::test]
async fn the_owning_organisation_sees_its_candidates_as_anonymous_cards() {
    let app = spawn_app().await;
    let m = market(&app).await;

    let reply = app
        .get(&challenge_matches_path(m.counter_drone), m.dmo.auth())
        .await
        .expect(200);

    let ids = startup_ids(&app, &reply);
    for startup in [&m.skyshield, &m.maasradar, &m.dunewatch, &m.vigilo] {
        assert!(ids.contains(&startup.id), "{}", reply.body);
    }
    for item in items(&reply) {
        let card = &item["startup"];
        assert_eq!(card["anonymised"], true, "{card}");
        assert_eq!(card["name"], Value::Null, "{card}");
        assert_eq!(card["kvk_number"], Value::Null, "{card}");
        assert_eq!(card["contact_email"], Value::Null, "{card}");
        let description = card["description"].as_str().expect("description");
        for name in ["SkyShield", "Maasradar", "Dunewatch", "Vigilo"] {
            assert!(!description.contains(name), "{description}");
        }
    }
}

#[actix_web::test]
async fn others_may_not_see_a_challenges_candidates() {
    let app = spawn_app().await;
    let m = market(&app).await;
    let marine = app.procurement(MARINE).await;
    let path = challenge_matches_path(m.counter_drone);

    app.get(&path, marine.auth())
        .await
        .expect_error(403, "forbidden");
    app.get(&path, m.skyshield.founder.auth())
        .await
        .expect_error(403, "forbidden");
    app.get(&path, None)
        .await
        .expect_error(401, "missing_token");
    app.get(&challenge_matches_path(Uuid::new_v4()), m.dmo.auth())
        .await
        .expect_error(404, "not_found");

    // A draft of another organisation does not exist for the navy.
    let draft = app
        .challenge_in_status(&m.dmo, challenge_body("Drone detection draft"), "draft")
        .await;
    app.get(&challenge_matches_path(draft), marine.auth())
        .await
        .expect_error(404, "not_found");
    app.get(&challenge_matches_path(draft), m.dmo.auth())
        .await
        .expect(200);
}

#[actix_web::test]
async fn a_start_up_cannot_see_another_start_ups_matches() {
    let app = spawn_app().await;
    let m = market(&app).await;

    app.get(
        &startup_matches_path(m.maasradar.id),
        m.skyshield.founder.auth(),
    )
    .await
    .expect_error(404, "not_found");
    app.get(
        &startup_matches_path(Uuid::new_v4()),
        m.skyshield.founder.auth(),
    )
    .await
    .expect_error(404, "not_found");

    // Its own ROM officer may look; another ROM's officer may not.
    let inwest = app.rom_officer(Rom::RomInWest).await;
    app.get(&startup_matches_path(m.skyshield.id), inwest.auth())
        .await
        .expect(200);
    let liof = app.rom_officer(Rom::Liof).await;
    app.get(&startup_matches_path(m.skyshield.id), liof.auth())
        .await
        .expect_error(404, "not_found");
}

// ---------------------------------------------------------------- preview

#[actix_web::test]
async fn a_preview_suggests_technologies_and_ranks_the_counter_drone_challenge_first() {
    let app = spawn_app().await;
    let m = market(&app).await;
    let founder = app.startup_account("Stealth start-up").await;

    let reply = app
        .post(
            PREVIEW,
            founder.auth(),
            json!({
                "description": "We build passive radar that spots UAV swarms and single drones \
                    before they reach an airbase, and track them until they land.",
                "keywords": ["counter-drone"],
                "technologies": [],
                "province": "NL-NH",
                "country": "NL",
                "trl": 6,
            }),
        )
        .await
        .expect(200);

    let suggested = reply.body["suggested_technologies"]
        .as_array()
        .expect("suggested technologies");
    assert!(
        suggested.iter().any(|code| code == "autonomy-drones"),
        "{}",
        reply.body
    );
    assert_eq!(
        challenge_ids(&reply).first(),
        Some(&m.counter_drone),
        "{}",
        reply.body
    );
    assert_explanations_add_up(&reply);
    let best = &items(&reply)[0]["explanation"];
    assert_eq!(best["region"]["relation"], "same_province");
    assert_eq!(best["trl_in_range"], true);

    let limited = app
        .post(
            &format!("{PREVIEW}?limit=1"),
            founder.auth(),
            json!({"description": "Passive radar against drones near airbases."}),
        )
        .await
        .expect(200);
    assert_eq!(challenge_ids(&limited), [m.counter_drone]);
}

#[actix_web::test]
async fn a_foreign_draft_is_not_placed_in_a_dutch_province() {
    let app = spawn_app().await;
    let m = market(&app).await;
    let draft = json!({
        "description": "We build passive radar that spots drones before they reach an airbase.",
        "country": "BE",
        "province": "NL-NH",
        "trl": 6,
    });

    // As with a profile: only start-ups in the Netherlands have a province.
    let reply = app.post(PREVIEW, m.vigilo.founder.auth(), draft).await;

    assert_eq!(
        reply.status, 400,
        "a Belgian draft was matched as if it were in Noord-Holland: {}",
        reply.body
    );
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("province"));
}

#[actix_web::test]
async fn a_preview_needs_a_description_and_a_sensible_limit() {
    let app = spawn_app().await;
    let founder = app.startup_account("Stealth start-up").await;
    let body = json!({"description": "Passive radar against drones near airbases."});

    let zero = app
        .post(&format!("{PREVIEW}?limit=0"), founder.auth(), body.clone())
        .await;
    zero.expect_error(400, "invalid_input");
    assert_eq!(zero.error_field(), Some("limit"));

    let too_many = app
        .post(&format!("{PREVIEW}?limit=101"), founder.auth(), body)
        .await;
    too_many.expect_error(400, "invalid_input");
    assert_eq!(too_many.error_field(), Some("limit"));

    let blank = app
        .post(PREVIEW, founder.auth(), json!({"description": "   "}))
        .await;
    blank.expect_error(400, "invalid_input");
    assert_eq!(blank.error_field(), Some("description"));

    app.post(
        PREVIEW,
        None,
        json!({"description": "Passive radar against drones."}),
    )
    .await
    .expect_error(401, "missing_token");
}

// ---------------------------------------------------------- semantic view

/// Words of two themes. The semantic model learns from which words occur
/// together, so a text of one theme lands near other texts of that theme
/// even when they share no word.
const AIRFRAME_WORDS: [&str; 8] = [
    "rotor",
    "airframe",
    "propeller",
    "hover",
    "autopilot",
    "fuselage",
    "landing",
    "altitude",
];
const NETWORK_WORDS: [&str; 8] = [
    "malware",
    "firewall",
    "intrusion",
    "encryption",
    "exploit",
    "phishing",
    "ransomware",
    "botnet",
];

/// Imports, as `defmatch import` does, enough foreign start-ups and
/// challenges of the two themes for the semantic model to train on; each
/// text has four words of its theme.
fn import_two_themes(app: &TestApp) {
    use defmatch::import::{import_records, read_records, ImportOptions, RecordKind};
    let directory = crate::helpers::TempDirectory::new("defmatch-semantic");
    let text = |index: usize| {
        let theme = if index % 2 == 0 {
            &AIRFRAME_WORDS
        } else {
            &NETWORK_WORDS
        };
        (0..4)
            .map(|offset| theme[(index / 2 + offset * 3) % 8])
            .collect::<Vec<_>>()
            .join(" ")
    };
    let startups: Vec<String> = (0..130)
        .map(|index| {
            json!({"id": format!("theme:{index}"), "name": format!("Theme Firm {index}"),
                   "description": text(index), "country": "DE"})
            .to_string()
        })
        .collect();
    let challenges: Vec<String> = (0..110)
        .map(|index| {
            json!({"id": format!("theme:{index}"), "title": text(index + 1),
                   "description": text(index + 1)})
            .to_string()
        })
        .collect();
    let mut connection = app.database.connect();
    for (name, lines, kind) in [
        ("startups.jsonl", startups, RecordKind::Startups),
        ("challenges.jsonl", challenges, RecordKind::Challenges),
    ] {
        let path = directory.path.join(name);
        std::fs::write(&path, lines.join("\n")).expect("write the import file");
        let source = read_records(&path).expect("read the import file");
        assert!(source.rejections.is_empty());
        let options = ImportOptions::default();
        let report = import_records(&mut connection, kind, source.records, options, &|_, _| {})
            .expect("import");
        assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    }
}

#[actix_web::test]
async fn the_semantic_view_ranks_the_start_up_of_the_challenges_theme_first() {
    let app = spawn_app().await;
    let dmo = app.procurement(DMO).await;
    import_two_themes(&app);
    // Both describe themselves with "telemetry", the one word they share
    // with the challenge, and four words that the challenge does not use:
    // of its theme for Hoverlab, of the other theme for Netguard.
    let utrecht = |name: &str, description: &str| {
        merge(
            startup_profile(name),
            json!({"description": description, "keywords": [], "technologies": [],
                   "province": "NL-UT", "city": "Utrecht", "trl": null}),
        )
    };
    let (_, hoverlab) = app
        .startup_with_profile(utrecht(
            "Hoverlab",
            "Telemetry autopilot fuselage landing altitude.",
        ))
        .await;
    let (_, netguard) = app
        .startup_with_profile(utrecht(
            "Netguard",
            "Telemetry malware firewall intrusion encryption.",
        ))
        .await;
    let challenge = app
        .challenge_in_status(
            &dmo,
            merge(
                challenge_body("Rotor airframe"),
                json!({"summary": "Rotor airframe propeller hover.",
                       "description": "Rotor airframe propeller hover telemetry.",
                       "desired_outcome": "Telemetry.", "keywords": [], "technologies": [],
                       "preferred_provinces": ["NL-UT"], "trl_min": 1, "trl_max": 9}),
            ),
            "open",
        )
        .await;
    app.wait_for_index().await;
    let learnt = app
        .search
        .engine
        .index()
        .wait_for_semantic_model(std::time::Duration::from_secs(60));
    assert!(
        learnt >= defmatch::search::semantic::MIN_DOCUMENTS,
        "trained on {learnt}"
    );

    let reply = app
        .get(
            &format!("{}&province=NL-UT", challenge_matches_path(challenge)),
            dmo.auth(),
        )
        .await
        .expect(200);

    assert_eq!(
        startup_ids(&app, &reply),
        vec![hoverlab, netguard],
        "the same words in common, but Hoverlab writes about the challenge's subject: {}",
        reply.body
    );
    assert_explanations_add_up(&reply);
    let near = &startup_item(&app, &reply, hoverlab)["explanation"];
    let far = &startup_item(&app, &reply, netguard)["explanation"];
    assert!(
        number(&near["semantic_similarity"]) > number(&far["semantic_similarity"]) + 0.3,
        "{near} / {far}"
    );
    assert_eq!(
        near["matched_terms"]["query_to_result"],
        json!(["telemetry"])
    );
}

#[actix_web::test]
async fn without_enough_documents_there_is_no_semantic_view() {
    let app = spawn_app().await;
    let m = market(&app).await;
    let reply = app
        .get(&challenge_matches_path(m.counter_drone), m.dmo.auth())
        .await
        .expect(200);
    assert!(!items(&reply).is_empty());
    for item in items(&reply) {
        assert_eq!(
            item["explanation"]["semantic_similarity"],
            Value::Null,
            "{item}"
        );
    }
    assert_explanations_add_up(&reply);
}

#[actix_web::test]
async fn challenges_that_share_only_a_word_every_challenge_uses_are_still_listed() {
    // The candidate search looks first by the words few challenges use;
    // when those find too few, it asks every word, so a start-up whose only
    // word in common is one all challenges use still sees them.
    let app = spawn_app().await;
    let dmo = app.procurement(DMO).await;
    let topics = [
        (
            "Harbour surveillance",
            "Watch the harbour entrance from the quay.",
        ),
        (
            "Field kitchens",
            "Cook warm meals for a battalion in the field.",
        ),
        (
            "Bridge inspection",
            "Inspect the load of temporary bridges.",
        ),
    ];
    let mut challenges = Vec::new();
    for (title, description) in topics {
        let body = merge(
            challenge_body(title),
            json!({
                "summary": title,
                "description": format!("{description} Interoperability with allies matters."),
                "desired_outcome": title,
                "keywords": [title],
            }),
        );
        challenges.push(app.challenge_in_status(&dmo, body, "open").await);
    }
    let bridgeware = startup(
        &app,
        "Bridgeware B.V.",
        json!({
            "description": "Interoperability.",
            "keywords": ["interoperability"],
        }),
    )
    .await;

    let reply = app
        .get(
            &startup_matches_path(bridgeware.id),
            bridgeware.founder.auth(),
        )
        .await
        .expect(200);

    let mut listed = challenge_ids(&reply);
    listed.sort();
    challenges.sort();
    assert_eq!(listed, challenges, "{}", reply.body);
}

#[actix_web::test]
async fn of_more_start_ups_tied_than_a_match_considers_those_with_the_smallest_ids_are_listed() {
    let app = spawn_app().await;
    let dmo = app.procurement(DMO).await;
    let challenge = app
        .challenge_in_status(
            &dmo,
            challenge_body("Counter-drone radar for airbases"),
            "open",
        )
        .await;
    // A match considers its 30 best candidates by text. 36 start-ups that
    // say the same tie for them; which 30 are considered must not depend on
    // the order the index happened to store them in (each replica has its
    // own), so the smallest ids are. Imported, as a region's spreadsheet
    // would bring them.
    let files = TempDirectory::new("defmatch-twins");
    let lines: Vec<String> = (0..36)
        .map(|number| {
            json!({
                "id": format!("twin:{number}"),
                "name": format!("Twin {number:02} B.V."),
                "kvk_number": format!("{}", 81_000_000 + number),
                "description": format!("We {DRONE_RADAR_TEXT}"),
                "keywords": ["counter-drone", "passive radar", "drone detection"],
                "technologies": ["autonomy-drones", "imaging-sensing"],
                "province": "NL-NH",
                "trl": 6,
            })
            .to_string()
        })
        .collect();
    let file = files.path.join("twins.jsonl");
    std::fs::write(&file, lines.join("\n")).expect("write the twins");
    let source = read_records(&file).expect("read the twins");
    let options = ImportOptions {
        create_organisations: true,
        dry_run: false,
        reach: ImportReach::Everywhere,
    };
    let report = import_records(
        &mut app.database.connect(),
        RecordKind::Startups,
        source.records,
        options,
        &|_, _| {},
    )
    .expect("import the twins");
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let mut twins: Vec<Uuid> = {
        use defmatch::db::schema::startups;
        use diesel::prelude::*;
        startups::table
            .filter(startups::external_id.like("twin:%"))
            .select(startups::id)
            .load(&mut app.database.connect())
            .expect("the twins' ids")
    };
    assert_eq!(twins.len(), 36);
    app.wait_for_index().await;
    let admin = app.admin().await;

    let reply = app
        .get(
            &format!("{}&limit=30", challenge_matches_path(challenge)),
            admin.auth(),
        )
        .await
        .expect(200);

    let mut listed = startup_ids(&app, &reply);
    listed.sort();
    twins.sort();
    assert_eq!(listed, twins[..30], "the 30 smallest ids of the tie");
}
