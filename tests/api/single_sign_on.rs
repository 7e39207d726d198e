//! Single sign-on for staff, end to end against a real OpenID Connect
//! provider: the npm package oidc-provider, run by node
//! (scripts/oidc/oidc-provider.js). `scripts/test.sh` starts it and exports
//! `DEFMATCH_TEST_OIDC_ISSUER`; a plain `cargo test` starts one for this
//! process. When node or the package is missing the tests fail and say so:
//! they never pass without a provider.
//!
//! The tests drive the flow over HTTP as a browser would, with a cookie
//! jar per site: defmatch's start page, the provider's login and consent
//! forms, the provider's redirect back, defmatch's callback.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use actix_web::http::Method;
use defmatch::config::OidcSettings;
use defmatch::domain::account::{OrganisationKind, Role};
use secrecy::SecretString;
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with, Options, Reply, TestApp, PASSWORD};

/// The provider of this test run.
struct Provider {
    issuer: String,
    client_id: String,
    client_secret: String,
    _process: Option<std::process::Child>,
}

fn provider() -> &'static Provider {
    static PROVIDER: OnceLock<Provider> = OnceLock::new();
    PROVIDER.get_or_init(|| {
        let client_id = std::env::var("DEFMATCH_TEST_OIDC_CLIENT_ID")
            .unwrap_or_else(|_| "defmatch-test".to_owned());
        let client_secret = std::env::var("DEFMATCH_TEST_OIDC_CLIENT_SECRET")
            .unwrap_or_else(|_| "defmatch-test-secret-0123456789abcdef".to_owned());
        match std::env::var("DEFMATCH_TEST_OIDC_ISSUER") {
            Ok(issuer) => Provider {
                issuer,
                client_id,
                client_secret,
                _process: None,
            },
            Err(_) => start_own_provider(client_id, client_secret),
        }
    })
}

/// Starts scripts/oidc/oidc-provider.js for this process; panics with the
/// reason when it cannot.
fn start_own_provider(client_id: String, client_secret: String) -> Provider {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("scripts/oidc/oidc-provider.js");
    let ready = std::env::temp_dir().join(format!(
        "defmatch-test-oidc-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4()
    ));
    let log = ready.with_extension("log");
    let mut child = Command::new("node")
        .arg(&script)
        .arg("--ready-file")
        .arg(&ready)
        .arg("--watch-pid")
        .arg(std::process::id().to_string())
        .env("DEFMATCH_TEST_OIDC_CLIENT_ID", &client_id)
        .env("DEFMATCH_TEST_OIDC_CLIENT_SECRET", &client_secret)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("create the provider's log"))
        .spawn()
        .unwrap_or_else(|error| {
            panic!("cannot run node ({error}): the single sign-on tests need Node.js and the npm package oidc-provider; run scripts/test.sh or scripts/ensure-oidc.sh")
        });
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(issuer) = std::fs::read_to_string(&ready) {
            if !issuer.trim().is_empty() {
                return Provider {
                    issuer: issuer.trim().to_owned(),
                    client_id,
                    client_secret,
                    _process: Some(child),
                };
            }
        }
        if child.try_wait().ok().flatten().is_some() || Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            panic!("the OpenID provider (scripts/oidc/oidc-provider.js) did not start: {log}\nrun scripts/ensure-oidc.sh (npm ci in scripts/oidc) or scripts/test.sh");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn sso_settings() -> OidcSettings {
    let provider = provider();
    OidcSettings {
        issuer: provider.issuer.clone(),
        client_id: provider.client_id.clone(),
        client_secret: SecretString::from(provider.client_secret.clone()),
        admin_email_domain: None,
    }
}

async fn spawn_app_with_sso() -> TestApp {
    spawn_app_with(Options {
        single_sign_on: Some(sso_settings()),
        ..Default::default()
    })
    .await
}

/// A browser over HTTP: cookies per site (host and port), no automatic redirects.
struct Browser {
    cookies: BTreeMap<(String, String), String>,
    client: awc::Client,
}

