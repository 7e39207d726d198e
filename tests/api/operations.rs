//! Liveness, readiness, metrics and the API description.

use serde_json::Value;

use crate::helpers::{spawn_app, spawn_app_with, Options};

#[actix_web::test]
async fn liveness_and_readiness_answer_when_all_is_well() {
    let app = spawn_app().await;
    assert_eq!(
        app.get("/healthz", None).await.expect(200).body["status"],
        "ok"
    );
    assert_eq!(
        app.get("/readyz", None).await.expect(200).body["status"],
        "ready"
    );
}

/// The metrics token of the tests that read `/metrics`.
const METRICS_TOKEN: &str = "metrics-token-of-the-tests-0123456789";

#[actix_web::test]
async fn metrics_count_requests_by_route_pattern_and_status_and_show_the_pool() {
    let app = spawn_app_with(Options {
        metrics_token: Some(METRICS_TOKEN.to_owned()),
        ..Options::default()
    })
    .await;
    app.get("/api/v1/taxonomy", None).await.expect(200);
    app.get(
        "/api/v1/challenges/00000000-0000-4000-8000-000000000000",
        None,
    )
    .await
    .expect(404);
    let reply = app.get("/metrics", Some(METRICS_TOKEN)).await.expect(200);
    let text = reply.body.as_str().expect("text body");
    assert!(text.contains(
        r#"defmatch_http_requests_total{method="GET",route="/api/v1/taxonomy",status="200"} 1"#
    ));
    // the route pattern, not the id, so labels stay bounded
    assert!(
        text.contains(r#"route="/api/v1/challenges/{id}",status="404""#),
        "{text}"
    );
    assert!(text.contains("defmatch_http_request_duration_seconds_bucket"));
    assert!(text.contains("defmatch_db_pool_max_connections 4"));
}

#[actix_web::test]
async fn metrics_are_closed_by_default() {
    let app = spawn_app().await;
    let closed = app.get("/metrics", None).await;
    closed.expect_error(404, "not_found");
    // Any token is refused while none is configured.
    app.get("/metrics", Some("anything"))
        .await
        .expect_error(404, "not_found");
    assert!(!closed.body.to_string().contains("defmatch_http"));
}

#[actix_web::test]
async fn metrics_answer_only_the_configured_bearer_token() {
    let app = spawn_app_with(Options {
        metrics_token: Some(METRICS_TOKEN.to_owned()),
        ..Options::default()
    })
    .await;
    app.get("/metrics", None)
        .await
        .expect_error(404, "not_found");
    app.get("/metrics", Some("metrics-token-of-the-tests-012345678X"))
        .await
        .expect_error(404, "not_found");
    app.get("/metrics", Some(&METRICS_TOKEN[..10]))
        .await
        .expect_error(404, "not_found");
    let open = app.get("/metrics", Some(METRICS_TOKEN)).await.expect(200);
    assert!(open
        .body
        .as_str()
        .is_some_and(|text| text.contains("defmatch_db_pool_max_connections")));
}

#[actix_web::test]
async fn the_metrics_address_serves_metrics_to_anyone_and_nothing_else() {
    let app = spawn_app_with(Options {
        metrics_listener: true,
        ..Options::default()
    })
    .await;
    let metrics_address = app.metrics_address.clone().expect("metrics listener");
    let client = awc::Client::default();
    let read = |path: &'static str| {
        let request = client.get(format!("{metrics_address}{path}"));
        async move {
            let mut response = request
                .send()
                .await
                .expect("request to the metrics address");
            let body = response.body().await.expect("body");
            (
                response.status().as_u16(),
                String::from_utf8_lossy(&body).into_owned(),
            )
        }
    };
    let (status, text) = read("/metrics").await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("defmatch_db_pool_max_connections"), "{text}");
    for path in ["/api/v1/taxonomy", "/healthz", "/", "/docs/"] {
        let (status, text) = read(path).await;
        assert_eq!(status, 404, "{path} on the metrics address: {text}");
    }
    // The site's own address still keeps the metrics closed.
    app.get("/metrics", None)
        .await
        .expect_error(404, "not_found");
    app.get("/api/v1/taxonomy", None).await.expect(200);
}

