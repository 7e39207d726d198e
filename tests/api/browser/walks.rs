//! Each role's main job, walked in a real browser at desktop width and at
//! phone width (390 px), where no page on the way may scroll sideways: a
//! start-up finds a challenge and expresses interest; procurement posts a
//! challenge and invites a candidate; a ROM officer proposes an
//! introduction from the region list; an admin vets a user. (Every page
//! in both languages at phone width: `every_page`.)

use serde_json::json;

use super::every_page::{assert_no_sideways_scrolling, resize, DESKTOP, PHONE};
use super::Browser;
use crate::helpers::{challenge_body, spawn_app, startup_profile};

/// At phone width, checks that the page the walk is on fits the window.
async fn fits(browser: &Browser, size: (u32, u32), step: &str) {
    if size == PHONE {
        assert_no_sideways_scrolling(browser, step).await;
    }
}

/// A browser at `size`, or `None` when browser tests are skipped.
async fn browser_at(size: (u32, u32)) -> Option<Browser> {
    let browser = Browser::start_or_skip().await?;
    resize(&browser, size).await;
    Some(browser)
}

async fn start_up_expresses_interest(size: (u32, u32)) {
    let Some(browser) = browser_at(size).await else {
        return;
    };
    let app = spawn_app().await;
    let officer = app.procurement("Koninklijke Marine").await;
    let challenge = app
        .challenge_in_status(
            &officer,
            challenge_body("Passive radar for harbour drones"),
            "open",
        )
        .await;
    let (founder, _) = app
        .startup_with_profile(startup_profile("SkyWatch Systems"))
        .await;
    app.wait_for_index().await;

    browser.log_in(&app, &founder.email).await;
    browser.goto(&format!("{}/challenges", app.address)).await;
    browser.wait_for("article.card").await;
    fits(&browser, size, "the challenge list").await;
    browser
        .click(&format!("article.card a[href='/challenges/{challenge}']"))
        .await;
    browser.wait_for("#message").await;
    fits(&browser, size, "the challenge").await;
    browser
        .fill("#message", "We detect small drones with passive radar.")
        .await;
    browser.click_button("Express interest").await;
    browser
        .wait_for_text("You have an introduction for this challenge")
        .await;
    fits(&browser, size, "the challenge after interest").await;
    browser.close().await;
}

#[actix_web::test]
async fn a_start_up_finds_a_challenge_and_expresses_interest_on_a_desktop() {
    start_up_expresses_interest(DESKTOP).await;
}

#[actix_web::test]
async fn a_start_up_finds_a_challenge_and_expresses_interest_on_a_phone() {
    start_up_expresses_interest(PHONE).await;
}

/// Sets a form control's value by script (a date input's typing depends
/// on the browser's locale).
async fn set_value(browser: &Browser, css: &str, value: &str) {
    browser
        .client()
        .execute(
            "document.querySelector(arguments[0]).value = arguments[1];",
            vec![json!(css), json!(value)],
        )
        .await
        .expect("WebDriver: set a value");
}