fn site_of(url: &str) -> String {
    url.split('/').take(3).collect::<Vec<_>>().join("/")
}

impl Browser {
    fn new() -> Self {
        Browser {
            cookies: BTreeMap::new(),
            client: awc::Client::builder()
                .disable_redirects()
                .timeout(Duration::from_secs(30))
                .finish(),
        }
    }

    async fn send(&mut self, method: Method, url: &str, form: Option<&[(&str, &str)]>) -> Reply {
        let site = site_of(url);
        let cookie = self
            .cookies
            .iter()
            .filter(|((cookie_site, _), _)| *cookie_site == site)
            .map(|((_, name), value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ");
        let request = self
            .client
            .request(method, url)
            .insert_header(("Accept", "text/html"))
            .insert_header(("Cookie", cookie));
        let sent = match form {
            Some(fields) => request.send_form(&fields).await,
            None => request.send().await,
        };
        let mut response = sent.unwrap_or_else(|error| panic!("{url}: {error}"));
        let bytes = response
            .body()
            .limit(4 * 1024 * 1024)
            .await
            .expect("read body");
        let reply = Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: serde_json::Value::String(String::from_utf8_lossy(&bytes).into_owned()),
        };
        for value in reply.headers.get_all("set-cookie") {
            let text = value.to_str().unwrap_or_default();
            let pair = text.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                let key = (site.clone(), name.to_owned());
                let lower = text.to_ascii_lowercase();
                if value.is_empty()
                    || lower.contains("max-age=0")
                    || lower.contains("expires=thu, 01 jan 1970")
                {
                    self.cookies.remove(&key);
                } else {
                    self.cookies.insert(key, value.to_owned());
                }
            }
        }
        reply
    }

    fn cookie(&self, site: &str, name: &str) -> Option<&String> {
        self.cookies.get(&(site_of(site), name.to_owned()))
    }
}

/// `link` as an absolute URL, relative to the page at `base`.
fn absolute(link: &str, base: &str) -> String {
    if link.starts_with("http") {
        link.to_owned()
    } else {
        format!("{}{link}", site_of(base))
    }
}

fn location(reply: &Reply, base: &str) -> String {
    let location = reply
        .header("location")
        .unwrap_or_else(|| panic!("a redirect, got {} {}", reply.status, reply.body));
    absolute(&location, base)
}

/// The `action` of the form of `html` that holds `marker`.
fn form_action(html: &str, marker: &str) -> Option<String> {
    let at = html.find(marker)?;
    let form = html[..at].rfind("<form")?;
    let action = html[form..].find("action=\"")? + form + "action=\"".len();
    let end = html[action..].find('"')? + action;
    Some(html[action..end].replace("&amp;", "&"))
}

/// Goes from defmatch's single sign-on button to the provider and signs in
/// there as `login`; answers the callback URL the provider sends the
/// browser back to (not yet followed).
async fn sign_in_at_provider(browser: &mut Browser, app: &TestApp, login: &str) -> String {
    let started = browser
        .send(
            Method::GET,
            &format!("{}/auth/sso/start", app.address),
            None,
        )
        .await;
    assert_eq!(started.status, 303, "{}", started.body);
    let mut url = location(&started, &app.address);
    assert!(
        url.starts_with(&provider().issuer),
        "to the provider: {url}"
    );
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    for _ in 0..12 {
        if url.starts_with(&format!("{}/auth/sso/callback", app.address)) {
            return url;
        }
        let reply = browser.send(Method::GET, &url, None).await;
        if reply.status == 302 || reply.status == 303 {
            url = location(&reply, &url);
            continue;
        }
        assert_eq!(reply.status, 200, "{url}: {}", reply.body);
        let html = reply.body.as_str().unwrap_or_default().to_owned();
        let submitted = if let Some(action) = form_action(&html, "value=\"login\"") {
            let target = absolute(&action, &url);
            let fields = [("prompt", "login"), ("login", login), ("password", "any")];
            browser.send(Method::POST, &target, Some(&fields[..])).await
        } else if let Some(action) = form_action(&html, "value=\"consent\"") {
            let target = absolute(&action, &url);
            browser
                .send(Method::POST, &target, Some(&[("prompt", "consent")][..]))
                .await
        } else {
            panic!("an unexpected page at the provider: {html}");
        };
        assert!(
            submitted.status == 302 || submitted.status == 303,
            "{}",
            submitted.body
        );
        url = location(&submitted, &url);
    }
    panic!("the provider never sent the browser back");
}

