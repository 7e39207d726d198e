//! Dates outside the accepted range are a 400 naming the field, in every
//! query and body that takes one; never a 500 from the database.

use serde_json::json;

use crate::helpers::{challenge_body, merge, spawn_app};

/// Instants nobody means: before PostgreSQL's range, far past any deadline,
/// and just before the earliest accepted year.
const FAR_OFF: [&str; 4] = [
    "-9999-01-01T00:00:00Z",
    "+262142-01-01T00:00:00Z",
    "1899-12-31T23:59:59Z",
    "+10000-01-01T00:00:00Z",
];

/// `at` written for a query string (`+` as `%2B`).
fn in_query(at: &str) -> String {
    at.replace('+', "%2B")
}

#[actix_web::test]
async fn filters_with_a_date_out_of_range_are_a_400_naming_the_parameter() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (startup, startup_id) = app
        .startup_with_profile(crate::helpers::startup_profile("Dated Radar"))
        .await;
    let matches = format!("/api/v1/startups/{startup_id}/matches?closes_before=");
    for at in FAR_OFF {
        let at = in_query(at);
        for (path, field, token) in [
            ("/api/v1/challenges?closes_after=", "closes_after", None),
            ("/api/v1/challenges?closes_before=", "closes_before", None),
            (
                "/api/v1/search/challenges?closes_after=",
                "closes_after",
                None,
            ),
            (matches.as_str(), "closes_before", startup.auth()),
            ("/api/v1/audit?from=", "from", admin.auth()),
            ("/api/v1/audit?until=", "until", admin.auth()),
        ] {
            let reply = app.get(&format!("{path}{at}"), token).await;
            reply.expect_error(400, "invalid_input");
            assert_eq!(
                reply.error_field(),
                Some(field),
                "{path}{at}: {}",
                reply.body
            );
        }
    }
    // The ends of the range are accepted.
    app.get(
        "/api/v1/challenges?closes_after=1900-01-01T00:00:00Z&closes_before=9999-12-31T23:59:59Z",
        None,
    )
    .await
    .expect(200);
}

#[actix_web::test]
async fn a_saved_search_with_a_date_out_of_range_is_refused() {
    let app = spawn_app().await;
    let (startup, _) = app
        .startup_with_profile(crate::helpers::startup_profile("Saved Dates"))
        .await;
    let reply = app
        .post(
            "/api/v1/saved-searches",
            startup.auth(),
            json!({
                "name": "far off",
                "target": "challenges",
                "query": "closes_after=-9999-01-01T00:00:00Z"
            }),
        )
        .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
}

#[actix_web::test]
async fn challenge_dates_out_of_range_are_a_400_naming_the_field() {
    let app = spawn_app().await;
    let officer = app.procurement("Dated Procurement").await;
    for field in ["pre_release_at", "opens_at", "closes_at"] {
        for at in FAR_OFF {
            let body = merge(challenge_body("Far-off dates"), json!({ field: at }));
            let reply = app.post("/api/v1/challenges", officer.auth(), body).await;
            reply.expect_error(400, "invalid_input");
            assert_eq!(
                reply.error_field(),
                Some(field),
                "{field} = {at}: {}",
                reply.body
            );
        }
    }
    // More than twenty years ahead, but within the storable range.
    let too_far = (chrono::Utc::now() + chrono::Duration::days(21 * 366)).to_rfc3339();
    let reply = app
        .post(
            "/api/v1/challenges",
            officer.auth(),
            merge(
                challenge_body("Far deadline"),
                json!({"closes_at": too_far}),
            ),
        )
        .await;
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("closes_at"));
    assert!(reply.body["error"]["message"]
        .as_str()
        .is_some_and(|message| message.contains("20 years")));

    let created = app
        .post(
            "/api/v1/challenges",
            officer.auth(),
            challenge_body("Dated for a patch"),
        )
        .await
        .expect(201);
    let id = created.id();
    let version = created.etag_version();
    let reply = app
        .patch(
            &format!("/api/v1/challenges/{id}"),
            officer.auth(),
            version,
            json!({"closes_at": "+262142-01-01T00:00:00Z"}),
        )
        .await;
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("closes_at"));
    let reply = app
        .patch(
            &format!("/api/v1/challenges/{id}"),
            officer.auth(),
            version,
            json!({"opens_at": "-9999-01-01T00:00:00Z"}),
        )
        .await;
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("opens_at"));
}
