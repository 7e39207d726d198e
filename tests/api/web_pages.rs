//! The web pages over plain HTTP: sessions in cookies, CSRF, error pages and
//! who sees what. What a real browser does (scripts, clicks) is in `browser/`.

use std::collections::BTreeMap;

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::{challenge_body, merge, spawn_app, Reply, TestApp, PASSWORD};

/// A browser without a browser: keeps the cookies the server sets and
/// reads the CSRF token from the pages.
pub struct WebVisitor<'a> {
    app: &'a TestApp,
    pub cookies: BTreeMap<String, String>,
    /// A client that does not follow redirects, so tests see each 303.
    client: awc::Client,
}

impl<'a> WebVisitor<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        WebVisitor {
            app,
            cookies: BTreeMap::new(),
            client: awc::Client::builder()
                .disable_redirects()
                .timeout(std::time::Duration::from_secs(30))
                .finish(),
        }
    }

    async fn send(&mut self, method: Method, path: &str, form: Option<Vec<u8>>) -> Reply {
        let request = self
            .client
            .request(method, format!("{}{path}", self.app.address))
            .insert_header(("Accept", "text/html"))
            .insert_header(("Cookie", self.cookie_header()));
        let sent = match form {
            Some(body) => {
                request
                    .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                    .send_body(body)
                    .await
            }
            None => request.send().await,
        };
        let mut response = sent.expect("request failed to send");
        let bytes = response
            .body()
            .limit(16 * 1024 * 1024)
            .await
            .expect("read body");
        let reply = Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: Value::String(String::from_utf8_lossy(&bytes).into_owned()),
        };
        self.keep_cookies(&reply);
        reply
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, reply: &Reply) {
        for value in reply.headers.get_all("set-cookie") {
            let text = value.to_str().unwrap_or_default();
            let pair = text.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                let removal = text.contains("Max-Age=0") || value.is_empty();
                if removal {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
    }

    /// GETs a page as a browser would.
    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    /// POSTs a form; `csrf` is added unless `fields` has one already.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        if !fields.iter().any(|(name, _)| *name == "csrf") {
            let token = self
                .cookies
                .get("defmatch_csrf")
                .cloned()
                .unwrap_or_default();
            serializer.append_pair("csrf", &token);
        }
        for (name, value) in fields {
            serializer.append_pair(name, value);
        }
        let body = serializer.finish().into_bytes();
        self.send(Method::POST, path, Some(body)).await
    }

    /// Logs in through the login form.
    pub async fn log_in(&mut self, email: &str) -> Reply {
        self.get("/login").await.expect(200);
        self.post_form("/login", &[("email", email), ("password", PASSWORD)])
            .await
    }

    pub fn has_cookie(&self, name: &str) -> bool {
        self.cookies.contains_key(name)
    }
}

/// A visitor logged in as `email` through the login form.
pub async fn signed_in<'a>(app: &'a TestApp, email: &str) -> WebVisitor<'a> {
    let mut visitor = WebVisitor::new(app);
    visitor.log_in(email).await.expect(303);
    visitor
}

/// The text of an HTML reply.
pub fn html(reply: &Reply) -> &str {
    reply.body.as_str().unwrap_or_default()
}

#[actix_web::test]
async fn the_landing_page_and_the_challenge_search_are_public_html() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let id = app
        .challenge_in_status(
            &officer,
            challenge_body("Counter-drone sensing at airbases"),
            "open",
        )
        .await;
    app.wait_for_index().await;
    let mut visitor = WebVisitor::new(&app);

    let landing = visitor.get("/").await.expect(200);
    assert!(landing
        .header("content-type")
        .is_some_and(|value| value.starts_with("text/html")));
    assert!(html(&landing).contains("Register your start-up"));

    let search = visitor.get("/challenges?q=drone").await.expect(200);
    assert!(html(&search).contains("Counter-drone sensing at airbases"));
    assert!(html(&search).contains(&format!("/challenges/{id}")));

    let page = visitor.get(&format!("/challenges/{id}")).await.expect(200);
    assert!(html(&page).contains("Questions and answers"));
}

