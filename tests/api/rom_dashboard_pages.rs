//! The ROM dashboard page's period (from/to, Dutch time, errors beside the
//! fields) and its CSV export button (the ticked columns, audited as the
//! API's export is).

use chrono::{Duration, Utc};
use defmatch::domain::amsterdam;
use defmatch::domain::region::Rom;
use serde_json::{json, Value};

use crate::helpers::{challenge_body, spawn_app, startup_profile, Actor, TestApp};
use crate::web_pages::{html, signed_in};

/// A ROM officer of InWest who proposed one introduction today, for a
/// start-up in Noord-Holland.
async fn officer_with_one_introduction(app: &TestApp) -> Actor {
    let procurement = app.procurement("Defensie Materieel Organisatie").await;
    let challenge_id = app
        .challenge_in_status(&procurement, challenge_body("Counter-drone radar"), "open")
        .await;
    let (_, startup_id) = app
        .startup_with_profile(startup_profile("Zeeuwse Drönes BV"))
        .await;
    let rom = app.rom_officer(Rom::RomInWest).await;
    app.post(
        "/api/v1/introductions",
        rom.auth(),
        json!({"challenge_id": challenge_id, "startup_id": startup_id, "message": "=fit"}),
    )
    .await
    .expect(201);
    rom
}

/// The number on the "Started" card of the conversion section.
fn started_count(page: &str) -> String {
    let conversion = page
        .split("id=\"conversion-heading\"")
        .nth(1)
        .expect("a conversion section");
    let number = conversion
        .split("<span class=\"number\">")
        .nth(1)
        .expect("a first figure");
    number.split('<').next().unwrap_or_default().to_owned()
}

#[actix_web::test]
async fn the_dashboard_period_narrows_the_figures_to_the_days_asked() {
    let app = spawn_app().await;
    let rom = officer_with_one_introduction(&app).await;
    let mut officer = signed_in(&app, &rom.email).await;

    let everything = officer.get("/dashboard").await.expect(200);
    assert_eq!(started_count(html(&everything)), "1");
    assert!(html(&everything).contains("count every introduction"));

    let today = amsterdam::date_of(Utc::now());
    let yesterday = today - Duration::days(1);
    let including = officer
        .get(&format!("/dashboard?from={yesterday}&to={today}"))
        .await
        .expect(200);
    assert_eq!(started_count(html(&including)), "1");
    assert!(html(&including).contains(&format!("value=\"{yesterday}\"")));

    let last_year = officer
        .get("/dashboard?from=2020-01-01&to=2020-12-31")
        .await
        .expect(200);
    assert_eq!(started_count(html(&last_year)), "0");
    assert!(html(&last_year).contains("1 January 2020"));

    // An open end counts from the start or up to the end.
    let from_tomorrow = officer
        .get(&format!("/dashboard?from={}", today + Duration::days(1)))
        .await
        .expect(200);
    assert_eq!(started_count(html(&from_tomorrow)), "0");
    let up_to_today = officer
        .get(&format!("/dashboard?to={today}"))
        .await
        .expect(200);
    assert_eq!(started_count(html(&up_to_today)), "1");
}

#[actix_web::test]
async fn invalid_period_dates_are_explained_beside_their_fields_in_dutch() {
    let app = spawn_app().await;
    let rom = officer_with_one_introduction(&app).await;
    let mut officer = signed_in(&app, &rom.email).await;
    officer.get("/language?to=nl&back=/dashboard").await;

    let not_dates = officer
        .get("/dashboard?from=31-02-2026&to=morgen")
        .await
        .expect(400);
    let page = html(&not_dates);
    assert!(page.contains("<html lang=\"nl\">"), "{page}");
    for field in ["from", "to"] {
        let beside = page
            .split(&format!("id=\"error-{field}\""))
            .nth(1)
            .expect("an error beside the field");
        let message = beside
            .split_once('>')
            .map(|(_, rest)| rest.split('<').next().unwrap_or_default())
            .unwrap_or_default();
        assert_eq!(message, "Vul een datum in, als JJJJ-MM-DD.", "{field}");
    }
    assert!(page.contains("aria-invalid=\"true\""));
    // No figures for a period that is not one.
    assert!(!page.contains("conversion-heading"));

    let backwards = officer
        .get("/dashboard?from=2026-06-01&to=2026-05-01")
        .await
        .expect(400);
    let page = html(&backwards);
    let beside_to = page
        .split("id=\"error-to\"")
        .nth(1)
        .expect("an error beside `to`");
    assert!(
        beside_to.starts_with(
            " data-error-for=\"to\" aria-live=\"polite\">Het einde moet na het begin liggen."
        ),
        "{beside_to}"
    );
    let beside_from = page.split("id=\"error-from\"").nth(1).unwrap_or_default();
    assert!(beside_from.starts_with(" data-error-for=\"from\" aria-live=\"polite\"></p>"));
}

#[actix_web::test]
async fn the_export_button_downloads_the_ticked_columns_and_is_audited() {
    let app = spawn_app().await;
    let rom = officer_with_one_introduction(&app).await;
    let mut officer = signed_in(&app, &rom.email).await;

    let dashboard = officer.get("/dashboard").await.expect(200);
    let page = html(&dashboard);
    assert!(page.contains("action=\"/dashboard/export.csv\""));
    assert!(page.contains("name=\"field\" value=\"startup_technologies\" checked"));

    let file = officer
        .get("/dashboard/export.csv?field=startup_name&field=state&field=message")
        .await
        .expect(200);
    assert_eq!(
        file.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    assert!(file
        .header("content-disposition")
        .is_some_and(|value| value.starts_with("attachment")));
    let text = html(&file).trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        vec![
            "startup_name,state,message",
            "Zeeuwse Drönes BV,proposed,'=fit"
        ]
    );

    // Nothing ticked is every column, as in the API.
    let all = officer.get("/dashboard/export.csv").await.expect(200);
    let header = html(&all)
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(
        header.starts_with("id,state,origin,broker_rom,"),
        "{header}"
    );
    assert_eq!(header.split(',').count(), 18);

    let unknown = officer
        .get("/dashboard/export.csv?field=password_hash")
        .await;
    assert_eq!(unknown.status, 400);

    // Only brokers export.
    let founder = app.startup_account("Polder Robotics").await;
    let mut stranger = signed_in(&app, &founder.email).await;
    stranger.get("/dashboard/export.csv").await.expect(403);

    use defmatch::db::schema::audit_events;
    use diesel::prelude::*;
    let mut connection = app.database.connect();
    let exports: Vec<Value> = audit_events::table
        .filter(audit_events::action.eq("export"))
        .filter(audit_events::actor_id.eq(rom.user_id))
        .order(audit_events::id)
        .select(audit_events::detail)
        .load(&mut connection)
        .expect("audit rows");
    assert_eq!(exports.len(), 2);
    assert_eq!(
        exports[0]["fields"],
        json!(["startup_name", "state", "message"])
    );
    assert_eq!(exports[0]["rows"], json!(1));
}
