//! Dates, deadlines and amounts on the pages: days in Europe/Amsterdam and
//! saying so, calendar days left, the opening date of an announced
//! challenge, and euros as each language writes them.

use chrono::{Duration, Utc};
use serde_json::json;

use crate::helpers::{challenge_body, merge, spawn_app};
use crate::web_pages::{html, WebVisitor};

#[actix_web::test]
async fn a_challenge_page_writes_budget_and_deadline_as_each_language_does() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone radar"), "open")
        .await;
    let mut visitor = WebVisitor::new(&app);

    let english = visitor.get(&format!("/challenges/{id}")).await.expect(200);
    visitor.get("/language?to=nl&back=/").await.expect(303);
    let dutch = visitor.get(&format!("/challenges/{id}")).await.expect(200);

    assert!(
        html(&english).contains("€50,000 – €250,000"),
        "{}",
        html(&english)
    );
    assert!(
        html(&dutch).contains("€ 50.000 – € 250.000"),
        "{}",
        html(&dutch)
    );
    // The deadline is 30 days from now: 30 or 31 calendar days in Amsterdam.
    assert!(
        html(&english).contains("Amsterdam time ("),
        "{}",
        html(&english)
    );
    assert!(html(&english).contains(" days left)"));
    assert!(html(&dutch).contains("Nederlandse tijd ("));
    assert!(html(&dutch).contains(" dagen te gaan)"));
}

#[actix_web::test]
async fn an_announced_challenge_shows_when_it_opens() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let opens = Utc::now() + Duration::days(10);
    let body = merge(
        challenge_body("Hydrophone arrays"),
        json!({
            "pre_release_at": Utc::now().to_rfc3339(),
            "opens_at": opens.to_rfc3339(),
            "closes_at": (Utc::now() + Duration::days(40)).to_rfc3339(),
        }),
    );
    let id = app.challenge_in_status(&officer, body, "published").await;
    let mut visitor = WebVisitor::new(&app);

    let page = visitor.get(&format!("/challenges/{id}")).await.expect(200);

    let opening = defmatch::web::layout::human_date(opens, defmatch::web::text::Language::English);
    assert!(
        html(&page).contains(&format!("<dt>Opens</dt><dd>{opening}, ")),
        "{}",
        html(&page)
    );
}

/// The form of a new challenge, with `changes` over valid values.
fn challenge_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("title", "Counter-drone sensing"),
        ("summary", "Detect drones."),
        (
            "description",
            "Airbases need early warning of small drones.",
        ),
        ("desired_outcome", "A demonstrator."),
        ("technologies", "autonomy-drones"),
        ("trl_min", "4"),
        ("trl_max", "7"),
        ("opens_at", "2027-01-15"),
        ("closes_at", "2027-04-01"),
        ("visibility", "public"),
    ];
    for (name, value) in changes {
        if let Some(slot) = form.iter_mut().find(|(field, _)| field == name) {
            slot.1 = value;
        }
    }
    form
}

#[actix_web::test]
async fn dates_typed_on_the_challenge_form_are_days_in_amsterdam() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let mut visitor = crate::web_pages::signed_in(&app, &officer.email).await;
    visitor.get("/my/challenges/new").await.expect(200);

    visitor
        .post_form("/my/challenges/new", &challenge_form(&[]))
        .await
        .expect(303);

    let mine = app
        .get("/api/v1/challenges?status=draft", officer.auth())
        .await
        .expect(200);
    let instant = |field: &str| {
        mine.body["items"][0][field]
            .as_str()
            .and_then(|text| text.parse::<chrono::DateTime<Utc>>().ok())
    };
    // 15 January is winter time (UTC+1), 1 April summer time (UTC+2).
    assert_eq!(instant("opens_at"), "2027-01-14T23:00:00Z".parse().ok());
    assert_eq!(instant("closes_at"), "2027-04-01T21:59:59Z".parse().ok());
}

#[actix_web::test]
async fn the_challenge_form_shows_every_error_at_once_beside_its_field() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let mut visitor = crate::web_pages::signed_in(&app, &officer.email).await;
    visitor.get("/my/challenges/new").await.expect(200);

    let reply = visitor
        .post_form(
            "/my/challenges/new",
            &challenge_form(&[
                ("title", ""),
                ("summary", ""),
                ("trl_min", "8"),
                ("trl_max", "3"),
                ("closes_at", "2020-01-31"),
            ]),
        )
        .await;

    assert_eq!(reply.status, 400);
    let page = html(&reply);
    for field in ["title", "summary", "trl_min", "closes_at"] {
        assert!(
            page.contains(&format!("id=\"error-{field}\"")),
            "a message beside {field}"
        );
    }
}

#[actix_web::test]
async fn the_challenge_forms_messages_are_dutch_on_a_dutch_page() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let mut visitor = crate::web_pages::signed_in(&app, &officer.email).await;
    visitor.get("/language?to=nl&back=/").await.expect(303);
    visitor.get("/my/challenges/new").await.expect(200);

    let reply = visitor
        .post_form(
            "/my/challenges/new",
            &challenge_form(&[
                ("title", ""),
                ("trl_min", "8"),
                ("trl_max", "3"),
                ("closes_at", "2020-01-31"),
            ]),
        )
        .await;

    assert_eq!(reply.status, 400);
    let beside = |field: &str| {
        html(&reply)
            .split(&format!("id=\"error-{field}\""))
            .nth(1)
            .and_then(|rest| rest.split("</p>").next())
            .unwrap_or_default()
            .to_owned()
    };
    for field in ["title", "trl_min", "closes_at"] {
        let message = beside(field);
        assert!(message.len() > 5, "{field}: {message}");
        for english in [" must ", " the ", " is ", "least", "after"] {
            assert!(!message.contains(english), "{field} in Dutch: {message}");
        }
    }
}
