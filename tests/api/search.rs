//! Tests of search: challenges are found by what they say (in English or
//! Dutch, by synonyms, acronyms and with a typo), filtered, counted per
//! facet and sorted, and never shown or counted to someone who may not see
//! them; start-ups are searched by admins, ROM officers (their provinces)
//! and procurement (anonymous cards, without names).

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use defmatch::domain::region::Rom;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    challenge_body, merge, spawn_app, startup_profile, without, Actor, Reply, TestApp,
};

const CHALLENGES: &str = "/api/v1/challenges";
const SEARCH_CHALLENGES: &str = "/api/v1/search/challenges";
const SEARCH_STARTUPS: &str = "/api/v1/search/startups";
const DMO: &str = "Defensie Materieel en IT";
const MARINE: &str = "Koninklijke Marine";

/// An instant `days` from now, as RFC 3339 (for JSON bodies).
fn in_days(days: i64) -> String {
    (Utc::now() + Duration::days(days)).to_rfc3339()
}

/// An instant `days` from now, as a query-string value.
fn in_query(days: i64) -> String {
    (Utc::now() + Duration::days(days))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// `path?pairs`, form-encoded.
fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        query.append_pair(name, value);
    }
    format!("{path}?{}", query.finish())
}

async fn search(app: &TestApp, actor: Option<&Actor>, pairs: &[(&str, &str)]) -> Reply {
    app.get(
        &with_query(SEARCH_CHALLENGES, pairs),
        actor.and_then(Actor::auth),
    )
    .await
}

/// Searches challenges and asserts a 200.
async fn found(app: &TestApp, actor: Option<&Actor>, pairs: &[(&str, &str)]) -> Reply {
    let reply = search(app, actor, pairs).await;
    assert_eq!(reply.status, 200, "{pairs:?}: {}", reply.body);
    reply
}

fn uuid_of(value: &Value) -> Uuid {
    value.as_str().expect("uuid string").parse().expect("uuid")
}

/// The ids of the challenges on a page of hits, in the order given.
fn hit_ids(reply: &Reply) -> Vec<Uuid> {
    reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| uuid_of(&item["challenge"]["id"]))
        .collect()
}

/// The ids of the start-ups on a page of hits, in the order given
/// (behind the handles of anonymous cards).
fn startup_hit_ids(app: &TestApp, reply: &Reply) -> Vec<Uuid> {
    reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| app.startup_behind(&item["startup"]["id"]))
        .collect()
}

fn set(ids: &[Uuid]) -> BTreeSet<Uuid> {
    ids.iter().copied().collect()
}

/// A challenge body that says exactly this (and nothing of the default text).
fn written(title: &str, summary: &str, description: &str, technologies: Value) -> Value {
    merge(
        challenge_body(title),
        json!({
            "summary": summary,
            "description": description,
            "desired_outcome": "A working prototype within a year.",
            "keywords": [],
            "technologies": technologies,
        }),
    )
}

// ---------------------------------------------------------------- write, then search

#[actix_web::test]
async fn a_challenge_is_found_once_opened_and_follows_its_edits() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let created = app
        .post(
            CHALLENGES,
            officer.auth(),
            written(
                "Hydrographic survey with autonomous boats",
                "Map shallow coastal waters with small autonomous boats.",
                "Survey vessels cannot enter shallow coastal waters. Small autonomous boats \
                 should map the sea floor there.",
                json!(["autonomy-drones"]),
            ),
        )
        .await
        .expect(201);
    let id = created.id();
    let opened = app
        .post_if_match(
            &format!("{CHALLENGES}/{id}/status"),
            officer.auth(),
            created.etag_version(),
            json!({"status": "open"}),
        )
        .await
        .expect(200);
    app.wait_for_index().await;

    let hits = found(&app, None, &[("q", "hydrographic")]).await;
    assert_eq!(hit_ids(&hits), [id]);
    assert_eq!(hits.body["total"], 1);
    let hit = &hits.body["items"][0];
    assert_eq!(
        hit["challenge"]["title"],
        "Hydrographic survey with autonomous boats"
    );
    assert!(hit["score"].as_f64().expect("score") > 0.0);

    app.patch(
        &format!("{CHALLENGES}/{id}"),
        officer.auth(),
        opened.etag_version(),
        json!({"title": "Bathymetric survey with autonomous boats"}),
    )
    .await
    .expect(200);
    app.wait_for_index().await;

    let renamed = found(&app, None, &[("q", "bathymetric")]).await;
    assert_eq!(hit_ids(&renamed), [id]);
    assert_eq!(
        renamed.body["items"][0]["challenge"]["title"],
        "Bathymetric survey with autonomous boats"
    );
    let old = found(&app, None, &[("q", "hydrographic")]).await;
    assert_eq!(hit_ids(&old), Vec::<Uuid>::new());
    assert_eq!(old.body["total"], 0);
}

