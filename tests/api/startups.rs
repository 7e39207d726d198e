//! Start-up profiles: a start-up writes its own; ROM officers read those of
//! their provinces in full; procurement officers see anonymous cards that
//! never name the company; admins see and edit everything.

use actix_web::http::Method;
use chrono::Datelike;
use defmatch::domain::region::Rom;
use diesel::prelude::*;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{merge, spawn_app, startup_profile, without, Actor, Reply, TestApp};

const STARTUPS: &str = "/api/v1/startups";

fn startup_path(id: Uuid) -> String {
    format!("{STARTUPS}/{id}")
}

/// The names on a page of profiles, in the order given.
fn names(reply: &Reply) -> Vec<String> {
    reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["name"].as_str().unwrap_or("<anonymised>").to_owned())
        .collect()
}

/// The ids on a page of profiles, in the order given (behind the handles
/// of anonymous cards).
fn ids(app: &TestApp, reply: &Reply) -> Vec<Uuid> {
    reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| app.startup_behind(&item["id"]))
        .collect()
}

/// The path of start-up `id`'s card as `officer` (who sees cards only) was
/// given it in a list; the id itself names nothing to them.
async fn card_path(app: &TestApp, officer: &Actor, id: Uuid) -> String {
    app.get(&startup_path(id), officer.auth())
        .await
        .expect_error(404, "not_found");
    let listed = app
        .get(&format!("{STARTUPS}?per_page=100"), officer.auth())
        .await
        .expect(200);
    let card = listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| app.startup_behind(&item["id"]) == id)
        .expect("the card is listed");
    format!("{STARTUPS}/{}", card["id"].as_str().expect("handle"))
}

/// Asserts that the start-up `owner` has no profile stored (yet).
async fn assert_nothing_stored(app: &TestApp, owner: &Actor) {
    let listed = app.get(STARTUPS, owner.auth()).await.expect(200);
    assert_eq!(
        listed.body["total"], 0,
        "a profile was stored: {}",
        listed.body
    );
}

/// Posts `body` as `owner` and asserts a 400 `invalid_input` naming `field`,
/// with nothing stored.
async fn assert_refused(app: &TestApp, owner: &Actor, case: &str, body: Value, field: &str) {
    let reply = app.post(STARTUPS, owner.auth(), body).await;
    assert_eq!(reply.status, 400, "{case}: body {}", reply.body);
    assert_eq!(
        reply.error_code(),
        "invalid_input",
        "{case}: {}",
        reply.body
    );
    assert_eq!(reply.error_field(), Some(field), "{case}: {}", reply.body);
    assert_nothing_stored(app, owner).await;
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
async fn a_start_up_creates_its_profile_and_the_rom_follows_from_the_province() {
    let app = spawn_app().await;
    let founder = app.startup_account("Skywatch B.V.").await;
    let profile = startup_profile("Skywatch B.V.");

    let reply = app
        .post(STARTUPS, founder.auth(), profile.clone())
        .await
        .expect(201);

    assert_eq!(reply.etag_version(), 1);
    let body = &reply.body;
    assert_eq!(body["version"], 1);
    assert_eq!(body["anonymised"], false);
    assert_eq!(body["organisation_id"], json!(founder.organisation_id));
    for field in [
        "name",
        "kvk_number",
        "website",
        "description",
        "technologies",
        "keywords",
        "province",
        "country",
        "city",
        "trl",
        "employees",
        "founded_year",
        "dual_use",
        "export_control_categories",
        "contact_name",
        "contact_email",
        "contact_phone",
    ] {
        assert_eq!(body[field], profile[field], "field {field} is not echoed");
    }
    assert_eq!(body["rom"], "rom-inwest");

    let fetched = app
        .get(&startup_path(reply.id()), founder.auth())
        .await
        .expect(200);
    assert_eq!(fetched.body["name"], "Skywatch B.V.");
    assert_eq!(fetched.etag_version(), 1);
}

#[actix_web::test]
async fn a_company_has_one_profile_only() {
    let app = spawn_app().await;
    let founder = app.startup_account("Skywatch B.V.").await;
    app.post(STARTUPS, founder.auth(), startup_profile("Skywatch B.V."))
        .await
        .expect(201);

    let second = app
        .post(
            STARTUPS,
            founder.auth(),
            startup_profile("Skywatch Two B.V."),
        )
        .await;

    second.expect_error(409, "conflict");
    let listed = app.get(STARTUPS, founder.auth()).await.expect(200);
    assert_eq!(listed.body["total"], 1);
    assert_eq!(names(&listed), ["Skywatch B.V."]);
}

#[actix_web::test]
async fn only_start_up_accounts_create_profiles() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let officer = app.procurement("Defensie Materieel en IT").await;
    let rom = app.rom_officer(Rom::RomInWest).await;

    for (who, actor) in [("procurement", &officer), ("admin", &admin), ("rom", &rom)] {
        let reply = app
            .post(STARTUPS, actor.auth(), startup_profile("Not Theirs B.V."))
            .await;
        assert_eq!(reply.status, 403, "{who}: {}", reply.body);
        reply.expect_error(403, "forbidden");
    }
    app.post(STARTUPS, None, startup_profile("Nobody B.V."))
        .await
        .expect_error(401, "missing_token");

    let listed = app.get(STARTUPS, admin.auth()).await.expect(200);
    assert_eq!(listed.body["total"], 0);
}

