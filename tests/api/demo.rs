//! The demo dataset: believable, complete, and seeded through the domain rules.

use chrono::Utc;
use defmatch::seed::demo;
use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn the_demo_seeds_an_empty_database_and_its_logins_work() {
    let app = spawn_app().await;
    let report = demo::seed(&mut app.database.connect(), Utc::now()).expect("seed");
    assert!(report.challenges >= 20, "{report:?}");
    assert!(report.startups >= 80, "{report:?}");
    assert!(report
        .logins
        .iter()
        .any(|login| login.role.as_str() == "admin"));

    let admin = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": demo::DEMO_ADMIN_EMAIL, "password": demo::DEMO_PASSWORD}),
        )
        .await
        .expect(200);
    let token = admin.body["access_token"].as_str().unwrap().to_owned();

    let startups = app
        .get("/api/v1/startups?per_page=100", Some(&token))
        .await
        .expect(200);
    assert_eq!(startups.body["total"], report.startups as i64);
    let items = startups.body["items"].as_array().unwrap();
    for province in [
        "NL-GR", "NL-FR", "NL-DR", "NL-OV", "NL-GE", "NL-FL", "NL-UT", "NL-NH", "NL-ZH", "NL-ZE",
        "NL-NB", "NL-LI",
    ] {
        assert!(
            items.iter().any(|s| s["province"] == province),
            "no start-up in {province}"
        );
    }
    assert!(
        items.iter().any(|s| s["country"] != "NL"),
        "some start-ups are foreign"
    );

    let all = app
        .get("/api/v1/challenges?per_page=100", Some(&token))
        .await
        .expect(200);
    let challenges = all.body["items"].as_array().unwrap();
    for status in ["draft", "published", "open", "closed"] {
        assert!(
            challenges.iter().any(|c| c["status"] == status),
            "no {status} challenge"
        );
    }
    for visibility in ["public", "registered", "vetted"] {
        assert!(
            challenges.iter().any(|c| c["visibility"] == visibility),
            "no {visibility} challenge"
        );
    }

    // The public sees fewer challenges than the admin: no drafts, nothing restricted.
    let public = app
        .get("/api/v1/challenges?per_page=100", None)
        .await
        .expect(200);
    let public_items = public.body["items"].as_array().unwrap();
    assert!(public_items.len() < challenges.len());
    assert!(public_items
        .iter()
        .all(|c| c["visibility"] == "public" && c["status"] != "draft"));

    for login in &report.logins {
        app.post(
            "/api/v1/auth/login",
            None,
            json!({"email": login.email, "password": demo::DEMO_PASSWORD}),
        )
        .await
        .expect(200);
    }
}

#[actix_web::test]
async fn the_demo_refuses_a_database_that_has_data() {
    let app = spawn_app().await;
    app.admin().await;
    let refused = demo::seed(&mut app.database.connect(), Utc::now());
    assert!(refused.is_err());
}
