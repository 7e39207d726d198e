//! The leak matrix of issue 11: a canary start-up whose name, city, street,
//! people, e-mail, phone, KvK number and website are unique tokens, and
//! whose description names most of them. Before both sides accept an
//! introduction, no byte that procurement, another start-up or an
//! anonymous caller gets (status line, headers, body; JSON, CSV, pages,
//! e-mail) may hold a token, and searching for one finds nothing. After the
//! reveal the tokens appear where they should.

use diesel::prelude::*;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    challenge_body, merge, spawn_app, startup_profile, Actor, Reply, TestApp, PASSWORD,
};
use crate::web_pages::signed_in;
use defmatch::domain::region::Rom;

/// The canary's tokens, lower case; none of them may reach an outsider.
const TOKENS: &[&str] = &[
    "qzorvex",    // company name, website, e-mail domain
    "wexlorheim", // city
    "plumbrig",   // street
    "tamsin",     // the founder (a user of the organisation)
    "quorwyck",
    "ilvra", // the contact person
    "zandquist",
    "5550199", // phone
    "555 0199",
    "83917265", // KvK number
];

struct Canary {
    founder: Actor,
    startup_id: Uuid,
}

impl Canary {
    /// The ids that name the canary: its profile, its organisation and its
    /// founder. An outsider must meet none of them before the reveal, or
    /// one revealed introduction would name the canary in every other.
    fn ids(&self) -> Vec<String> {
        [
            Some(self.startup_id),
            self.founder.organisation_id,
            Some(self.founder.user_id),
        ]
        .into_iter()
        .flatten()
        .map(|id| id.to_string())
        .collect()
    }

    /// Fails with the place when `text` holds a token or an id of the canary.
    fn assert_unnamed(&self, what: &str, text: &str) {
        assert_no_token(what, text);
        for id in self.ids() {
            assert!(!text.contains(&id), "{what} carries the canary's id {id}");
        }
    }
}

/// The canary: registered with its founder's name, then its profile.
async fn canary(app: &TestApp) -> Canary {
    let email = format!("tamsin-{}@qzorvex.nl", Uuid::new_v4().simple());
    app.post(
        "/api/v1/auth/register",
        None,
        json!({"email": email, "password": PASSWORD, "display_name": "Tamsin Quorwyck",
               "company_name": "Qzorvex Dynamics B.V.", "accept_privacy": true}),
    )
    .await
    .expect(202);
    crate::mailbox::mail_to(app, &email, 1).await;
    let founder = app.logged_in(&email).await;
    app.confirm_address(&founder).await;
    let mut profile = startup_profile("Qzorvex Dynamics B.V.");
    let fields = json!({
        "kvk_number": "83917265",
        "website": "https://www.qzorvex.nl",
        "city": "Wexlorheim",
        "contact_name": "Ilvra Zandquist",
        "contact_email": "ilvra@qzorvex.nl",
        "contact_phone": "+31 71 555 0199",
        "keywords": ["radar", "Qzorvex"],
        "description": "Qzorvex Dynamics builds passive radar for small drone detection in \
            Wexlorheim, at Plumbrigstraat 17. Qzorvex's founder Tamsin Quorwyck and Ilvra \
            Zandquist answer at ilvra@qzorvex.nl or 071 555 0199; see www.qzorvex.nl. \
            KvK 83917265. A Leidse team.",
    });
    for (key, value) in fields.as_object().expect("object") {
        profile[key] = value.clone();
    }
    let created = app
        .post("/api/v1/startups", founder.auth(), profile)
        .await
        .expect(201);
    Canary {
        startup_id: created.id(),
        founder,
    }
}

