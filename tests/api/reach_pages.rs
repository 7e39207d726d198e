//! The page gaps of issue 10, over plain HTTP: the KvK number on the
//! registration form, the account's language as the pages' default, the
//! dashboard's Propose only where proposing works, and a ROM officer's own
//! pending invitations with resend and revoke.

use serde_json::json;

use crate::claiming::import_startup;
use crate::helpers::{challenge_body, spawn_app, startup_profile, PASSWORD};
use crate::invitations::{mailed_token, new_address};
use crate::mailbox::mail_to;
use crate::web_pages::{html, signed_in, WebVisitor};
use defmatch::domain::region::Rom;

#[actix_web::test]
async fn the_register_form_takes_an_optional_kvk_number_that_finds_a_known_company() {
    let app = spawn_app().await;
    let imported = import_startup(&app, "Polder Radar BV", "NL-NH", None);
    let kvk = {
        let mut connection = app.database.connect();
        defmatch::db::startups::find(&mut connection, imported)
            .expect("the imported start-up")
            .kvk_number
            .expect("a KvK number")
            .as_str()
            .to_owned()
    };
    let rom = app.rom_officer(Rom::RomInWest).await;
    let mut visitor = WebVisitor::new(&app);
    let form = visitor.get("/register").await.expect(200);
    assert!(
        html(&form).contains("name=\"kvk_number\""),
        "{}",
        html(&form)
    );

    let email = new_address("newcomer");
    let mut fields = vec![
        ("display_name", "Nina Newcomer"),
        ("company_name", "Polder Radar Holding"),
        ("email", email.as_str()),
        ("password", PASSWORD),
        ("accept_privacy", "true"),
        ("kvk_number", "1234"),
    ];
    let refused = visitor.post_form("/register", &fields).await.expect(400);
    let page = html(&refused);
    assert!(page.contains("id=\"error-kvk_number\""), "{page}");
    assert!(page.contains("value=\"1234\""), "the typed number is kept");
    assert!(page.contains("aria-invalid=\"true\""), "{page}");

    fields.retain(|(name, _)| *name != "kvk_number");
    fields.push(("kvk_number", kvk.as_str()));
    let answered = visitor.post_form("/register", &fields).await.expect(200);
    assert!(html(&answered).contains("Check your mail"));
    // The company exists under that number (by another name) and has no
    // account: its region's ROM officer is asked, nothing is made twice.
    let asked = mail_to(&app, &rom.email, 1).await;
    assert!(
        asked[0].text.contains("Polder Radar BV"),
        "{}",
        asked[0].text
    );
}

#[actix_web::test]
async fn the_pages_speak_the_accounts_chosen_language_unless_the_switch_chose_another() {
    let app = spawn_app().await;
    let founder = app.startup_account("Taal Systems").await;
    let mut visitor = signed_in(&app, &founder.email).await;
    // Never chosen: the stored default is no choice, the page is English.
    let before = visitor.get("/account").await.expect(200);
    assert!(html(&before).contains("Log out"), "{}", html(&before));

    visitor
        .post_form("/account/language", &[("language", "nl")])
        .await
        .expect(303);
    let chosen = visitor.get("/matches").await.expect(200);
    assert!(html(&chosen).contains("Uitloggen"), "{}", html(&chosen));
    assert!(html(&chosen).contains("lang=\"nl\""));

    // A new browser session of the same account starts in Dutch too.
    let mut elsewhere = signed_in(&app, &founder.email).await;
    let page = elsewhere.get("/profile").await.expect(200);
    assert!(html(&page).contains("Uitloggen"));

    // The language switch wins over the account's choice.
    elsewhere
        .get("/language?to=en&back=/profile")
        .await
        .expect(303);
    let switched = elsewhere.get("/profile").await.expect(200);
    assert!(html(&switched).contains("Log out"));
    assert!(!html(&switched).contains("Uitloggen"));
}