#[actix_web::test]
async fn a_deleted_draft_disappears_from_search() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let created = app
        .post(
            CHALLENGES,
            officer.auth(),
            written(
                "Minehunting sonar for the North Sea",
                "Find sea mines with synthetic aperture sonar.",
                "Old sea mines lie on the bottom of the North Sea. Sonar should find them.",
                json!(["imaging-sensing"]),
            ),
        )
        .await
        .expect(201);
    app.wait_for_index().await;
    let draft = found(&app, Some(&officer), &[("q", "minehunting")]).await;
    assert_eq!(hit_ids(&draft), [created.id()]);

    app.delete(
        &format!("{CHALLENGES}/{}", created.id()),
        officer.auth(),
        created.etag_version(),
    )
    .await
    .expect(204);
    app.wait_for_index().await;

    let gone = found(&app, Some(&officer), &[("q", "minehunting")]).await;
    assert_eq!(hit_ids(&gone), Vec::<Uuid>::new());
    assert_eq!(gone.body["total"], 0);
    assert_eq!(gone.body["facets"]["technology"], json!({}));
}

// ---------------------------------------------------------------- language

#[actix_web::test]
async fn synonyms_acronyms_and_typos_find_what_the_text_says_in_other_words() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    // Each is tagged with a technology the query does not name, so the
    // text alone has to be found.
    let depot = app
        .challenge_in_status(
            &officer,
            written(
                "Perimeter watch for ammunition depots",
                "Spot drones over ammunition depots.",
                "Drones are seen over ammunition depots at night. Guards need a warning on \
                 their phones.",
                json!(["imaging-sensing"]),
            ),
            "open",
        )
        .await;
    let triage = app
        .challenge_in_status(
            &officer,
            written(
                "AI triage of maintenance reports",
                "Use AI to sort maintenance reports by urgency.",
                "Technicians write thousands of free-text maintenance reports. An AI assistant \
                 should sort them by urgency and flag safety issues.",
                json!(["process-tech"]),
            ),
            "open",
        )
        .await;
    let radios = app
        .challenge_in_status(
            &officer,
            written(
                "Hardened field radios",
                "Protect field radios against digital security threats.",
                "Field radios must withstand jamming and tampering. We want digital security \
                 built into the firmware of every radio.",
                json!(["communications"]),
            ),
            "open",
        )
        .await;
    let coastal = app
        .challenge_in_status(
            &officer,
            written(
                "Coastal radar upgrade",
                "Upgrade the coastal radar chain.",
                "The coastal radar stations of the navy need new signal processing to see small \
                 boats between the waves.",
                json!(["photonics"]),
            ),
            "open",
        )
        .await;
    app.wait_for_index().await;

    let cases: [(&str, Vec<Uuid>, &str); 10] = [
        ("UAV", vec![depot], "an acronym finds the word"),
        ("uav", vec![depot], "in any case"),
        (
            "machine learning",
            vec![triage],
            "a multi-word synonym finds the acronym",
        ),
        ("cyber", vec![radios], "a synonym finds a phrase"),
        ("drone", vec![depot], "a singular finds the plural"),
        ("radr", vec![coastal], "a typo in a short query is forgiven"),
        (
            "radr stations navy processing",
            vec![],
            "a long query is taken literally",
        ),
        ("\"coastal radar\"", vec![coastal], "a phrase"),
        ("\"radar coastal\"", vec![], "a phrase keeps its order"),
        ("stations -navy", vec![], "an excluded word"),
    ];
    for (q, expected, why) in cases {
        let reply = found(&app, None, &[("q", q)]).await;
        assert_eq!(hit_ids(&reply), expected, "q={q}: {why}");
        assert_eq!(reply.body["total"], expected.len(), "q={q}");
    }
}

