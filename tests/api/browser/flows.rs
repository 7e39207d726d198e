//! What users do in a real browser, end to end: each test starts a server
//! with a fresh database and index, and drives headless Chromium through
//! the pages as a start-up, a procurement officer, a ROM officer or an
//! admin would. Screenshots of the main pages land in `docs/screenshots/`
//! when the tests run with `DEFMATCH_SCREENSHOTS=1`.

use serde_json::json;

use super::accessibility::assert_accessible;
use super::Browser;
use crate::helpers::{challenge_body, merge, spawn_app, startup_profile, TestApp, PASSWORD};

/// Logs `email` in through the login form and waits for the next page.
/// Sets a form control's value by script: typing into `<input type=date>`
/// depends on the browser's locale, a value does not.
async fn set_value(browser: &Browser, css: &str, value: &str) {
    browser
        .client()
        .execute(
            "const element = document.querySelector(arguments[0]); element.value = arguments[1]; \
             element.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![json!(css), json!(value)],
        )
        .await
        .expect("WebDriver: set a value");
}

/// Waits until the element matching `css` contains `text` (the page's
/// script fills it in after a request of its own).
async fn wait_for_text_in(browser: &Browser, css: &str, text: &str) {
    for _ in 0..200 {
        if browser.text(css).await.contains(text) {
            return;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "`{css}` never showed {text:?}; it shows {:?}",
        browser.text(css).await
    );
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

    browser.log_in(&app, &startup.email).await;
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
    browser.log_out().await;
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

/// A counter-drone challenge in Noord-Holland and an AI logistics one, open.
async fn two_open_challenges(app: &TestApp) -> crate::helpers::Actor {
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    let drones = merge(
        challenge_body("Counter-drone radar for Noord-Holland airbases"),
        json!({
            "summary": "Detect and track small drones near airbases, day and night.",
            "description": "Airbases need early warning of small unmanned aerial vehicles. We look for passive radar and sensor fusion that detects drones at 3 km.",
            "technologies": ["autonomy-drones", "imaging-sensing"],
            "keywords": ["C-UAS", "radar", "drone detection"],
            "preferred_provinces": ["NL-NH"]
        }),
    );
    app.challenge_in_status(&officer, drones, "open").await;
    let logistics = merge(
        challenge_body("AI forecasting for spare-part logistics"),
        json!({
            "summary": "Predict demand for spare parts across the fleet.",
            "description": "Machine learning that forecasts which spare parts ships and vehicles will need, from maintenance logs.",
            "technologies": ["ai-data"],
            "keywords": ["machine learning", "forecasting", "logistics"],
            "preferred_provinces": []
        }),
    );
    app.challenge_in_status(&officer, logistics, "open").await;
    app.wait_for_index().await;
    officer
}

#[actix_web::test]
async fn a_start_up_registers_writes_its_profile_and_sees_its_best_match_explained() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let app = spawn_app().await;
    two_open_challenges(&app).await;

    browser.goto(&format!("{}/", app.address)).await;
    browser.wait_for_text("Faster innovation for defence").await;
    browser.save_screenshot("landing").await;

    browser.goto(&format!("{}/register", app.address)).await;
    browser.fill("#display_name", "Eva Smit").await;
    browser.fill("#company_name", "SkyWatch Systems").await;
    browser.fill("#email", "eva@skywatch.example").await;
    browser.fill("#password", PASSWORD).await;
    browser.click("#accept_privacy").await;
    browser
        .click("form[action='/register'] button[type=submit]")
        .await;
    browser.wait_for_text("Check your mail").await;
    // The mail's link confirms the address; then the founder logs in.
    let mail = crate::mailbox::mail_to(&app, "eva@skywatch.example", 1).await;
    let link = mail[0]
        .link_starting_with(&format!("{}/verify-email?token=", app.address))
        .expect("a verification link");
    browser.goto(&link).await;
    browser
        .wait_for_text("Your e-mail address is confirmed.")
        .await;
    browser.log_in(&app, "eva@skywatch.example").await;
    browser.goto(&format!("{}/profile", app.address)).await;

    browser.fill("#name", "SkyWatch Systems").await;
    browser.fill("#kvk_number", "81234567").await;
    browser
        .fill(
            "#description",
            "SkyWatch builds passive radar that detects and tracks small drones near airbases and ports, with sensor fusion of radar and cameras.",
        )
        .await;
    browser
        .fill("#keywords", "radar, drone detection, C-UAS")
        .await;
    // The live preview shows the drone challenge while the profile is written.
    wait_for_text_in(&browser, "#match-preview", "Counter-drone radar").await;
    browser.click("#technologies-autonomy-drones").await;
    browser.select("#province", "NL-NH").await;
    browser.select("#trl", "6").await;
    browser.save_screenshot("startup-profile").await;
    browser.click_button("Create profile").await;
    browser.wait_for_text("Your profile is saved.").await;
    app.wait_for_index().await;

    browser.goto(&format!("{}/matches", app.address)).await;
    let first = browser.wait_for("article.match").await;
    let first_text = first.text().await.expect("WebDriver: read the first match");
    assert!(
        first_text.contains("Counter-drone radar for Noord-Holland airbases"),
        "the drone challenge ranks first: {first_text}"
    );
    assert!(first_text.contains("Fit "), "{first_text}");
    assert!(first_text.contains("same province"), "{first_text}");
    browser
        .wait_for("article.match .score-bar rect.part-text")
        .await;
    browser.wait_for("article.match mark").await;
    let page = browser.page_text().await;
    let drone = page.find("Counter-drone radar").unwrap_or(usize::MAX);
    let logistics = page.find("AI forecasting").unwrap_or(usize::MAX);
    assert!(drone < logistics, "drones before logistics: {page}");
    browser.save_screenshot("startup-matches").await;
    // The same page on a phone: one column, nothing cut off.
    browser
        .client()
        .set_window_size(390, 844)
        .await
        .expect("WebDriver: resize to a phone");
    browser.goto(&format!("{}/matches", app.address)).await;
    browser.wait_for("article.match").await;
    let overflows: serde_json::Value = browser
        .client()
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth;",
            vec![],
        )
        .await
        .expect("WebDriver: measure the page");
    assert_eq!(overflows, json!(false), "no sideways scrolling on a phone");
    browser.save_screenshot("startup-matches-phone").await;
    browser.close().await;
}

