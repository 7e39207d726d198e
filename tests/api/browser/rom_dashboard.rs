//! The ROM dashboard in a browser: the period form and the export form pass
//! axe, and the chart's long technology label wraps inside the chart
//! instead of being cut.

use chrono::Utc;
use defmatch::domain::amsterdam;
use defmatch::domain::region::Rom;
use serde_json::{json, Value};

use super::accessibility::assert_accessible;
use super::Browser;
use crate::helpers::{challenge_body, spawn_app, startup_profile};

#[actix_web::test]
async fn the_dashboard_period_and_export_pass_axe_and_chart_labels_are_not_cut() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let app = spawn_app().await;
    let procurement = app.procurement("DMO").await;
    let challenge_id = app
        .challenge_in_status(&procurement, challenge_body("Counter-drone radar"), "open")
        .await;
    // Its technologies include "Unmanned and autonomous systems, drones".
    let (_, startup_id) = app
        .startup_with_profile(startup_profile("SkyWatch Systems"))
        .await;
    let rom = app.rom_officer(Rom::RomInWest).await;
    app.post(
        "/api/v1/introductions",
        rom.auth(),
        json!({"challenge_id": challenge_id, "startup_id": startup_id}),
    )
    .await
    .expect(201);

    browser.log_in(&app, &rom.email).await;
    let today = amsterdam::date_of(Utc::now());
    browser
        .goto(&format!(
            "{}/dashboard?from=2020-01-01&to={today}",
            app.address
        ))
        .await;
    browser.wait_for("svg#chart-by-technology").await;
    assert_accessible(&browser, "the dashboard with a period").await;

    // Every label lies inside its chart, and the long one reads in full.
    let labels: Value = browser
        .client()
        .execute(
            "return [...document.querySelectorAll('svg.chart text.label')].map(text => {\n\
               const chart = text.ownerSVGElement.getBoundingClientRect();\n\
               const box = text.getBoundingClientRect();\n\
               return {text: [...text.querySelectorAll('tspan')].map(line => line.textContent).join(' '),\n\
                       inside: box.left >= chart.left - 0.5 && box.right <= chart.right + 0.5\n\
                            && box.top >= chart.top - 0.5 && box.bottom <= chart.bottom + 0.5,\n\
                       box: [box.left, box.right, chart.left, chart.right]};\n\
             });",
            Vec::new(),
        )
        .await
        .expect("WebDriver: measure the labels");
    let labels = labels.as_array().cloned().unwrap_or_default();
    assert!(labels.len() > 2, "{labels:?}");
    for label in &labels {
        assert_eq!(label["inside"], json!(true), "cut: {label}");
    }
    assert!(
        labels
            .iter()
            .any(|label| label["text"] == "Unmanned and autonomous systems, drones"),
        "{labels:?}"
    );

    // The export form is on the page, every column ticked.
    let ticked: Value = browser
        .client()
        .execute(
            "return document.querySelectorAll('form[action=\"/dashboard/export.csv\"] input[name=field]:checked').length;",
            Vec::new(),
        )
        .await
        .expect("WebDriver: count the ticked columns");
    assert_eq!(ticked, json!(18));

    // A period that is not one: errors beside the fields, still accessible.
    browser
        .goto(&format!(
            "{}/dashboard?from=2026-06-01&to=2026-05-01",
            app.address
        ))
        .await;
    browser.wait_for(".error-summary").await;
    assert!(browser.text("#error-to").await.contains("later than from"));
    assert_accessible(&browser, "the dashboard with a backwards period").await;
    browser.close().await;
}
