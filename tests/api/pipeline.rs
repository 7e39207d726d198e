//! The ROM dashboard and the CSV export of the introductions pipeline.

use defmatch::domain::region::Rom;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{challenge_body, merge, spawn_app, startup_profile, Actor, Reply, TestApp};

async fn move_on(app: &TestApp, actor: &Actor, id: Uuid, version: i32, body: Value) -> Reply {
    app.post_if_match(
        &format!("/api/v1/introductions/{id}/transitions"),
        actor.auth(),
        version,
        body,
    )
    .await
    .expect(200)
}

/// A Noord-Holland start-up brought from proposal to a pilot, another one
/// never introduced, and a Limburg start-up outside the ROM's region.
struct Region {
    rom: Actor,
    procurement: Actor,
    piloted_id: Uuid,
    waiting_id: Uuid,
    elsewhere_id: Uuid,
    challenge_id: Uuid,
}

async fn region_with_history(app: &TestApp, message: &str) -> Region {
    let procurement = app.procurement("Defensie Materieel Organisatie").await;
    let challenge_id = app
        .challenge_in_status(
            &procurement,
            challenge_body("Counter-drone radar for airbases"),
            "open",
        )
        .await;
    let (startup, piloted_id) = app
        .startup_with_profile(startup_profile("Zeeuwse Drönes BV"))
        .await;
    let (_, waiting_id) = app
        .startup_with_profile(startup_profile("Kestrel Radar BV"))
        .await;
    let (_, elsewhere_id) = app
        .startup_with_profile(merge(
            startup_profile("Maasdal Sensing BV"),
            json!({"province": "NL-LI", "city": "Maastricht"}),
        ))
        .await;
    let rom = app.rom_officer(Rom::RomInWest).await;
    let proposed = app
        .post(
            "/api/v1/introductions",
            rom.auth(),
            json!({"challenge_id": challenge_id, "startup_id": piloted_id, "message": message}),
        )
        .await
        .expect(201);
    let id = proposed.id();
    let step = move_on(
        app,
        &startup,
        id,
        proposed.etag_version(),
        json!({"action": "accept"}),
    )
    .await;
    let step = move_on(
        app,
        &procurement,
        id,
        step.etag_version(),
        json!({"action": "accept"}),
    )
    .await;
    let step = move_on(
        app,
        &rom,
        id,
        step.etag_version(),
        json!({"action": "record_meeting"}),
    )
    .await;
    move_on(
        app,
        &procurement,
        id,
        step.etag_version(),
        json!({"action": "record_outcome", "outcome": "pilot"}),
    )
    .await;
    Region {
        rom,
        procurement,
        piloted_id,
        waiting_id,
        elsewhere_id,
        challenge_id,
    }
}

#[actix_web::test]
async fn the_rom_dashboard_counts_its_region_and_ranks_who_still_waits() {
    let app = spawn_app().await;
    let region = region_with_history(&app, "Good fit.").await;
    app.wait_for_index().await;

    let dashboard = app
        .get("/api/v1/dashboard", region.rom.auth())
        .await
        .expect(200)
        .body;
    assert_eq!(dashboard["rom"], "rom-inwest");
    assert_eq!(dashboard["by_state"]["pilot"], 1);
    assert_eq!(dashboard["by_state"]["proposed"], 0);
    assert_eq!(
        dashboard["conversion"],
        json!({"started": 1, "introduced": 1, "meeting_held": 1, "pilot_or_contract": 1,
               "introduced_rate": 1.0, "meeting_rate": 1.0, "pilot_or_contract_rate": 1.0})
    );
    for step in [
        "start_to_introduction",
        "introduction_to_meeting",
        "meeting_to_outcome",
    ] {
        let days = dashboard["median_days"][step].as_f64().expect("a median");
        assert!((0.0..1.0).contains(&days), "{step}: {days}");
    }
    assert_eq!(
        dashboard["by_technology"],
        json!([{"technology": "autonomy-drones", "introductions": 1},
               {"technology": "imaging-sensing", "introductions": 1}])
    );
    // Only the Noord-Holland start-up without an introduction waits, with its best match.
    assert_eq!(dashboard["startups_without_introduction_total"], 1);
    let waiting = &dashboard["startups_without_introduction"][0];
    assert_eq!(waiting["startup_id"], region.waiting_id.to_string());
    assert_eq!(
        waiting["best_match"]["challenge_id"],
        region.challenge_id.to_string()
    );
    assert!(waiting["best_match"]["score"].as_f64().expect("score") > 0.0);
    assert!(!dashboard
        .to_string()
        .contains(&region.elsewhere_id.to_string()));
    assert!(!dashboard
        .to_string()
        .contains(&region.piloted_id.to_string()));

    // Admins see the country, so the Limburg start-up waits there too.
    let admin = app.admin().await;
    let country = app
        .get("/api/v1/dashboard", admin.auth())
        .await
        .expect(200)
        .body;
    assert_eq!(country["rom"], Value::Null);
    assert_eq!(country["startups_without_introduction_total"], 2);
    let limburg = app
        .get("/api/v1/dashboard?rom=liof", admin.auth())
        .await
        .expect(200)
        .body;
    assert_eq!(limburg["conversion"]["started"], 0);
    assert_eq!(limburg["conversion"]["introduced_rate"], Value::Null);
    assert_eq!(
        limburg["startups_without_introduction"][0]["startup_id"],
        region.elsewhere_id.to_string()
    );
}