#[actix_web::test]
async fn a_dutch_challenge_is_found_by_another_form_of_its_words() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let dutch = app
        .challenge_in_status(
            &officer,
            merge(
                written(
                    "Detectie van drones bij de voertuigparken",
                    "Wij zoeken een systeem voor de detectie van drones boven de voertuigparken \
                     van de landmacht.",
                    "Kleine drones vliegen 's nachts over de geparkeerde voertuigen. De wacht \
                     moet op tijd worden gewaarschuwd, ook bij slecht weer.",
                    json!(["imaging-sensing"]),
                ),
                json!({"desired_outcome": "Een werkend prototype binnen een jaar."}),
            ),
            "open",
        )
        .await;
    let english = app
        .challenge_in_status(
            &officer,
            written(
                "Fuel logistics for field hospitals",
                "Plan fuel deliveries to field hospitals.",
                "Generators of field hospitals run out of fuel. We want a planning tool for \
                 deliveries.",
                json!(["energy-propulsion"]),
            ),
            "open",
        )
        .await;
    app.wait_for_index().await;

    // The text says "drones", "voertuigen" and "gewaarschuwd".
    for q in ["drone", "voertuig", "waarschuwen", "waarschuwing"] {
        let reply = found(&app, None, &[("q", q)]).await;
        assert_eq!(hit_ids(&reply), [dutch], "q={q}");
    }
    let reply = found(&app, None, &[("q", "hospital")]).await;
    assert_eq!(
        hit_ids(&reply),
        [english],
        "the English one by its own words"
    );
}

// ---------------------------------------------------------------- confidentiality

/// Four challenges of the DMO that all mention sonar, one per level of
/// confidentiality, each with a technology and province of its own.
struct Levels {
    dmo: Actor,
    public: Uuid,
    registered: Uuid,
    vetted: Uuid,
    draft: Uuid,
}

async fn levels(app: &TestApp) -> Levels {
    let dmo = app.procurement(DMO).await;
    let sonar = |title: &str, technology: &str, province: &str, visibility: &str| {
        merge(
            written(
                title,
                "Sonar for the protection of harbours.",
                "Divers and small submarines approach harbours unseen. Sonar should detect \
                 them in time.",
                json!([technology]),
            ),
            json!({"preferred_provinces": [province], "visibility": visibility}),
        )
    };
    let public = app
        .challenge_in_status(
            &dmo,
            sonar("Public harbour sonar", "imaging-sensing", "NL-ZE", "public"),
            "open",
        )
        .await;
    let registered = app
        .challenge_in_status(
            &dmo,
            sonar(
                "Registered harbour sonar",
                "communications",
                "NL-FR",
                "registered",
            ),
            "open",
        )
        .await;
    let vetted = app
        .challenge_in_status(
            &dmo,
            sonar("Vetted harbour sonar", "quantum", "NL-GR", "vetted"),
            "open",
        )
        .await;
    let draft = app
        .challenge_in_status(
            &dmo,
            sonar("Draft harbour sonar", "space", "NL-DR", "public"),
            "draft",
        )
        .await;
    app.wait_for_index().await;
    Levels {
        dmo,
        public,
        registered,
        vetted,
        draft,
    }
}

/// Asserts that a search shows exactly `expected`, and counts exactly
/// them: the total and every facet.
#[track_caller]
fn assert_exactly(
    who: &str,
    reply: &Reply,
    expected: &[Uuid],
    technologies: Value,
    provinces: Value,
) {
    assert_eq!(set(&hit_ids(reply)), set(expected), "{who}: {}", reply.body);
    assert_eq!(reply.body["total"], expected.len(), "{who}: {}", reply.body);
    let facets = &reply.body["facets"];
    assert_eq!(facets["technology"], technologies, "{who}");
    assert_eq!(facets["province"], provinces, "{who}");
}

#[actix_web::test]
async fn anonymous_visitors_neither_see_nor_count_what_is_not_public() {
    let app = spawn_app().await;
    let l = levels(&app).await;

    for q in ["sonar", ""] {
        let reply = found(&app, None, &[("q", q)]).await;
        assert_exactly(
            &format!("anonymous, q={q}"),
            &reply,
            &[l.public],
            json!({"imaging-sensing": 1}),
            json!({"NL-ZE": 1}),
        );
        assert_eq!(reply.body["facets"]["status"], json!({"open": 1}));
    }
    // Asking for them by their own technology or province finds nothing either.
    for (name, value) in [
        ("technology", "quantum"),
        ("province", "NL-GR"),
        ("status", "draft"),
    ] {
        let reply = found(&app, None, &[(name, value)]).await;
        assert_exactly(
            &format!("anonymous, {name}={value}"),
            &reply,
            &[],
            json!({}),
            json!({}),
        );
    }
}

