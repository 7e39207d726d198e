//! End-to-end tests in a real browser: a [`Browser`] drives Debian's headless
//! `chromium` through `chromedriver` (WebDriver, spoken by fantoccini) against
//! a test server from [`crate::helpers::spawn_app`].
//!
//! Why it is built this way:
//! - **One browser at a time.** The test binary runs tests in parallel on a
//!   2-core machine; two Chromiums side by side starve each other and the
//!   servers under test, and waits that normally take milliseconds run into
//!   their limits. A [`Browser`] holds a process-wide permit, so browser tests
//!   queue while the other tests run in parallel as before.
//! - **The Chromium flags** ([`CHROMIUM_ARGS`]): `--no-sandbox` because tests
//!   run as root (CI does), and Chromium's sandbox refuses root;
//!   `--disable-dev-shm-usage` because containers have a small `/dev/shm`;
//!   and the background-networking, component-update, sync and QUIC switches
//!   because Chromium otherwise phones Google's services, which this sandbox
//!   refuses (and which a test must not depend on anyway).
//! - **Waits are for readiness, not timing assertions.** Every helper that
//!   looks for something polls for up to [`WAIT`] (20 s), which only a broken
//!   page runs into; on timeout it panics with the URL, the page's text and a
//!   screenshot path.
//! - **Where the browser comes from.** `scripts/test.sh` runs
//!   `scripts/ensure-browser.sh`, which installs Debian's `chromium` and
//!   `chromium-driver` when missing and exports `CHROME_BIN` and
//!   `CHROMEDRIVER`. Without them a browser test fails with that advice,
//!   unless `DEFMATCH_SKIP_BROWSER_TESTS=1`, which skips every browser test
//!   with a notice on stderr ([`Browser::start_or_skip`]).
//! - **Screenshots** ([`Browser::save_screenshot`]) go to `docs/screenshots/`
//!   only when `DEFMATCH_SCREENSHOTS=1`, so ordinary runs leave the work tree
//!   clean; otherwise to a temporary directory.
//!
//! A page test reads like this:
//!
//! ```ignore
//! let Some(browser) = Browser::start_or_skip().await else { return };
//! let app = spawn_app().await;
//! browser.goto(&format!("{}/login", app.address)).await;
//! browser.fill_by_label("E-mail", "a@example.nl").await;
//! browser.click_button("Log in").await;
//! browser.wait_for_path("/challenges").await;
//! browser.close().await;
//! ```

// Helpers for the page tests, which do not all use every one.
#![allow(dead_code)]

mod accessibility;
mod accounts;
mod every_page;
mod flows;
mod import_page;
mod onboarding;
mod phone;
mod privacy;
mod rom_dashboard;
mod smoke;
mod walks;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use tokio::sync::{Semaphore, SemaphorePermit};
use uuid::Uuid;

/// How long a helper waits for an element, a text or a path to appear.
pub const WAIT: Duration = Duration::from_secs(20);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(100);

/// The switches Chromium runs with; see the module docs for why.
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
];

/// One browser at a time across the whole test binary.
static ONE_BROWSER: Semaphore = Semaphore::const_new(1);

/// `DEFMATCH_SKIP_BROWSER_TESTS=1`: browser tests return early.
pub fn skip_requested() -> bool {
    std::env::var("DEFMATCH_SKIP_BROWSER_TESTS").is_ok_and(|value| value.trim() == "1")
}

/// A headless Chromium with its own profile, its own chromedriver and the
/// process-wide browser permit. [`Browser::close`] ends the session; dropping
/// it (also while a failed test unwinds) stops chromedriver and Chromium and
/// removes the profile.
pub struct Browser {
    client: Option<Client>,
    // Dropped after the client and before the permit: the next browser
    // starts only once this one is gone.
    driver: Driver,
    _permit: SemaphorePermit<'static>,
}

