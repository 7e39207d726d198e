//! The ROM officer's page of one start-up of the region
//! (`/region/startups/{id}`): the profile, its introductions, its matches
//! with the moves allowed now, and the ROM's private notes.

use defmatch::domain::region::Rom;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{challenge_body, spawn_app, startup_profile, Actor, TestApp};
use crate::web_pages::{html, signed_in};

/// Two open challenges that fit a Noord-Holland start-up, one of them
/// already proposed by the InWest officer.
struct Region {
    officer: Actor,
    startup_id: Uuid,
    proposed_challenge: Uuid,
    free_challenge: Uuid,
    introduction_id: Uuid,
}

async fn region_with_one_proposal(app: &TestApp) -> Region {
    let procurement = app.procurement("Defensie Materieel Organisatie").await;
    let proposed_challenge = app
        .challenge_in_status(&procurement, challenge_body("Counter-drone radar"), "open")
        .await;
    let free_challenge = app
        .challenge_in_status(
            &procurement,
            challenge_body("Drone detection at sea"),
            "open",
        )
        .await;
    let (_, startup_id) = app
        .startup_with_profile(startup_profile("Zeeuwse Drönes BV"))
        .await;
    let officer = app.rom_officer(Rom::RomInWest).await;
    let introduction_id = app
        .post(
            "/api/v1/introductions",
            officer.auth(),
            json!({"challenge_id": proposed_challenge, "startup_id": startup_id}),
        )
        .await
        .expect(201)
        .id();
    app.wait_for_index().await;
    Region {
        officer,
        startup_id,
        proposed_challenge,
        free_challenge,
        introduction_id,
    }
}

#[actix_web::test]
async fn a_rom_officer_sees_the_profile_introductions_and_matches_of_a_start_up_of_the_region() {
    let app = spawn_app().await;
    let region = region_with_one_proposal(&app).await;
    let mut officer = signed_in(&app, &region.officer.email).await;

    // The region list and the dashboard lead to the page.
    let page_url = format!("/region/startups/{}", region.startup_id);
    let list = officer.get("/region/startups").await.expect(200);
    assert!(html(&list).contains(&format!("href=\"{page_url}\"")));

    let reply = officer.get(&page_url).await.expect(200);
    let page = html(&reply);
    assert!(page.contains("<h1>Zeeuwse Drönes BV</h1>"), "{page}");
    // The profile, contacts included: the ROM may see them.
    for fact in [
        "anna@startup.example",
        "+31 20 555 0100",
        "Anna de Vries",
        "Amsterdam",
        "Noord-Holland",
        "6 – sensors and lasers",
    ] {
        assert!(page.contains(fact), "{fact} in the profile");
    }
    // The introduction, with its state, linked.
    let introductions = page
        .split("id=\"introductions-heading\"")
        .nth(1)
        .and_then(|rest| rest.split("id=\"matches-heading\"").next())
        .expect("an introductions section");
    assert!(introductions.contains(&format!(
        "href=\"/introductions/{}\"",
        region.introduction_id
    )));
    assert!(introductions.contains("Counter-drone radar"));
    assert!(introductions.contains("<td>Proposed</td>"));

    // The matches: each explained; Propose only for the pair without an
    // introduction, a link to the running one for the other.
    let matches = page
        .split("id=\"matches-heading\"")
        .nth(1)
        .and_then(|rest| rest.split("id=\"notes-heading\"").next())
        .expect("a matches section");
    let free = matches
        .split(&format!("id=\"match-{}\"", region.free_challenge))
        .nth(1)
        .expect("the free challenge among the matches");
    let free = free.split("</article>").next().unwrap_or_default();
    assert!(free.contains("class=\"explanation\""), "{free}");
    assert!(free.contains(&format!(
        "/introductions/propose?startup={}&amp;challenge={}",
        region.startup_id, region.free_challenge
    )));
    let proposed = matches
        .split(&format!("id=\"match-{}\"", region.proposed_challenge))
        .nth(1)
        .expect("the proposed challenge among the matches");
    let proposed = proposed.split("</article>").next().unwrap_or_default();
    assert!(!proposed.contains("/introductions/propose"), "{proposed}");
    assert!(proposed.contains("An introduction is under way"));
    assert!(page.contains("No notes yet."));

    // In Dutch too.
    officer
        .get(&format!("/language?to=nl&back={page_url}"))
        .await;
    let dutch = officer.get(&page_url).await.expect(200);
    assert!(html(&dutch).contains("Beste open matches"));
    assert!(
        html(&dutch).contains("<td>Voorgesteld</td>"),
        "{}",
        html(&dutch)
    );
}