#[actix_web::test]
async fn a_vetted_challenge_is_found_only_by_vetted_users() {
    let app = spawn_app().await;
    let l = levels(&app).await;
    let (founder, _) = app
        .startup_with_profile(startup_profile("Skywatch B.V."))
        .await;
    let marine = app.procurement(MARINE).await;

    let unvetted = found(&app, Some(&founder), &[("q", "sonar")]).await;
    assert_exactly(
        "unvetted start-up",
        &unvetted,
        &[l.public, l.registered],
        json!({"communications": 1, "imaging-sensing": 1}),
        json!({"NL-FR": 1, "NL-ZE": 1}),
    );
    let hidden = found(&app, Some(&founder), &[("technology", "quantum")]).await;
    assert_exactly("unvetted start-up", &hidden, &[], json!({}), json!({}));

    app.vet(&founder);

    let vetted = found(&app, Some(&founder), &[("q", "sonar")]).await;
    assert_exactly(
        "vetted start-up",
        &vetted,
        &[l.public, l.registered, l.vetted],
        json!({"communications": 1, "imaging-sensing": 1, "quantum": 1}),
        json!({"NL-FR": 1, "NL-GR": 1, "NL-ZE": 1}),
    );
    let other_organisation = found(&app, Some(&marine), &[("q", "sonar")]).await;
    assert_exactly(
        "procurement of another organisation",
        &other_organisation,
        &[l.public, l.registered, l.vetted],
        json!({"communications": 1, "imaging-sensing": 1, "quantum": 1}),
        json!({"NL-FR": 1, "NL-GR": 1, "NL-ZE": 1}),
    );
}

#[actix_web::test]
async fn a_draft_is_found_only_by_its_own_organisation() {
    let app = spawn_app().await;
    let l = levels(&app).await;
    let colleague = app.procurement(DMO).await;
    let marine = app.procurement(MARINE).await;

    for (who, actor) in [("author", &l.dmo), ("colleague", &colleague)] {
        let reply = found(&app, Some(actor), &[("q", "sonar")]).await;
        assert_exactly(
            who,
            &reply,
            &[l.public, l.registered, l.vetted, l.draft],
            json!({"communications": 1, "imaging-sensing": 1, "quantum": 1, "space": 1}),
            json!({"NL-DR": 1, "NL-FR": 1, "NL-GR": 1, "NL-ZE": 1}),
        );
        assert_eq!(
            reply.body["facets"]["status"],
            json!({"draft": 1, "open": 3}),
            "{who}"
        );
    }
    let marine_drafts = found(&app, Some(&marine), &[("status", "draft")]).await;
    assert_exactly("navy", &marine_drafts, &[], json!({}), json!({}));
}

// ---------------------------------------------------------------- filters, facets, sorting

/// Five public challenges of the DMO, created in this order.
struct Catalogue {
    dmo: Actor,
    /// Open, drones and sensing, Noord-Holland, TRL 4-7, deadline in 30 days.
    radar: Uuid,
    /// Published, quantum, national, TRL 2-4, deadline in 10 days.
    quantum: Uuid,
    /// Open, cybersecurity and AI, Zuid-Holland, TRL 5-8, deadline in 20 days.
    cyber: Uuid,
    /// Closed, photonics, Zeeland, TRL 4-7, deadline in 45 days.
    photonic: Uuid,
    /// Open rolling call, communications, Limburg, TRL 6-9, no deadline.
    mesh: Uuid,
}

