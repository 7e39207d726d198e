//! What users do in a real browser, end to end: each test starts a server
//! with a fresh database and index, and drives headless Chromium through
//! the pages as a start-up, a procurement officer, a ROM officer or an
//! admin would. Screenshots of the main pages land in `docs/screenshots/`
//! when the tests run with `DEFMATCH_SCREENSHOTS=1`.

use serde_json::json;

use super::Browser;
use crate::helpers::{challenge_body, merge, spawn_app, startup_profile, TestApp, PASSWORD};

/// Logs `email` in through the login form and waits for the next page.
async fn log_in(browser: &Browser, app: &TestApp, email: &str) {
    browser.goto(&format!("{}/login", app.address)).await;
    browser.fill("#email", email).await;
    browser.fill("#password", PASSWORD).await;
    browser.click_button("Log in").await;
    browser.wait_for_text("Log out").await;
}

/// Logs out with the button in the header.
async fn log_out(browser: &Browser) {
    browser.click_button("Log out").await;
    browser.wait_for_text("Register your start-up").await;
}

#[actix_web::test]
async fn an_unvetted_user_opening_a_vetted_challenge_by_url_gets_the_not_found_page() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    let vetted = merge(
        challenge_body("Classified sensor fusion for frigates"),
        json!({"visibility": "vetted"}),
    );
    let vetted_id = app.challenge_in_status(&officer, vetted, "open").await;
    let startup = app.startup_account("Polder Sensors").await;

    log_in(&browser, &app, &startup.email).await;
    browser
        .goto(&format!("{}/challenges/{vetted_id}", app.address))
        .await;
    browser.wait_for_text("Page not found").await;
    let text = browser.page_text().await;
    assert!(!text.contains("Classified sensor fusion"), "{text}");
    assert!(
        text.contains("Log out"),
        "the page keeps the visitor's navigation: {text}"
    );
    browser.save_screenshot("not-found").await;

    // Once vetted, the same URL shows the challenge.
    app.vet(&startup);
    browser
        .goto(&format!("{}/challenges/{vetted_id}", app.address))
        .await;
    browser
        .wait_for_text("Classified sensor fusion for frigates")
        .await;
    log_out(&browser).await;
    // Logged out, the challenge is hidden again.
    browser
        .goto(&format!("{}/challenges/{vetted_id}", app.address))
        .await;
    browser.wait_for_text("Page not found").await;
    browser.close().await;
}

#[actix_web::test]
async fn the_public_challenge_search_filters_and_sorts_by_deadline() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    let soon = merge(
        challenge_body("Counter-drone radar for airbases"),
        json!({"closes_at": (chrono::Utc::now() + chrono::Duration::days(5)).to_rfc3339()}),
    );
    app.challenge_in_status(&officer, soon, "open").await;
    let later = merge(
        challenge_body("Quantum-safe radio links"),
        json!({
            "summary": "Encrypted radio links that resist quantum attacks.",
            "description": "Post-quantum cryptography for tactical radios.",
            "technologies": ["quantum"],
            "keywords": ["post-quantum", "radio"],
            "closes_at": (chrono::Utc::now() + chrono::Duration::days(60)).to_rfc3339()
        }),
    );
    app.challenge_in_status(&officer, later, "open").await;
    app.wait_for_index().await;

    browser.goto(&format!("{}/challenges", app.address)).await;
    browser.wait_for_text("2 challenges found").await;
    browser.select("#sort", "deadline").await;
    browser.click_button("Search").await;
    browser.wait_for_text("Counter-drone radar").await;
    let titles = browser
        .text("section[aria-labelledby=results-heading]")
        .await;
    let first = titles.find("Counter-drone radar").unwrap_or(usize::MAX);
    let second = titles.find("Quantum-safe radio").unwrap_or(0);
    assert!(first < second, "nearest deadline first: {titles}");
    browser.save_screenshot("public-challenges").await;

    browser.fill("#q", "UAV").await;
    browser.click_button("Search").await;
    browser.wait_for_text("1 challenges found").await;
    assert!(browser.page_text().await.contains("Counter-drone radar"));
    browser.close().await;
}