impl Browser {
    /// A browser for a test, or `None` (after a notice on stderr) when
    /// `DEFMATCH_SKIP_BROWSER_TESTS=1`.
    pub async fn start_or_skip() -> Option<Browser> {
        if skip_requested() {
            let test = std::thread::current().name().unwrap_or("?").to_owned();
            eprintln!(
                "\n==================================================================\n\
                 SKIPPED browser test {test}: DEFMATCH_SKIP_BROWSER_TESTS=1.\n\
                 Unset it and run scripts/test.sh (which installs Chromium) to run it.\n\
                 ==================================================================\n"
            );
            return None;
        }
        Some(Browser::start().await)
    }

    /// Starts chromedriver and a headless Chromium session, after waiting for
    /// any other test's browser to close. Panics, with advice, when Chromium
    /// or chromedriver is not installed.
    pub async fn start() -> Browser {
        let chromium = installed("CHROME_BIN", "/usr/bin/chromium");
        let chromedriver = installed("CHROMEDRIVER", "/usr/bin/chromedriver");
        let permit = ONE_BROWSER
            .acquire()
            .await
            .expect("the browser semaphore is never closed");
        let driver = Driver::start(&chromedriver).await;
        let client = driver.connect(&chromium).await;
        Browser {
            client: Some(client),
            driver,
            _permit: permit,
        }
    }

    /// The messages of the browser's console that report a
    /// Content-Security-Policy violation since the last call. chromedriver
    /// hands out the console log through its `se/log` command (Chromium
    /// logs every refused script, style or frame there).
    pub async fn csp_violations(&self) -> Vec<String> {
        let entries = match self.client().issue_cmd(BrowserLog).await {
            Ok(Value::Array(entries)) => entries,
            Ok(other) => panic!("WebDriver: the browser log is not a list: {other}"),
            Err(error) => panic!("WebDriver: read the browser log: {error}"),
        };
        entries
            .iter()
            .filter_map(|entry| entry["message"].as_str())
            .filter(|message| message.contains("Content Security Policy"))
            .map(str::to_owned)
            .collect()
    }

    /// The fantoccini client, for what the helpers below do not cover.
    pub fn client(&self) -> &Client {
        self.client
            .as_ref()
            .expect("the client is only taken by close()")
    }

    /// Ends the WebDriver session (Chromium closes), then stops chromedriver.
    /// Panics when the browser's console reported a Content-Security-Policy
    /// violation on any page the test opened: the pages must work under
    /// the policy the server sends (src/server/headers.rs).
    pub async fn close(mut self) {
        let violations = self.csp_violations().await;
        if let Some(client) = self.client.take() {
            if let Err(error) = client.close().await {
                eprintln!("[browser] ending the WebDriver session failed: {error}");
            }
        }
        assert!(
            violations.is_empty(),
            "the browser refused content under the Content-Security-Policy:\n{}",
            violations.join("\n")
        );
    }

    /// Opens `url` (absolute, e.g. `format!("{}/docs/", app.address)`) and
    /// waits for its load event.
    pub async fn goto(&self, url: &str) {
        if let Err(error) = self.client().goto(url).await {
            panic!("{}", self.failure(&format!("goto {url}: {error}")).await);
        }
    }

    /// The path of the current page, e.g. `/docs/`.
    pub async fn current_path(&self) -> String {
        self.client()
            .current_url()
            .await
            .expect("WebDriver: current URL")
            .path()
            .to_owned()
    }

    /// The URL of the current page.
    pub async fn current_url(&self) -> String {
        self.client()
            .current_url()
            .await
            .expect("WebDriver: current URL")
            .to_string()
    }