#[actix_web::test]
async fn a_bad_search_filter_is_shown_beside_its_field_not_as_json() {
    let app = spawn_app().await;
    let mut visitor = WebVisitor::new(&app);
    let reply = visitor.get("/challenges?technology=warp-drive").await;
    assert_eq!(reply.status, 400);
    let page = html(&reply);
    assert!(page.contains("<!DOCTYPE html>"), "an HTML page, not JSON");
    assert!(page.contains("error-summary"));

    let unbalanced = visitor.get("/challenges?q=%22counter+drone").await;
    assert_eq!(unbalanced.status, 400);
    assert!(html(&unbalanced).contains("id=\"error-q\""));
}

#[actix_web::test]
async fn unknown_pages_are_an_html_404_for_browsers_and_json_for_the_api() {
    let app = spawn_app().await;
    let mut visitor = WebVisitor::new(&app);
    let page = visitor.get("/no/such/page").await;
    assert_eq!(page.status, 404);
    assert!(html(&page).contains("Page not found"));
    let api = app.get("/api/v1/no-such-thing", None).await;
    api.expect_error(404, "not_found");
}

#[actix_web::test]
async fn logging_in_sets_http_only_cookies_and_logging_out_ends_the_session() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let mut visitor = WebVisitor::new(&app);
    let login = visitor.log_in(&officer.email).await;
    assert_eq!(login.status, 303);
    let set_cookies: Vec<String> = login
        .headers
        .get_all("set-cookie")
        .map(|value| value.to_str().unwrap_or_default().to_owned())
        .collect();
    let session = set_cookies
        .iter()
        .find(|cookie| cookie.starts_with("defmatch_session="))
        .expect("a session cookie");
    assert!(session.contains("HttpOnly"));
    assert!(session.contains("SameSite=Lax"));
    assert!(session.contains("Secure"));

    let page = visitor.get("/challenges").await.expect(200);
    assert!(
        html(&page).contains("My challenges"),
        "procurement navigation"
    );

    let copied_session = visitor.cookies.get("defmatch_session").cloned();
    visitor.post_form("/logout", &[]).await.expect(303);
    assert!(!visitor.has_cookie("defmatch_session"));
    // The old cookie, replayed, no longer signs anyone in: the session was revoked.
    let mut replay = WebVisitor::new(&app);
    replay.cookies.insert(
        "defmatch_session".into(),
        copied_session.unwrap_or_default(),
    );
    let page = replay.get("/challenges").await.expect(200);
    assert!(!html(&page).contains("My challenges"));
    assert!(html(&page).contains("Log in"));
}

#[actix_web::test]
async fn a_wrong_password_is_a_plain_message_on_the_form() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let mut visitor = WebVisitor::new(&app);
    visitor.get("/login").await.expect(200);
    let reply = visitor
        .post_form(
            "/login",
            &[("email", &officer.email), ("password", "not the password")],
        )
        .await;
    assert_eq!(reply.status, 401);
    assert!(html(&reply).contains("do not match an account"));
    assert!(!visitor.has_cookie("defmatch_session"));
}

#[actix_web::test]
async fn a_form_without_the_csrf_token_changes_nothing() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let id = app
        .challenge_in_status(&officer, challenge_body("Secure radios"), "open")
        .await;
    let startup = app.startup_account("Radio Works").await;
    let mut visitor = signed_in(&app, &startup.email).await;

    let forged = visitor
        .post_form(
            &format!("/challenges/{id}/questions"),
            &[("csrf", "forged"), ("question", "Is a prototype enough?")],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert!(html(&forged).contains("This form has expired"));
    let questions = app
        .get(
            &format!("/api/v1/challenges/{id}/questions"),
            officer.auth(),
        )
        .await
        .expect(200);
    assert_eq!(questions.body["items"].as_array().map(Vec::len), Some(0));

    let asked = visitor
        .post_form(
            &format!("/challenges/{id}/questions"),
            &[("question", "Is a prototype enough?")],
        )
        .await;
    assert_eq!(asked.status, 303);
    let questions = app
        .get(
            &format!("/api/v1/challenges/{id}/questions"),
            officer.auth(),
        )
        .await
        .expect(200);
    assert_eq!(
        questions.body["items"][0]["question"],
        json!("Is a prototype enough?")
    );
}

