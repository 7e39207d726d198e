//! The challenge list on a phone (390 × 844): the results come first, the
//! filters fold behind a button, and no page scrolls sideways, in English
//! and in Dutch, even with a long Dutch word in a title.

use serde_json::{json, Value};

use super::Browser;
use crate::helpers::{challenge_body, merge, spawn_app};

const PHONE_WIDTH: u32 = 390;
const PHONE_HEIGHT: u32 = 844;

#[actix_web::test]
async fn on_a_phone_the_first_challenge_is_on_the_first_screen_and_nothing_scrolls_sideways() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let app = spawn_app().await;
    let officer = app.procurement("Defensie Materieel Organisatie").await;
    for title in [
        "Counter-drone radar for airbases",
        "Grensbewakingsinformatievoorzieningssystemen voor onbemande vaartuigen",
        "AI forecasting for spare parts",
    ] {
        let body = merge(challenge_body(title), json!({"preferred_provinces": []}));
        app.challenge_in_status(&officer, body, "open").await;
    }
    app.wait_for_index().await;
    browser
        .client()
        .set_window_size(PHONE_WIDTH, PHONE_HEIGHT)
        .await
        .expect("WebDriver: resize to a phone");

    for language in ["en", "nl"] {
        browser
            .goto(&format!(
                "{}/language?to={language}&back=/challenges",
                app.address
            ))
            .await;
        browser
            .wait_for("section[aria-labelledby=results-heading] article.card")
            .await;
        let measured: Value = browser
            .client()
            .execute(
                "const first = document.querySelector('section[aria-labelledby=results-heading] article.card');
                 const facets = document.querySelector('aside.facets');
                 return {
                   first_top: first.getBoundingClientRect().top + window.scrollY,
                   facets_after_results: facets.getBoundingClientRect().top > first.getBoundingClientRect().top,
                   filters_open: document.querySelector('details.filters').open,
                   sideways: document.documentElement.scrollWidth > window.innerWidth,
                   screen: window.innerHeight,
                 };",
                vec![],
            )
            .await
            .expect("WebDriver: measure the page");
        let first_top = measured["first_top"].as_f64().unwrap_or(f64::MAX);
        let screen = measured["screen"].as_f64().unwrap_or(0.0);
        assert!(
            first_top < screen,
            "{language}: the first result starts at {first_top} px, the screen is {screen} px"
        );
        assert_eq!(
            measured["facets_after_results"],
            json!(true),
            "{language}: {measured}"
        );
        assert_eq!(
            measured["filters_open"],
            json!(false),
            "{language}: filters folded"
        );
        assert_eq!(
            measured["sideways"],
            json!(false),
            "{language}: no sideways scrolling"
        );
        if language == "en" {
            browser.save_screenshot("public-challenges-phone").await;
        }
        browser.click("details.filters > summary").await;
        browser.wait_for("details.filters[open] #technology").await;
    }
    for path in ["/", "/login"] {
        browser.goto(&format!("{}{path}", app.address)).await;
        browser.wait_for("main").await;
        let sideways: Value = browser
            .client()
            .execute(
                "return document.documentElement.scrollWidth > window.innerWidth;",
                vec![],
            )
            .await
            .expect("WebDriver: measure the page");
        assert_eq!(sideways, json!(false), "{path} scrolls sideways");
    }
    assert!(browser.csp_violations().await.is_empty());
    browser.close().await;
}