async fn catalogue(app: &TestApp) -> Catalogue {
    let dmo = app.procurement(DMO).await;
    let radar = app
        .challenge_in_status(
            &dmo,
            merge(
                challenge_body("Counter-drone radar for airbases"),
                json!({
                    "technologies": ["autonomy-drones", "imaging-sensing"],
                    "closes_at": in_days(30),
                }),
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
    let cyber = app
        .challenge_in_status(
            &dmo,
            merge(
                challenge_body("Cyber range with AI opponents"),
                json!({
                    "technologies": ["cybersecurity", "ai-data"],
                    "preferred_provinces": ["NL-ZH"],
                    "trl_min": 5,
                    "trl_max": 8,
                    "closes_at": in_days(20),
                }),
            ),
            "open",
        )
        .await;
    let photonic = app
        .challenge_in_status(
            &dmo,
            merge(
                challenge_body("Photonic sensors for ships"),
                json!({
                    "technologies": ["photonics"],
                    "preferred_provinces": ["NL-ZE"],
                    "closes_at": in_days(45),
                }),
            ),
            "closed",
        )
        .await;
    let mesh = app
        .challenge_in_status(
            &dmo,
            merge(
                without(challenge_body("Secure mesh communications"), "closes_at"),
                json!({
                    "technologies": ["communications"],
                    "preferred_provinces": ["NL-LI"],
                    "trl_min": 6,
                    "trl_max": 9,
                }),
            ),
            "open",
        )
        .await;
    app.wait_for_index().await;
    Catalogue {
        dmo,
        radar,
        quantum,
        cyber,
        photonic,
        mesh,
    }
}

/// Search parameters and the challenges they should find.
type FilterCase<'a> = (Vec<(&'a str, &'a str)>, Vec<Uuid>);

#[actix_web::test]
async fn filters_narrow_the_hits_and_national_challenges_fit_every_province() {
    let app = spawn_app().await;
    let c = catalogue(&app).await;

    let closes_before = in_query(15);
    let closes_after = in_query(25);
    let dmo = c.dmo.organisation_id.expect("organisation").to_string();
    let marine = app
        .procurement(MARINE)
        .await
        .organisation_id
        .expect("organisation")
        .to_string();

    let cases: Vec<FilterCase> = vec![
        (
            vec![],
            vec![c.radar, c.quantum, c.cyber, c.photonic, c.mesh],
        ),
        (vec![("technology", "quantum")], vec![c.quantum]),
        (vec![("technology", "imaging-sensing")], vec![c.radar]),
        (vec![("province", "NL-NH")], vec![c.radar, c.quantum]),
        (vec![("province", "NL-LI")], vec![c.mesh, c.quantum]),
        (vec![("province", "NL-GR")], vec![c.quantum]),
        (
            vec![("status", "open,published")],
            vec![c.radar, c.quantum, c.cyber, c.mesh],
        ),
        (vec![("status", "closed")], vec![c.photonic]),
        (vec![("trl", "3")], vec![c.quantum]),
        (vec![("trl", "5")], vec![c.radar, c.cyber, c.photonic]),
        (vec![("trl", "9")], vec![c.mesh]),
        (
            vec![("technology", "autonomy-drones"), ("status", "open")],
            vec![c.radar],
        ),
        (vec![("q", "status:closed")], vec![c.photonic]),
        (vec![("q", "province:NL-NH")], vec![c.radar, c.quantum]),
        (vec![("q", "trl:3")], vec![c.quantum]),
        (
            vec![("q", "radar technology:autonomy-drones")],
            vec![c.radar],
        ),
        (vec![("closes_before", &closes_before)], vec![c.quantum]),
        (
            vec![("closes_after", &closes_after)],
            vec![c.radar, c.photonic],
        ),
        (
            vec![
                ("closes_after", &closes_before),
                ("closes_before", &closes_after),
            ],
            vec![c.cyber],
        ),
        (
            vec![("organisation_id", &dmo)],
            vec![c.radar, c.quantum, c.cyber, c.photonic, c.mesh],
        ),
        (vec![("organisation_id", &marine)], vec![]),
    ];
    for (pairs, expected) in cases {
        let reply = found(&app, None, &pairs).await;
        assert_eq!(set(&hit_ids(&reply)), set(&expected), "{pairs:?}");
        assert_eq!(reply.body["total"], expected.len(), "{pairs:?}");
    }
}

#[actix_web::test]
async fn facets_count_the_filtered_hits() {
    let app = spawn_app().await;
    let c = catalogue(&app).await;

    let everything = found(&app, None, &[]).await;
    assert_eq!(
        everything.body["facets"],
        json!({
            "technology": {
                "ai-data": 1, "autonomy-drones": 1, "communications": 1, "cybersecurity": 1,
                "imaging-sensing": 1, "photonics": 1, "quantum": 1
            },
            "province": {"NL-LI": 1, "NL-NH": 1, "NL-ZE": 1, "NL-ZH": 1},
            "status": {"closed": 1, "open": 3, "published": 1},
        })
    );

    let open = found(
        &app,
        None,
        &[("status", "open,published"), ("per_page", "1")],
    )
    .await;
    assert_eq!(hit_ids(&open).len(), 1, "one per page");
    assert_eq!(open.body["total"], 4, "the total counts every page");
    assert_eq!(
        open.body["facets"],
        json!({
            "technology": {
                "ai-data": 1, "autonomy-drones": 1, "communications": 1, "cybersecurity": 1,
                "imaging-sensing": 1, "quantum": 1
            },
            "province": {"NL-LI": 1, "NL-NH": 1, "NL-ZH": 1},
            "status": {"open": 3, "published": 1},
        })
    );

    let by_filter = found(&app, None, &[("technology", "ai-data")]).await;
    let by_query = found(&app, None, &[("q", "technology:ai-data")]).await;
    assert_eq!(hit_ids(&by_filter), [c.cyber]);
    assert_eq!(hit_ids(&by_query), hit_ids(&by_filter));
    assert_eq!(by_query.body["total"], by_filter.body["total"]);
    assert_eq!(by_query.body["facets"], by_filter.body["facets"]);
    assert_eq!(
        by_filter.body["facets"]["technology"],
        json!({"ai-data": 1, "cybersecurity": 1})
    );
}

#[actix_web::test]
async fn hits_are_sorted_by_nearest_deadline_first() {
    let app = spawn_app().await;
    let c = catalogue(&app).await;

    let by_deadline = found(&app, None, &[("sort", "deadline")]).await;
    assert_eq!(
        hit_ids(&by_deadline),
        [c.quantum, c.cyber, c.radar, c.photonic, c.mesh],
        "nearest deadline first, the rolling call last"
    );
    let second_page = found(
        &app,
        None,
        &[("sort", "deadline"), ("per_page", "2"), ("page", "2")],
    )
    .await;
    assert_eq!(hit_ids(&second_page), [c.radar, c.photonic]);
    assert_eq!(second_page.body["total"], 5);
    assert_eq!(second_page.body["page"], 2);
    assert_eq!(second_page.body["per_page"], 2);
    let beyond = found(&app, None, &[("page", "100000"), ("per_page", "100")]).await;
    assert_eq!(hit_ids(&beyond), Vec::<Uuid>::new());
    assert_eq!(beyond.body["total"], 5);
}

#[actix_web::test]
async fn hits_are_sorted_newest_first() {
    let app = spawn_app().await;
    // Created one after the other, most within the same second.
    let c = catalogue(&app).await;

    let newest = found(&app, None, &[("sort", "newest")]).await;

    assert_eq!(
        hit_ids(&newest),
        [c.mesh, c.photonic, c.cyber, c.quantum, c.radar],
        "newest first, as the challenge list orders them"
    );
    let listed = app.get(CHALLENGES, c.dmo.auth()).await.expect(200);
    let listed: Vec<Uuid> = listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| uuid_of(&item["id"]))
        .collect();
    assert_eq!(hit_ids(&newest), listed);
}

#[actix_web::test]
async fn hits_that_tie_come_in_the_order_of_their_ids_on_every_page() {
    let app = spawn_app().await;
    let dmo = app.procurement(DMO).await;
    // Alike in every word and in the deadline: every order ties them.
    let closes_at = in_days(30);
    let mut twins = Vec::new();
    for _ in 0..5 {
        let body = merge(
            written(
                "Hydrophone arrays",
                "Hydrophone arrays for harbours.",
                "Passive hydrophone arrays that listen for divers in harbours.",
                json!(["imaging-sensing"]),
            ),
            json!({ "closes_at": closes_at }),
        );
        twins.push(app.challenge_in_status(&dmo, body, "open").await);
    }
    app.wait_for_index().await;
    let mut by_id = twins.clone();
    by_id.sort();

    for sort in ["relevance", "deadline", "newest"] {
        let all = found(&app, None, &[("q", "hydrophone"), ("sort", sort)]).await;
        let tied = hit_ids(&all);
        if sort == "newest" {
            // Created one after the other: their times set the order.
            assert_eq!(set(&tied), set(&twins), "{sort}");
            continue;
        }
        assert_eq!(tied, by_id, "{sort}: ties in the order of their ids");
        let mut paged = Vec::new();
        for page in ["1", "2", "3"] {
            let reply = found(
                &app,
                None,
                &[
                    ("q", "hydrophone"),
                    ("sort", sort),
                    ("per_page", "2"),
                    ("page", page),
                ],
            )
            .await;
            paged.extend(hit_ids(&reply));
        }
        assert_eq!(
            paged, by_id,
            "{sort}: the pages hold each hit once, in that order"
        );
    }
}

// ---------------------------------------------------------------- bad queries

#[actix_web::test]
async fn a_query_that_cannot_be_run_is_refused_with_the_field_q() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let radar = app
        .challenge_in_status(
            &officer,
            challenge_body("Counter-drone radar for airbases"),
            "open",
        )
        .await;
    app.wait_for_index().await;

    for q in [
        "\"open",
        "radar \"passive",
        "colour:blue",
        "trl:12",
        "trl:high",
        "technology:warp-drive",
        "province:NL-XX",
        "status:secret",
        "technology:",
    ] {
        let reply = search(&app, None, &[("q", q)]).await;
        assert_eq!(reply.status, 400, "q={q}: {}", reply.body);
        reply.expect_error(400, "invalid_input");
        assert_eq!(reply.error_field(), Some("q"), "q={q}");
    }

    for q in [
        "C-UAS (airbase) 12:30",
        "radar!",
        "  radar  ",
        "AI/ML + radar?",
    ] {
        let reply = search(&app, None, &[("q", q)]).await;
        assert_eq!(reply.status, 200, "q={q}: {}", reply.body);
    }
    let punctuated = found(&app, None, &[("q", "counter-drone, (airbase)!")]).await;
    assert_eq!(hit_ids(&punctuated), [radar]);

    for (name, value) in [
        ("status", "secret"),
        ("technology", "warp-drive"),
        ("sort", "colour"),
        ("per_page", "0"),
        ("trl", "10"),
    ] {
        let reply = search(&app, None, &[(name, value)]).await;
        assert_eq!(reply.status, 400, "{name}={value}: {}", reply.body);
    }
}

