//! The fit of a match (0 to 100, its parts adding up to it), the minimum
//! fit below which matches are left out (API and pages, with the count and
//! a way to show them), and the mark buttons of the start-up's matches
//! page and procurement's candidates page.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{challenge_body, merge, spawn_app, startup_profile, Actor, Reply, TestApp};
use crate::web_pages::{html, signed_in};

fn items(reply: &Reply) -> Vec<Value> {
    reply.body["items"].as_array().expect("items").clone()
}

/// Checks every item's fit is 0 to 100 and its parts add up to it; returns the fits.
fn checked_fits(reply: &Reply) -> Vec<i64> {
    items(reply)
        .iter()
        .map(|item| {
            let explanation = &item["explanation"];
            let fit = explanation["fit"].as_i64().expect("fit is a whole number");
            assert!((0..=100).contains(&fit), "{explanation}");
            let parts = &explanation["fit_parts"];
            let sum: i64 = ["text", "technology", "region", "trl", "marks"]
                .iter()
                .map(|part| parts[part].as_i64().expect("a whole part"))
                .sum();
            assert_eq!(sum, fit, "the parts add up to the fit: {explanation}");
            fit
        })
        .collect()
}

/// A start-up about drone radar, a challenge that fits it well and one
/// that shares a single word with it.
struct Scene {
    app: TestApp,
    officer: Actor,
    startup: Actor,
    startup_id: Uuid,
    strong: Uuid,
    weak: Uuid,
}

async fn scene() -> Scene {
    let app = spawn_app().await;
    let officer = app.procurement("Inkoop Fit").await;
    let strong = app
        .challenge_in_status(
            &officer,
            challenge_body("Passive radar for small drone detection"),
            "open",
        )
        .await;
    let weak = app
        .challenge_in_status(
            &officer,
            merge(
                challenge_body("Fuel logistics planning for naval ships"),
                json!({
                    "summary": "Plan fuel deliveries to ships at sea.",
                    "description": "Naval logistics needs a planner for fuel, spare parts and crews; a harbour radar feed may help.",
                    "technologies": ["ai-data"],
                    "keywords": ["logistics", "fuel"],
                    "preferred_provinces": ["NL-ZE"],
                    "trl_min": 8,
                    "trl_max": 9,
                }),
            ),
            "open",
        )
        .await;
    let (startup, startup_id) = app
        .startup_with_profile(startup_profile("Radar Fit BV"))
        .await;
    app.wait_for_index().await;
    Scene {
        app,
        officer,
        startup,
        startup_id,
        strong,
        weak,
    }
}

/// The fit of challenge `id` among the start-up's matches.
fn fit_of(reply: &Reply, id: Uuid) -> i64 {
    items(reply)
        .iter()
        .find(|item| item["challenge"]["id"] == json!(id))
        .unwrap_or_else(|| panic!("{id} is not listed: {}", reply.body))["explanation"]["fit"]
        .as_i64()
        .expect("fit")
}

