//! The axe sweep: every page each role has (visitor, start-up, procurement,
//! ROM officer, admin), in English and in Dutch, checked by axe-core
//! against WCAG 2.1 A/AA, then again at phone width (390 px) for sideways
//! scrolling. One browser for the whole sweep; each role signs in once.

use serde_json::{json, Value};

use super::accessibility::assert_accessible;
use super::Browser;
use crate::helpers::{challenge_body, spawn_app, startup_profile, TestApp, PASSWORD};

/// The phone the layouts promise to fit: 390 × 844 CSS pixels.
pub const PHONE: (u32, u32) = (390, 844);
/// The desktop window every browser test starts with.
pub const DESKTOP: (u32, u32) = (1280, 900);

/// Resizes the browser window to `size`.
pub async fn resize(browser: &Browser, size: (u32, u32)) {
    browser
        .client()
        .set_window_size(size.0, size.1)
        .await
        .expect("WebDriver: resize the window");
}

/// Panics when the page the browser shows is wider than the window.
pub async fn assert_no_sideways_scrolling(browser: &Browser, what: &str) {
    let measured: Value = browser
        .client()
        .execute(
            "return {width: document.scrollingElement.scrollWidth, window: window.innerWidth};",
            vec![],
        )
        .await
        .expect("WebDriver: measure the page");
    let width = measured["width"].as_f64().unwrap_or(f64::MAX);
    let window = measured["window"].as_f64().unwrap_or(0.0);
    assert!(
        width <= window,
        "{what} ({}) scrolls sideways: {width} px wide in a {window} px window",
        browser.current_url().await
    );
}

/// Visits each of `paths` in English and in Dutch and runs axe-core on it,
/// then does the same at phone width checking that nothing scrolls
/// sideways, and leaves the browser at desktop width in English.
async fn sweep(browser: &Browser, app: &TestApp, role: &str, paths: &[String]) {
    for language in ["en", "nl"] {
        browser
            .goto(&format!("{}/language?to={language}&back=/", app.address))
            .await;
        for path in paths {
            browser.goto(&format!("{}{path}", app.address)).await;
            browser.wait_for("main").await;
            assert_accessible(browser, &format!("{role}: {path} in {language}")).await;
        }
    }
    resize(browser, PHONE).await;
    for language in ["en", "nl"] {
        browser
            .goto(&format!("{}/language?to={language}&back=/", app.address))
            .await;
        for path in paths {
            browser.goto(&format!("{}{path}", app.address)).await;
            browser.wait_for("main").await;
            assert_no_sideways_scrolling(browser, &format!("{role}: {path} in {language}")).await;
        }
    }
    resize(browser, DESKTOP).await;
    browser
        .goto(&format!("{}/language?to=en&back=/", app.address))
        .await;
}