#[actix_web::test]
async fn the_dashboard_offers_propose_only_for_a_start_up_that_may_be_proposed() {
    let app = spawn_app().await;
    let officer = app.procurement("DMO").await;
    let challenge_id = app
        .challenge_in_status(&officer, challenge_body("Counter-drone radar"), "open")
        .await;
    let (_, confirmed) = app
        .startup_with_profile(startup_profile("Confirmed Radar"))
        .await;
    let unconfirmed = app.unverified_startup_account("Unconfirmed Radar").await;
    let unconfirmed_id = app
        .post(
            "/api/v1/startups",
            unconfirmed.auth(),
            startup_profile("Unconfirmed Radar"),
        )
        .await
        .expect(201)
        .id();
    // A company a ROM imported has no account; its ROM speaks for it.
    let imported = import_startup(&app, "Imported Radar BV", "NL-NH", None);
    app.wait_for_index().await;
    let rom = app.rom_officer(Rom::RomInWest).await;
    let mut visitor = signed_in(&app, &rom.email).await;

    let page = visitor.get("/dashboard").await.expect(200);
    let page = html(&page);
    let propose = |startup: uuid::Uuid| {
        format!("/introductions/propose?startup={startup}&amp;challenge={challenge_id}")
    };
    assert!(page.contains("Unconfirmed Radar"), "listed: {page}");
    assert!(page.contains(&propose(confirmed)), "{page}");
    assert!(page.contains(&propose(imported)), "{page}");
    assert!(
        !page.contains(&propose(unconfirmed_id)),
        "an unconfirmed start-up is not offered: {page}"
    );
    // The API's dashboard says the same.
    let dashboard = app.get("/api/v1/dashboard", rom.auth()).await.expect(200);
    let may_propose = |startup: uuid::Uuid| {
        dashboard.body["startups_without_introduction"]
            .as_array()
            .and_then(|items| {
                items
                    .iter()
                    .find(|item| item["startup_id"] == json!(startup))
            })
            .map(|item| item["best_match"]["may_propose"].clone())
    };
    assert_eq!(may_propose(confirmed), Some(json!(true)));
    assert_eq!(may_propose(imported), Some(json!(true)));
    assert_eq!(may_propose(unconfirmed_id), Some(json!(false)));
}

#[actix_web::test]
async fn a_rom_officer_resends_and_revokes_their_own_claim_invitations_on_a_page() {
    let app = spawn_app().await;
    let contact = new_address("claim");
    let imported = import_startup(&app, "Claim Dunes BV", "NL-NH", Some(&contact));
    let rom = app.rom_officer(Rom::RomInWest).await;
    let mut visitor = signed_in(&app, &rom.email).await;
    let empty = visitor.get("/region/invitations").await.expect(200);
    assert!(html(&empty).contains("No invitations are pending."));
    visitor
        .post_form(
            &format!("/region/startups/{imported}/claim-invitation"),
            &[("email", &contact)],
        )
        .await
        .expect(303);
    let first = mailed_token(&app, &contact, 1).await;

    let listed = visitor.get("/region/invitations").await.expect(200);
    let page = html(&listed);
    assert!(page.contains(&contact), "{page}");
    assert!(page.contains("Claim Dunes BV"), "{page}");
    assert!(page.contains("href=\"/region/invitations\""), "in the menu");
    let pending = app.get("/api/v1/invitations", rom.auth()).await.expect(200);
    let id = pending.body["items"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // Another officer of the same ROM neither sees nor manages it.
    let colleague = app.rom_officer(Rom::RomInWest).await;
    let mut other = signed_in(&app, &colleague.email).await;
    let theirs = other.get("/region/invitations").await.expect(200);
    assert!(!html(&theirs).contains(&contact));
    let refused = other
        .post_form(&format!("/region/invitations/{id}/revoke"), &[])
        .await;
    assert_eq!(refused.status, 404);

    let resent = visitor
        .post_form(&format!("/region/invitations/{id}/resend"), &[])
        .await
        .expect(303);
    assert_eq!(
        resent.header("location").as_deref(),
        Some("/region/invitations?done=resent")
    );
    let second = mailed_token(&app, &contact, 2).await;
    assert_ne!(first, second, "a new link");
    visitor
        .post_form(&format!("/region/invitations/{id}/revoke"), &[])
        .await
        .expect(303);
    let after = visitor
        .get("/region/invitations?done=revoked")
        .await
        .expect(200);
    assert!(html(&after).contains("The invitation is revoked"));
    assert!(!html(&after).contains(&contact));
    let too_late = crate::invitations::accept(&app, &second, "Too Late").await;
    assert!(
        too_late.status >= 400 && too_late.status < 500,
        "a revoked link is refused: {}",
        too_late.status
    );
}