#[actix_web::test]
async fn dutch_and_foreign_location_rules_are_enforced() {
    let app = spawn_app().await;
    let founder = app.startup_account("Skywatch B.V.").await;
    let profile = startup_profile("Skywatch B.V.");

    assert_refused(
        &app,
        &founder,
        "KvK number with 7 digits",
        merge(profile.clone(), json!({"kvk_number": "1234567"})),
        "kvk_number",
    )
    .await;
    assert_refused(
        &app,
        &founder,
        "Dutch without a province",
        without(profile.clone(), "province"),
        "province",
    )
    .await;
    assert_refused(
        &app,
        &founder,
        "Dutch with province null",
        merge(profile.clone(), json!({"province": null})),
        "province",
    )
    .await;
    assert_refused(
        &app,
        &founder,
        "foreign with a province",
        merge(
            without(profile.clone(), "kvk_number"),
            json!({"country": "BE", "province": "NL-NH"}),
        ),
        "province",
    )
    .await;
    assert_refused(
        &app,
        &founder,
        "Dutch without a KvK number",
        without(profile, "kvk_number"),
        "kvk_number",
    )
    .await;
}

#[actix_web::test]
async fn fields_out_of_range_or_of_the_wrong_type_are_refused_by_name() {
    let app = spawn_app().await;
    let founder = app.startup_account("Skywatch B.V.").await;
    let profile = startup_profile("Skywatch B.V.");
    let next_year = chrono::Utc::now().year() + 1;

    let cases = [
        ("TRL 0", json!({"trl": 0}), "trl"),
        ("TRL 10", json!({"trl": 10}), "trl"),
        ("TRL as a word", json!({"trl": "six"}), "trl"),
        (
            "unknown technology",
            json!({"technologies": ["lasers"]}),
            "technologies[0]",
        ),
        ("unknown province", json!({"province": "NL-XX"}), "province"),
        (
            "export category 10",
            json!({"export_control_categories": [10]}),
            "export_control_categories[0]",
        ),
        (
            "founded next year",
            json!({"founded_year": next_year}),
            "founded_year",
        ),
        (
            "website without scheme",
            json!({"website": "startup.example"}),
            "website",
        ),
        (
            "website with ftp",
            json!({"website": "ftp://startup.example"}),
            "website",
        ),
    ];
    for (case, change, field) in cases {
        assert_refused(&app, &founder, case, merge(profile.clone(), change), field).await;
    }
    assert_refused(
        &app,
        &founder,
        "unknown field",
        merge(profile, json!({"colour": "green"})),
        "colour",
    )
    .await;
}

#[actix_web::test]
async fn a_body_that_is_not_json_is_refused_before_anything_is_stored() {
    let app = spawn_app().await;
    let founder = app.startup_account("Skywatch B.V.").await;

    let malformed = app
        .send(
            Method::POST,
            STARTUPS,
            founder.auth(),
            &[],
            Some(("application/json", b"{\"name\": \"Skywatch\",".to_vec())),
        )
        .await;
    malformed.expect_error(400, "malformed_json");

    let mut huge = startup_profile("Skywatch B.V.");
    huge["description"] = json!("x".repeat(1024 * 1024 + 1));
    let too_large = app
        .send(
            Method::POST,
            STARTUPS,
            founder.auth(),
            &[],
            Some(("application/json", huge.to_string().into_bytes())),
        )
        .await;
    too_large.expect_error(413, "payload_too_large");

    let plain_text = app
        .send(
            Method::POST,
            STARTUPS,
            founder.auth(),
            &[],
            Some((
                "text/plain",
                startup_profile("Skywatch B.V.").to_string().into_bytes(),
            )),
        )
        .await;
    plain_text.expect_error(415, "unsupported_media_type");

    assert_nothing_stored(&app, &founder).await;
}