/// Every byte a caller got: status, headers and body.
fn bytes_of(reply: &Reply) -> String {
    let mut text = format!("{}\n", reply.status);
    for (name, value) in &reply.headers {
        text.push_str(&format!(
            "{name}: {}\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    match &reply.body {
        Value::String(raw) => text.push_str(raw),
        other => text.push_str(&other.to_string()),
    }
    text.to_lowercase()
}

/// Fails with the place when any token is in `text`.
fn assert_no_token(what: &str, text: &str) {
    for token in TOKENS {
        assert!(
            !text.contains(token),
            "{what} leaks {token:?}: {}",
            &text[text.find(token).unwrap_or(0).saturating_sub(200)..]
                .chars()
                .take(400)
                .collect::<String>()
        );
    }
}

/// The number of results of a list or search reply (0 when refused).
fn results(reply: &Reply) -> u64 {
    reply.body["total"].as_u64().unwrap_or(0)
        + reply.body["items"]
            .as_array()
            .map_or(0, |items| items.len() as u64)
}

#[actix_web::test]
async fn nothing_names_the_canary_before_the_reveal_and_everything_after() {
    let app = spawn_app().await;
    let owner = app.procurement("Inkoop Alpha").await;
    let challenge_id = app
        .challenge_in_status(&owner, challenge_body("Counter-drone sensing"), "open")
        .await;
    let canary = canary(&app).await;
    let (rival, _) = app
        .startup_with_profile(startup_profile("Other Radar BV"))
        .await;
    let rom = app.rom_officer(Rom::RomInWest).await;

    // The broker proposes with a message that names everything, and shares notes.
    let proposed = app
        .post(
            "/api/v1/introductions",
            rom.auth(),
            json!({"challenge_id": challenge_id, "startup_id": canary.startup_id,
                   "message": "Qzorvex from Wexlorheim fits; Tamsin Quorwyck (071 555 0199) leads."}),
        )
        .await
        .expect(201);
    let introduction = proposed.id();
    let notes = format!("/api/v1/introductions/{introduction}/notes");
    app.post(
        &notes,
        rom.auth(),
        json!({"body": "Qzorvex sits at Plumbrigstraat 17.", "shared": true}),
    )
    .await
    .expect(201);
    app.post(
        &notes,
        canary.founder.auth(),
        json!({"body": "Ask Ilvra Zandquist for a demo.", "shared": true}),
    )
    .await
    .expect(201);
    app.wait_for_index().await;

    let outsiders: [(&str, Option<&str>); 3] = [
        ("procurement", owner.auth()),
        ("another start-up", rival.auth()),
        ("anonymous", None),
    ];
    let canary_id = canary.startup_id;
    let founder_org = canary.founder.organisation_id.expect("organisation");
    let mut paths = vec![
        "/api/v1/startups".to_owned(),
        format!("/api/v1/startups/{canary_id}"),
        format!("/api/v1/startups/{canary_id}/matches"),
        format!("/api/v1/startups?organisation_id={founder_org}"),
        "/api/v1/search/startups".to_owned(),
        "/api/v1/search/startups?q=radar".to_owned(),
        "/api/v1/search/challenges?q=radar".to_owned(),
        format!("/api/v1/challenges/{challenge_id}/matches"),
        format!("/api/v1/challenges/{challenge_id}/matches?scope=all"),
        "/api/v1/introductions".to_owned(),
        format!("/api/v1/introductions/{introduction}"),
        "/api/v1/introductions/export.csv".to_owned(),
        "/api/v1/notifications".to_owned(),
        "/api/v1/dashboard".to_owned(),
        "/api/v1/audit".to_owned(),
        "/api/v1/admin/email-outbox".to_owned(),
        format!("/api/v1/users/{}", canary.founder.user_id),
        "/api/v1/users".to_owned(),
        format!("/api/v1/organisations/{founder_org}"),
        "/api/v1/no-such-thing".to_owned(),
    ];
    for token in [
        "Qzorvex",
        "Wexlorheim",
        "Leiden",
        "Leidse",
        "Plumbrigstraat",
        "Quorwyck",
        "Zandquist",
        "83917265",
        "qzorvex.nl",
    ] {
        paths.push(format!("/api/v1/startups?q={token}"));
        paths.push(format!("/api/v1/search/startups?q={token}"));
    }
    for (who, token) in outsiders {
        for path in &paths {
            let reply = app.get(path, token).await;
            canary.assert_unnamed(&format!("{who} GET {path}"), &bytes_of(&reply));
            if path.contains("q=") && !path.contains("q=radar") && reply.status == 200 {
                assert_eq!(results(&reply), 0, "{who} finds the canary with {path}");
            }
        }
        // Error answers must not echo a name back either.
        let reply = app
            .post(
                "/api/v1/matches/preview",
                token,
                json!({"description": "passive radar", "province": "NL-XX"}),
            )
            .await;
        canary.assert_unnamed(&format!("{who} preview"), &bytes_of(&reply));
    }
    // The matrix reads real answers, not refusals: procurement gets the
    // card, under a handle, and reads it by that handle.
    for path in [
        "/api/v1/startups".to_owned(),
        "/api/v1/search/startups?q=radar".to_owned(),
        format!("/api/v1/challenges/{challenge_id}/matches"),
        "/api/v1/introductions".to_owned(),
    ] {
        let reply = app.get(&path, owner.auth()).await.expect(200);
        let text = bytes_of(&reply);
        assert!(
            text.contains("passive radar for small drone detection"),
            "{path}: {text}"
        );
        assert!(text.contains("\"id\":\"card-"), "{path}: {text}");
    }
    let listed = app.get("/api/v1/startups", owner.auth()).await.expect(200);
    let handle = card_handle(&listed.body, CANARY_CARD);
    let card = app
        .get(&format!("/api/v1/startups/{handle}"), owner.auth())
        .await
        .expect(200);
    assert_eq!(card.body["id"], handle);
    canary.assert_unnamed("procurement reads the card", &bytes_of(&card));
    // The broker's message reaches procurement redacted, the shared notes not at all.
    let seen = app
        .get(
            &format!("/api/v1/introductions/{introduction}"),
            owner.auth(),
        )
        .await
        .expect(200);
    assert_eq!(
        seen.body["message"],
        "[start-up] from [place] fits; [person] ([contact]) leads."
    );
    assert_eq!(seen.body["notes"], json!([]));
    // Procurement may not narrow anonymous cards down to one organisation.
    app.get(
        &format!("/api/v1/startups?organisation_id={founder_org}"),
        owner.auth(),
    )
    .await
    .expect_error(403, "forbidden");

    // The pages procurement reads.
    let mut visitor = signed_in(&app, &owner.email).await;
    for path in [
        "/introductions".to_owned(),
        format!("/introductions/{introduction}"),
        format!("/my/challenges/{challenge_id}/candidates"),
        "/notifications".to_owned(),
    ] {
        let reply = visitor.get(&path).await.expect(200);
        canary.assert_unnamed(&format!("procurement page {path}"), &bytes_of(&reply));
    }
    // Pages that are not procurement's answer without naming anybody either.
    for path in ["/dashboard", "/matches", "/region/startups"] {
        let reply = visitor.get(path).await;
        canary.assert_unnamed(&format!("procurement page {path}"), &bytes_of(&reply));
    }
    // The e-mail waiting for procurement.
    let mails = outbox_for(&app, &owner.email);
    canary.assert_unnamed("procurement's e-mail", &mails.to_lowercase());

    // The start-up accepts, then procurement: revealed.
    let transitions = format!("/api/v1/introductions/{introduction}/transitions");
    let accepted = app
        .post_if_match(
            &transitions,
            canary.founder.auth(),
            proposed.etag_version(),
            json!({"action": "accept"}),
        )
        .await
        .expect(200);
    let still_hidden = app
        .get(
            &format!("/api/v1/introductions/{introduction}"),
            owner.auth(),
        )
        .await
        .expect(200);
    canary.assert_unnamed("procurement after one acceptance", &bytes_of(&still_hidden));
    app.post_if_match(
        &transitions,
        owner.auth(),
        accepted.etag_version(),
        json!({"action": "accept"}),
    )
    .await
    .expect(200);

    let revealed = bytes_of(
        &app.get(
            &format!("/api/v1/introductions/{introduction}"),
            owner.auth(),
        )
        .await
        .expect(200),
    );
    for token in [
        "qzorvex dynamics",
        "ilvra@qzorvex.nl",
        "wexlorheim",
        "plumbrig",
        "tamsin",
        &canary_id.to_string(),
    ] {
        assert!(
            revealed.contains(token),
            "revealed introduction lacks {token}"
        );
    }
    let founder = bytes_of(
        &app.get(
            &format!("/api/v1/users/{}", canary.founder.user_id),
            owner.auth(),
        )
        .await
        .expect(200),
    );
    assert!(founder.contains("tamsin quorwyck"));
    // The other start-up and anonymous callers still learn nothing.
    for (who, token) in [("another start-up", rival.auth()), ("anonymous", None)] {
        for path in [
            format!("/api/v1/introductions/{introduction}"),
            format!("/api/v1/users/{}", canary.founder.user_id),
            format!("/api/v1/startups/{canary_id}"),
        ] {
            let reply = app.get(&path, token).await;
            assert_no_token(
                &format!("{who} after the reveal GET {path}"),
                &bytes_of(&reply),
            );
        }
    }
}

/// Text only the canary's redacted card holds.
const CANARY_CARD: &str = "founder [person] and [person]";

/// The handle of the one card in the list `body` whose description holds `text`.
fn card_handle(body: &Value, text: &str) -> String {
    let cards: Vec<&Value> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item.get("startup").unwrap_or(item))
        .filter(|card| {
            card["description"]
                .as_str()
                .is_some_and(|description| description.to_lowercase().contains(text))
        })
        .collect();
    assert_eq!(cards.len(), 1, "one card with {text:?} in {body}");
    let handle = cards[0]["id"].as_str().expect("id").to_owned();
    assert!(handle.starts_with("card-"), "{handle}");
    handle
}

/// Subjects and bodies of the e-mail queued for `recipient`.
fn outbox_for(app: &TestApp, recipient: &str) -> String {
    use defmatch::db::schema::email_outbox;
    let mut connection = app.database.connect();
    let rows: Vec<(String, String)> = email_outbox::table
        .filter(email_outbox::recipient.eq(recipient))
        .select((email_outbox::subject, email_outbox::body))
        .load(&mut connection)
        .expect("outbox");
    rows.into_iter()
        .map(|(subject, body)| format!("{subject}\n{body}\n"))
        .collect()
}

/// A challenge written to probe for the canary (it names its city and
/// street) may rank the card, but its explanation shows only terms the
/// redacted card holds.
#[actix_web::test]
async fn a_probing_challenge_learns_no_hidden_term_from_the_explanation() {
    let app = spawn_app().await;
    let prober = app.procurement("Inkoop Beta").await;
    let canary = canary(&app).await;
    let probe = merge(
        challenge_body("Passive radar for small drones"),
        json!({"description": "Passive radar near Wexlorheim, Plumbrigstraat, with Quorwyck."}),
    );
    let challenge_id = app.challenge_in_status(&prober, probe, "open").await;
    app.wait_for_index().await;

    let matches = app
        .get(
            &format!("/api/v1/challenges/{challenge_id}/matches"),
            prober.auth(),
        )
        .await
        .expect(200);
    let handle = card_handle(&matches.body, CANARY_CARD);
    let card = matches.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["startup"]["id"] == json!(handle))
        .expect("the canary is a candidate");
    let explanation = card["explanation"].to_string().to_lowercase();
    assert!(explanation.contains("radar"), "{explanation}");
    assert_no_token("a candidate's explanation", &explanation);

    // Procurement names the card by its handle; the id would name the company.
    app.get(
        &format!("/api/v1/startups/{}/matches", canary.startup_id),
        prober.auth(),
    )
    .await
    .expect_error(404, "not_found");
    let other_way = app
        .get(&format!("/api/v1/startups/{handle}/matches"), prober.auth())
        .await
        .expect(200);
    for item in other_way.body["items"].as_array().expect("items") {
        assert_no_token(
            "a challenge match's explanation",
            &item["explanation"].to_string().to_lowercase(),
        );
    }
}

