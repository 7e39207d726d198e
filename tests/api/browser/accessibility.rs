//! The accessibility check of a page: axe-core (scripts/ensure-axe.sh puts
//! it in scripts/axe/node_modules and exports `DEFMATCH_AXE_JS`) is injected
//! into the page the browser shows and run against the WCAG 2.0 and 2.1
//! A and AA rules, the level the pages promise. Any violation fails the test
//! with the rule, its help text and the elements at fault. Without the
//! engine the check fails with how to get it: it never passes unchecked.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::Browser;

/// The rule sets the pages promise to meet.
const WCAG_TAGS: &[&str] = &["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

fn axe_script() -> String {
    let path = std::env::var("DEFMATCH_AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("scripts/axe/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "axe-core is not at {} ({error}): run `bash scripts/ensure-axe.sh` (npm ci in scripts/axe) or the tests through scripts/test.sh",
            path.display()
        )
    })
}

/// The WCAG 2.1 A/AA violations axe-core finds on the page the browser
/// shows, each as `{id, impact, help, nodes}`.
pub async fn violations(browser: &Browser, what: &str) -> Vec<Value> {
    static SCRIPT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let script = SCRIPT.get_or_init(axe_script);
    browser
        .client()
        .execute(script, Vec::new())
        .await
        .unwrap_or_else(|error| panic!("inject axe-core into {what}: {error}"));
    let found = browser
        .client()
        .execute_async(
            "const done = arguments[arguments.length - 1];\n\
             axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})\n\
               .then(result => done(result.violations.map(violation => ({\n\
                 id: violation.id, impact: violation.impact, help: violation.help,\n\
                 nodes: violation.nodes.map(node => node.target.join(' '))}))))\n\
               .catch(error => done([{id: 'axe-error', help: String(error), nodes: []}]));",
            vec![json!(WCAG_TAGS)],
        )
        .await
        .unwrap_or_else(|error| panic!("run axe-core on {what}: {error}"));
    found.as_array().cloned().unwrap_or_default()
}

/// Runs axe-core on the page the browser shows and panics with every
/// WCAG 2.1 A/AA violation; `what` names the page in the message.
pub async fn assert_accessible(browser: &Browser, what: &str) {
    let found = violations(browser, what).await;
    assert!(
        found.is_empty(),
        "{what} ({}) breaks WCAG 2.1 AA:\n{}",
        browser.current_url().await,
        found
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[actix_web::test]
async fn the_check_finds_an_image_without_a_text_alternative() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    browser
        .goto("data:text/html,<!doctype html><html lang=en><title>t</title><main><img src=x.png></main></html>")
        .await;
    let found = violations(&browser, "a page with a bare image").await;
    assert!(
        found.iter().any(|violation| violation["id"] == "image-alt"),
        "{found:?}"
    );
    browser.close().await;
}