// ---------------------------------------------------------------- start-ups

struct Founders {
    /// Passive radar, Noord-Holland.
    skyshield: Uuid,
    /// Passive radar, Limburg.
    maasradar: Uuid,
    /// Logistics AI, Overijssel.
    planwise: Uuid,
    founder: Actor,
}

async fn founders(app: &TestApp) -> Founders {
    let radar = |name: &str, province: &str| {
        merge(
            startup_profile(name),
            json!({
                "description": format!(
                    "{} builds passive radar that detects small drones near airbases.",
                    name.trim_end_matches(" B.V.")
                ),
                "keywords": ["passive radar"],
                "province": province,
            }),
        )
    };
    let (founder, skyshield) = app
        .startup_with_profile(radar("SkyShield B.V.", "NL-NH"))
        .await;
    let (_, maasradar) = app
        .startup_with_profile(radar("Maasradar B.V.", "NL-LI"))
        .await;
    let (_, planwise) = app
        .startup_with_profile(merge(
            startup_profile("Planwise B.V."),
            json!({
                "description": "Planwise forecasts spare-part demand with machine learning.",
                "keywords": ["logistics"],
                "technologies": ["ai-data"],
                "province": "NL-OV",
            }),
        ))
        .await;
    app.wait_for_index().await;
    Founders {
        skyshield,
        maasradar,
        planwise,
        founder,
    }
}