#[actix_web::test]
async fn procurement_posts_a_challenge_that_then_appears_in_the_start_ups_matches() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let app = spawn_app().await;
    let officer = app.procurement("Koninklijke Marine").await;
    let (startup, _) = app
        .startup_with_profile(startup_profile("SkyWatch Systems"))
        .await;

    browser.log_in(&app, &officer.email).await;
    browser
        .goto(&format!("{}/my/challenges/new", app.address))
        .await;
    browser.wait_for("#title").await;
    // A deadline in the past and no title: each error beside its field.
    set_value(&browser, "#closes_at", "2020-01-01").await;
    browser.click_button("Post challenge").await;
    browser.wait_for(".error-summary").await;
    let title_error = browser.text("#error-title").await;
    assert!(!title_error.trim().is_empty(), "an error beside the title");
    browser.save_screenshot("procurement-validation").await;

    let deadline = (chrono::Utc::now() + chrono::Duration::days(40))
        .format("%Y-%m-%d")
        .to_string();
    browser
        .fill("#title", "Passive radar for harbour drone detection")
        .await;
    browser
        .fill(
            "#summary",
            "Detect small drones over naval harbours with passive radar.",
        )
        .await;
    browser
        .fill(
            "#description",
            "The navy needs to detect small drones approaching harbours and ships, day and night, without emitting.",
        )
        .await;
    browser
        .fill("#desired_outcome", "A demonstrator at TRL 6 in Den Helder.")
        .await;
    browser.fill("#keywords", "radar, drone detection").await;
    set_value(&browser, "#closes_at", &deadline).await;
    browser.click("#technologies-autonomy-drones").await;
    browser.click_button("Post challenge").await;
    browser.wait_for_text("Open for proposals").await;
    browser.save_screenshot("procurement-challenge").await;
    browser.click_button("Open for proposals").await;
    browser.wait_for_text("The status is changed.").await;
    app.wait_for_index().await;
    // The candidates: the start-up ranked, anonymous, with its explanation.
    let edit_path = browser.current_path().await;
    let candidates_path = edit_path.replace("/edit", "/candidates");
    browser
        .goto(&format!("{}{candidates_path}", app.address))
        .await;
    browser.wait_for(".score-bar").await;
    let page = browser.page_text().await;
    assert!(page.contains("Fit "), "{page}");
    assert!(
        !page.contains("SkyWatch"),
        "candidates are anonymous: {page}"
    );
    browser.save_screenshot("procurement-candidates").await;
    browser.log_out().await;

    browser.log_in(&app, &startup.email).await;
    browser.goto(&format!("{}/matches", app.address)).await;
    browser.wait_for("article.match").await;
    let page = browser.page_text().await;
    assert!(
        page.contains("Passive radar for harbour drone detection"),
        "the new challenge is among the start-up's matches: {page}"
    );
    browser.close().await;
}