#[actix_web::test]
async fn every_match_has_a_fit_of_0_to_100_whose_parts_add_up_and_min_fit_leaves_out_the_rest() {
    let scene = scene().await;
    let app = &scene.app;
    let matches = format!("/api/v1/startups/{}/matches", scene.startup_id);

    let all = app
        .get(&format!("{matches}?min_fit=0"), scene.startup.auth())
        .await
        .expect(200);
    let fits = checked_fits(&all);
    assert_eq!(fits.len(), 2, "{}", all.body);
    assert!(fits[0] >= fits[1], "best first: {fits:?}");
    assert_eq!(all.body["min_fit"], 0);
    assert_eq!(all.body["below_min_fit"], 0);
    // The score stays for the clients that read it.
    assert!(all.body["items"][0]["explanation"]["score"].is_number());
    let (strong, weak) = (fit_of(&all, scene.strong), fit_of(&all, scene.weak));
    assert!(strong > weak, "strong {strong}, weak {weak}");

    // A minimum just above the weak match leaves it out, and says so.
    let minimum = weak + 1;
    let narrowed = app
        .get(
            &format!("{matches}?min_fit={minimum}"),
            scene.startup.auth(),
        )
        .await
        .expect(200);
    assert_eq!(items(&narrowed).len(), 1, "{}", narrowed.body);
    assert_eq!(
        narrowed.body["items"][0]["challenge"]["id"],
        json!(scene.strong)
    );
    assert_eq!(narrowed.body["min_fit"], minimum);
    assert_eq!(narrowed.body["below_min_fit"], 1);

    // Without min_fit the documented default applies.
    let default = app.get(&matches, scene.startup.auth()).await.expect(200);
    assert_eq!(default.body["min_fit"], 10);
    assert!(checked_fits(&default).iter().all(|fit| *fit >= 10));
    assert_eq!(
        items(&default).len() + default.body["below_min_fit"].as_u64().unwrap() as usize,
        2
    );

    // The other direction: procurement's candidates have fits too.
    let candidates = app
        .get(
            &format!("/api/v1/challenges/{}/matches?min_fit=0", scene.strong),
            scene.officer.auth(),
        )
        .await
        .expect(200);
    assert_eq!(checked_fits(&candidates).len(), 1, "{}", candidates.body);

    // A minimum outside 0 to 100, or no number, is a 400 naming the field.
    for bad in ["101", "-1", "high"] {
        let refused = app
            .get(&format!("{matches}?min_fit={bad}"), scene.startup.auth())
            .await
            .expect(400);
        assert_eq!(
            refused.body["error"]["field"], "min_fit",
            "{}",
            refused.body
        );
    }
    let refused = app
        .get(
            &format!("/api/v1/challenges/{}/matches?min_fit=500", scene.strong),
            scene.officer.auth(),
        )
        .await
        .expect(400);
    assert_eq!(refused.body["error"]["field"], "min_fit");
}

#[actix_web::test]
async fn the_matches_page_shows_the_fit_and_how_many_were_left_out_with_a_link_to_show_them() {
    let scene = scene().await;
    let app = &scene.app;
    let all = app
        .get(
            &format!("/api/v1/startups/{}/matches?min_fit=0", scene.startup_id),
            scene.startup.auth(),
        )
        .await
        .expect(200);
    let (strong, weak) = (fit_of(&all, scene.strong), fit_of(&all, scene.weak));
    let minimum = weak + 1;

    let mut visitor = signed_in(app, &scene.startup.email).await;
    let reply = visitor
        .get(&format!("/matches?min_fit={minimum}"))
        .await
        .expect(200);
    let page = html(&reply);
    assert!(page.contains(&format!("Fit {strong} / 100")), "{page}");
    assert!(!page.contains("Score "), "{page}");
    assert!(page.contains(&format!("id=\"match-{}\"", scene.strong)));
    assert!(!page.contains(&format!("id=\"match-{}\"", scene.weak)));
    assert!(
        page.contains(&format!("1 match below fit {minimum} left out.")),
        "{page}"
    );
    assert!(page.contains("min_fit=0\">Show them</a>"), "{page}");

    let reply = visitor.get("/matches?min_fit=0").await.expect(200);
    let page = html(&reply);
    assert!(
        page.contains(&format!("id=\"match-{}\"", scene.weak)),
        "{page}"
    );
    assert!(page.contains(&format!("Fit {weak} / 100")), "{page}");
    assert!(!page.contains("left out"), "{page}");

    // In Dutch.
    visitor
        .get("/language?to=nl&back=/matches")
        .await
        .expect(303);
    let reply = visitor
        .get(&format!("/matches?min_fit={minimum}"))
        .await
        .expect(200);
    let page = html(&reply);
    assert!(
        page.contains(&format!("Aansluiting {strong} / 100")),
        "{page}"
    );
    assert!(
        page.contains(&format!(
            "1 match met een aansluiting onder {minimum} weggelaten."
        )),
        "{page}"
    );
    assert!(page.contains(">Toon ze</a>"), "{page}");
}