    /// The visible text of the whole page (`document.body.innerText`).
    ///
    /// A read that meets a page being replaced (the script's document is
    /// unloaded mid-call) is tried again rather than failing the test.
    pub async fn page_text(&self) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let read = self
                .client()
                .execute(
                    "return document.body ? document.body.innerText : '';",
                    vec![],
                )
                .await;
            match read {
                Ok(Value::String(text)) => return text,
                Ok(other) => return other.to_string(),
                Err(error) if met_a_navigation(&error) && Instant::now() < deadline => {
                    tokio::time::sleep(POLL).await;
                }
                Err(error) => panic!("WebDriver: read the page's text: {error}"),
            }
        }
    }

    /// Waits until an element matches the CSS selector, and returns it.
    ///
    /// After a click that navigates, wait for something only the new page
    /// has (or use [`Browser::wait_for_path`]): the old page may still match.
    pub async fn wait_for(&self, css: &str) -> Element {
        self.wait_for_locator(Locator::Css(css), &format!("element matching `{css}`"))
            .await
    }

    /// Waits until the page's visible text contains `text`.
    pub async fn wait_for_text(&self, text: &str) {
        let deadline = Instant::now() + WAIT;
        while !self.page_text().await.contains(text) {
            if Instant::now() >= deadline {
                let what = format!("no text {text:?} after {WAIT:?}");
                panic!("{}", self.failure(&what).await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the current page's path is `path` (after a redirect or a
    /// form that navigates).
    pub async fn wait_for_path(&self, path: &str) {
        let deadline = Instant::now() + WAIT;
        while self.current_path().await != path {
            if Instant::now() >= deadline {
                let what = format!("the path did not become {path:?} within {WAIT:?}");
                panic!("{}", self.failure(&what).await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The visible text of the first element matching `css` (waited for).
    ///
    /// Right after a click that navigates, the element found may belong to
    /// the page being replaced; then it is looked up again on the new one.
    pub async fn text(&self, css: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let element = self.wait_for(css).await;
            match element.text().await {
                Ok(text) => return text,
                Err(error) if met_a_navigation(&error) && Instant::now() < deadline => {
                    tokio::time::sleep(POLL).await;
                }
                Err(error) => {
                    let what = format!("read the text of `{css}`: {error}");
                    panic!("{}", self.failure(&what).await);
                }
            }
        }
    }

    /// Clicks the first element matching `css` (waited for), looking it up
    /// again if the page was replaced between finding and clicking it.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let element = self.wait_for(css).await;
            match element.click().await {
                Ok(()) => return,
                Err(error) if error.is_stale_element_reference() && Instant::now() < deadline => {
                    tokio::time::sleep(POLL).await;
                }
                Err(error) => {
                    panic!("{}", self.failure(&format!("click `{css}`: {error}")).await)
                }
            }
        }
    }

    /// Logs `email` in with the tests' password through the login form, and
    /// waits until the page that follows offers to log out. The selectors
    /// hold in both languages.
    pub async fn log_in(&self, app: &crate::helpers::TestApp, email: &str) {
        self.goto(&format!("{}/login", app.address)).await;
        self.fill("#email", email).await;
        self.fill("#password", crate::helpers::PASSWORD).await;
        self.click("form[action='/login'] button[type=submit]")
            .await;
        self.wait_for("form[action='/logout']").await;
    }

    /// Logs out with the form in the page header, and waits until the page
    /// that follows offers to log in.
    pub async fn log_out(&self) {
        self.click("form[action='/logout'] button[type=submit]")
            .await;
        self.wait_for("a[href^='/login']").await;
    }

    /// Clicks the `<button>` whose text is `text`, or the submit/button
    /// `<input>` whose value is `text` (whitespace normalised, exact match).
    pub async fn click_button(&self, text: &str) {
        let literal = xpath_literal(text);
        let xpath = format!(
            "//button[normalize-space(.)={literal}] \
             | //input[(@type='submit' or @type='button') and normalize-space(@value)={literal}]"
        );
        let deadline = Instant::now() + WAIT;
        loop {
            let button = self
                .wait_for_locator(Locator::XPath(&xpath), &format!("button {text:?}"))
                .await;
            match button.click().await {
                Ok(()) => return,
                // The button belonged to a page that was being replaced.
                Err(error) if error.is_stale_element_reference() && Instant::now() < deadline => {
                    tokio::time::sleep(POLL).await;
                }
                Err(error) => panic!(
                    "{}",
                    self.failure(&format!("click button {text:?}: {error}"))
                        .await
                ),
            }
        }
    }

    /// Types `value` into the field matching `css`, after clearing it.
    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.wait_for(css).await;
        self.type_into(&field, value, css).await;
    }

    /// Fills the field of the `<label>` whose text is `label`: the element
    /// its `for` names, or the field inside it. A `<select>` gets the option
    /// whose value or text is `value`; other fields are cleared and typed into.
    pub async fn fill_by_label(&self, label: &str, value: &str) {
        let literal = xpath_literal(label);
        let xpath =
            format!("//label[normalize-space(.)={literal} or normalize-space(text())={literal}]");
        let label_element = self
            .wait_for_locator(Locator::XPath(&xpath), &format!("label {label:?}"))
            .await;
        let target = label_element
            .attr("for")
            .await
            .expect("WebDriver: read a label's `for`");
        let field = match target.as_deref() {
            Some(id) if !id.is_empty() => self.client().find(Locator::Id(id)).await,
            _ => {
                label_element
                    .find(Locator::XPath(".//input | .//select | .//textarea"))
                    .await
            }
        };
        let field = match field {
            Ok(field) => field,
            Err(error) => {
                let what = format!("the field of label {label:?}: {error}");
                panic!("{}", self.failure(&what).await);
            }
        };
        let tag = field.tag_name().await.expect("WebDriver: read a tag name");
        if tag.eq_ignore_ascii_case("select") {
            self.choose_option(&field, value, &format!("label {label:?}"))
                .await;
        } else {
            self.type_into(&field, value, &format!("label {label:?}"))
                .await;
        }
    }

    /// Chooses, in the `<select>` matching `css`, the option whose `value`
    /// attribute, or else whose visible text, is `value`.
    pub async fn select(&self, css: &str, value: &str) {
        let select = self.wait_for(css).await;
        self.choose_option(&select, value, css).await;
    }

    /// Writes a PNG of the viewport to `path`, creating its directories.
    pub async fn screenshot(&self, path: &Path) {
        let png = self
            .client()
            .screenshot()
            .await
            .expect("WebDriver: take a screenshot");
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|error| panic!("create {}: {error}", parent.display()));
        }
        std::fs::write(path, png)
            .unwrap_or_else(|error| panic!("write {}: {error}", path.display()));
    }

    /// Saves a screenshot named `name` (see [`screenshot_path`]) and returns
    /// where it went.
    pub async fn save_screenshot(&self, name: &str) -> PathBuf {
        let path = screenshot_path(name);
        self.screenshot(&path).await;
        eprintln!("[browser] screenshot: {}", path.display());
        path
    }

    async fn wait_for_locator(&self, locator: Locator<'_>, what: &str) -> Element {
        let found = self
            .client()
            .wait()
            .at_most(WAIT)
            .every(POLL)
            .for_element(locator)
            .await;
        match found {
            Ok(element) => element,
            Err(error) => {
                let what = format!("no {what} after {WAIT:?} ({error})");
                panic!("{}", self.failure(&what).await)
            }
        }
    }

    async fn type_into(&self, field: &Element, value: &str, what: &str) {
        let typed = async {
            field.clear().await?;
            field.send_keys(value).await
        };
        if let Err(error) = typed.await {
            panic!(
                "{}",
                self.failure(&format!("type into {what}: {error}")).await
            );
        }
    }

    async fn choose_option(&self, select: &Element, value: &str, what: &str) {
        let literal = xpath_literal(value);
        let xpath =
            format!(".//option[@value={literal}] | .//option[normalize-space(.)={literal}]");
        let chosen = match select.find(Locator::XPath(&xpath)).await {
            Ok(option) => option.click().await,
            Err(error) => Err(error),
        };
        if let Err(error) = chosen {
            let what = format!("choose {value:?} in {what}: {error}");
            panic!("{}", self.failure(&what).await);
        }
    }

    /// A failure message with what the browser shows: URL, the start of the
    /// page's text and a screenshot (in the temporary directory).
    async fn failure(&self, what: &str) -> String {
        let client = self.client();
        let url = match client.current_url().await {
            Ok(url) => url.to_string(),
            Err(error) => format!("(unknown: {error})"),
        };
        let text = match client
            .execute(
                "return document.body ? document.body.innerText : '';",
                vec![],
            )
            .await
        {
            Ok(Value::String(text)) => text.chars().take(2000).collect(),
            Ok(other) => other.to_string(),
            Err(error) => format!("(unreadable: {error})"),
        };
        let shot = std::env::temp_dir()
            .join("defmatch-screenshots")
            .join(format!("failure-{}.png", Uuid::new_v4().simple()));
        let shot = match client.screenshot().await {
            Ok(png) => {
                let saved = std::fs::create_dir_all(shot.parent().expect("a parent"))
                    .and_then(|()| std::fs::write(&shot, png));
                match saved {
                    Ok(()) => shot.display().to_string(),
                    Err(error) => format!("(not saved: {error})"),
                }
            }
            Err(error) => format!("(not taken: {error})"),
        };
        format!("browser: {what}\n  at: {url}\n  screenshot: {shot}\n  page text:\n{text}")
    }
}

/// Where [`Browser::save_screenshot`] puts `name`: `docs/screenshots/<name>.png`
/// in the repository when `DEFMATCH_SCREENSHOTS=1`, else a temporary directory.
pub fn screenshot_path(name: &str) -> PathBuf {
    let file = format!("{name}.png");
    if std::env::var("DEFMATCH_SCREENSHOTS").is_ok_and(|value| value.trim() == "1") {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs")
            .join("screenshots")
            .join(file)
    } else {
        std::env::temp_dir().join("defmatch-screenshots").join(file)
    }
}

/// The program in `$variable`, else at `default`; panics with advice when
/// it is not there.
fn installed(variable: &str, default: &str) -> PathBuf {
    let (path, origin) = match std::env::var(variable) {
        Ok(value) if !value.trim().is_empty() => (PathBuf::from(value), variable.to_owned()),
        _ => (
            PathBuf::from(default),
            format!("the default ({variable} is not set)"),
        ),
    };
    if !path.is_file() {
        panic!(
            "the browser tests need {} ({origin}), which does not exist.\n\
             Run scripts/test.sh: it installs Debian's chromium and chromium-driver when \
             missing. Or set CHROME_BIN and CHROMEDRIVER, or DEFMATCH_SKIP_BROWSER_TESTS=1 \
             to skip the browser tests.",
            path.display()
        );
    }
    path
}

/// Whether a WebDriver error is the page changing under a read: the element
/// went stale, or the script's document was unloaded (Chromium reports that
/// as a JavaScript or unknown error). Such a read is worth trying again.
fn met_a_navigation(error: &fantoccini::error::CmdError) -> bool {
    error.is_stale_element_reference()
        || error.is_no_such_element()
        || error.is_javascript_error()
        || error.is_unknown_error()
}

/// An XPath string literal for `text`, whatever quotes it holds.
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|part| format!("'{part}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// chromedriver's command for the browser's console log (not part of W3C
/// WebDriver, so fantoccini has no method for it).
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({"type": "browser"}).to_string()),
        )
    }
}