/// The broker's proposal page shows the message as procurement will read it.
#[actix_web::test]
async fn the_proposal_page_previews_what_procurement_reads() {
    let app = spawn_app().await;
    let owner = app.procurement("Inkoop Gamma").await;
    let challenge_id = app
        .challenge_in_status(&owner, challenge_body("Counter-drone sensing"), "open")
        .await;
    let canary = canary(&app).await;
    let rom = app.rom_officer(Rom::RomInWest).await;
    let mut broker = signed_in(&app, &rom.email).await;
    let path = format!(
        "/introductions/propose?startup={}&challenge={challenge_id}",
        canary.startup_id
    );
    broker.get(&path).await.expect(200);
    let startup = canary.startup_id.to_string();
    let challenge = challenge_id.to_string();
    let preview = broker
        .post_form(
            "/introductions/propose",
            &[
                ("startup", startup.as_str()),
                ("challenge", challenge.as_str()),
                ("message", "Qzorvex from Wexlorheim fits."),
                ("intent", "preview"),
            ],
        )
        .await
        .expect(200);
    let page = preview.body.as_str().unwrap_or_default();
    assert!(page.contains("[start-up] from [place] fits."), "{page}");
    // Previewing sends nothing.
    let listed = app
        .get("/api/v1/introductions", owner.auth())
        .await
        .expect(200);
    assert_eq!(listed.body["total"], 0);
}