#[actix_web::test]
async fn a_start_up_marks_matches_on_its_page_and_takes_a_mark_back() {
    let scene = scene().await;
    let app = &scene.app;
    let mut visitor = signed_in(app, &scene.startup.email).await;
    let (strong, weak) = (scene.strong, scene.weak);

    let page = html(&visitor.get("/matches?min_fit=0").await.expect(200)).to_owned();
    assert!(
        page.contains(&format!("action=\"/matches/{strong}/mark\"")),
        "{page}"
    );

    // Interesting: the page shows the mark and a button to take it back.
    visitor
        .post_form(
            &format!("/matches/{strong}/mark"),
            &[("mark", "interesting")],
        )
        .await
        .expect(303);
    let page = html(&visitor.get("/matches?min_fit=0").await.expect(200)).to_owned();
    assert!(
        page.contains("You marked this interesting: challenges like it rank higher."),
        "{page}"
    );

    // Not relevant: the match leaves the list, with an undo.
    let reply = visitor
        .post_form(
            &format!("/matches/{weak}/mark"),
            &[("mark", "not_relevant")],
        )
        .await
        .expect(303);
    let location = reply.header("location").expect("a location");
    assert_eq!(location, format!("/matches?not_relevant={weak}"));
    let page = html(
        &visitor
            .get(&format!("{location}&min_fit=0"))
            .await
            .expect(200),
    )
    .to_owned();
    assert!(!page.contains(&format!("id=\"match-{weak}\"")), "{page}");
    assert!(
        page.contains("Marked not relevant: it has left your matches."),
        "{page}"
    );
    assert!(
        page.contains(&format!("action=\"/matches/{weak}/mark\"")),
        "{page}"
    );

    // The undo brings it back.
    visitor
        .post_form(&format!("/matches/{weak}/mark"), &[("mark", "none")])
        .await
        .expect(303);
    let page = html(&visitor.get("/matches?min_fit=0").await.expect(200)).to_owned();
    assert!(page.contains(&format!("id=\"match-{weak}\"")), "{page}");
}

