//! The import page in a browser: a ROM officer uploads the Dutch ROM
//! spreadsheet, reads the preview (in English and Dutch, on a phone too)
//! and imports it; the form with an error, the preview and the report pass
//! axe-core.

use std::path::Path;

use defmatch::domain::region::Rom;

use super::accessibility::assert_accessible;
use super::every_page::{assert_no_sideways_scrolling, resize, DESKTOP, PHONE};
use super::Browser;
use crate::helpers::spawn_app;

#[actix_web::test]
async fn a_rom_officer_uploads_previews_and_imports_a_spreadsheet_and_every_step_passes_axe() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let app = spawn_app().await;
    let rom = app.rom_officer(Rom::Bom).await;
    browser.log_in(&app, &rom.email).await;

    browser.goto(&format!("{}/import", app.address)).await;
    browser.wait_for("input#file").await;
    // Without a file: the error stands beside the file field.
    browser.click_button("Preview").await;
    browser.wait_for(".field.has-error #file").await;
    assert_accessible(&browser, "the import form with an error").await;

    let spreadsheet =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/rom-startups.csv");
    let file_input = browser.wait_for("input#file").await;
    file_input
        .send_keys(&spreadsheet.display().to_string())
        .await
        .expect("WebDriver: choose the file");
    browser.click_button("Preview").await;
    browser.wait_for_text("Preview of rom-startups.csv").await;
    let preview_path = browser.current_path().await;
    let page = browser.page_text().await;
    assert!(
        page.contains("CSV separated by semicolons, Windows-1252"),
        "{page}"
    );
    assert!(
        page.contains("Utrecht (NL-UT) is outside the provinces of BOM"),
        "{page}"
    );
    assert_accessible(&browser, "the import preview").await;
    browser.click("details.import-written > summary").await;
    assert_accessible(&browser, "the import preview, written rows unfolded").await;

    browser
        .goto(&format!(
            "{}/language?to=nl&back={preview_path}",
            app.address
        ))
        .await;
    browser
        .wait_for_text("Voorbeeld van rom-startups.csv")
        .await;
    assert_accessible(&browser, "the import preview in Dutch").await;
    resize(&browser, PHONE).await;
    assert_no_sideways_scrolling(&browser, "the import preview in Dutch").await;
    browser
        .goto(&format!(
            "{}/language?to=en&back={preview_path}",
            app.address
        ))
        .await;
    browser.wait_for_text("Preview of rom-startups.csv").await;
    assert_no_sideways_scrolling(&browser, "the import preview").await;
    resize(&browser, DESKTOP).await;

    browser.click_button("Import").await;
    browser.wait_for_text("Imported: rom-startups.csv").await;
    assert_accessible(&browser, "the import report").await;
    let report = browser.page_text().await;
    assert!(report.contains("Download the rejected rows"), "{report}");
    browser.close().await;
}