/// A procurement officer of an organisation that allows `domain`.
fn officer_at(app: &TestApp, domain: &str, email: &str) -> uuid::Uuid {
    let organisation_id = organisation_allowing(app, domain);
    app.create_account(email, Role::Procurement, Some(organisation_id))
}

fn html(reply: &Reply) -> &str {
    reply.body.as_str().unwrap_or_default()
}

#[actix_web::test]
async fn a_staff_member_signs_in_through_the_provider_and_lands_signed_in() {
    let app = spawn_app_with_sso().await;
    let email = format!("officer-{}@mindef.example", uuid::Uuid::new_v4().simple());
    let user_id = officer_at(&app, "mindef.example", &email);
    let mut browser = Browser::new();
    let login = browser
        .send(Method::GET, &format!("{}/login", app.address), None)
        .await;
    assert!(
        html(&login).contains("href=\"/auth/sso/start\""),
        "an SSO button"
    );

    let callback = sign_in_at_provider(&mut browser, &app, &email).await;
    let landed = browser.send(Method::GET, &callback, None).await;
    assert_eq!(landed.status, 303, "{}", landed.body);
    // On the procurement officer's home.
    assert_eq!(landed.header("location").as_deref(), Some("/my/challenges"));
    // The session is a real one: its access token opens the API as the officer.
    let token = browser
        .cookie(&app.address, "defmatch_session")
        .expect("a session cookie")
        .clone();
    let me = app.get("/api/v1/me", Some(&token)).await.expect(200);
    assert_eq!(me.body["user"]["id"], json!(user_id));
    assert_eq!(me.body["user"]["email"], json!(email));
    let home = browser
        .send(Method::GET, &format!("{}/my/challenges", app.address), None)
        .await;
    assert_eq!(home.status, 200);
    assert!(html(&home).contains("Log out"));

    // The state works once: the same callback again is refused.
    let replayed = browser.send(Method::GET, &callback, None).await;
    assert_eq!(replayed.status, 400);
    assert!(html(&replayed).contains("expired or was used already"));
}

#[actix_web::test]
async fn an_address_outside_the_organisations_domain_is_refused() {
    let app = spawn_app_with_sso().await;
    let email = format!(
        "officer-{}@elsewhere.example",
        uuid::Uuid::new_v4().simple()
    );
    officer_at(&app, "mindef.example", &email);
    let mut browser = Browser::new();
    let callback = sign_in_at_provider(&mut browser, &app, &email).await;
    let refused = browser.send(Method::GET, &callback, None).await;
    assert_eq!(refused.status, 403);
    assert!(
        html(&refused).contains("could not sign you in"),
        "{}",
        html(&refused)
    );
    assert!(browser.cookie(&app.address, "defmatch_session").is_none());

    // Nor does an unknown address of the allowed domain, or a start-up's.
    let stranger = format!("nobody-{}@mindef.example", uuid::Uuid::new_v4().simple());
    let callback = sign_in_at_provider(&mut browser, &app, &stranger).await;
    let refused = browser.send(Method::GET, &callback, None).await;
    assert_eq!(refused.status, 403);
    assert!(browser.cookie(&app.address, "defmatch_session").is_none());
}