#[actix_web::test]
async fn a_note_saved_shows_for_the_rom_and_admins_and_nobody_else_reaches_the_page() {
    let app = spawn_app().await;
    let region = region_with_one_proposal(&app).await;
    let page_url = format!("/region/startups/{}", region.startup_id);
    let notes_url = format!("{page_url}/notes");
    let mut officer = signed_in(&app, &region.officer.email).await;
    officer.get(&page_url).await.expect(200);

    // An empty note is explained beside the field, and nothing is saved.
    let empty = officer
        .post_form(&notes_url, &[("body", "  ")])
        .await
        .expect(400);
    let beside = html(&empty)
        .split("id=\"error-body\"")
        .nth(1)
        .unwrap_or_default();
    assert!(beside.contains(">Must not be empty.<"), "{}", html(&empty));
    assert!(html(&empty).contains("No notes yet."));

    let saved = officer
        .post_form(
            &notes_url,
            &[("body", "Met them at the fair; wants a radar pilot.")],
        )
        .await
        .expect(303);
    let back = saved.header("location").unwrap_or_default();
    assert!(back.starts_with(&format!("{page_url}?done=note_saved")));
    let after = officer.get(&back).await.expect(200);
    assert!(html(&after).contains("The note is saved."));
    assert!(html(&after).contains("Met them at the fair; wants a radar pilot."));

    // A colleague of the same ROM reads it; an admin too, without a form.
    let colleague = app.rom_officer(Rom::RomInWest).await;
    let mut colleague = signed_in(&app, &colleague.email).await;
    let seen = colleague.get(&page_url).await.expect(200);
    assert!(html(&seen).contains("Met them at the fair"));
    let admin = app.admin().await;
    let mut admin = signed_in(&app, &admin.email).await;
    let seen = admin.get(&page_url).await.expect(200);
    assert!(html(&seen).contains("Met them at the fair"));
    assert!(html(&seen).contains("rom-inwest"));
    assert!(!html(&seen).contains(&format!("action=\"{notes_url}\"")));
    admin
        .post_form(&notes_url, &[("body", "admin note")])
        .await
        .expect(403);

    // Another region's officer: as if there were no such start-up.
    let limburg = app.rom_officer(Rom::Liof).await;
    let mut limburg = signed_in(&app, &limburg.email).await;
    limburg.get(&page_url).await.expect(404);
    limburg
        .post_form(&notes_url, &[("body", "sneaky")])
        .await
        .expect(404);
    limburg
        .get(&format!("/region/startups/{}", Uuid::new_v4()))
        .await
        .expect(404);

    // Procurement and start-ups are refused.
    let procurement = app.procurement("Defensie Materieel Organisatie").await;
    let mut procurement = signed_in(&app, &procurement.email).await;
    let refused = procurement.get(&page_url).await.expect(403);
    assert!(!html(&refused).contains("Met them at the fair"));
    let founder = app.startup_account("Polder Robotics").await;
    let mut founder = signed_in(&app, &founder.email).await;
    founder.get(&page_url).await.expect(403);

    use defmatch::db::schema::startup_notes;
    use diesel::prelude::*;
    let mut connection = app.database.connect();
    let stored: i64 = startup_notes::table
        .count()
        .get_result(&mut connection)
        .expect("count notes");
    assert_eq!(stored, 1, "only the officer's note was written");
}
