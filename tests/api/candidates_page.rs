//! The candidates page offers only the move that would succeed, and pages
//! and filters the ranking; the API says the same per candidate.

use serde_json::json;

use crate::helpers::{challenge_body, merge, spawn_app, startup_profile};
use crate::web_pages::{html, signed_in};

#[actix_web::test]
async fn invite_is_offered_only_where_no_introduction_runs_and_filters_narrow_the_list() {
    let app = spawn_app().await;
    let owner = app.procurement("Inkoop Candidates").await;
    let challenge_id = app
        .challenge_in_status(&owner, challenge_body("Counter-drone sensing"), "open")
        .await;
    let (_, invited_id) = app
        .startup_with_profile(startup_profile("Radar Noord BV"))
        .await;
    app.startup_with_profile(merge(
        startup_profile("Radar Zuid BV"),
        json!({"province": "NL-LI"}),
    ))
    .await;
    app.wait_for_index().await;
    let card = app.card_handle_for(&owner, invited_id).await;
    let invitation = app
        .post(
            "/api/v1/introductions",
            owner.auth(),
            json!({"challenge_id": challenge_id, "startup_id": card}),
        )
        .await
        .expect(201);

    // The API: the invited pair has its introduction and no move left.
    let matches = app
        .get(
            &format!("/api/v1/challenges/{challenge_id}/matches"),
            owner.auth(),
        )
        .await
        .expect(200);
    let items = matches.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "{}", matches.body);
    for item in items {
        let invited = app.startup_behind(&item["startup"]["id"]) == invited_id;
        if invited {
            assert_eq!(item["live_introduction_id"], json!(invitation.id()));
            assert_eq!(item["may_introduce"], false);
        } else {
            assert_eq!(item["live_introduction_id"], json!(null));
            assert_eq!(item["may_introduce"], true);
        }
    }

    // The page: one Invite, for the other candidate, and a link to the running introduction.
    let mut visitor = signed_in(&app, &owner.email).await;
    let path = format!("/my/challenges/{challenge_id}/candidates");
    let reply = visitor.get(&path).await.expect(200);
    let page = html(&reply);
    assert_eq!(page.matches(">Invite</a>").count(), 1, "{page}");
    assert!(
        page.contains(&format!("/introductions/{}", invitation.id())),
        "{page}"
    );
    assert!(page.contains("An introduction is under way"), "{page}");

    // Filters: Limburg leaves one candidate, who may still be invited.
    let reply = visitor
        .get(&format!("{path}?province=NL-LI"))
        .await
        .expect(200);
    let page = html(&reply);
    assert_eq!(
        page.matches("class=\"card candidate\"").count(),
        1,
        "{page}"
    );
    assert_eq!(page.matches(">Invite</a>").count(), 1, "{page}");
    // A filter value that is no choice is a page error, not a 500.
    let reply = visitor.get(&format!("{path}?province=XX")).await;
    assert_eq!(reply.status, 400, "{}", html(&reply));
}
