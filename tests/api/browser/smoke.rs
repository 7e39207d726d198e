//! The harness end to end: a real Chromium renders a test server's Swagger
//! UI, whose script fetches the OpenAPI document and shows its title.

use super::Browser;
use crate::helpers::spawn_app;

/// The PNG file signature.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

#[actix_web::test]
async fn headless_chromium_renders_the_swagger_ui() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let app = spawn_app().await;

    browser.goto(&format!("{}/docs/", app.address)).await;
    // The title comes from /api/v1/openapi.json: seeing it proves that the
    // page's JavaScript ran and fetched the document from the test server.
    browser.wait_for_text("defmatch API").await;
    browser.wait_for("#swagger-ui .opblock").await;

    assert_eq!(browser.current_path().await, "/docs/");
    assert!(browser.text(".info .title").await.contains("defmatch API"));
    assert!(browser.page_text().await.contains("/api/v1/challenges"));

    let shot = browser.save_screenshot("swagger-ui").await;
    let png = std::fs::read(&shot).expect("read the screenshot back");
    assert!(
        png.starts_with(PNG_SIGNATURE),
        "{} is a PNG",
        shot.display()
    );

    browser.close().await;
}

/// A form with every kind of field the helpers fill, and a script that
/// shows what they hold, so the helpers are checked without a server.
const FORM: &str = r#"<!doctype html>
<html><body>
  <label for="email">E-mail</label><input id="email" value="old@example.nl">
  <label>Name <input name="name"></label>
  <label for="region">Region</label>
  <select id="region"><option value="">-</option><option value="north">North</option><option value="south">South</option></select>
  <select id="kind"><option value="a">Alpha</option><option value="b">Beta</option></select>
  <textarea id="notes"></textarea>
  <button type="button" onclick="show()"> Save   it </button>
  <input type="submit" value="Don't" onclick="document.getElementById('out').textContent += '!'; return false;">
  <div id="out"></div>
  <script>
    function show() {
      const value = (selector) => document.querySelector(selector).value;
      document.getElementById('out').textContent =
        ['[id=email]', '[name=name]', '[id=region]', '[id=kind]', '[id=notes]'].map(value).join('|');
    }
  </script>
</body></html>"#;

#[actix_web::test]
async fn the_helpers_fill_choose_and_click() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let page = FORM.replace('%', "%25").replace('#', "%23");
    browser
        .goto(&format!("data:text/html;charset=utf-8,{page}"))
        .await;

    browser.fill_by_label("E-mail", "ada@example.nl").await; // label for=, cleared first
    browser.fill_by_label("Name", "Ada").await; // field inside the label
    browser.fill_by_label("Region", "South").await; // a select, by option text
    browser.select("#kind", "b").await; // by option value
    browser.fill("#notes", "it's \"quoted\"").await;
    browser.click_button("Save it").await; // whitespace normalised
    browser
        .wait_for_text("ada@example.nl|Ada|south|b|it's \"quoted\"")
        .await;

    browser.click_button("Don't").await; // an input, a quote in its value
    assert_eq!(
        browser.text("#out").await,
        "ada@example.nl|Ada|south|b|it's \"quoted\"!"
    );

    browser.select("#kind", "Alpha").await; // by option text
    browser.click("button").await;
    assert!(browser.text("#out").await.contains("|south|a|"));

    browser.close().await;
}