/// Cards carry a handle per answer and per introduction: a reveal of one
/// introduction names the start-up there only, and its other pending
/// introductions with the same organisation stay anonymous.
#[actix_web::test]
async fn a_handle_links_nothing_and_a_reveal_names_one_introduction_only() {
    let app = spawn_app().await;
    let owner = app.procurement("Inkoop Delta").await;
    let stranger = app.procurement("Inkoop Epsilon").await;
    let first = app
        .challenge_in_status(&owner, challenge_body("Counter-drone sensing"), "open")
        .await;
    let second = app
        .challenge_in_status(&owner, challenge_body("Passive radar for harbours"), "open")
        .await;
    let canary = canary(&app).await;
    app.wait_for_index().await;

    // Two answers, two handles; both open for their organisation only.
    let search = "/api/v1/search/startups?q=radar";
    let one = card_handle(
        &app.get(search, owner.auth()).await.expect(200).body,
        CANARY_CARD,
    );
    let two = card_handle(
        &app.get(search, owner.auth()).await.expect(200).body,
        CANARY_CARD,
    );
    assert_ne!(one, two);
    for handle in [&one, &two] {
        let card = app
            .get(&format!("/api/v1/startups/{handle}"), owner.auth())
            .await
            .expect(200);
        assert_eq!(card.body["anonymised"], true);
        canary.assert_unnamed("a card read by its handle", &bytes_of(&card));
        app.get(&format!("/api/v1/startups/{handle}"), stranger.auth())
            .await
            .expect_error(404, "not_found");
    }
    let mut forged = one.clone().into_bytes();
    let last = forged.len() - 1;
    forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).expect("ascii");
    app.get(&format!("/api/v1/startups/{forged}"), owner.auth())
        .await
        .expect_error(404, "not_found");
    // The id itself names nothing to procurement, not even for an invitation.
    app.get(
        &format!("/api/v1/startups/{}", canary.startup_id),
        owner.auth(),
    )
    .await
    .expect_error(404, "not_found");
    app.post(
        "/api/v1/introductions",
        owner.auth(),
        json!({"challenge_id": first, "startup_id": canary.startup_id}),
    )
    .await
    .expect_error(404, "not_found");

    // Invitations by handle; each introduction gets a handle of its own, stable on every read.
    let invited_first = app
        .post(
            "/api/v1/introductions",
            owner.auth(),
            json!({"challenge_id": first, "startup_id": one}),
        )
        .await
        .expect(201);
    let candidates = app
        .get(
            &format!("/api/v1/challenges/{second}/matches"),
            owner.auth(),
        )
        .await
        .expect(200);
    let candidate = card_handle(&candidates.body, CANARY_CARD);
    let invited_second = app
        .post(
            "/api/v1/introductions",
            owner.auth(),
            json!({"challenge_id": second, "startup_id": candidate}),
        )
        .await
        .expect(201);
    let first_path = format!("/api/v1/introductions/{}", invited_first.id());
    let second_path = format!("/api/v1/introductions/{}", invited_second.id());
    let first_card = invited_first.body["startup"]["id"].clone();
    let second_card = invited_second.body["startup"]["id"].clone();
    assert_ne!(first_card, second_card);
    for handle in [&one, &two, &candidate] {
        assert_ne!(first_card, json!(handle));
        assert_ne!(second_card, json!(handle));
    }
    let again = app.get(&first_path, owner.auth()).await.expect(200);
    assert_eq!(again.body["startup"]["id"], first_card);

    // The start-up accepts the first invitation: revealed there, and only there.
    let version = app
        .get(&first_path, canary.founder.auth())
        .await
        .expect(200)
        .etag_version();
    app.post_if_match(
        &format!("{first_path}/transitions"),
        canary.founder.auth(),
        version,
        json!({"action": "accept"}),
    )
    .await
    .expect(200);
    let revealed = app.get(&first_path, owner.auth()).await.expect(200);
    assert_eq!(revealed.body["startup"]["id"], json!(canary.startup_id));
    let pending = app.get(&second_path, owner.auth()).await.expect(200);
    assert_eq!(pending.body["startup"]["id"], second_card);
    canary.assert_unnamed("the other pending introduction", &bytes_of(&pending));
    let listed = app
        .get("/api/v1/introductions", owner.auth())
        .await
        .expect(200);
    for item in listed.body["items"].as_array().expect("items") {
        if item["id"] != json!(invited_first.id()) {
            canary.assert_unnamed(
                "a pending introduction in the list",
                &item.to_string().to_lowercase(),
            );
        }
    }
    // Nor can the revealed id be used to find the start-up's other introductions.
    app.get(
        &format!("/api/v1/introductions?startup_id={}", canary.startup_id),
        owner.auth(),
    )
    .await
    .expect_error(403, "forbidden");
}
