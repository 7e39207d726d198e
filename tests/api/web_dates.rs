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
