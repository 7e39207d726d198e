//! Public Q&A on a challenge: asking, answering, who sees what, and when
//! questions close.

use serde_json::{json, Value};

use crate::helpers::{challenge_body, merge, spawn_app, startup_profile, Actor, Reply, TestApp};
use crate::web_pages::html;

/// `asker` asks `question` on `challenge`; the question is taken (201).
async fn ask(app: &TestApp, challenge: uuid::Uuid, asker: &Actor, question: &str) -> Reply {
    app.post(
        &format!("/api/v1/challenges/{challenge}/questions"),
        asker.auth(),
        json!({ "question": question }),
    )
    .await
    .expect(201)
}

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

    let asked = ask(&app, challenge, &asker, "Is night operation required?").await;
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
async fn a_start_ups_question_names_neither_it_nor_its_people_to_procurement_or_the_public() {
    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    let challenge = app
        .challenge_in_status(&officer, challenge_body("Counter-drone radar"), "open")
        .await;
    let (asker, _) = app
        .startup_with_profile(merge(
            startup_profile("Zwaluwstaart Canary BV"),
            json!({
                "city": "Zaltbommel",
                "website": "https://canary-zx91.example",
                "contact_name": "Jorinde Kwakkelstein",
                "contact_email": "ceo@canary-zx91.example",
                "contact_phone": "+31 418 917 291"
            }),
        ))
        .await;
    let questions = format!("/api/v1/challenges/{challenge}/questions");
    let asked = ask(
        &app,
        challenge,
        &asker,
        "Zwaluwstaart Canary BV here (Jorinde Kwakkelstein, Zaltbommel, ceo@canary-zx91.example, \
         0418 917291): may Kwakkelsteins passive radar be shown at night?",
    )
    .await;
    let question_id = asked.id();
    app.post(
        &format!("{questions}/{question_id}/answer"),
        officer.auth(),
        json!({"answer": "Yes, at night too."}),
    )
    .await
    .expect(200);

    let canaries = [
        "zwaluw",
        "kwakkel",
        "jorinde",
        "zaltbommel",
        "zx91",
        "917291",
        "917 291",
    ];
    for (reader, token) in [
        ("the asker", asker.auth()),
        ("procurement", officer.auth()),
        ("an anonymous visitor", None),
    ] {
        let listed = app.get(&questions, token).await.expect(200).body;
        let question = listed["items"][0]["question"]
            .as_str()
            .expect("the question")
            .to_owned();
        for canary in canaries {
            assert!(
                !question.to_lowercase().contains(canary),
                "{reader} reads {canary:?} in {question:?}"
            );
        }
        assert!(
            question.contains("passive radar be shown at night?"),
            "{reader} reads {question:?}"
        );
        assert!(question.contains("[start-up]"), "{question:?}");
    }
    let page = app
        .get(&format!("/challenges/{challenge}"), None)
        .await
        .expect(200);
    assert!(html(&page).contains("passive radar be shown at night?"));
    for canary in canaries {
        assert!(
            !html(&page).to_lowercase().contains(canary),
            "the public page shows {canary:?}"
        );
    }
}

#[actix_web::test]
async fn a_question_stored_before_questions_were_redacted_is_redacted_when_the_service_starts() {
    use defmatch::db::schema::challenge_questions;
    use diesel::prelude::*;

    let app = spawn_app().await;
    let officer = app.procurement("Koninklijke Landmacht").await;
    let challenge = app
        .challenge_in_status(&officer, challenge_body("Acoustic sensing"), "open")
        .await;
    let (asker, _) = app
        .startup_with_profile(merge(
            startup_profile("Zwaluwstaart Canary BV"),
            json!({"contact_name": "Jorinde Kwakkelstein"}),
        ))
        .await;
    let questions = format!("/api/v1/challenges/{challenge}/questions");
    let asked = ask(&app, challenge, &asker, "Does the array need mains power?").await;
    // As a release before this one stored it: as written, by no redaction.
    let mut connection = app.database.connect();
    diesel::update(challenge_questions::table.find(asked.id()))
        .set((
            challenge_questions::question.eq(
                "Zwaluwstaart asks, for Jorinde Kwakkelstein: does the array need mains power?",
            ),
            challenge_questions::redaction_version.eq(0),
        ))
        .execute(&mut connection)
        .expect("store the question as an older release did");

    defmatch::db::run_migrations(&mut connection).expect("the start-up's setup");

    let listed = app.get(&questions, officer.auth()).await.expect(200).body;
    assert_eq!(
        listed["items"][0]["question"],
        "[start-up] asks, for [person]: does the array need mains power?"
    );
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
