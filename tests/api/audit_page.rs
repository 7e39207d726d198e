//! The admin's audit page: names instead of ids, each event read as a
//! sentence in the visitor's language with the recorded detail beneath,
//! and filters by who acted, the action and a period of Amsterdam days.

use chrono::{Duration, Utc};
use defmatch::db::schema::users;
use defmatch::domain::amsterdam;
use defmatch::domain::region::Rom;
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{challenge_body, spawn_app, startup_profile, TestApp};
use crate::web_pages::{html, signed_in};

fn rename(app: &TestApp, user_id: Uuid, name: &str) {
    let mut connection = app.database.connect();
    diesel::update(users::table.find(user_id))
        .set(users::display_name.eq(name))
        .execute(&mut connection)
        .expect("rename");
}

/// An admin "Ada Admin" who vetted a founder and invited
/// `anna@navy.example` as a procurement officer, and a ROM officer "Rob
/// Broker" who proposed a start-up for a challenge.
async fn a_day_of_events(app: &TestApp) -> crate::helpers::Actor {
    let admin = app.admin().await;
    rename(app, admin.user_id, "Ada Admin");
    let procurement = app.procurement("Defensie Materieel Organisatie").await;
    let challenge_id = app
        .challenge_in_status(&procurement, challenge_body("Counter-drone radar"), "open")
        .await;
    let (founder, startup_id) = app
        .startup_with_profile(startup_profile("Zeeuwse Drönes BV"))
        .await;
    rename(app, founder.user_id, "Fleur Founder");
    let rom = app.rom_officer(Rom::RomInWest).await;
    rename(app, rom.user_id, "Rob Broker");
    app.post(
        "/api/v1/introductions",
        rom.auth(),
        json!({"challenge_id": challenge_id, "startup_id": startup_id}),
    )
    .await
    .expect(201);

    let path = format!("/api/v1/users/{}", founder.user_id);
    let version = app
        .get(&path, admin.auth())
        .await
        .expect(200)
        .etag_version();
    app.patch(&path, admin.auth(), version, json!({"vetted": true}))
        .await
        .expect(200);
    let navy = app.create_organisation(
        defmatch::domain::account::OrganisationKind::Defence,
        "Koninklijke Marine",
        None,
    );
    app.post(
        "/api/v1/invitations",
        admin.auth(),
        json!({"email": "anna@navy.example", "role": "procurement", "organisation_id": navy}),
    )
    .await
    .expect(201);
    admin
}

/// The rows of the events table.
fn rows(page: &str) -> Vec<&str> {
    page.split("<tbody>")
        .nth(1)
        .and_then(|body| body.split("</tbody>").next())
        .map(|body| body.split("<tr>").skip(1).collect())
        .unwrap_or_default()
}

#[actix_web::test]
async fn the_audit_page_names_people_and_things_and_says_what_happened_in_both_languages() {
    let app = spawn_app().await;
    let admin = a_day_of_events(&app).await;
    let mut visitor = signed_in(&app, &admin.email).await;

    let reply = visitor.get("/admin/audit").await.expect(200);
    let page = html(&reply);
    // Who acted, by name and address; no shortened ids.
    assert!(page.contains("Ada Admin"), "{page}");
    assert!(page.contains(&admin.email));
    assert!(page.contains("Rob Broker"));
    // What happened, as a sentence with the names.
    assert!(page.contains("Vetted <em>Fleur Founder &lt;"), "{page}");
    assert!(page.contains(
        "Started the introduction of <em>Zeeuwse Drönes BV for Counter-drone radar</em> as <em>Proposed</em>"
    ));
    assert!(page.contains("Invited <em>anna@navy.example</em> as <em>Procurement officer</em>"));
    assert!(
        page.contains(
            "Changed the status of <em>Counter-drone radar</em> from <em>draft</em> to <em>open</em>"
        ),
        "{page}"
    );
    // The recorded detail is still there, folded away.
    assert!(page.contains("<details><summary>Recorded detail</summary>"));
    assert!(
        page.contains("&quot;to&quot;:&quot;proposed&quot;"),
        "{page}"
    );

    visitor.get("/language?to=nl&back=/admin/audit").await;
    let dutch = visitor.get("/admin/audit").await.expect(200);
    let page = html(&dutch);
    assert!(
        page.contains("<em>anna@navy.example</em> uitgenodigd als <em>Inkoper</em>"),
        "{page}"
    );
    assert!(page.contains(
        "Introductie van <em>Zeeuwse Drönes BV voor Counter-drone radar</em> gestart als <em>Voorgesteld</em>"
    ));
    assert!(page.contains("<em>Fleur Founder &lt;"));
    assert!(page.contains(
        "Status van <em>Counter-drone radar</em> gewijzigd van <em>concept</em> naar <em>open</em>"
    ));
}