#[actix_web::test]
async fn only_brokers_read_the_pipeline_of_their_own_region() {
    let app = spawn_app().await;
    let region = region_with_history(&app, "Fit.").await;
    let (startup, _) = app
        .startup_with_profile(startup_profile("Curious Owl BV"))
        .await;
    for path in ["/api/v1/dashboard", "/api/v1/introductions/export.csv"] {
        app.get(path, region.procurement.auth())
            .await
            .expect_error(403, "forbidden");
        app.get(path, startup.auth())
            .await
            .expect_error(403, "forbidden");
        app.get(path, None).await.expect_error(401, "missing_token");
    }
    app.get("/api/v1/dashboard?rom=liof", region.rom.auth())
        .await
        .expect_error(403, "forbidden");
    app.get("/api/v1/dashboard?limit=0", region.rom.auth())
        .await
        .expect_error(400, "invalid_input");
    app.get("/api/v1/dashboard?rom=atlantis", region.rom.auth())
        .await
        .expect_error(400, "invalid_input");
}

#[actix_web::test]
async fn the_csv_export_has_the_chosen_columns_a_byte_order_mark_and_quoting() {
    let app = spawn_app().await;
    let region = region_with_history(&app, "Fits, \"really\" well").await;
    let reply = app
        .get(
            "/api/v1/introductions/export.csv?fields=startup_name,state,message,broker_rom",
            region.rom.auth(),
        )
        .await
        .expect(200);
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let text = reply.body.as_str().expect("csv text").to_owned();
    assert!(
        text.starts_with('\u{feff}'),
        "UTF-8 byte-order mark for Excel"
    );
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "startup_name,state,message,broker_rom");
    assert_eq!(
        lines[1],
        "Zeeuwse Drönes BV,pilot,\"Fits, \"\"really\"\" well\",rom-inwest"
    );
    assert_eq!(lines.len(), 2);

    // Filtered by state, and an unknown column is a 400 naming `fields`.
    let none = app
        .get(
            "/api/v1/introductions/export.csv?fields=id&state=proposed",
            region.rom.auth(),
        )
        .await
        .expect(200);
    assert_eq!(
        none.body
            .as_str()
            .expect("csv text")
            .trim_start_matches('\u{feff}')
            .lines()
            .count(),
        1
    );
    let bad = app
        .get(
            "/api/v1/introductions/export.csv?fields=id,password",
            region.rom.auth(),
        )
        .await;
    bad.expect_error(400, "invalid_input");
    assert_eq!(bad.error_field(), Some("fields"));

    // Each export is audited with its columns.
    use defmatch::db::schema::audit_events;
    use diesel::prelude::*;
    let mut connection = app.database.connect();
    let exports: Vec<Value> = audit_events::table
        .filter(audit_events::action.eq("export"))
        .filter(audit_events::actor_id.eq(region.rom.user_id))
        .order(audit_events::id)
        .select(audit_events::detail)
        .load(&mut connection)
        .expect("audit rows");
    assert_eq!(exports.len(), 2);
    assert_eq!(
        exports[0]["fields"],
        json!(["startup_name", "state", "message", "broker_rom"])
    );
    assert_eq!(exports[0]["rows"], 1);
}
