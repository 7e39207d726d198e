//! Organisations: admins create and list them; members read their own.

use defmatch::domain::region::Rom;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{spawn_app, Actor, Reply, TestApp};

// ---------------------------------------------------------------------------
// Helpers private to these tests.

async fn create(app: &TestApp, caller: &Actor, body: Value) -> Reply {
    app.post("/api/v1/organisations", caller.auth(), body).await
}

fn organisation_path(id: Uuid) -> String {
    format!("/api/v1/organisations/{id}")
}

fn names(reply: &Reply) -> Vec<String> {
    reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|organisation| organisation["name"].as_str().unwrap().to_owned())
        .collect()
}

// ---------------------------------------------------------------------------
// Creating organisations

#[actix_web::test]
async fn an_admin_creates_a_defence_organisation() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let reply = create(
        &app,
        &admin,
        json!({"kind": "defence", "name": "  Defence Materiel Organisation "}),
    )
    .await
    .expect(201);
    assert_eq!(reply.etag_version(), 1);
    assert_eq!(reply.body["kind"], "defence");
    assert_eq!(reply.body["name"], "Defence Materiel Organisation");
    assert_eq!(reply.body["rom"], Value::Null);
    let id = reply.id();

    let read = app
        .get(&organisation_path(id), admin.auth())
        .await
        .expect(200);
    assert_eq!(read.body["name"], "Defence Materiel Organisation");
    assert_eq!(read.body["kind"], "defence");
}

#[actix_web::test]
async fn a_rom_organisation_needs_its_rom_and_only_it_has_one() {
    let app = spawn_app().await;
    let admin = app.admin().await;

    let reply = create(&app, &admin, json!({"kind": "rom", "name": "Oost NL"})).await;
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("rom"));

    let reply = create(
        &app,
        &admin,
        json!({"kind": "defence", "name": "DMO", "rom": "oost-nl"}),
    )
    .await;
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("rom"));

    let reply = create(
        &app,
        &admin,
        json!({"kind": "rom", "name": "Oost NL", "rom": "atlantis"}),
    )
    .await;
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("rom"));

    let created = create(
        &app,
        &admin,
        json!({"kind": "rom", "name": "Oost NL", "rom": "oost-nl"}),
    )
    .await
    .expect(201);
    assert_eq!(created.body["kind"], "rom");
    assert_eq!(created.body["rom"], "oost-nl");

    // None of the refused ones were stored.
    let list = app
        .get("/api/v1/organisations", admin.auth())
        .await
        .expect(200);
    assert_eq!(list.body["total"], 1);
}

#[actix_web::test]
async fn organisation_input_is_checked_field_by_field() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for (body, field) in [
        (json!({"kind": "defence", "name": "   "}), "name"),
        (json!({"kind": "defence", "name": "x".repeat(201)}), "name"),
        (json!({"kind": "navy", "name": "DMO"}), "kind"),
        (json!({"name": "DMO"}), "kind"),
        (json!({"kind": "defence"}), "name"),
        (
            json!({"kind": "defence", "name": "DMO", "colour": "green"}),
            "colour",
        ),
    ] {
        let reply = create(&app, &admin, body.clone()).await;
        reply.expect_error(400, "invalid_input");
        assert_eq!(reply.error_field(), Some(field), "{body}");
    }
}

#[actix_web::test]
async fn a_duplicate_name_of_the_same_kind_is_a_409_conflict() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    create(&app, &admin, json!({"kind": "defence", "name": "DMO"}))
        .await
        .expect(201);
    let reply = create(&app, &admin, json!({"kind": "defence", "name": "dmo"})).await;
    reply.expect_error(409, "conflict");
    assert_eq!(reply.error_field(), Some("name"));

    // The same name of another kind is a different organisation.
    create(
        &app,
        &admin,
        json!({"kind": "startup_company", "name": "DMO"}),
    )
    .await
    .expect(201);
}

#[actix_web::test]
async fn a_second_organisation_for_the_same_rom_is_a_409_conflict() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    create(
        &app,
        &admin,
        json!({"kind": "rom", "name": "Oost NL", "rom": "oost-nl"}),
    )
    .await
    .expect(201);
    let reply = create(
        &app,
        &admin,
        json!({"kind": "rom", "name": "East Netherlands", "rom": "oost-nl"}),
    )
    .await;
    reply.expect_error(409, "conflict");
    assert_eq!(reply.error_field(), Some("rom"));

    // Another ROM is fine.
    create(
        &app,
        &admin,
        json!({"kind": "rom", "name": "BOM", "rom": "bom"}),
    )
    .await
    .expect(201);
}

#[actix_web::test]
async fn only_admins_may_create_organisations() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;
    let officer = app.procurement("DMO").await;
    let broker = app.rom_officer(Rom::OostNl).await;
    for caller in [&founder, &officer, &broker] {
        create(
            &app,
            caller,
            json!({"kind": "defence", "name": "Shadow Unit"}),
        )
        .await
        .expect_error(403, "forbidden");
    }
    app.post(
        "/api/v1/organisations",
        None,
        json!({"kind": "defence", "name": "Shadow Unit"}),
    )
    .await
    .expect_error(401, "missing_token");
    let list = app
        .get("/api/v1/organisations?kind=defence", admin.auth())
        .await
        .expect(200);
    assert_eq!(names(&list), vec!["DMO".to_owned()]);
}