async fn search_startups(app: &TestApp, actor: &Actor, pairs: &[(&str, &str)]) -> Reply {
    app.get(&with_query(SEARCH_STARTUPS, pairs), actor.auth())
        .await
}

#[actix_web::test]
async fn an_admin_finds_a_start_up_by_its_name() {
    let app = spawn_app().await;
    let f = founders(&app).await;
    let admin = app.admin().await;

    let by_name = search_startups(&app, &admin, &[("q", "SkyShield")])
        .await
        .expect(200);
    assert_eq!(startup_hit_ids(&app, &by_name), [f.skyshield]);
    let card = &by_name.body["items"][0]["startup"];
    assert_eq!(card["name"], "SkyShield B.V.");
    assert_eq!(card["anonymised"], false);

    let by_capability = search_startups(&app, &admin, &[("q", "radar")])
        .await
        .expect(200);
    assert_eq!(
        set(&startup_hit_ids(&app, &by_capability)),
        set(&[f.skyshield, f.maasradar])
    );
    assert_eq!(by_capability.body["total"], 2);

    let all = search_startups(&app, &admin, &[]).await.expect(200);
    assert_eq!(all.body["total"], 3);
    assert_eq!(
        all.body["facets"]["province"],
        json!({"NL-LI": 1, "NL-NH": 1, "NL-OV": 1})
    );
    let ai = search_startups(&app, &admin, &[("technology", "ai-data")])
        .await
        .expect(200);
    assert_eq!(startup_hit_ids(&app, &ai), [f.planwise]);
}