#[actix_web::test]
async fn an_address_the_provider_did_not_verify_is_refused() {
    let app = spawn_app_with_sso().await;
    // The test provider leaves logins that start with "unverified" unverified.
    let email = format!(
        "unverified-{}@mindef.example",
        uuid::Uuid::new_v4().simple()
    );
    officer_at(&app, "mindef.example", &email);
    let mut browser = Browser::new();
    let callback = sign_in_at_provider(&mut browser, &app, &email).await;
    let refused = browser.send(Method::GET, &callback, None).await;
    assert_eq!(refused.status, 403);
    assert!(html(&refused).contains("has not verified your e-mail address"));
    assert!(browser.cookie(&app.address, "defmatch_session").is_none());
}

#[actix_web::test]
async fn a_forged_state_or_another_browsers_callback_is_refused() {
    let app = spawn_app_with_sso().await;
    let email = format!("officer-{}@mindef.example", uuid::Uuid::new_v4().simple());
    officer_at(&app, "mindef.example", &email);
    let mut browser = Browser::new();
    let callback = sign_in_at_provider(&mut browser, &app, &email).await;

    // A state nobody issued.
    let forged = callback.replace("state=", "state=forged");
    let refused = browser.send(Method::GET, &forged, None).await;
    assert_eq!(refused.status, 400);

    // The real callback in a browser that did not start the sign-in (a
    // link planted by someone else) is refused, and spends the state.
    let mut other = Browser::new();
    let refused = other.send(Method::GET, &callback, None).await;
    assert_eq!(refused.status, 400);
    assert!(other.cookie(&app.address, "defmatch_session").is_none());
    let too_late = browser.send(Method::GET, &callback, None).await;
    assert_eq!(too_late.status, 400);
    assert!(browser.cookie(&app.address, "defmatch_session").is_none());
}

#[actix_web::test]
async fn without_a_provider_there_is_no_button_and_passwords_work() {
    let app = spawn_app().await;
    let officer = app.procurement("Password Navy").await;
    let mut browser = Browser::new();
    let login = browser
        .send(Method::GET, &format!("{}/login", app.address), None)
        .await;
    assert!(!html(&login).contains("/auth/sso/start"));
    let start = browser
        .send(
            Method::GET,
            &format!("{}/auth/sso/start", app.address),
            None,
        )
        .await;
    assert_eq!(start.status, 404);
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"email": officer.email, "password": PASSWORD}),
    )
    .await
    .expect(200);

    // With a provider, passwords keep working too.
    let app = spawn_app_with_sso().await;
    let officer = app.procurement("Password Navy").await;
    app.log_in(&officer.email).await.expect(200);
}

#[actix_web::test]
async fn an_admin_sets_an_organisations_sso_domain_through_the_api() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let created = app
        .post(
            "/api/v1/organisations",
            admin.auth(),
            json!({"kind": "defence", "name": "Marine", "sso_email_domain": "Marine.Example"}),
        )
        .await
        .expect(201);
    assert_eq!(created.body["sso_email_domain"], "marine.example");
    let path = format!("/api/v1/organisations/{}", created.id());
    let changed = app
        .patch(
            &path,
            admin.auth(),
            created.etag_version(),
            json!({"sso_email_domain": "navy.example"}),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["sso_email_domain"], "navy.example");
    let bad = app
        .patch(
            &path,
            admin.auth(),
            changed.etag_version(),
            json!({"sso_email_domain": "not a domain"}),
        )
        .await;
    bad.expect_error(400, "invalid_input");
    assert_eq!(bad.error_field(), Some("sso_email_domain"));
    let cleared = app
        .patch(
            &path,
            admin.auth(),
            changed.etag_version(),
            json!({"sso_email_domain": null}),
        )
        .await
        .expect(200);
    assert_eq!(cleared.body["sso_email_domain"], json!(null));
    let officer = app.procurement("Other Navy").await;
    app.patch(
        &path,
        officer.auth(),
        cleared.etag_version(),
        json!({"sso_email_domain": "x.example"}),
    )
    .await
    .expect(403);
    let company = app
        .post(
            "/api/v1/organisations",
            admin.auth(),
            json!({"kind": "startup_company", "name": "Start", "sso_email_domain": "start.example"}),
        )
        .await;
    company.expect_error(400, "invalid_input");
}