// ---------------------------------------------------------------------------
// Listing organisations

#[actix_web::test]
async fn admins_list_organisations_filtered_by_kind() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for (kind, name, rom) in [
        ("defence", "Royal Netherlands Navy", None),
        ("defence", "DMO", None),
        ("rom", "Oost NL", Some("oost-nl")),
    ] {
        create(
            &app,
            &admin,
            json!({"kind": kind, "name": name, "rom": rom}),
        )
        .await
        .expect(201);
    }
    app.startup_account("Radar Works").await;
    app.startup_account("Sonar Works").await;

    let all = app
        .get("/api/v1/organisations", admin.auth())
        .await
        .expect(200);
    assert_eq!(all.body["total"], 5);
    assert_eq!(all.body["page"], 1);
    assert_eq!(all.body["per_page"], 20);

    let defence = app
        .get("/api/v1/organisations?kind=defence", admin.auth())
        .await
        .expect(200);
    assert_eq!(defence.body["total"], 2);
    assert_eq!(
        names(&defence),
        vec!["DMO".to_owned(), "Royal Netherlands Navy".to_owned()]
    );

    let companies = app
        .get("/api/v1/organisations?kind=startup_company", admin.auth())
        .await
        .expect(200);
    assert_eq!(
        names(&companies),
        vec!["Radar Works".to_owned(), "Sonar Works".to_owned()]
    );
    assert!(companies.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|organisation| organisation["kind"] == "startup_company"));

    let roms = app
        .get("/api/v1/organisations?kind=rom", admin.auth())
        .await
        .expect(200);
    assert_eq!(roms.body["total"], 1);
    assert_eq!(roms.body["items"][0]["rom"], "oost-nl");

    let second_page = app
        .get("/api/v1/organisations?per_page=2&page=2", admin.auth())
        .await
        .expect(200);
    assert_eq!(second_page.body["total"], 5);
    assert_eq!(second_page.body["items"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn a_bad_organisation_list_query_is_400() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for (query, field) in [
        ("kind=navy", None),
        ("per_page=0", Some("per_page")),
        ("colour=green", Some("colour")),
    ] {
        let reply = app
            .get(&format!("/api/v1/organisations?{query}"), admin.auth())
            .await;
        reply.expect_error(400, "invalid_input");
        if field.is_some() {
            assert_eq!(reply.error_field(), field, "{query}");
        }
    }
}

#[actix_web::test]
async fn only_admins_may_list_organisations() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let officer = app.procurement("DMO").await;
    let broker = app.rom_officer(Rom::OostNl).await;
    for caller in [&founder, &officer, &broker] {
        app.get("/api/v1/organisations", caller.auth())
            .await
            .expect_error(403, "forbidden");
    }
    app.get("/api/v1/organisations", None)
        .await
        .expect_error(401, "missing_token");
}

// ---------------------------------------------------------------------------
// Reading one organisation

#[actix_web::test]
async fn members_read_their_own_organisation_only() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let rival = app.startup_account("Sonar Works").await;
    let officer = app.procurement("DMO").await;
    let broker = app.rom_officer(Rom::OostNl).await;

    let own = app
        .get(
            &organisation_path(founder.organisation_id.unwrap()),
            founder.auth(),
        )
        .await
        .expect(200);
    assert_eq!(own.body["name"], "Radar Works");
    assert_eq!(own.body["kind"], "startup_company");
    assert_eq!(own.etag_version(), 1);

    let own = app
        .get(
            &organisation_path(officer.organisation_id.unwrap()),
            officer.auth(),
        )
        .await
        .expect(200);
    assert_eq!(own.body["kind"], "defence");

    let own = app
        .get(
            &organisation_path(broker.organisation_id.unwrap()),
            broker.auth(),
        )
        .await
        .expect(200);
    assert_eq!(own.body["kind"], "rom");
    assert_eq!(own.body["rom"], "oost-nl");

    for (caller, other) in [
        (&founder, &rival),
        (&founder, &officer),
        (&officer, &founder),
        (&broker, &founder),
        (&officer, &broker),
    ] {
        app.get(
            &organisation_path(other.organisation_id.unwrap()),
            caller.auth(),
        )
        .await
        .expect_error(404, "not_found");
    }
    app.get(&organisation_path(founder.organisation_id.unwrap()), None)
        .await
        .expect_error(401, "missing_token");
}

#[actix_web::test]
async fn an_admin_reads_any_organisation() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;
    let officer = app.procurement("DMO").await;
    for member in [&founder, &officer] {
        let id = member.organisation_id.unwrap();
        let reply = app
            .get(&organisation_path(id), admin.auth())
            .await
            .expect(200);
        assert_eq!(reply.id(), id);
    }
}

#[actix_web::test]
async fn an_unknown_or_malformed_organisation_id_is_404() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;
    app.get(&organisation_path(Uuid::new_v4()), admin.auth())
        .await
        .expect_error(404, "not_found");
    // Members cannot tell an unknown organisation from another's.
    let unknown = app
        .get(&organisation_path(Uuid::new_v4()), founder.auth())
        .await;
    unknown.expect_error(404, "not_found");
    for malformed in ["not-a-uuid", "1234", "00000000-0000-0000-0000-00000000000g"] {
        app.get(&format!("/api/v1/organisations/{malformed}"), admin.auth())
            .await
            .expect_error(404, "not_found");
    }
}