#[actix_web::test]
async fn a_rom_officer_proposes_an_introduction_and_contacts_appear_only_after_both_accept() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let app = spawn_app().await;
    let officer = two_open_challenges(&app).await;
    let (startup, _) = app
        .startup_with_profile(startup_profile("SkyWatch Systems"))
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
    browser.save_screenshot("rom-region-startups").await;
    browser.click("a[href^='/introductions/propose']").await;
    browser.wait_for_text("Send proposal").await;
    browser.click_button("Send proposal").await;
    browser.wait_for("article.introduction").await;
    assert!(browser.text(".state").await.contains("proposed"));
    browser.log_out().await;

    // The start-up accepts; nobody is named yet.
    browser.log_in(&app, &startup.email).await;
    browser
        .goto(&format!("{}/introductions", app.address))
        .await;
    browser.wait_for("article.introduction").await;
    browser.click_button("Accept").await;
    wait_for_text_in(
        &browser,
        "article.introduction .state",
        "accepted by the start-up",
    )
    .await;
    let page = browser.page_text().await;
    assert!(
        !page.contains(&officer.email),
        "no officer contact yet: {page}"
    );
    browser.log_out().await;

    // Procurement sees an anonymous card until it accepts too.
    browser.log_in(&app, &officer.email).await;
    browser
        .goto(&format!("{}/introductions", app.address))
        .await;
    browser.wait_for("article.introduction").await;
    let page = browser.page_text().await;
    assert!(
        !page.contains("SkyWatch"),
        "anonymous before acceptance: {page}"
    );
    assert!(!page.contains("anna@startup.example"), "{page}");
    browser.click_button("Accept").await;
    browser.wait_for(".contacts").await;
    let page = browser.page_text().await;
    assert!(
        browser
            .text("article.introduction .state")
            .await
            .contains("introduced"),
        "{page}"
    );
    assert!(
        page.contains("anna@startup.example"),
        "contacts revealed: {page}"
    );
    browser.save_screenshot("introduction-revealed").await;
    browser.log_out().await;

    browser.log_in(&app, &startup.email).await;
    browser
        .goto(&format!("{}/introductions", app.address))
        .await;
    browser.wait_for(".contacts").await;
    assert!(browser.page_text().await.contains(&officer.email));
    browser.log_out().await;

    // The broker's dashboard counts the introduction.
    browser.log_in(&app, &rom.email).await;
    browser.goto(&format!("{}/dashboard", app.address)).await;
    browser.wait_for("svg").await;
    browser.save_screenshot("rom-dashboard").await;

    // The start-up's own page: its introduction, its matches, a note kept.
    browser
        .goto(&format!("{}/region/startups", app.address))
        .await;
    browser.click("article.region-startup h2 a").await;
    browser.wait_for("#notes-heading").await;
    browser
        .fill("#body", "Met them at the fair; they want a radar pilot.")
        .await;
    browser.click_button("Save note").await;
    browser.wait_for_text("The note is saved.").await;
    let page = browser.page_text().await;
    assert!(page.contains("Met them at the fair"), "{page}");
    assert!(
        page.contains("Introduced"),
        "the introduction's state: {page}"
    );
    browser.save_screenshot("rom-startup").await;
    browser.close().await;
}