#[actix_web::test]
async fn the_audit_page_filters_by_actor_kind_and_days_and_explains_bad_days_beside_their_fields() {
    let app = spawn_app().await;
    let admin = a_day_of_events(&app).await;
    let mut visitor = signed_in(&app, &admin.email).await;

    // By actor: a part of the name, or the address.
    let by_name = visitor.get("/admin/audit?actor=rob+brok").await.expect(200);
    let found = rows(html(&by_name));
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|row| row.contains("Rob Broker")),
        "{found:?}"
    );
    assert!(html(&by_name).contains("value=\"rob brok\""));
    let by_address = visitor
        .get(&format!("/admin/audit?actor={}", admin.email))
        .await
        .expect(200);
    let found = rows(html(&by_address));
    assert!(found.iter().any(|row| row.contains("Invited")));
    assert!(found.iter().all(|row| row.contains("Ada Admin")));
    let nobody = visitor
        .get("/admin/audit?actor=nobody-at-all")
        .await
        .expect(200);
    assert!(html(&nobody).contains("No events match."));

    // By kind.
    let invitations = visitor
        .get("/admin/audit?action=invitation_sent")
        .await
        .expect(200);
    let found = rows(html(&invitations));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("anna@navy.example"));
    let status_changes = visitor
        .get("/admin/audit?action=challenge_status_changed")
        .await
        .expect(200);
    let found = rows(html(&status_changes));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("Counter-drone radar"), "{found:?}");

    // By days in Amsterdam, both included.
    let today = amsterdam::date_of(Utc::now());
    let today_only = visitor
        .get(&format!(
            "/admin/audit?from={today}&to={today}&action=invitation_sent"
        ))
        .await
        .expect(200);
    assert_eq!(rows(html(&today_only)).len(), 1);
    let tomorrow = today + Duration::days(1);
    let later = visitor
        .get(&format!("/admin/audit?from={tomorrow}"))
        .await
        .expect(200);
    assert!(html(&later).contains("No events match."));
    let before = visitor
        .get("/admin/audit?from=2020-01-01&to=2020-01-31")
        .await
        .expect(200);
    assert!(html(&before).contains("No events match."));

    // Bad days: the error beside each field, in Dutch too.
    visitor.get("/language?to=nl&back=/admin/audit").await;
    let bad = visitor
        .get("/admin/audit?from=31-02-2026&to=morgen")
        .await
        .expect(400);
    let page = html(&bad);
    for field in ["from", "to"] {
        let beside = page
            .split(&format!("id=\"error-{field}\""))
            .nth(1)
            .unwrap_or_default();
        assert!(
            beside.contains(">Vul een datum in, als JJJJ-MM-DD.<"),
            "{field}: {page}"
        );
    }
    assert!(page.contains("value=\"31-02-2026\""));
    let backwards = visitor
        .get("/admin/audit?from=2026-06-01&to=2026-05-01")
        .await
        .expect(400);
    let beside_to = html(&backwards)
        .split("id=\"error-to\"")
        .nth(1)
        .unwrap_or_default();
    assert!(
        beside_to.contains(">Het einde mag niet voor het begin liggen.<"),
        "{beside_to}"
    );
}
