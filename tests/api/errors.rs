//! Every error, whichever layer produces it, has the JSON error body.

use actix_web::http::Method;
use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn an_unknown_route_is_a_json_404() {
    let app = spawn_app().await;
    let reply = app.get("/api/v1/no-such-thing", None).await;
    reply.expect_error(404, "not_found");
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("application/json")
    );
}

#[actix_web::test]
async fn a_known_path_with_the_wrong_method_is_a_json_405_with_allow() {
    let app = spawn_app().await;
    let reply = app
        .send(Method::DELETE, "/api/v1/taxonomy", None, &[], None)
        .await;
    reply.expect_error(405, "method_not_allowed");
    assert_eq!(reply.header("allow").as_deref(), Some("GET"));
    let on_item = app
        .send(
            Method::PUT,
            "/api/v1/challenges/7d0f1c8e-1111-4222-8333-944455556666",
            None,
            &[],
            None,
        )
        .await;
    on_item.expect_error(405, "method_not_allowed");
    let allow = on_item.header("allow").expect("Allow header");
    for method in ["GET", "PATCH", "DELETE"] {
        assert!(allow.contains(method), "{allow}");
    }
}

#[actix_web::test]
async fn a_malformed_id_in_the_path_is_a_404() {
    let app = spawn_app().await;
    app.get("/api/v1/challenges/not-a-uuid", None)
        .await
        .expect_error(404, "not_found");
}

#[actix_web::test]
async fn body_errors_are_told_apart() {
    let app = spawn_app().await;
    let path = "/api/v1/auth/login";
    let malformed = app
        .send(
            Method::POST,
            path,
            None,
            &[],
            Some(("application/json", b"{\"email\": ".to_vec())),
        )
        .await;
    malformed.expect_error(400, "malformed_json");

    let wrong_type = app
        .post(path, None, json!({"email": 42, "password": "x"}))
        .await;
    wrong_type.expect_error(400, "invalid_input");
    assert_eq!(wrong_type.error_field(), Some("email"));

    let unknown = app
        .post(
            path,
            None,
            json!({"email": "a@b.nl", "password": "x", "remember_me": true}),
        )
        .await;
    unknown.expect_error(400, "invalid_input");
    assert_eq!(unknown.error_field(), Some("remember_me"));

    let missing = app.post(path, None, json!({"email": "a@b.nl"})).await;
    missing.expect_error(400, "invalid_input");
    assert_eq!(missing.error_field(), Some("password"));

    let not_json = app
        .send(
            Method::POST,
            path,
            None,
            &[],
            Some(("text/plain", b"email=a".to_vec())),
        )
        .await;
    not_json.expect_error(415, "unsupported_media_type");

    let oversized = vec![b' '; 1024 * 1024 + 1];
    let too_large = app
        .send(
            Method::POST,
            path,
            None,
            &[],
            Some(("application/json", oversized)),
        )
        .await;
    too_large.expect_error(413, "payload_too_large");

    let trailing = app
        .send(
            Method::POST,
            path,
            None,
            &[],
            Some((
                "application/json",
                br#"{"email":"a@b.nl","password":"x"} {}"#.to_vec(),
            )),
        )
        .await;
    trailing.expect_error(400, "malformed_json");
}

#[actix_web::test]
async fn a_bad_query_parameter_is_a_400_naming_it() {
    let app = spawn_app().await;
    let unknown = app.get("/api/v1/challenges?colour=blue", None).await;
    unknown.expect_error(400, "invalid_input");
    assert_eq!(unknown.error_field(), Some("colour"));
    for (query, field) in [
        ("trl=12", "trl"),
        ("technology=warp-drive", "technology"),
        ("sort=soonest", "sort"),
        ("province=NH", "province"),
        ("closes_before=tomorrow", "closes_before"),
    ] {
        let reply = app.get(&format!("/api/v1/challenges?{query}"), None).await;
        reply.expect_error(400, "invalid_input");
        assert_eq!(reply.error_field(), Some(field), "{query}: {}", reply.body);
    }
}

#[actix_web::test]
async fn control_characters_are_replaced_not_a_server_error() {
    let app = spawn_app().await;
    app.post(
        "/api/v1/auth/register",
        None,
        json!({"email": "nul@startup.test", "password": crate::helpers::PASSWORD, "display_name": "x", "company_name": "a\u{0}b", "accept_privacy": true}),
    )
    .await
    .expect(202);
    crate::mailbox::mail_to(&app, "nul@startup.test", 1).await;
    let founder = app.logged_in("nul@startup.test").await;
    let me = app.get("/api/v1/me", founder.auth()).await.expect(200);
    assert_eq!(me.body["organisation"]["name"], "a b");
    app.get("/api/v1/challenges?q=radar%00b", None)
        .await
        .expect(200);
    let blank = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": "blank@startup.test", "password": "0123456789", "display_name": "\u{85}", "company_name": "c", "accept_privacy": true}),
        )
        .await;
    blank.expect_error(400, "invalid_input");
    assert_eq!(blank.error_field(), Some("display_name"));
}

#[actix_web::test]
async fn whole_numbers_may_be_written_with_a_zero_fraction() {
    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    let body = crate::helpers::merge(
        crate::helpers::challenge_body("Counter-drone radar"),
        json!({"trl_min": 4.0, "trl_max": 7.0, "budget_min_eur": 1000.0, "budget_max_eur": 2000}),
    );
    let created = app
        .post("/api/v1/challenges", officer.auth(), body)
        .await
        .expect(201);
    assert_eq!(created.body["trl_min"], 4);
    let fraction = crate::helpers::merge(
        crate::helpers::challenge_body("Counter-drone radar"),
        json!({"trl_min": 4.5}),
    );
    let refused = app
        .post("/api/v1/challenges", officer.auth(), fraction)
        .await;
    refused.expect_error(400, "invalid_input");
    assert_eq!(refused.error_field(), Some("trl_min"));
}

#[actix_web::test]
async fn a_malformed_if_match_is_a_400() {
    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    let created = app
        .post(
            "/api/v1/challenges",
            officer.auth(),
            crate::helpers::challenge_body("Counter-drone radar"),
        )
        .await
        .expect(201);
    let path = format!("/api/v1/challenges/{}", created.id());
    for bad in ["", "1", "\"\"", "\"+1\"", "abc"] {
        let reply = app
            .send(
                Method::DELETE,
                &path,
                officer.auth(),
                &[("If-Match", bad.to_owned())],
                None,
            )
            .await;
        reply.expect_error(400, "invalid_input");
        assert_eq!(reply.error_field(), Some("If-Match"), "{bad:?}");
    }
}