#[actix_web::test]
async fn an_empty_question_is_refused_beside_the_field() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let id = app
        .challenge_in_status(&officer, challenge_body("Secure radios"), "open")
        .await;
    let startup = app.startup_account("Radio Works").await;
    let mut visitor = signed_in(&app, &startup.email).await;
    let reply = visitor
        .post_form(
            &format!("/challenges/{id}/questions"),
            &[("question", "   ")],
        )
        .await;
    assert_eq!(reply.status, 400);
    let page = html(&reply);
    let error_slot = page
        .split("id=\"error-question\"")
        .nth(1)
        .expect("the question field's error slot");
    let message = error_slot.split("</p>").next().unwrap_or_default();
    assert!(message.len() > 5, "a message beside the field: {message}");
}

#[actix_web::test]
async fn a_vetted_challenge_is_a_404_page_for_an_unvetted_start_up() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let body = merge(
        challenge_body("Classified sensor fusion"),
        json!({"visibility": "vetted"}),
    );
    let id = app.challenge_in_status(&officer, body, "open").await;
    let startup = app.startup_account("Unvetted B.V.").await;
    let mut visitor = signed_in(&app, &startup.email).await;
    let page = visitor.get(&format!("/challenges/{id}")).await;
    assert_eq!(page.status, 404);
    assert!(html(&page).contains("Page not found"));
    assert!(!html(&page).contains("Classified sensor fusion"));

    app.vet(&startup);
    let page = visitor.get(&format!("/challenges/{id}")).await.expect(200);
    assert!(html(&page).contains("Classified sensor fusion"));
}

