//! The language of the web pages: English by default, Dutch when the
//! browser asks for it (`Accept-Language`) or the visitor chooses it with
//! the switch in the header (`GET /language`, remembered in a cookie).

use crate::helpers::{spawn_app, Reply, TestApp};
use crate::web_pages::{html, WebVisitor};

/// A GET with exactly these headers, for what `WebVisitor` does not send.
async fn get_with_headers(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = awc::Client::builder()
        .disable_redirects()
        .timeout(std::time::Duration::from_secs(30))
        .finish()
        .get(format!("{}{path}", app.address))
        .insert_header(("Accept", "text/html"));
    for header in headers {
        request = request.insert_header(*header);
    }
    let mut response = request.send().await.expect("request failed to send");
    let bytes = response
        .body()
        .limit(16 * 1024 * 1024)
        .await
        .expect("read body");
    Reply {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: serde_json::Value::String(String::from_utf8_lossy(&bytes).into_owned()),
    }
}

#[actix_web::test]
async fn the_switch_remembers_dutch_in_a_cookie_and_switches_back() {
    let app = spawn_app().await;
    let mut visitor = WebVisitor::new(&app);

    let english = visitor.get("/challenges").await.expect(200);
    assert!(html(&english).contains("<html lang=\"en\">"));
    assert!(html(&english).contains(
        "href=\"/language?to=nl&amp;back=%2Fchallenges\" lang=\"nl\" hreflang=\"nl\">Nederlands</a>"
    ));

    let switched = visitor
        .get("/language?to=nl&back=/challenges")
        .await
        .expect(303);
    assert_eq!(switched.header("location").as_deref(), Some("/challenges"));
    let cookie = switched
        .headers
        .get_all("set-cookie")
        .filter_map(|value| value.to_str().ok())
        .find(|cookie| cookie.starts_with("defmatch_lang="))
        .expect("a language cookie")
        .to_owned();
    assert!(cookie.starts_with("defmatch_lang=nl;"), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Secure", "Max-Age="] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }

    let dutch = visitor.get("/challenges").await.expect(200);
    let page = html(&dutch);
    assert!(page.contains("<html lang=\"nl\">"));
    assert!(page.contains("Uitdagingen"));
    assert!(page.contains("Meld je start-up aan"));
    // Technology names come from the taxonomy's Dutch labels.
    assert!(page.contains("Onbemande en autonome systemen, drones"));
    assert!(!page.contains("Unmanned and autonomous systems, drones"));
    assert!(page.contains(
        "href=\"/language?to=en&amp;back=%2Fchallenges\" lang=\"en\" hreflang=\"en\">English</a>"
    ));

    // The query comes back too, so a search survives the switch.
    let search = visitor.get("/challenges?q=radar").await.expect(200);
    assert!(html(&search).contains("back=%2Fchallenges%3Fq%3Dradar"));

    visitor
        .get("/language?to=en&back=/challenges")
        .await
        .expect(303);
    let back = visitor.get("/challenges").await.expect(200);
    assert!(html(&back).contains("<html lang=\"en\">"));
    assert!(html(&back).contains("Register your start-up"));
}

#[actix_web::test]
async fn the_switch_only_sends_visitors_back_to_a_local_path() {
    let app = spawn_app().await;
    let mut visitor = WebVisitor::new(&app);
    for back in [
        "https://evil.example",
        "//evil.example/challenges",
        "/%5Cevil.example",
        "/challenges%0d%0aSet-Cookie:%20x=y",
    ] {
        let reply = visitor
            .get(&format!("/language?to=nl&back={back}"))
            .await
            .expect(303);
        assert_eq!(
            reply.header("location").as_deref(),
            Some("/"),
            "back={back}"
        );
    }
    let no_back = visitor.get("/language?to=nl").await.expect(303);
    assert_eq!(no_back.header("location").as_deref(), Some("/"));

    // An unknown language changes nothing but still ends on the page.
    visitor.get("/language?to=en").await.expect(303);
    let unknown = visitor
        .get("/language?to=xx&back=/challenges")
        .await
        .expect(303);
    assert_eq!(unknown.header("location").as_deref(), Some("/challenges"));
    assert!(!unknown.headers.contains_key("set-cookie"));
    assert!(html(&visitor.get("/").await.expect(200)).contains("<html lang=\"en\">"));
}

#[actix_web::test]
async fn accept_language_chooses_dutch_unless_the_cookie_says_otherwise() {
    let app = spawn_app().await;

    let dutch = get_with_headers(&app, "/", &[("Accept-Language", "nl-NL,nl;q=0.9,en;q=0.8")])
        .await
        .expect(200);
    assert!(html(&dutch).contains("<html lang=\"nl\">"));
    assert!(html(&dutch).contains("Meld je start-up aan"));

    let german_then_dutch =
        get_with_headers(&app, "/", &[("Accept-Language", "de-DE,de;q=0.9,nl;q=0.5")])
            .await
            .expect(200);
    assert!(html(&german_then_dutch).contains("<html lang=\"nl\">"));

    let english = get_with_headers(&app, "/", &[("Accept-Language", "en-GB,nl;q=0.5")])
        .await
        .expect(200);
    assert!(html(&english).contains("<html lang=\"en\">"));

    let neither = get_with_headers(&app, "/", &[("Accept-Language", "fr")])
        .await
        .expect(200);
    assert!(html(&neither).contains("<html lang=\"en\">"));

    let chosen = get_with_headers(
        &app,
        "/",
        &[("Accept-Language", "nl"), ("Cookie", "defmatch_lang=en")],
    )
    .await
    .expect(200);
    assert!(html(&chosen).contains("<html lang=\"en\">"));
    assert!(html(&chosen).contains("Register your start-up"));
}

#[actix_web::test]
async fn error_pages_inside_the_frame_are_in_the_chosen_language() {
    let app = spawn_app().await;
    let mut visitor = WebVisitor::new(&app);
    visitor.get("/language?to=nl&back=/").await.expect(303);
    let missing = visitor
        .get("/challenges/00000000-0000-4000-8000-000000000000")
        .await;
    assert_eq!(missing.status, 404);
    let page = html(&missing);
    assert!(page.contains("<html lang=\"nl\">"));
    assert!(page.contains("Pagina niet gevonden"));
    assert!(page.contains("Terug naar de startpagina"));
}

#[actix_web::test]
async fn an_address_no_page_has_answers_not_found_in_the_chosen_language() {
    let app = spawn_app().await;
    let mut visitor = WebVisitor::new(&app);
    let english = visitor.get("/no-such-page").await;
    visitor.get("/language?to=nl&back=/").await.expect(303);

    let dutch = visitor.get("/no-such-page").await;

    assert_eq!((english.status, dutch.status), (404, 404));
    assert!(html(&english).contains("<html lang=\"en\">"));
    assert!(
        html(&dutch).contains("<html lang=\"nl\">"),
        "{}",
        html(&dutch)
    );
    assert!(html(&dutch).contains("Pagina niet gevonden"));
    assert!(html(&dutch).contains("Terug naar de startpagina"));
    let by_header = get_with_headers(
        &app,
        "/no-such-page",
        &[("Accept-Language", "nl-NL,nl;q=0.9")],
    )
    .await;
    assert!(html(&by_header).contains("Pagina niet gevonden"));
}