/// The `action` of the first mark form on `page`.
fn first_mark_action(page: &str) -> String {
    page.split("action=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|action| action.ends_with("/mark"))
        .unwrap_or_else(|| panic!("no mark form: {page}"))
        .to_owned()
}

#[actix_web::test]
async fn the_candidates_page_shows_fits_filters_on_a_minimum_and_marks_by_handle_only() {
    let scene = scene().await;
    let app = &scene.app;
    let weak_startup = app
        .startup_with_profile(merge(
            startup_profile("Haven Logistiek BV"),
            json!({
                "description": "Haven Logistiek plans fuel for harbour tugs; we read a radar feed of the harbour.",
                "technologies": ["ai-data"],
                "keywords": ["logistics"],
                "province": "NL-GR",
                "trl": 2,
            }),
        ))
        .await;
    app.wait_for_index().await;
    let path = format!("/my/challenges/{}/candidates", scene.strong);
    let api = app
        .get(
            &format!("/api/v1/challenges/{}/matches?min_fit=0", scene.strong),
            scene.officer.auth(),
        )
        .await
        .expect(200);
    let fits = checked_fits(&api);
    assert_eq!(fits.len(), 2, "{}", api.body);

    let mut visitor = signed_in(app, &scene.officer.email).await;
    let reply = visitor.get(&format!("{path}?min_fit=0")).await.expect(200);
    let page = html(&reply).to_owned();
    for fit in &fits {
        assert!(page.contains(&format!("Fit {fit} / 100")), "{page}");
    }
    assert!(page.contains("name=\"min_fit\""), "{page}");
    // Marks go by the card's handle: no profile, organisation or founder id on the page.
    let (founder, startup_id) = (&scene.startup, scene.startup_id);
    for canary in [
        startup_id.to_string(),
        founder.organisation_id.expect("organisation").to_string(),
        founder.user_id.to_string(),
        weak_startup.1.to_string(),
    ] {
        assert!(!page.contains(&canary), "{canary} leaked: {page}");
    }
    let action = first_mark_action(&page);
    assert!(action.contains("/candidates/card-"), "{action}");

    // A minimum above the weaker candidate leaves it out, and says so.
    let minimum = fits[1] + 1;
    let page = html(
        &visitor
            .get(&format!("{path}?min_fit={minimum}"))
            .await
            .expect(200),
    )
    .to_owned();
    assert_eq!(
        page.matches("class=\"card candidate\"").count(),
        1,
        "{page}"
    );
    assert!(
        page.contains(&format!("1 match below fit {minimum} left out.")),
        "{page}"
    );

    // Interesting, then not relevant, then taken back.
    visitor
        .post_form(&action, &[("mark", "interesting")])
        .await
        .expect(303);
    let page = html(&visitor.get(&format!("{path}?min_fit=0")).await.expect(200)).to_owned();
    assert!(
        page.contains("You marked this interesting: start-ups like it rank higher."),
        "{page}"
    );
    let reply = visitor
        .post_form(&action, &[("mark", "not_relevant")])
        .await
        .expect(303);
    let location = reply.header("location").expect("a location");
    assert!(location.contains("not_relevant=card-"), "{location}");
    let page = html(
        &visitor
            .get(&format!("{location}&min_fit=0"))
            .await
            .expect(200),
    )
    .to_owned();
    assert_eq!(
        page.matches("class=\"card candidate\"").count(),
        1,
        "{page}"
    );
    assert!(
        page.contains("Marked not relevant: it has left the candidates."),
        "{page}"
    );
    visitor
        .post_form(&action, &[("mark", "none")])
        .await
        .expect(303);
    let page = html(&visitor.get(&format!("{path}?min_fit=0")).await.expect(200)).to_owned();
    assert_eq!(
        page.matches("class=\"card candidate\"").count(),
        2,
        "{page}"
    );

    // A bad minimum is shown beside its field, in Dutch.
    visitor
        .get(&format!("/language?to=nl&back={path}"))
        .await
        .expect(303);
    let reply = visitor.get(&format!("{path}?min_fit=150")).await;
    assert_eq!(reply.status, 400, "{}", html(&reply));
    let page = html(&reply);
    assert!(
        page.contains("data-error-for=\"min_fit\" aria-live=\"polite\">Kies een waarde van 0 tot en met 100.</p>"),
        "{page}"
    );
    let reply = visitor.get(&format!("{path}?min_fit=veel")).await;
    assert_eq!(reply.status, 400);
    assert!(
        html(&reply)
            .contains("data-error-for=\"min_fit\" aria-live=\"polite\">Vul een heel getal in.</p>"),
        "{}",
        html(&reply)
    );
}

#[actix_web::test]
async fn the_openapi_document_describes_the_fit_and_min_fit() {
    let app = spawn_app().await;
    let spec = app.get("/api/v1/openapi.json", None).await.expect(200).body;
    let explanation = &spec["components"]["schemas"]["MatchExplanation"]["properties"];
    assert!(explanation["fit"].is_object(), "{explanation}");
    assert!(explanation["fit_parts"].is_object(), "{explanation}");
    for path in [
        "/api/v1/startups/{id}/matches",
        "/api/v1/challenges/{id}/matches",
        "/api/v1/matches/preview",
    ] {
        let operation = spec["paths"][path]
            .as_object()
            .and_then(|methods| methods.values().next())
            .unwrap_or_else(|| panic!("{path} is missing"));
        let parameters = operation["parameters"].as_array().expect("parameters");
        assert!(
            parameters
                .iter()
                .any(|parameter| parameter["name"] == "min_fit"),
            "{path}: {operation}"
        );
    }
    for answer in ["ChallengeMatches", "StartupMatches", "MatchPreview"] {
        let properties = &spec["components"]["schemas"][answer]["properties"];
        assert!(
            properties["below_min_fit"].is_object(),
            "{answer}: {properties}"
        );
    }
}
