//! Public Q&A on a challenge: asking, answering, who sees what, and when
//! questions close.

use serde_json::{json, Value};

use crate::helpers::{challenge_body, merge, spawn_app, startup_profile};

#[actix_web::test]
async fn a_question_is_answered_and_then_public_without_its_asker() {
    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    let challenge = app
        .challenge_in_status(&officer, challenge_body("Drone detection at ports"), "open")
        .await;
    let (asker, _) = app
        .startup_with_profile(startup_profile("Inquisitive Radar BV"))
        .await;
    let (other, _) = app
        .startup_with_profile(startup_profile("Bystander Optics BV"))
        .await;
    let questions = format!("/api/v1/challenges/{challenge}/questions");

    let asked = app
        .post(
            &questions,
            asker.auth(),
            json!({"question": "Is night operation required?"}),
        )
        .await
        .expect(201);
    assert_eq!(asked.body["asked_by_me"], true);
    assert_eq!(asked.body["answer"], Value::Null);
    let question_id = asked.id();

    // Unanswered: the asker and the owner see it, others do not.
    let count = |body: &Value| body["items"].as_array().expect("items").len();
    let for_other = app.get(&questions, other.auth()).await.expect(200);
    assert_eq!(count(&for_other.body), 0);
    assert_eq!(for_other.body["open_for_questions"], true);
    let for_owner = app.get(&questions, officer.auth()).await.expect(200);
    assert_eq!(count(&for_owner.body), 1);
    assert_eq!(for_owner.body["items"][0]["asked_by_me"], false);
    assert_eq!(
        count(&app.get(&questions, asker.auth()).await.expect(200).body),
        1
    );

    // Only the owning organisation answers; then everyone who may see it reads it.
    let answer = format!("{questions}/{question_id}/answer");
    app.post(&answer, other.auth(), json!({"answer": "Yes."}))
        .await
        .expect_error(403, "forbidden");
    app.post(&answer, officer.auth(), json!({"answer": "   "}))
        .await
        .expect_error(400, "invalid_input");
    app.post(
        &answer,
        officer.auth(),
        json!({"answer": "Yes, day and night."}),
    )
    .await
    .expect(200);
    for token in [other.auth(), None] {
        let public = app.get(&questions, token).await.expect(200).body;
        assert_eq!(count(&public), 1);
        assert_eq!(public["items"][0]["answer"], "Yes, day and night.");
        assert_eq!(public["items"][0]["asked_by_me"], false);
        let text = public.to_string();
        assert!(!text.contains(&asker.user_id.to_string()));
        assert!(!text.contains(&asker.email));
    }
    app.post(
        &format!("{questions}/{}/answer", uuid::Uuid::new_v4()),
        officer.auth(),
        json!({"answer": "Nothing to answer."}),
    )
    .await
    .expect_error(404, "not_found");
}

#[actix_web::test]
async fn questions_close_with_the_challenge_and_follow_its_visibility() {
    let app = spawn_app().await;
    let officer = app.procurement("Koninklijke Marine").await;
    let (startup, _) = app
        .startup_with_profile(startup_profile("Late Asker BV"))
        .await;

    // Pre-release takes questions; a closed challenge does not.
    let published = app
        .challenge_in_status(&officer, challenge_body("Pre-release need"), "published")
        .await;
    app.post(
        &format!("/api/v1/challenges/{published}/questions"),
        startup.auth(),
        json!({"question": "When does it open?"}),
    )
    .await
    .expect(201);
    let closed = app
        .challenge_in_status(&officer, challenge_body("Closed need"), "closed")
        .await;
    app.post(
        &format!("/api/v1/challenges/{closed}/questions"),
        startup.auth(),
        json!({"question": "Too late?"}),
    )
    .await
    .expect_error(409, "conflict");
    let listed = app
        .get(
            &format!("/api/v1/challenges/{closed}/questions"),
            startup.auth(),
        )
        .await
        .expect(200);
    assert_eq!(listed.body["open_for_questions"], false);

    // A vetted challenge is invisible, so is its Q&A; the owner does not ask.
    let vetted = app
        .challenge_in_status(
            &officer,
            merge(
                challenge_body("Vetted need"),
                json!({"visibility": "vetted"}),
            ),
            "open",
        )
        .await;
    let path = format!("/api/v1/challenges/{vetted}/questions");
    app.get(&path, startup.auth())
        .await
        .expect_error(404, "not_found");
    app.post(&path, startup.auth(), json!({"question": "Hello?"}))
        .await
        .expect_error(404, "not_found");
    app.post(
        &path,
        officer.auth(),
        json!({"question": "Talking to myself?"}),
    )
    .await
    .expect_error(403, "forbidden");
    app.post(&path, None, json!({"question": "Anonymous?"}))
        .await
        .expect_error(401, "missing_token");
    app.post(
        &format!("/api/v1/challenges/{published}/questions"),
        startup.auth(),
        json!({"question": "Typo", "urgent": true}),
    )
    .await
    .expect_error(400, "invalid_input");
}