#[actix_web::test]
async fn a_page_for_members_sends_visitors_to_the_login_page_and_back() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let id = app
        .challenge_in_status(&officer, challenge_body("Secure radios"), "open")
        .await;
    let mut visitor = WebVisitor::new(&app);
    visitor.get(&format!("/challenges/{id}")).await.expect(200);
    let reply = visitor
        .post_form(
            &format!("/challenges/{id}/questions"),
            &[("question", "Hi?")],
        )
        .await;
    assert_eq!(reply.status, 303);
    let location = reply.header("location").unwrap_or_default();
    assert!(location.starts_with("/login?next="), "{location}");
    // Without a Referer the form's page is unknown, so it comes back home.
    assert_eq!(location, "/login?next=%2F");

    // After logging in, only local paths are followed.
    visitor
        .get("/login?next=https://evil.example/")
        .await
        .expect(200);
    let login = visitor
        .post_form(
            "/login",
            &[
                ("email", &officer.email),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(login.header("location").as_deref(), Some("/"));
}

#[actix_web::test]
async fn registering_through_the_form_says_to_check_the_mail_and_keeps_the_typed_values_on_error() {
    let app = spawn_app().await;
    let mut visitor = WebVisitor::new(&app);
    visitor.get("/register").await.expect(200);
    let short = visitor
        .post_form(
            "/register",
            &[
                ("display_name", "Eva"),
                ("company_name", "Polder Robotics"),
                ("email", "eva@polder.example"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, 400);
    assert!(html(&short).contains("value=\"Polder Robotics\""));
    assert!(html(&short).contains("id=\"error-password\""));

    let registered = visitor
        .post_form(
            "/register",
            &[
                ("display_name", "Eva"),
                ("company_name", "Polder Robotics"),
                ("email", "eva@polder.example"),
                ("password", PASSWORD),
                ("accept_privacy", "true"),
            ],
        )
        .await;
    assert_eq!(registered.status, 200);
    assert!(html(&registered).contains("Check your mail"));
    assert!(!visitor.has_cookie("defmatch_session"));
    // The account exists once its mail is out; it logs in with its password.
    crate::mailbox::mail_to(&app, "eva@polder.example", 1).await;
    let login = app.log_in("eva@polder.example").await;
    assert_eq!(login.status, 200);
}

#[actix_web::test]
async fn a_bad_profile_field_is_shown_beside_it_and_nothing_is_saved() {
    let app = spawn_app().await;
    let startup = app.startup_account("Polder Robotics").await;
    let mut visitor = signed_in(&app, &startup.email).await;
    visitor.get("/profile").await.expect(200);
    let reply = visitor
        .post_form(
            "/profile",
            &[
                ("name", "Polder Robotics"),
                ("kvk_number", "12ab"),
                (
                    "description",
                    "Autonomous inspection robots for ship hulls.",
                ),
                ("country", "NL"),
                ("province", "NL-ZH"),
            ],
        )
        .await;
    assert_eq!(reply.status, 400);
    let page = html(&reply);
    assert!(
        page.contains("value=\"Polder Robotics\""),
        "typed values kept"
    );
    let beside_kvk = page
        .split("id=\"error-kvk_number\"")
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap_or_default();
    assert!(
        beside_kvk.contains("8") || beside_kvk.len() > 5,
        "{beside_kvk}"
    );
    let profiles = app
        .get("/api/v1/startups", startup.auth())
        .await
        .expect(200);
    assert_eq!(profiles.body["total"], json!(0), "nothing saved");
}

#[actix_web::test]
async fn the_live_preview_is_a_fragment_with_the_matching_challenges() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    app.challenge_in_status(&officer, challenge_body("Counter-drone radar"), "open")
        .await;
    app.wait_for_index().await;
    let startup = app.startup_account("SkyWatch").await;
    let mut visitor = signed_in(&app, &startup.email).await;
    visitor.get("/profile").await.expect(200);
    let preview = visitor
        .post_form(
            "/profile/preview",
            &[(
                "description",
                "Passive radar that detects small drones near airbases.",
            )],
        )
        .await
        .expect(200);
    let fragment = html(&preview);
    assert!(
        !fragment.contains("<!DOCTYPE html>"),
        "a fragment, not a page"
    );
    assert!(fragment.contains("Counter-drone radar"));
    assert!(fragment.contains("score-bar"));

    let empty = visitor
        .post_form("/profile/preview", &[("description", "")])
        .await
        .expect(200);
    assert!(!html(&empty).contains("Counter-drone radar"));
}

#[actix_web::test]
async fn posting_a_challenge_without_a_title_is_refused_beside_the_field() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let mut visitor = signed_in(&app, &officer.email).await;
    visitor.get("/my/challenges/new").await.expect(200);
    let form = [
        ("title", ""),
        ("summary", "Detect drones."),
        (
            "description",
            "Airbases need early warning of small drones.",
        ),
        ("desired_outcome", "A demonstrator."),
        ("technologies", "autonomy-drones"),
        ("trl_min", "4"),
        ("trl_max", "7"),
        ("closes_at", "2040-01-31"),
        ("visibility", "public"),
    ];
    let reply = visitor.post_form("/my/challenges/new", &form).await;
    assert_eq!(reply.status, 400);
    let page = html(&reply);
    let beside_title = page
        .split("id=\"error-title\"")
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap_or_default();
    assert!(
        beside_title.len() > 5,
        "a message beside the title: {beside_title}"
    );
    assert!(
        page.contains("Airbases need early warning"),
        "typed values kept"
    );
    let mine = app
        .get("/api/v1/challenges?status=draft", officer.auth())
        .await
        .expect(200);
    assert_eq!(mine.body["total"], json!(0), "nothing saved");

    // The live check answers with the same rules, as JSON for the script;
    // fields still blank are not nagged about while the officer types.
    let mut with_title = form;
    with_title[0] = ("title", "Counter-drone sensing");
    let check = visitor
        .post_form("/my/challenges/check", &with_title)
        .await
        .expect(200);
    let messages: Value = serde_json::from_str(html(&check)).expect("JSON");
    assert_eq!(messages, json!({}));
    let mut past_deadline = with_title;
    past_deadline[7] = ("closes_at", "2020-01-31");
    let check = visitor
        .post_form("/my/challenges/check", &past_deadline)
        .await
        .expect(200);
    let messages: Value = serde_json::from_str(html(&check)).expect("JSON");
    assert!(
        messages["closes_at"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{messages}"
    );

    let created = visitor.post_form("/my/challenges/new", &with_title).await;
    assert_eq!(created.status, 303);
    let mine = app
        .get("/api/v1/challenges?status=draft", officer.auth())
        .await
        .expect(200);
    assert_eq!(
        mine.body["items"][0]["title"],
        json!("Counter-drone sensing")
    );
}

#[actix_web::test]
async fn each_area_is_for_its_own_role() {
    let app = spawn_app().await;
    let startup = app.startup_account("Polder Robotics").await;
    let mut visitor = signed_in(&app, &startup.email).await;
    for path in [
        "/my/challenges/new",
        "/dashboard",
        "/region/startups",
        "/admin/users",
    ] {
        let reply = visitor.get(path).await;
        assert_eq!(reply.status, 403, "{path}");
        assert!(html(&reply).contains("Not allowed"), "{path}");
    }
    let mut anonymous = WebVisitor::new(&app);
    for path in [
        "/profile",
        "/matches",
        "/introductions",
        "/my/challenges",
        "/admin/audit",
    ] {
        let reply = anonymous.get(path).await;
        assert_eq!(reply.status, 303, "{path}");
        assert!(reply
            .header("location")
            .is_some_and(|location| location.starts_with("/login?next=")));
    }
}

#[actix_web::test]
async fn procurement_sees_an_anonymous_card_until_both_accept_through_the_pages() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let challenge_id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone radar"), "open")
        .await;
    let (startup, _) = app
        .startup_with_profile(crate::helpers::startup_profile("SkyWatch Systems"))
        .await;
    let mut founder = signed_in(&app, &startup.email).await;
    founder
        .get(&format!("/challenges/{challenge_id}"))
        .await
        .expect(200);
    founder
        .post_form(
            &format!("/challenges/{challenge_id}/interest"),
            &[("message", "We detect drones with passive radar.")],
        )
        .await
        .expect(303);

    let mut buyer = signed_in(&app, &officer.email).await;
    let inbox = buyer.get("/introductions").await.expect(200);
    assert!(
        !html(&inbox).contains("SkyWatch"),
        "anonymous before accepting"
    );
    assert!(!html(&inbox).contains("anna@startup.example"));
    let introduction = app
        .get("/api/v1/introductions", officer.auth())
        .await
        .expect(200);
    let id = introduction.body["items"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let version = introduction.body["items"][0]["version"].to_string();
    buyer
        .post_form(
            &format!("/introductions/{id}/move"),
            &[("action", "accept"), ("version", &version)],
        )
        .await
        .expect(303);
    let revealed = buyer.get(&format!("/introductions/{id}")).await.expect(200);
    assert!(html(&revealed).contains("anna@startup.example"), "revealed");

    // A move the state no longer allows is a plain page, not JSON.
    let again = buyer
        .post_form(
            &format!("/introductions/{id}/move"),
            &[
                ("action", "accept"),
                (
                    "version",
                    &(version.parse::<i32>().unwrap_or(0) + 1).to_string(),
                ),
            ],
        )
        .await;
    assert_eq!(again.status, 409);
    assert!(html(&again).contains("<!DOCTYPE html>"));
}

#[actix_web::test]
async fn procurement_answers_a_question_on_the_page_and_everyone_reads_it_without_the_asker() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let id = app
        .challenge_in_status(&officer, challenge_body("Secure radios"), "open")
        .await;
    let startup = app.startup_account("Radio Works").await;
    let mut founder = signed_in(&app, &startup.email).await;
    founder.get(&format!("/challenges/{id}")).await.expect(200);
    founder
        .post_form(
            &format!("/challenges/{id}/questions"),
            &[("question", "Is a prototype at TRL 5 enough?")],
        )
        .await
        .expect(303);

    // Unanswered, the question is the asker's own business.
    let mut passer_by = WebVisitor::new(&app);
    let page = passer_by
        .get(&format!("/challenges/{id}"))
        .await
        .expect(200);
    assert!(!html(&page).contains("Is a prototype at TRL 5 enough?"));

    let mut buyer = signed_in(&app, &officer.email).await;
    let page = buyer.get(&format!("/challenges/{id}")).await.expect(200);
    assert!(html(&page).contains("Is a prototype at TRL 5 enough?"));
    let questions = app
        .get(
            &format!("/api/v1/challenges/{id}/questions"),
            officer.auth(),
        )
        .await
        .expect(200);
    let question_id = questions.body["items"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    buyer
        .post_form(
            &format!("/challenges/{id}/questions/{question_id}/answer"),
            &[("answer", "Yes, TRL 5 is enough to apply.")],
        )
        .await
        .expect(303);

    let page = passer_by
        .get(&format!("/challenges/{id}"))
        .await
        .expect(200);
    assert!(html(&page).contains("Is a prototype at TRL 5 enough?"));
    assert!(html(&page).contains("Yes, TRL 5 is enough to apply."));
    assert!(
        !html(&page).contains("Radio Works"),
        "the asker is never named"
    );

    // A start-up cannot answer.
    let refused = founder
        .post_form(
            &format!("/challenges/{id}/questions/{question_id}/answer"),
            &[("answer", "Sure!")],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(html(&refused).contains("Only the owning organisation answers"));
}

/// The visitor's session cookie replaced by an access token of the same
/// session that expired an hour ago.
fn expire_access_cookie(app: &TestApp, visitor: &mut WebVisitor<'_>) {
    let current = visitor
        .cookies
        .get("defmatch_session")
        .cloned()
        .unwrap_or_default();
    let mut claims = crate::auth::claims_like(&current);
    let now = chrono::Utc::now().timestamp();
    claims.iat = now - 7200;
    claims.nbf = now - 7200;
    claims.exp = now - 3600;
    let expired = crate::auth::sign(app, jsonwebtoken::Algorithm::HS256, &claims);
    visitor.cookies.insert("defmatch_session".into(), expired);
}

#[actix_web::test]
async fn an_expired_page_session_is_renewed_once_even_by_requests_at_the_same_time() {
    let app = spawn_app().await;
    let startup = app.startup_account("Polder Robotics").await;
    let mut visitor = signed_in(&app, &startup.email).await;
    let first_refresh = visitor.cookies.get("defmatch_refresh").cloned();
    expire_access_cookie(&app, &mut visitor);
    let stale = visitor.cookies.clone();

    let page = visitor.get("/matches").await;
    assert_eq!(
        page.status, 200,
        "still signed in: the refresh token renewed it"
    );
    assert_ne!(
        visitor.cookies.get("defmatch_refresh").cloned(),
        first_refresh
    );

    // A second request that left with the same, now spent, refresh cookie
    // (a preview racing a page) is not taken for a stolen token.
    let mut twin = WebVisitor::new(&app);
    twin.cookies = stale;
    twin.get("/matches").await.expect(200);
    visitor.get("/matches").await.expect(200);

    // Without the refresh cookie an expired session is simply anonymous,
    // and nothing is deleted: the browser may just not have sent it.
    let mut without_refresh = WebVisitor::new(&app);
    without_refresh.cookies = visitor.cookies.clone();
    without_refresh.cookies.remove("defmatch_refresh");
    expire_access_cookie(&app, &mut without_refresh);
    let reply = without_refresh.get("/matches").await;
    assert_eq!(reply.status, 303);
    assert!(reply.headers.get_all("set-cookie").all(|cookie| !cookie
        .to_str()
        .unwrap_or_default()
        .starts_with("defmatch_refresh")));
}

#[actix_web::test]
async fn redirects_after_login_stay_on_this_site_and_form_addresses_answer_pages() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let mut visitor = signed_in(&app, &officer.email).await;
    for next in [
        "/%09/evil.example",
        "//evil.example",
        "/%0d%0aLocation:%20x",
        "https://evil.example",
    ] {
        let reply = visitor.get(&format!("/login?next={next}")).await;
        assert_eq!(reply.status, 303, "{next}");
        assert_eq!(reply.header("location").as_deref(), Some("/"), "{next}");
    }
    let repeated = visitor.get("/login?next=/a&next=/b").await;
    assert_eq!(repeated.status, 303, "a repeated field is no error");

    let wrong_method = visitor.get("/logout").await;
    assert_eq!(wrong_method.status, 405);
    assert!(
        html(&wrong_method).contains("<!DOCTYPE html>"),
        "a page, not JSON"
    );
}

#[actix_web::test]
async fn saved_searches_are_kept_run_and_deleted_only_by_their_owner() {
    let app = spawn_app().await;
    let founder = app.startup_account("Polder Robotics").await;
    let mut visitor = signed_in(&app, &founder.email).await;
    visitor.get("/saved-searches").await.expect(200);

    let nameless = visitor
        .post_form("/saved-searches", &[("name", ""), ("q", "drone")])
        .await;
    assert_eq!(nameless.status, 400);
    assert!(html(&nameless).contains("id=\"error-name\""));

    visitor
        .post_form(
            "/saved-searches",
            &[
                ("name", "Drones in Zuid-Holland"),
                ("q", "drone"),
                ("province", "NL-ZH"),
            ],
        )
        .await
        .expect(303);
    let listed = visitor.get("/saved-searches").await.expect(200);
    assert!(html(&listed).contains("Drones in Zuid-Holland"));
    assert!(
        html(&listed).contains("/challenges?"),
        "a link that runs it"
    );
    let saved = app
        .get("/api/v1/saved-searches", founder.auth())
        .await
        .expect(200);
    let id = saved.body["items"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    // Another account cannot delete it through its own session.
    let other = app.startup_account("Other B.V.").await;
    let mut stranger = signed_in(&app, &other.email).await;
    stranger.get("/saved-searches").await.expect(200);
    let refused = stranger
        .post_form(&format!("/saved-searches/{id}/delete"), &[])
        .await;
    assert_eq!(refused.status, 404);
    assert!(html(&refused).contains("Page not found"));

    visitor
        .post_form(&format!("/saved-searches/{id}/delete"), &[])
        .await
        .expect(303);
    let after = app
        .get("/api/v1/saved-searches", founder.auth())
        .await
        .expect(200);
    assert_eq!(after.body["items"], json!([]));
}

#[actix_web::test]
async fn a_notification_is_listed_and_marked_read_on_its_page() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let id = app
        .challenge_in_status(&officer, challenge_body("Secure radios"), "open")
        .await;
    let founder = app.startup_account("Radio Works").await;
    let asked = app
        .post(
            &format!("/api/v1/challenges/{id}/questions"),
            founder.auth(),
            json!({"question": "Is TRL 5 enough?"}),
        )
        .await
        .expect(201);
    app.post(
        &format!("/api/v1/challenges/{id}/questions/{}/answer", asked.id()),
        officer.auth(),
        json!({"answer": "Yes."}),
    )
    .await
    .expect(200);

    let mut visitor = signed_in(&app, &founder.email).await;
    let page = visitor.get("/notifications").await.expect(200);
    assert!(html(&page).contains("Een vraag over Secure radios is beantwoord"));
    let listed = app
        .get("/api/v1/notifications?unread=true", founder.auth())
        .await
        .expect(200);
    assert_eq!(listed.body["total"], json!(1));
    let notification_id = listed.body["items"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    visitor
        .post_form(&format!("/notifications/{notification_id}/read"), &[])
        .await
        .expect(303);
    let unread = app
        .get("/api/v1/notifications?unread=true", founder.auth())
        .await
        .expect(200);
    assert_eq!(unread.body["total"], json!(0));
}