async fn procurement_posts_and_invites(size: (u32, u32)) {
    let Some(browser) = browser_at(size).await else {
        return;
    };
    let app = spawn_app().await;
    let officer = app.procurement("Koninklijke Marine").await;
    app.startup_with_profile(startup_profile("SkyWatch Systems"))
        .await;
    app.wait_for_index().await;

    browser.log_in(&app, &officer.email).await;
    browser
        .goto(&format!("{}/my/challenges/new", app.address))
        .await;
    browser.wait_for("#title").await;
    fits(&browser, size, "the challenge form").await;
    browser
        .fill("#title", "Passive radar for harbour drone detection")
        .await;
    browser
        .fill("#summary", "Detect small drones over naval harbours.")
        .await;
    browser
        .fill(
            "#description",
            "The navy needs to detect small drones approaching harbours, day and night, without emitting.",
        )
        .await;
    browser
        .fill("#desired_outcome", "A demonstrator at TRL 6.")
        .await;
    browser.fill("#keywords", "radar, drone detection").await;
    let deadline = (chrono::Utc::now() + chrono::Duration::days(40))
        .format("%Y-%m-%d")
        .to_string();
    set_value(&browser, "#closes_at", &deadline).await;
    browser.click("#technologies-autonomy-drones").await;
    browser.click_button("Post challenge").await;
    browser.wait_for_text("Open for proposals").await;
    browser.click_button("Open for proposals").await;
    browser.wait_for_text("The status is changed.").await;
    fits(&browser, size, "the challenge's edit page").await;
    app.wait_for_index().await;
    let candidates = browser.current_path().await.replace("/edit", "/candidates");
    browser.goto(&format!("{}{candidates}", app.address)).await;
    browser.wait_for(".score-bar").await;
    fits(&browser, size, "the candidates").await;
    browser
        .click("a.button[href^='/introductions/propose']")
        .await;
    browser.wait_for_text("Send invitation").await;
    fits(&browser, size, "the invitation form").await;
    browser.click_button("Send invitation").await;
    browser.wait_for("article.introduction").await;
    // Procurement's invitation counts as its acceptance; the start-up is
    // still anonymous until it accepts too.
    let page = browser.page_text().await;
    assert!(
        browser
            .text(".state")
            .await
            .contains("accepted by procurement"),
        "{page}"
    );
    assert!(page.contains("invitation from procurement"), "{page}");
    assert!(!page.contains("SkyWatch"), "anonymous: {page}");
    fits(&browser, size, "the introduction").await;
    browser.close().await;
}

#[actix_web::test]
async fn procurement_posts_a_challenge_and_invites_a_candidate_on_a_desktop() {
    procurement_posts_and_invites(DESKTOP).await;
}

#[actix_web::test]
async fn procurement_posts_a_challenge_and_invites_a_candidate_on_a_phone() {
    procurement_posts_and_invites(PHONE).await;
}

async fn rom_officer_proposes(size: (u32, u32)) {
    let Some(browser) = browser_at(size).await else {
        return;
    };
    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    app.challenge_in_status(
        &officer,
        challenge_body("Counter-drone radar for airbases"),
        "open",
    )
    .await;
    app.startup_with_profile(startup_profile("SkyWatch Systems"))
        .await;
    let rom = app
        .rom_officer(defmatch::domain::region::Rom::RomInWest)
        .await;
    app.wait_for_index().await;

    browser.log_in(&app, &rom.email).await;
    browser
        .goto(&format!("{}/region/startups", app.address))
        .await;
    browser.wait_for_text("SkyWatch Systems").await;
    fits(&browser, size, "the region list").await;
    browser.click("a[href^='/introductions/propose']").await;
    browser.wait_for_text("Send proposal").await;
    fits(&browser, size, "the proposal form").await;
    browser.click_button("Send proposal").await;
    browser.wait_for("article.introduction").await;
    assert!(browser.text(".state").await.contains("proposed"));
    fits(&browser, size, "the introduction").await;
    browser.close().await;
}

#[actix_web::test]
async fn a_rom_officer_proposes_an_introduction_from_the_region_list_on_a_desktop() {
    rom_officer_proposes(DESKTOP).await;
}

#[actix_web::test]
async fn a_rom_officer_proposes_an_introduction_from_the_region_list_on_a_phone() {
    rom_officer_proposes(PHONE).await;
}

async fn admin_vets(size: (u32, u32)) {
    let Some(browser) = browser_at(size).await else {
        return;
    };
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Polder Sensors").await;

    browser.log_in(&app, &admin.email).await;
    browser.goto(&format!("{}/admin/users", app.address)).await;
    browser.wait_for("table").await;
    fits(&browser, size, "the users").await;
    // The founder is the one user not vetted yet: the one "Vet" button.
    browser.click_button("Vet").await;
    browser.wait_for_text("The user is vetted.").await;
    fits(&browser, size, "the users after vetting").await;
    let user = app
        .get(&format!("/api/v1/users/{}", founder.user_id), admin.auth())
        .await
        .expect(200);
    assert_eq!(user.body["vetted"], json!(true));
    browser.close().await;
}

#[actix_web::test]
async fn an_admin_vets_a_user_on_a_desktop() {
    admin_vets(DESKTOP).await;
}

#[actix_web::test]
async fn an_admin_vets_a_user_on_a_phone() {
    admin_vets(PHONE).await;
}