#[actix_web::test]
async fn every_page_of_every_role_passes_axe_in_both_languages_and_fits_a_phone() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let app = spawn_app().await;
    let admin = app.admin().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    let challenge = app
        .challenge_in_status(
            &officer,
            challenge_body("Counter-drone radar for harbours"),
            "open",
        )
        .await;
    let (founder, startup) = app
        .startup_with_profile(startup_profile("SkyWatch Systems"))
        .await;
    app.post(
        "/api/v1/saved-searches",
        founder.auth(),
        json!({"name": "drones", "target": "challenges", "query": "q=drone"}),
    )
    .await
    .expect(201);
    let rom = app
        .rom_officer(defmatch::domain::region::Rom::RomInWest)
        .await;
    // A note, so the start-up's page shows its list of notes.
    defmatch::db::startup_notes::insert(
        &mut app.database.connect(),
        startup,
        defmatch::domain::region::Rom::RomInWest,
        rom.user_id,
        "Met them at the fair; wants a radar pilot.",
    )
    .expect("a note");
    app.wait_for_index().await;

    // The visitor's pages, with the answer to a registration.
    let visitor_pages: Vec<String> = [
        "/",
        "/challenges",
        &format!("/challenges/{challenge}"),
        "/login",
        "/register",
        "/forgot-password",
        "/reset-password?token=not-a-token",
        "/verify-email?token=not-a-token",
        "/privacy",
        "/unsubscribe/not-a-token",
        "/invitation?token=not-a-token",
        "/auth/sso/start",
        "/no-such-page",
    ]
    .iter()
    .map(|path| path.to_string())
    .collect();
    sweep(&browser, &app, "visitor", &visitor_pages).await;
    browser.goto(&format!("{}/register", app.address)).await;
    browser.fill("#display_name", "Eva Smit").await;
    browser.fill("#company_name", "Polder Optics").await;
    browser.fill("#kvk_number", "87654321").await;
    browser.fill("#email", "eva@polder-optics.example").await;
    browser.fill("#password", PASSWORD).await;
    browser.click("#accept_privacy").await;
    browser
        .click("form[action='/register'] button[type=submit]")
        .await;
    browser.wait_for_text("Check your mail").await;
    assert_accessible(&browser, "visitor: check your mail").await;

    // The start-up expresses interest, so it has an introduction to show.
    browser.log_in(&app, &founder.email).await;
    browser
        .goto(&format!("{}/challenges/{challenge}", app.address))
        .await;
    browser
        .fill("#message", "We detect drones with passive radar.")
        .await;
    browser
        .click(&format!(
            "form[action='/challenges/{challenge}/interest'] button[type=submit]"
        ))
        .await;
    browser.wait_for("a[href^='/introductions/']").await;
    let introduction = browser
        .wait_for("main a[href^='/introductions/']")
        .await
        .attr("href")
        .await
        .expect("WebDriver: read a link")
        .expect("a link to the introduction");
    let startup_pages: Vec<String> = [
        "/profile",
        "/matches",
        "/saved-searches",
        "/introductions",
        introduction.as_str(),
        "/notifications",
        "/account",
        &format!("/challenges/{challenge}"),
    ]
    .iter()
    .map(|path| path.to_string())
    .collect();
    sweep(&browser, &app, "start-up", &startup_pages).await;
    browser.log_out().await;

    browser.log_in(&app, &officer.email).await;
    let procurement_pages: Vec<String> = [
        "/my/challenges".to_owned(),
        "/my/challenges/new".to_owned(),
        format!("/my/challenges/{challenge}/edit"),
        format!("/my/challenges/{challenge}/candidates"),
        "/introductions".to_owned(),
        introduction.clone(),
        "/notifications".to_owned(),
        "/account".to_owned(),
    ]
    .to_vec();
    sweep(&browser, &app, "procurement", &procurement_pages).await;
    browser.log_out().await;

    browser.log_in(&app, &rom.email).await;
    let rom_pages: Vec<String> = vec![
        "/dashboard".to_owned(),
        "/region/startups".to_owned(),
        format!("/region/startups/{startup}"),
        "/region/invitations".to_owned(),
        "/import".to_owned(),
        format!("/introductions/propose?startup={startup}&challenge={challenge}"),
        "/introductions".to_owned(),
        "/account".to_owned(),
    ];
    sweep(&browser, &app, "ROM officer", &rom_pages).await;
    browser.log_out().await;

    browser.log_in(&app, &admin.email).await;
    let admin_pages: Vec<String> = [
        "/admin/users",
        "/admin/organisations",
        "/admin/invitations",
        "/import",
        "/admin/audit",
        "/admin/audit?actor=test&from=2020-01-01",
        "/admin/audit?from=not-a-day",
        "/dashboard",
        "/region/startups",
        &format!("/region/startups/{startup}"),
        "/account",
    ]
    .iter()
    .map(|path| path.to_string())
    .collect();
    sweep(&browser, &app, "admin", &admin_pages).await;
    browser.close().await;
}