#[actix_web::test]
async fn procurement_finds_anonymous_cards_and_cannot_search_by_name() {
    let app = spawn_app().await;
    let f = founders(&app).await;
    let officer = app.procurement(DMO).await;

    let by_capability = search_startups(&app, &officer, &[("q", "radar")])
        .await
        .expect(200);
    assert_eq!(
        set(&startup_hit_ids(&app, &by_capability)),
        set(&[f.skyshield, f.maasradar])
    );
    for item in by_capability.body["items"].as_array().expect("items") {
        let card = &item["startup"];
        assert_eq!(card["anonymised"], true, "{card}");
        assert_eq!(card["name"], Value::Null, "{card}");
        assert_eq!(card["contact_email"], Value::Null, "{card}");
        let description = card["description"].as_str().expect("description");
        assert!(
            !description.contains("SkyShield") && !description.contains("Maasradar"),
            "{description}"
        );
    }

    // Excluding a name must not tell which card is whose either.
    let excluding = search_startups(&app, &officer, &[("q", "radar -Maasradar")])
        .await
        .expect(200);
    assert_eq!(
        set(&startup_hit_ids(&app, &excluding)),
        set(&[f.skyshield, f.maasradar])
    );

    for name in ["SkyShield", "Maasradar", "Planwise"] {
        let reply = search_startups(&app, &officer, &[("q", name)])
            .await
            .expect(200);
        assert_eq!(
            startup_hit_ids(&app, &reply),
            Vec::<Uuid>::new(),
            "q={name}"
        );
        assert_eq!(reply.body["total"], 0, "q={name}");
        assert_eq!(reply.body["facets"]["province"], json!({}), "q={name}");
    }
}

#[actix_web::test]
async fn a_company_name_in_the_keywords_does_not_reveal_the_start_up_to_procurement() {
    let app = spawn_app().await;
    let (_, skyshield) = app
        .startup_with_profile(merge(
            startup_profile("SkyShield B.V."),
            json!({
                "description": "SkyShield builds passive radar that detects small drones.",
                "keywords": ["SkyShield Sentinel", "passive radar"],
            }),
        ))
        .await;
    app.wait_for_index().await;
    let officer = app.procurement(DMO).await;

    let by_name = search_startups(&app, &officer, &[("q", "SkyShield")])
        .await
        .expect(200);
    assert_eq!(
        startup_hit_ids(&app, &by_name),
        Vec::<Uuid>::new(),
        "procurement found a start-up by its company name"
    );
    assert_eq!(by_name.body["total"], 0);

    let by_capability = search_startups(&app, &officer, &[("q", "radar")])
        .await
        .expect(200);
    assert_eq!(startup_hit_ids(&app, &by_capability), [skyshield]);
    let card = &by_capability.body["items"][0]["startup"];
    assert_eq!(card["anonymised"], true);
    assert!(
        !card.to_string().contains("SkyShield"),
        "the anonymous card names the company: {card}"
    );
}

#[actix_web::test]
async fn a_rom_officer_finds_only_the_start_ups_of_their_provinces() {
    let app = spawn_app().await;
    let f = founders(&app).await;
    let inwest = app.rom_officer(Rom::RomInWest).await;
    let liof = app.rom_officer(Rom::Liof).await;

    for pairs in [&[("q", "radar")][..], &[], &[("province", "NL-LI")]] {
        let reply = search_startups(&app, &inwest, pairs).await.expect(200);
        let expected: Vec<Uuid> = if pairs.iter().any(|(name, _)| *name == "province") {
            vec![]
        } else {
            vec![f.skyshield]
        };
        assert_eq!(startup_hit_ids(&app, &reply), expected, "{pairs:?}");
        assert_eq!(reply.body["total"], expected.len(), "{pairs:?}");
    }
    let by_name = search_startups(&app, &inwest, &[("q", "Maasradar")])
        .await
        .expect(200);
    assert_eq!(startup_hit_ids(&app, &by_name), Vec::<Uuid>::new());

    let limburg = search_startups(&app, &liof, &[("q", "radar")])
        .await
        .expect(200);
    assert_eq!(startup_hit_ids(&app, &limburg), [f.maasradar]);
    assert_eq!(
        limburg.body["items"][0]["startup"]["name"],
        "Maasradar B.V."
    );
    assert_eq!(limburg.body["facets"]["province"], json!({"NL-LI": 1}));
}

#[actix_web::test]
async fn start_ups_and_anonymous_visitors_cannot_search_start_ups() {
    let app = spawn_app().await;
    let f = founders(&app).await;

    search_startups(&app, &f.founder, &[("q", "radar")])
        .await
        .expect_error(403, "forbidden");
    app.get(&with_query(SEARCH_STARTUPS, &[("q", "radar")]), None)
        .await
        .expect_error(401, "missing_token");

    let admin = app.admin().await;
    let status_filter = search_startups(&app, &admin, &[("q", "status:open")]).await;
    status_filter.expect_error(400, "invalid_input");
    assert_eq!(status_filter.error_field(), Some("q"));
}