#[actix_web::test]
async fn coming_back_from_the_provider_without_a_code_signs_nobody_in() {
    let app = spawn_app_with_sso().await;
    let mut browser = Browser::new();
    let started = browser
        .send(
            Method::GET,
            &format!("{}/auth/sso/start", app.address),
            None,
        )
        .await;
    let to_provider = location(&started, &app.address);
    let state = to_provider
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("state="))
        .expect("a state")
        .to_owned();
    // What the provider answers when the person cancels at its login page.
    let cancelled = browser
        .send(
            Method::GET,
            &format!(
                "{}/auth/sso/callback?error=access_denied&state={state}",
                app.address
            ),
            None,
        )
        .await;
    assert_eq!(cancelled.status, 400);
    assert!(html(&cancelled).contains("without signing you in"));
    assert!(browser.cookie(&app.address, "defmatch_session").is_none());
}

/// A defence organisation that allows `domain`, without any account yet.
fn organisation_allowing(app: &TestApp, domain: &str) -> uuid::Uuid {
    let organisation_id =
        app.create_organisation(OrganisationKind::Defence, &format!("Org {domain}"), None);
    let mut connection = app.database.connect();
    use defmatch::db::schema::organisations;
    use diesel::prelude::*;
    diesel::update(organisations::table.find(organisation_id))
        .set(organisations::sso_email_domain.eq(Some(domain)))
        .execute(&mut connection)
        .expect("allow the domain");
    organisation_id
}

#[actix_web::test]
async fn an_invited_officer_signs_in_by_single_sign_on_and_the_invitation_is_taken() {
    let app = spawn_app_with_sso().await;
    let admin = app.admin().await;
    let organisation_id = organisation_allowing(&app, "invited-sso.example");
    let email = format!(
        "new-officer-{}@invited-sso.example",
        uuid::Uuid::new_v4().simple()
    );
    app.post(
        "/api/v1/invitations",
        admin.auth(),
        json!({"email": email, "role": "procurement", "organisation_id": organisation_id}),
    )
    .await
    .expect(201);
    // An invitation to an address outside the organisation's domain is not
    // taken by single sign-on, although the provider vouches for the address.
    let outsider = format!(
        "outsider-{}@elsewhere-sso.example",
        uuid::Uuid::new_v4().simple()
    );
    app.post(
        "/api/v1/invitations",
        admin.auth(),
        json!({"email": outsider, "role": "procurement", "organisation_id": organisation_id}),
    )
    .await
    .expect(201);

    let mut browser = Browser::new();
    let callback = sign_in_at_provider(&mut browser, &app, &email).await;
    let landed = browser.send(Method::GET, &callback, None).await;
    assert_eq!(landed.status, 303, "{}", landed.body);
    assert_eq!(landed.header("location").as_deref(), Some("/my/challenges"));
    let token = browser
        .cookie(&app.address, "defmatch_session")
        .expect("a session cookie")
        .clone();
    let me = app.get("/api/v1/me", Some(&token)).await.expect(200);
    assert_eq!(me.body["user"]["email"], json!(email));
    assert_eq!(me.body["user"]["role"], "procurement");
    assert_eq!(me.body["user"]["organisation_id"], json!(organisation_id));
    assert_eq!(me.body["user"]["email_verified"], true);
    // The invitation was taken: only the outsider's is still pending.
    let pending = app
        .get("/api/v1/invitations", admin.auth())
        .await
        .expect(200);
    assert_eq!(pending.body["total"], 1, "{}", pending.body);
    assert_eq!(pending.body["items"][0]["email"], json!(outsider));

    let mut other_browser = Browser::new();
    let callback = sign_in_at_provider(&mut other_browser, &app, &outsider).await;
    let refused = other_browser.send(Method::GET, &callback, None).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(other_browser
        .cookie(&app.address, "defmatch_session")
        .is_none());
    let still_pending = app
        .get("/api/v1/invitations", admin.auth())
        .await
        .expect(200);
    assert_eq!(still_pending.body["total"], 1);
}