#[actix_web::test]
async fn an_admin_vets_a_user_and_reads_the_audit_log() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Polder Sensors").await;

    browser.log_in(&app, &admin.email).await;
    browser.goto(&format!("{}/admin/users", app.address)).await;
    browser.wait_for("table").await;
    assert!(browser.text("table").await.contains(&founder.email));
    browser.save_screenshot("admin-users").await;
    // The founder is the one user not vetted yet: the one "Vet" button.
    browser.click_button("Vet").await;
    browser.wait_for_text("The user is vetted.").await;
    let user = app
        .get(&format!("/api/v1/users/{}", founder.user_id), admin.auth())
        .await
        .expect(200);
    assert_eq!(user.body["vetted"], json!(true));

    browser.goto(&format!("{}/admin/audit", app.address)).await;
    browser.wait_for("table").await;
    let log = browser.text("table").await;
    assert!(log.contains("User vetted"), "{log}");
    assert!(log.contains("Logged in"), "{log}");
    browser.save_screenshot("admin-audit").await;
    browser.close().await;
}

/// A start-up marks a match interesting on its matches page: the mark shows
/// with a button to take it back, and a challenge like it says why it
/// moved. The page stays accessible with the mark on it.
#[actix_web::test]
async fn a_start_up_marks_a_match_interesting_and_a_like_challenge_names_it() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    let open = |title: &str, summary: &str, description: &str| {
        merge(
            challenge_body(title),
            json!({
                "summary": summary,
                "description": description,
                "technologies": ["autonomy-drones", "imaging-sensing"],
                "keywords": ["C-UAS", "radar", "drone detection"],
                "preferred_provinces": []
            }),
        )
    };
    let airbases = app
        .challenge_in_status(
            &officer,
            open(
                "Counter-drone radar for Noord-Holland airbases",
                "Detect and track small drones near airbases, day and night.",
                "Airbases need early warning of small unmanned aerial vehicles. We look for \
                 passive radar and sensor fusion that detects drones at 3 km.",
            ),
            "open",
        )
        .await;
    app.challenge_in_status(
        &officer,
        open(
            "Drone warning for naval harbours",
            "Warn of small drones over naval harbours, day and night.",
            "Harbours need early warning of small unmanned aerial vehicles over water, with \
             sensor fusion of radar and cameras.",
        ),
        "open",
    )
    .await;
    let (founder, _) = app
        .startup_with_profile(startup_profile("SkyWatch Systems"))
        .await;
    app.wait_for_index().await;

    browser.log_in(&app, &founder.email).await;
    browser.goto(&format!("{}/matches", app.address)).await;
    browser.wait_for("article.match").await;
    assert!(!browser.page_text().await.contains("Similar to"));
    browser
        .click(&format!(
            "form[action='/matches/{airbases}/mark']:has(input[value='interesting']) button"
        ))
        .await;
    browser
        .wait_for_text("You marked this interesting: challenges like it rank higher.")
        .await;
    let page = browser.page_text().await;
    assert!(
        page.contains("Similar to")
            && page.contains(
                "Counter-drone radar for Noord-Holland airbases, which you marked interesting"
            ),
        "the harbour challenge names the marked one: {page}"
    );
    // The marks' part fills the bar after the others.
    browser
        .wait_for("article.match .score-bar rect.part-marks")
        .await;
    assert_accessible(&browser, "the matches with a mark").await;
    browser
        .client()
        .execute(
            "[...document.querySelectorAll('article.match')]\
               .find(article => article.textContent.includes('Similar to'))\
               .scrollIntoView();",
            vec![],
        )
        .await
        .expect("WebDriver: scroll to the explained match");
    browser.save_screenshot("startup-matches-marked").await;

    browser.click_button("Take the mark back").await;
    let mut page = browser.page_text().await;
    for _ in 0..100 {
        if !page.contains("You marked this interesting") {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
        page = browser.page_text().await;
    }
    assert!(
        !page.contains("Similar to") && !page.contains("You marked this interesting"),
        "{page}"
    );
    browser.close().await;
}