/// A chromedriver process on a free loopback port, with a temporary
/// directory for Chromium's profile and chromedriver's log.
struct Driver {
    process: Child,
    port: u16,
    directory: PathBuf,
}

impl Driver {
    async fn start(chromedriver: &Path) -> Driver {
        let directory =
            std::env::temp_dir().join(format!("defmatch-browser-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(directory.join("profile"))
            .unwrap_or_else(|error| panic!("create {}: {error}", directory.display()));
        // The port is found by binding port 0 and let go for chromedriver to
        // take; if another program takes it first, chromedriver exits and we
        // try another.
        for _ in 0..3 {
            let port = free_port();
            let mut process = Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .arg(format!(
                    "--log-path={}",
                    directory.join("chromedriver.log").display()
                ))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|error| panic!("start {}: {error}", chromedriver.display()));
            if wait_until_ready(&mut process, port).await {
                return Driver {
                    process,
                    port,
                    directory,
                };
            }
            let _ = process.kill();
            let _ = process.wait();
        }
        let log = log_tail(&directory.join("chromedriver.log"));
        let _ = std::fs::remove_dir_all(&directory);
        panic!("chromedriver did not come up on a free port in three tries; its log:\n{log}");
    }

    /// A WebDriver session with a fresh headless Chromium.
    async fn connect(&self, chromium: &Path) -> Client {
        let profile = self.directory.join("profile");
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|arg| (*arg).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".to_owned(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({ "binary": chromium, "args": args }),
        );
        // The console log, read by `Browser::csp_violations`.
        capabilities.insert("goog:loggingPrefs".to_owned(), json!({ "browser": "ALL" }));
        let connected = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await;
        match connected {
            Ok(client) => client,
            Err(error) => panic!(
                "could not start Chromium ({}) through chromedriver: {error}\nchromedriver's log:\n{}",
                chromium.display(),
                log_tail(&self.directory.join("chromedriver.log"))
            ),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // `/shutdown` makes chromedriver quit every browser it started and
        // exit: it is the one way to close Chromium that also works while a
        // failed test unwinds, when no async call can be awaited.
        let _ = http_get(self.port, "/shutdown");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !matches!(self.process.try_wait(), Ok(Some(_))) {
            if Instant::now() >= deadline {
                let _ = self.process.kill();
                let _ = self.process.wait();
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Should chromedriver have left a Chromium behind, it is found by
        // its profile directory, which no other process uses.
        kill_processes_using(&self.directory);
        let _ = std::fs::remove_dir_all(&self.directory);
    }
}

/// Polls chromedriver's `/status` until it is ready; false if it exits
/// first or takes longer than [`WAIT`].
async fn wait_until_ready(process: &mut Child, port: u16) -> bool {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = process.try_wait() {
            return false;
        }
        if http_get(port, "/status").is_ok_and(|body| body.contains("\"ready\":true")) {
            return true;
        }
        tokio::time::sleep(POLL).await;
    }
    false
}

/// A TCP port that nothing listens on just now.
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("bind 127.0.0.1:0 to find a free port")
}

/// The body of `GET path` from chromedriver, with short timeouts. Blocking,
/// and used only for `/status` and `/shutdown`, where no client exists yet or
/// any more. chromedriver keeps the connection open despite
/// `Connection: close`, so the body is read by its `Content-Length`.
fn http_get(port: u16, path: &str) -> std::io::Result<String> {
    let timeout = Duration::from_secs(5);
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&address, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// The last lines of a log file, for a failure message.
fn log_tail(path: &Path) -> String {
    match std::fs::read_to_string(path) {
        Ok(log) => {
            let lines: Vec<&str> = log.lines().collect();
            lines[lines.len().saturating_sub(40)..].join("\n")
        }
        Err(error) => format!("({}: {error})", path.display()),
    }
}

/// Kills (SIGKILL, by pid) the processes whose command line mentions
/// `directory`: the Chromium processes of one profile.
fn kill_processes_using(directory: &Path) {
    let needle = directory.to_string_lossy().into_owned();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|name| name.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let Ok(command_line) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        if String::from_utf8_lossy(&command_line).contains(&needle) {
            let _ = Command::new("kill")
                .args(["-KILL", pid])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}
