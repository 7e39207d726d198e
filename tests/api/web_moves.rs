//! Pages that offer only the moves that can succeed now: after expressing
//! interest a start-up sees its introduction, not a second form; on its own
//! request it may withdraw but not decline.

use crate::helpers::{challenge_body, spawn_app, startup_profile};
use crate::web_pages::{html, signed_in};

#[actix_web::test]
async fn after_expressing_interest_the_start_up_sees_its_introduction_and_no_second_form() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let challenge_id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone radar"), "open")
        .await;
    let (startup, _) = app
        .startup_with_profile(startup_profile("SkyWatch Systems"))
        .await;
    let mut founder = signed_in(&app, &startup.email).await;
    let form_action = format!("action=\"/challenges/{challenge_id}/interest\"");
    let before = founder
        .get(&format!("/challenges/{challenge_id}"))
        .await
        .expect(200);
    assert!(html(&before).contains(&form_action), "the form before");

    let sent = founder
        .post_form(
            &format!("/challenges/{challenge_id}/interest"),
            &[("message", "We detect drones with passive radar.")],
        )
        .await
        .expect(303);
    let location = sent.header("location").unwrap_or_default();
    let after = founder.get(&location).await.expect(200);

    assert!(!html(&after).contains(&form_action), "no second form");
    assert!(html(&after).contains("You have an introduction for this challenge"));
    assert!(html(&after).contains("data-state=\"requested\""));
    assert!(html(&after).contains("href=\"/introductions/"));
}

#[actix_web::test]
async fn the_start_ups_own_request_offers_withdraw_but_not_decline() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let challenge_id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone radar"), "open")
        .await;
    let (startup, _) = app
        .startup_with_profile(startup_profile("SkyWatch Systems"))
        .await;
    let mut founder = signed_in(&app, &startup.email).await;
    founder
        .get(&format!("/challenges/{challenge_id}"))
        .await
        .expect(200);
    founder
        .post_form(
            &format!("/challenges/{challenge_id}/interest"),
            &[("message", "")],
        )
        .await
        .expect(303);
    let listed = app
        .get("/api/v1/introductions", startup.auth())
        .await
        .expect(200);
    let id = listed.body["items"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    let page = founder
        .get(&format!("/introductions/{id}"))
        .await
        .expect(200);

    assert!(
        html(&page).contains("data-action=\"withdraw\""),
        "{}",
        html(&page)
    );
    assert!(!html(&page).contains("data-action=\"decline\""));
    let mut buyer = signed_in(&app, &officer.email).await;
    let theirs = buyer.get(&format!("/introductions/{id}")).await.expect(200);
    assert!(html(&theirs).contains("data-action=\"decline\""));
    assert!(!html(&theirs).contains("data-action=\"withdraw\""));
}

#[actix_web::test]
async fn an_awarded_challenges_edit_page_says_only_that_it_is_final() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone radar"), "awarded")
        .await;
    let mut visitor = signed_in(&app, &officer.email).await;

    let english = visitor
        .get(&format!("/my/challenges/{id}/edit"))
        .await
        .expect(200);
    visitor.get("/language?to=nl&back=/").await.expect(303);
    let dutch = visitor
        .get(&format!("/my/challenges/{id}/edit"))
        .await
        .expect(200);

    assert!(html(&english).contains("This status is final."));
    assert!(!html(&english).contains("can only be awarded or withdrawn"));
    assert!(
        !html(&english).contains("name=\"status\""),
        "no moves offered"
    );
    assert!(html(&dutch).contains("Deze status is definitief."));
    assert!(!html(&dutch).contains("gegund of ingetrokken"));
    assert!(
        html(&dutch).contains("<strong>gegund</strong>"),
        "the status in Dutch"
    );
}

/// The ROM officer's region list proposes a start-up for a challenge only
/// while the pair has no introduction running, and links to the one that runs.
#[actix_web::test]
async fn the_region_list_proposes_only_pairs_without_a_running_introduction() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let challenge_id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone radar"), "open")
        .await;
    let (_, startup_id) = app
        .startup_with_profile(startup_profile("SkyWatch Systems"))
        .await;
    let rom = app
        .rom_officer(defmatch::domain::region::Rom::RomInWest)
        .await;
    app.wait_for_index().await;
    let mut broker = signed_in(&app, &rom.email).await;
    let propose =
        format!("/introductions/propose?startup={startup_id}&amp;challenge={challenge_id}");
    let before = broker.get("/region/startups").await.expect(200);
    assert!(html(&before).contains(&propose), "{}", html(&before));

    let proposed = app
        .post(
            "/api/v1/introductions",
            rom.auth(),
            serde_json::json!({"challenge_id": challenge_id, "startup_id": startup_id}),
        )
        .await
        .expect(201);
    let after = broker.get("/region/startups").await.expect(200);
    let page = html(&after);
    assert!(!page.contains(&propose), "{page}");
    assert!(
        page.contains(&format!("/introductions/{}", proposed.id())),
        "{page}"
    );
    assert!(page.contains("An introduction is under way"), "{page}");
}