#[actix_web::test]
async fn a_foreign_start_up_needs_neither_kvk_number_nor_province() {
    let app = spawn_app().await;
    let founder = app.startup_account("Brusselsat SA").await;
    let profile = merge(
        without(
            without(startup_profile("Brusselsat SA"), "kvk_number"),
            "province",
        ),
        json!({"country": "BE", "city": "Brussels"}),
    );

    let reply = app
        .post(STARTUPS, founder.auth(), profile)
        .await
        .expect(201);

    assert_eq!(reply.body["country"], "BE");
    assert_eq!(reply.body["province"], Value::Null);
    assert_eq!(reply.body["rom"], Value::Null);
    assert_eq!(reply.body["kvk_number"], Value::Null);
}

#[actix_web::test]
async fn every_technology_and_every_export_category_can_be_stored() {
    let app = spawn_app().await;
    let taxonomy = app.get("/api/v1/taxonomy", None).await.expect(200);
    let technologies: Vec<Value> = taxonomy.body["technologies"]
        .as_array()
        .expect("technologies")
        .iter()
        .map(|technology| technology["code"].clone())
        .collect();
    assert_eq!(technologies.len(), 15);
    let founder = app.startup_account("Everything B.V.").await;
    let profile = merge(
        startup_profile("Everything B.V."),
        json!({
            "technologies": technologies,
            "export_control_categories": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        }),
    );

    let reply = app
        .post(STARTUPS, founder.auth(), profile)
        .await
        .expect(201);

    assert_eq!(reply.body["technologies"], json!(technologies));
    assert_eq!(
        reply.body["export_control_categories"],
        json!([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    );
}

#[actix_web::test]
async fn two_companies_cannot_share_a_kvk_number() {
    let app = spawn_app().await;
    let first = startup_profile("Skywatch B.V.");
    let kvk = first["kvk_number"].clone();
    app.startup_with_profile(first).await;
    let copycat = app.startup_account("Copycat B.V.").await;

    let reply = app
        .post(
            STARTUPS,
            copycat.auth(),
            merge(startup_profile("Copycat B.V."), json!({"kvk_number": kvk})),
        )
        .await;

    reply.expect_error(409, "conflict");
    assert_eq!(reply.error_field(), Some("kvk_number"));
    assert_nothing_stored(&app, &copycat).await;
}

// ---------------------------------------------------------------- read one

#[actix_web::test]
async fn the_owner_admin_and_the_provinces_rom_see_the_full_profile() {
    let app = spawn_app().await;
    let (owner, id) = app
        .startup_with_profile(startup_profile("Skywatch B.V."))
        .await;
    let admin = app.admin().await;
    let inwest = app.rom_officer(Rom::RomInWest).await;

    for (who, actor) in [
        ("owner", &owner),
        ("admin", &admin),
        ("ROM InWest", &inwest),
    ] {
        let reply = app.get(&startup_path(id), actor.auth()).await;
        assert_eq!(reply.status, 200, "{who}: {}", reply.body);
        assert_eq!(reply.body["anonymised"], false, "{who}");
        assert_eq!(reply.body["name"], "Skywatch B.V.", "{who}");
        assert_eq!(reply.body["contact_email"], "anna@startup.example", "{who}");
        assert_eq!(reply.body["city"], "Amsterdam", "{who}");
        assert_eq!(reply.etag_version(), 1, "{who}");
    }
}

#[actix_web::test]
async fn a_procurement_officer_sees_an_anonymous_card() {
    let app = spawn_app().await;
    let (_, id) = app
        .startup_with_profile(startup_profile("Skywatch B.V."))
        .await;
    let officer = app.procurement("Defensie Materieel en IT").await;

    let path = card_path(&app, &officer, id).await;
    let reply = app.get(&path, officer.auth()).await.expect(200);

    let card = &reply.body;
    assert_eq!(card["anonymised"], true);
    for hidden in [
        "name",
        "organisation_id",
        "kvk_number",
        "website",
        "city",
        "contact_name",
        "contact_email",
        "contact_phone",
    ] {
        assert_eq!(card[hidden], Value::Null, "{hidden} is revealed");
    }
    assert_eq!(
        card["description"],
        "[start-up] builds passive radar for small drone detection."
    );
    assert_eq!(card["province"], "NL-NH");
    assert_eq!(card["trl"], 6);
    assert_eq!(
        card["technologies"],
        json!(["autonomy-drones", "imaging-sensing"])
    );
    assert!(!card.to_string().contains("Skywatch"), "{card}");
}

#[actix_web::test]
async fn others_cannot_tell_a_hidden_profile_from_a_missing_one() {
    let app = spawn_app().await;
    let (_, id) = app
        .startup_with_profile(startup_profile("Skywatch B.V."))
        .await;
    let liof = app.rom_officer(Rom::Liof).await;
    let (competitor, _) = app
        .startup_with_profile(startup_profile("Competitor B.V."))
        .await;

    let missing = app
        .get(&startup_path(Uuid::new_v4()), competitor.auth())
        .await;
    missing.expect_error(404, "not_found");
    for (who, actor) in [
        ("ROM of another area", &liof),
        ("another start-up", &competitor),
    ] {
        let reply = app.get(&startup_path(id), actor.auth()).await;
        assert_eq!(reply.status, 404, "{who}: {}", reply.body);
        assert_eq!(reply.body, missing.body, "{who}");
    }
    app.get(&startup_path(id), None)
        .await
        .expect_error(401, "missing_token");
}

// ---------------------------------------------------------------- list

/// Four start-ups in different places, technologies and stages.
async fn four_start_ups(app: &TestApp) -> [(Actor, Uuid); 4] {
    let skywatch = app
        .startup_with_profile(startup_profile("Skywatch B.V."))
        .await;
    let quantix = app
        .startup_with_profile(merge(
            startup_profile("Quantix B.V."),
            json!({
                "description": "Quantix builds quantum magnetometers for submarine detection.",
                "technologies": ["quantum"],
                "keywords": ["magnetometer"],
                "province": "NL-LI",
                "city": "Maastricht",
                "trl": 3,
                "dual_use": false,
            }),
        ))
        .await;
    let brusselsat = app
        .startup_with_profile(merge(
            without(
                without(startup_profile("Brusselsat SA"), "kvk_number"),
                "province",
            ),
            json!({
                "description": "Brusselsat builds small satellites for earth observation.",
                "technologies": ["space"],
                "keywords": ["cubesat"],
                "country": "BE",
                "city": "Brussels",
                "trl": 8,
                "dual_use": true,
            }),
        ))
        .await;
    let delta = app
        .startup_with_profile(merge(
            startup_profile("Delta Cyber B.V."),
            json!({
                "description": "Delta Cyber runs red-team exercises for critical networks.",
                "technologies": ["cybersecurity"],
                "keywords": ["pentest"],
                "province": "NL-ZH",
                "city": "Den Haag",
                "trl": 5,
                "dual_use": false,
            }),
        ))
        .await;
    [skywatch, quantix, brusselsat, delta]
}

#[actix_web::test]
async fn an_admin_lists_every_profile_by_name_with_the_total() {
    let app = spawn_app().await;
    four_start_ups(&app).await;
    let admin = app.admin().await;

    let reply = app.get(STARTUPS, admin.auth()).await.expect(200);

    assert_eq!(reply.body["total"], 4);
    assert_eq!(reply.body["page"], 1);
    assert_eq!(
        names(&reply),
        [
            "Brusselsat SA",
            "Delta Cyber B.V.",
            "Quantix B.V.",
            "Skywatch B.V."
        ]
    );
    assert!(reply.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|item| item["anonymised"] == false));
}

#[actix_web::test]
async fn a_rom_officer_lists_only_the_start_ups_of_their_provinces() {
    let app = spawn_app().await;
    let [(_, skywatch), (_, quantix), _, _] = four_start_ups(&app).await;
    let inwest = app.rom_officer(Rom::RomInWest).await;
    let liof = app.rom_officer(Rom::Liof).await;
    let nom = app.rom_officer(Rom::Nom).await;

    let west = app.get(STARTUPS, inwest.auth()).await.expect(200);
    assert_eq!(ids(&app, &west), [skywatch]);
    assert_eq!(west.body["total"], 1);
    assert_eq!(
        west.body["items"][0]["contact_email"],
        "anna@startup.example"
    );

    let limburg = app.get(STARTUPS, liof.auth()).await.expect(200);
    assert_eq!(ids(&app, &limburg), [quantix]);
    assert_eq!(limburg.body["total"], 1);

    let north = app.get(STARTUPS, nom.auth()).await.expect(200);
    assert_eq!(north.body["total"], 0);
    assert_eq!(north.body["items"], json!([]));
}

#[actix_web::test]
async fn a_procurement_officer_lists_anonymous_cards() {
    let app = spawn_app().await;
    four_start_ups(&app).await;
    let officer = app.procurement("Defensie Materieel en IT").await;

    let reply = app.get(STARTUPS, officer.auth()).await.expect(200);

    assert_eq!(reply.body["total"], 4);
    for card in reply.body["items"].as_array().unwrap() {
        assert_eq!(card["anonymised"], true, "{card}");
        assert_eq!(card["name"], Value::Null, "{card}");
        assert_eq!(card["kvk_number"], Value::Null, "{card}");
        assert_eq!(card["contact_email"], Value::Null, "{card}");
        assert!(
            card["description"]
                .as_str()
                .unwrap()
                .starts_with("[start-up] "),
            "{card}"
        );
    }
}

#[actix_web::test]
async fn a_procurement_officer_cannot_find_a_start_up_by_its_name() {
    let app = spawn_app().await;
    let [(_, skywatch), ..] = four_start_ups(&app).await;
    let officer = app.procurement("Defensie Materieel en IT").await;
    let admin = app.admin().await;

    let by_admin = app
        .get(&format!("{STARTUPS}?q=Skywatch"), admin.auth())
        .await
        .expect(200);
    assert_eq!(ids(&app, &by_admin), [skywatch]);

    // The capability is still found: the search itself works for procurement.
    let by_capability = app
        .get(&format!("{STARTUPS}?q=radar"), officer.auth())
        .await
        .expect(200);
    assert_eq!(ids(&app, &by_capability), [skywatch]);

    // But the name must not: finding it by name would tell who is behind the card.
    let by_name = app
        .get(&format!("{STARTUPS}?q=Skywatch"), officer.auth())
        .await
        .expect(200);
    assert_eq!(
        by_name.body["total"], 0,
        "the company name leaks through search: {}",
        by_name.body
    );
    assert_eq!(by_name.body["items"], json!([]));
}

#[actix_web::test]
async fn a_start_up_lists_only_its_own_profile() {
    let app = spawn_app().await;
    let [_, (quantix_founder, quantix), _, _] = four_start_ups(&app).await;

    let reply = app.get(STARTUPS, quantix_founder.auth()).await.expect(200);

    assert_eq!(ids(&app, &reply), [quantix]);
    assert_eq!(reply.body["total"], 1);
    assert_eq!(reply.body["items"][0]["anonymised"], false);
}

#[actix_web::test]
async fn the_list_filters_by_technology_place_maturity_dual_use_and_text() {
    let app = spawn_app().await;
    let [(_, skywatch), (_, quantix), (_, brusselsat), (_, delta)] = four_start_ups(&app).await;
    let admin = app.admin().await;

    let cases: [(&str, Vec<Uuid>); 10] = [
        ("technology=quantum", vec![quantix]),
        ("technology=imaging-sensing", vec![skywatch]),
        ("province=NL-ZH", vec![delta]),
        ("country=BE", vec![brusselsat]),
        ("trl_min=6", vec![brusselsat, skywatch]),
        ("trl_max=5", vec![delta, quantix]),
        ("trl_min=4&trl_max=6", vec![delta, skywatch]),
        ("dual_use=false", vec![delta, quantix]),
        ("q=cubesat", vec![brusselsat]),
        ("q=MAGNETOMETER", vec![quantix]),
    ];
    for (query, expected) in cases {
        let reply = app
            .get(&format!("{STARTUPS}?{query}"), admin.auth())
            .await
            .expect(200);
        assert_eq!(ids(&app, &reply), expected, "{query}");
        assert_eq!(reply.body["total"], expected.len(), "{query}");
    }
}

#[actix_web::test]
async fn bad_filters_are_refused() {
    let app = spawn_app().await;
    let admin = app.admin().await;

    for query in [
        "technology=lasers",
        "province=NL-XX",
        "trl_min=0",
        "dual_use=maybe",
    ] {
        let reply = app.get(&format!("{STARTUPS}?{query}"), admin.auth()).await;
        assert_eq!(reply.status, 400, "{query}: {}", reply.body);
        reply.expect_error(400, "invalid_input");
    }
    let unknown = app
        .get(&format!("{STARTUPS}?colour=red"), admin.auth())
        .await;
    unknown.expect_error(400, "invalid_input");
    assert_eq!(unknown.error_field(), Some("colour"));

    let too_big = app
        .get(&format!("{STARTUPS}?per_page=101"), admin.auth())
        .await;
    too_big.expect_error(400, "invalid_input");
    assert_eq!(too_big.error_field(), Some("per_page"));
}

#[actix_web::test]
async fn the_list_is_paginated() {
    let app = spawn_app().await;
    four_start_ups(&app).await;
    let admin = app.admin().await;

    let second = app
        .get(&format!("{STARTUPS}?per_page=1&page=2"), admin.auth())
        .await
        .expect(200);

    assert_eq!(names(&second), ["Delta Cyber B.V."]);
    assert_eq!(second.body["total"], 4);
    assert_eq!(second.body["page"], 2);
    assert_eq!(second.body["per_page"], 1);

    let beyond = app
        .get(&format!("{STARTUPS}?per_page=2&page=3"), admin.auth())
        .await
        .expect(200);
    assert_eq!(beyond.body["items"], json!([]));
    assert_eq!(beyond.body["total"], 4);
}

// ---------------------------------------------------------------- update

#[actix_web::test]
async fn the_owner_updates_the_profile_with_if_match() {
    let app = spawn_app().await;
    let (owner, id) = app
        .startup_with_profile(startup_profile("Skywatch B.V."))
        .await;

    let reply = app
        .patch(
            &startup_path(id),
            owner.auth(),
            1,
            json!({"description": "Skywatch now also jams drones."}),
        )
        .await
        .expect(200);

    assert_eq!(reply.etag_version(), 2);
    assert_eq!(reply.body["version"], 2);
    assert_eq!(reply.body["description"], "Skywatch now also jams drones.");
    assert_eq!(reply.body["city"], "Amsterdam", "absent fields stay");
    let fetched = app.get(&startup_path(id), owner.auth()).await.expect(200);
    assert_eq!(
        fetched.body["description"],
        "Skywatch now also jams drones."
    );
    assert_eq!(fetched.etag_version(), 2);
}

#[actix_web::test]
async fn null_clears_an_optional_field() {
    let app = spawn_app().await;
    let (owner, id) = app
        .startup_with_profile(startup_profile("Skywatch B.V."))
        .await;

    let reply = app
        .patch(&startup_path(id), owner.auth(), 1, json!({"city": null}))
        .await
        .expect(200);

    assert_eq!(reply.body["city"], Value::Null);
    let fetched = app.get(&startup_path(id), owner.auth()).await.expect(200);
    assert_eq!(fetched.body["city"], Value::Null);
    assert_eq!(fetched.body["province"], "NL-NH");
}

#[actix_web::test]
async fn a_stale_or_missing_if_match_changes_nothing() {
    let app = spawn_app().await;
    let (owner, id) = app
        .startup_with_profile(startup_profile("Skywatch B.V."))
        .await;
    app.patch(&startup_path(id), owner.auth(), 1, json!({"trl": 7}))
        .await
        .expect(200);

    let stale = app
        .patch(
            &startup_path(id),
            owner.auth(),
            1,
            json!({"description": "Overwritten by an old tab."}),
        )
        .await;
    stale.expect_error(412, "precondition_failed");

    let missing = app
        .send(
            Method::PATCH,
            &startup_path(id),
            owner.auth(),
            &[],
            Some((
                "application/json",
                json!({"description": "Blind write."})
                    .to_string()
                    .into_bytes(),
            )),
        )
        .await;
    missing.expect_error(428, "precondition_required");

    let fetched = app.get(&startup_path(id), owner.auth()).await.expect(200);
    assert_eq!(fetched.etag_version(), 2);
    assert_eq!(fetched.body["trl"], 7);
    assert_eq!(
        fetched.body["description"],
        "Skywatch B.V. builds passive radar for small drone detection."
    );
}

#[actix_web::test]
async fn only_the_owner_and_admins_edit_a_profile() {
    let app = spawn_app().await;
    let (_, id) = app
        .startup_with_profile(startup_profile("Skywatch B.V."))
        .await;
    let inwest = app.rom_officer(Rom::RomInWest).await;
    let (competitor, _) = app
        .startup_with_profile(startup_profile("Competitor B.V."))
        .await;
    let admin = app.admin().await;
    let change = json!({"description": "Edited by someone else."});

    app.patch(&startup_path(id), inwest.auth(), 1, change.clone())
        .await
        .expect_error(403, "forbidden");
    app.patch(&startup_path(id), competitor.auth(), 1, change.clone())
        .await
        .expect_error(404, "not_found");
    let unchanged = app.get(&startup_path(id), admin.auth()).await.expect(200);
    assert_eq!(unchanged.etag_version(), 1);

    let by_admin = app
        .patch(
            &startup_path(id),
            admin.auth(),
            1,
            json!({"description": "Corrected by the admin."}),
        )
        .await
        .expect(200);
    assert_eq!(by_admin.body["description"], "Corrected by the admin.");
    assert_eq!(by_admin.etag_version(), 2);
}

#[actix_web::test]
async fn a_patch_that_breaks_a_rule_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let (owner, id) = app
        .startup_with_profile(startup_profile("Skywatch B.V."))
        .await;

    let reply = app
        .patch(
            &startup_path(id),
            owner.auth(),
            1,
            json!({"province": null}),
        )
        .await;

    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("province"));
    let fetched = app.get(&startup_path(id), owner.auth()).await.expect(200);
    assert_eq!(fetched.body["province"], "NL-NH");
    assert_eq!(fetched.etag_version(), 1);
}