#[actix_web::test]
async fn metrics_show_the_search_outbox_lag_and_the_age_of_the_oldest_queued_mail() {
    use defmatch::db::notifications::{notify, NewNotification};
    use defmatch::domain::account::Role;
    use defmatch::domain::notification::{NotificationKind, NotificationSubject};
    use diesel::RunQueryDsl;

    let app = spawn_app_with(Options {
        metrics_token: Some(METRICS_TOKEN.to_owned()),
        ..Options::default()
    })
    .await;
    let metric = |text: &str, name: &str| -> f64 {
        text.lines()
            .find_map(|line| line.strip_prefix(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} in {text}"))
            .parse()
            .expect("a number")
    };
    let reply = app.get("/metrics", Some(METRICS_TOKEN)).await.expect(200);
    let text = reply.body.as_str().expect("text body");
    assert_eq!(
        metric(text, "defmatch_email_outbox_oldest_queued_seconds"),
        0.0
    );

    let user = app.create_account("queued@defmatch.example", Role::Admin, None);
    let mut connection = app.database.connect();
    assert!(notify(
        &mut connection,
        &NewNotification {
            user_id: user,
            kind: NotificationKind::DeadlineReminder,
            subject: NotificationSubject::Challenge,
            subject_id: uuid::Uuid::new_v4(),
            text: defmatch::domain::notification_text::NotificationText {
                title: defmatch::domain::language::Localized {
                    dutch: "A deadline".to_owned(),
                    english: "A deadline".to_owned(),
                },
                body: defmatch::domain::language::Localized {
                    dutch: "The challenge closes soon.".to_owned(),
                    english: "The challenge closes soon.".to_owned(),
                },
            },
            link: "/challenges".to_owned(),
            dedup_key: "test:metrics".to_owned(),
        },
    )
    .expect("notify"));
    diesel::sql_query("UPDATE email_outbox SET created_at = now() - interval '10 minutes'")
        .execute(&mut connection)
        .expect("age the mail");
    // A change in the search outbox: the follower takes it in and the lag goes back to 0.
    diesel::Connection::transaction::<_, diesel::result::Error, _>(&mut connection, |connection| {
        defmatch::db::outbox::record_change(
            connection,
            defmatch::db::outbox::SearchEntity::Challenge,
            uuid::Uuid::new_v4(),
        )
    })
    .expect("an outbox entry");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let text = loop {
        let reply = app.get("/metrics", Some(METRICS_TOKEN)).await.expect(200);
        let text = reply.body.as_str().expect("text body").to_owned();
        if metric(&text, "defmatch_search_outbox_lag") == 0.0
            || std::time::Instant::now() > deadline
        {
            break text;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(metric(&text, "defmatch_search_outbox_lag"), 0.0, "{text}");
    let oldest = metric(&text, "defmatch_email_outbox_oldest_queued_seconds");
    assert!(
        (600.0..660.0).contains(&oldest),
        "oldest queued mail {oldest} s"
    );
}

#[actix_web::test]
async fn the_openapi_document_lists_every_route_with_its_errors() {
    let app = spawn_app().await;
    let spec = app.get("/api/v1/openapi.json", None).await.expect(200).body;
    assert_eq!(spec["openapi"].as_str().map(|v| &v[..2]), Some("3."));
    let paths = spec["paths"].as_object().expect("paths");
    for expected in [
        "/api/v1/auth/login",
        "/api/v1/audit",
        "/api/v1/challenges/{id}/status",
        "/api/v1/startups/{id}",
        "/api/v1/users/{id}",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(paths.contains_key(expected), "missing {expected}");
    }
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().expect("responses");
            if path.starts_with("/api/v1") && !path.contains("taxonomy") {
                assert!(responses.contains_key("503"), "{method} {path} lacks 503");
            }
            if operation.get("requestBody").is_some() {
                for status in ["400", "413", "415"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} lacks {status}"
                    );
                }
            }
            let secured = operation["security"]
                .as_array()
                .is_some_and(|requirements| {
                    requirements
                        .iter()
                        .any(|r| r.as_object().is_some_and(|o| !o.is_empty()))
                });
            if secured {
                assert!(responses.contains_key("401"), "{method} {path} lacks 401");
            }
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    let schema = &response["content"]["application/json"]["schema"]["$ref"];
                    assert_eq!(
                        schema,
                        &Value::from("#/components/schemas/ErrorBody"),
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
}

#[actix_web::test]
async fn the_interactive_docs_are_served_without_a_cdn() {
    let app = spawn_app().await;
    let page = app.get("/docs/", None).await.expect(200);
    let html = page.body.as_str().expect("html");
    assert!(html.contains("swagger"), "{html}");
    assert!(
        !html.contains("unpkg.com") && !html.contains("cdn."),
        "no CDN: {html}"
    );
    let redirect = app.get("/docs", None).await;
    assert_eq!(redirect.status, 200, "the /docs redirect lands on the UI");
}

#[actix_web::test]
async fn the_openapi_enums_are_the_strings_the_api_speaks() {
    let app = spawn_app().await;
    let spec = app.get("/api/v1/openapi.json", None).await.expect(200).body;
    let schemas = &spec["components"]["schemas"];
    let enum_of = |name: &str| -> Vec<String> {
        schemas[name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} has no enum: {}", schemas[name]))
            .iter()
            .map(|value| value.as_str().unwrap().to_owned())
            .collect()
    };
    use defmatch::domain::{account, challenge, region, security, taxonomy};
    let strings = |values: Vec<&str>| values.into_iter().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(
        enum_of("Province"),
        strings(region::Province::ALL.iter().map(|v| v.as_str()).collect())
    );
    assert_eq!(
        enum_of("Technology"),
        strings(
            taxonomy::Technology::ALL
                .iter()
                .map(|v| v.as_str())
                .collect()
        )
    );
    assert_eq!(
        enum_of("Role"),
        strings(account::Role::ALL.iter().map(|v| v.as_str()).collect())
    );
    assert_eq!(
        enum_of("ChallengeStatus"),
        strings(
            challenge::ChallengeStatus::ALL
                .iter()
                .map(|v| v.as_str())
                .collect()
        )
    );
    assert_eq!(
        enum_of("Visibility"),
        strings(
            security::Visibility::ALL
                .iter()
                .map(|v| v.as_str())
                .collect()
        )
    );
    assert_eq!(
        enum_of("AbdoLevel"),
        strings(
            security::AbdoLevel::ALL
                .iter()
                .map(|v| v.as_str())
                .collect()
        )
    );
    assert!(enum_of("Province").contains(&"NL-GR".to_owned()));
}
