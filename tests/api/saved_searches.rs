//! Saved searches: saved with the search endpoint's own checks, private
//! to their owner, and run through the endpoint they name.

use serde_json::json;

use crate::helpers::{challenge_body, spawn_app, startup_profile};

#[actix_web::test]
async fn a_saved_search_runs_through_its_endpoint_and_stays_private() {
    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    app.challenge_in_status(
        &officer,
        challenge_body("Counter-drone radar for airbases"),
        "open",
    )
    .await;
    let (founder, _) = app
        .startup_with_profile(startup_profile("Saver Radar BV"))
        .await;
    app.wait_for_index().await;

    let saved = app
        .post(
            "/api/v1/saved-searches",
            founder.auth(),
            json!({"name": "Drones", "target": "challenges", "query": "?q=radar&technology=autonomy-drones&sort=deadline"}),
        )
        .await
        .expect(201);
    assert_eq!(
        saved.body["query"],
        "q=radar&technology=autonomy-drones&sort=deadline"
    );
    let results_url = saved.body["results_url"].as_str().expect("url").to_owned();
    assert_eq!(
        results_url,
        "/api/v1/search/challenges?q=radar&technology=autonomy-drones&sort=deadline"
    );
    let results = app.get(&results_url, founder.auth()).await.expect(200);
    assert_eq!(results.body["total"], 1);

    let listed = app
        .get("/api/v1/saved-searches", founder.auth())
        .await
        .expect(200);
    assert_eq!(listed.body["items"].as_array().expect("items").len(), 1);
    let id = saved.id();
    let (other, _) = app
        .startup_with_profile(startup_profile("Other Radar BV"))
        .await;
    app.get(&format!("/api/v1/saved-searches/{id}"), other.auth())
        .await
        .expect_error(404, "not_found");
    app.delete(&format!("/api/v1/saved-searches/{id}"), other.auth(), 1)
        .await
        .expect_error(404, "not_found");
    app.delete(&format!("/api/v1/saved-searches/{id}"), founder.auth(), 1)
        .await
        .expect(204);
    assert_eq!(
        app.get("/api/v1/saved-searches", founder.auth())
            .await
            .expect(200)
            .body["items"],
        json!([])
    );
}

#[actix_web::test]
async fn a_saved_search_is_checked_like_the_search_it_names() {
    let app = spawn_app().await;
    let (founder, _) = app
        .startup_with_profile(startup_profile("Careful Radar BV"))
        .await;
    let rom = app
        .rom_officer(defmatch::domain::region::Rom::RomInWest)
        .await;
    for (query, why) in [
        ("q=%22unbalanced", "bad query syntax"),
        ("technology=warp-drive", "unknown technology"),
        ("colour=red", "unknown parameter"),
        ("status=open,dreaming", "unknown status"),
        (
            "q=radar%20technology:warp-drive",
            "unknown technology inside q",
        ),
        ("q=radar%20trl:42", "a TRL out of range inside q"),
        ("per_page=1000", "a page size out of range"),
    ] {
        let refused = app
            .post(
                "/api/v1/saved-searches",
                founder.auth(),
                json!({"name": "Bad", "target": "challenges", "query": query}),
            )
            .await;
        refused.expect_error(400, "invalid_input");
        assert_eq!(refused.error_field(), Some("query"), "{why}");
    }
    app.post(
        "/api/v1/saved-searches",
        founder.auth(),
        json!({"name": "Peers", "target": "startups", "query": "q=radar"}),
    )
    .await
    .expect_error(403, "forbidden");
    app.post(
        "/api/v1/saved-searches",
        rom.auth(),
        json!({"name": "Radar firms", "target": "startups", "query": "q=radar&province=NL-NH"}),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/saved-searches",
        rom.auth(),
        json!({"name": "Bad target", "target": "people", "query": ""}),
    )
    .await
    .expect_error(400, "invalid_input");
}

#[actix_web::test]
async fn the_limit_of_fifty_saved_searches_holds_under_concurrent_requests() {
    let app = spawn_app().await;
    let (founder, _) = app
        .startup_with_profile(startup_profile("Busy Radar BV"))
        .await;
    let requests = (0..60).map(|index| {
        app.post(
            "/api/v1/saved-searches",
            founder.auth(),
            json!({"name": format!("Search {index}"), "target": "challenges", "query": "q=radar"}),
        )
    });
    let replies = futures_util::future::join_all(requests).await;
    let created = replies.iter().filter(|reply| reply.status == 201).count();
    let refused = replies.iter().filter(|reply| reply.status == 409).count();
    assert_eq!((created, refused), (50, 10));
    let listed = app
        .get("/api/v1/saved-searches", founder.auth())
        .await
        .expect(200);
    assert_eq!(listed.body["items"].as_array().expect("items").len(), 50);
}
