//! Personal data in a real browser: a mail's unsubscribe link followed
//! without logging in, then the account page from the header: the mail
//! language chosen and the account erased; the privacy notice.

use chrono::{DateTime, Utc};
use defmatch::alerts::run_tick;
use serde_json::json;

use super::Browser;
use crate::helpers::{challenge_body, merge, spawn_app, startup_profile, TestApp, PASSWORD};
use crate::mailbox::mail_to;

async fn tick(app: &TestApp, now: DateTime<Utc>) {
    app.wait_for_index().await;
    let engine = app.search.engine.clone();
    let url = app.database.url.clone();
    actix_web::web::block(move || {
        use diesel::Connection;
        let mut connection = diesel::PgConnection::establish(&url).expect("connect");
        run_tick(&mut connection, &engine, now).expect("tick")
    })
    .await
    .expect("tick task");
}

#[actix_web::test]
async fn a_start_up_unsubscribes_from_a_mail_then_sets_its_language_and_erases_its_account() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let app = spawn_app().await;
    let officer = app.procurement("Koninklijke Marine").await;
    let (founder, _) = app
        .startup_with_profile(startup_profile("Harbour Radar BV"))
        .await;
    app.challenge_in_status(
        &officer,
        merge(
            challenge_body("Counter-drone radar for naval bases"),
            json!({"closes_at": "2027-01-15T16:00:00Z"}),
        ),
        "open",
    )
    .await;
    tick(&app, "2027-01-08T20:00:00Z".parse().expect("an instant")).await;
    let mails = mail_to(&app, &founder.email, 2).await;
    let reminder = mails
        .iter()
        .find(|mail| mail.subject.contains("sluit over 7 dagen"))
        .expect("the reminder");
    let unsubscribe = reminder
        .link_starting_with(&format!("{}/unsubscribe/", app.address))
        .expect("an unsubscribe link");

    browser.goto(&unsubscribe).await;
    browser.wait_for_text("Stop e-mail about:").await;
    browser.click_button("Unsubscribe").await;
    browser
        .wait_for_text("you will get no more e-mail about this")
        .await;
    browser.save_screenshot("unsubscribed").await;

    browser.goto(&format!("{}/login", app.address)).await;
    browser.fill("#email", &founder.email).await;
    browser.fill("#password", PASSWORD).await;
    browser.click_button("Log in").await;
    browser.wait_for_text("Log out").await;
    browser.click("a[href='/account']").await;
    browser.wait_for_text("Language of your e-mail").await;
    browser.select("#language", "en").await;
    browser.click_button("Save language").await;
    browser.wait_for_text("Your language is saved").await;
    let language = app
        .get("/api/v1/me/language", founder.auth())
        .await
        .expect(200);
    assert_eq!(language.body["language"], "en");

    browser.fill("#password", "not the password").await;
    browser.click_button("Erase my account").await;
    browser.wait_for_text("The password is wrong").await;
    browser.fill("#password", PASSWORD).await;
    browser.click_button("Erase my account").await;
    browser.wait_for_text("Your account is erased").await;
    browser.save_screenshot("account-erased").await;
    app.log_in(&founder.email).await.expect(401);

    browser.goto(&format!("{}/privacy", app.address)).await;
    browser.wait_for_text("What we keep").await;
    browser.close().await;
}