// ---------------------------------------------------------------- outbox

#[actix_web::test]
async fn profile_writes_are_recorded_for_the_search_index() {
    let app = spawn_app().await;
    let (owner, id) = app
        .startup_with_profile(startup_profile("Skywatch B.V."))
        .await;
    let after_create = outbox_rows(&app, id);
    assert_eq!(after_create, 1);

    app.patch(&startup_path(id), owner.auth(), 1, json!({"trl": 7}))
        .await
        .expect(200);

    assert!(outbox_rows(&app, id) > after_create);

    // A refused change records nothing.
    let before_refusal = outbox_rows(&app, id);
    app.patch(&startup_path(id), owner.auth(), 1, json!({"trl": 8}))
        .await
        .expect_error(412, "precondition_failed");
    assert_eq!(outbox_rows(&app, id), before_refusal);
}

#[actix_web::test]
async fn every_abdo_level_can_be_held() {
    let app = spawn_app().await;
    for level in ["TBB1", "TBB2", "TBB3", "TBB4"] {
        let profile = merge(
            startup_profile(&format!("Cleared {level} B.V.")),
            json!({"abdo_clearance": level}),
        );
        let (owner, id) = app.startup_with_profile(profile).await;
        let reply = app
            .get(&format!("/api/v1/startups/{id}"), owner.auth())
            .await
            .expect(200);
        assert_eq!(reply.body["abdo_clearance"], level);
    }
}

#[actix_web::test]
async fn the_brand_in_a_longer_company_name_is_hidden_from_procurement() {
    let app = spawn_app().await;
    let profile = merge(
        startup_profile("Helderwacht Drone Defence B.V."),
        json!({"description": "Helderwacht was founded by former navy officers to detect drones."}),
    );
    let (owner, id) = app.startup_with_profile(profile).await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    let path = card_path(&app, &officer, id).await;
    let card = app.get(&path, officer.auth()).await.expect(200);
    let description = card.body["description"].as_str().unwrap();
    assert!(
        !description.to_lowercase().contains("helderwacht"),
        "{description}"
    );
    let search = app
        .get("/api/v1/startups?q=Helderwacht", officer.auth())
        .await
        .expect(200);
    assert_eq!(search.body["total"], 0);
    let me = app.get("/api/v1/me", owner.auth()).await.expect(200);
    assert_eq!(me.body["startup_id"], id.to_string());
}
