//! Onboarding in a real browser: an admin creates an organisation and
//! invites a procurement officer through the admin pages; the officer
//! opens the link of the mail the test SMTP server received, chooses a
//! name and a password and posts a challenge. A ROM officer invites an
//! imported start-up to claim its profile from the region list, and the
//! founder lands on that very profile. Every new page passes axe-core.

use super::accessibility::assert_accessible;
use super::Browser;
use crate::helpers::{spawn_app, TestApp};
use crate::invitations::new_address;
use crate::mailbox::mail_to;
use defmatch::domain::region::Rom;

/// The invitation link of the first mail to `email`.
async fn invitation_link(app: &TestApp, email: &str) -> String {
    let messages = mail_to(app, email, 1).await;
    let prefix = format!("{}/invitation?token=", app.address);
    messages[0]
        .link_starting_with(&prefix)
        .unwrap_or_else(|| panic!("no invitation link in: {}", messages[0].text))
}

#[actix_web::test]
async fn an_admin_invites_a_procurement_officer_who_sets_a_password_and_posts_a_challenge() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let app = spawn_app().await;
    let admin = app.admin().await;
    let officer_email = new_address("officer");

    browser.log_in(&app, &admin.email).await;
    // The organisation first, from its page.
    browser.click("a[href='/admin/organisations']").await;
    browser.wait_for_path("/admin/organisations").await;
    assert_accessible(&browser, "the organisations page").await;
    browser.fill("#name", "Koninklijke Luchtmacht").await;
    browser.select("#kind", "defence").await;
    browser.click_button("Create organisation").await;
    browser.wait_for_text("The organisation is created.").await;
    browser.fill("#search-name", "luchtmacht").await;
    browser.click_button("Search").await;
    browser.wait_for_text("1 organisations").await;
    assert!(browser
        .text("table")
        .await
        .contains("Koninklijke Luchtmacht"));

    // The invitation: a missing address is an error beside its field.
    browser.click("a[href='/admin/invitations']").await;
    browser.wait_for_path("/admin/invitations").await;
    assert_accessible(&browser, "the invitations page").await;
    browser.select("#role", "procurement").await;
    browser
        .fill_by_label("Organisation", "Koninklijke Luchtmacht")
        .await;
    browser.click_button("Send invitation").await;
    browser.wait_for(".error-summary").await;
    assert!(!browser.text("#error-email").await.trim().is_empty());
    assert_accessible(&browser, "the invitations page with an error").await;
    browser.fill("#email", &officer_email).await;
    browser.select("#role", "procurement").await;
    browser
        .fill_by_label("Organisation", "Koninklijke Luchtmacht")
        .await;
    browser.click_button("Send invitation").await;
    browser.wait_for_text("The invitation is on its way.").await;
    assert!(browser.text("table").await.contains(&officer_email));
    browser.save_screenshot("admin-invitations").await;
    // The users page searches by name and address.
    browser
        .goto(&format!("{}/admin/users?q=admin-", app.address))
        .await;
    browser.wait_for("table").await;
    assert!(browser.text("table").await.contains(&admin.email));
    assert_accessible(&browser, "the users page with a search").await;
    browser.click_button("Log out").await;
    browser.wait_for_text("Register your start-up").await;

    // The officer follows the mailed link.
    let link = invitation_link(&app, &officer_email).await;
    browser.goto(&link).await;
    browser.wait_for_text("Accept your invitation").await;
    assert_accessible(&browser, "the invitation page").await;
    browser.fill("#display_name", "Lotte Kapitein").await;
    browser.fill("#password", "short").await;
    browser.click_button("Create my account").await;
    browser.wait_for_text("at least 10 characters").await;
    assert_accessible(&browser, "the invitation page with an error").await;
    browser.fill("#password", "a long enough passphrase").await;
    browser.click_button("Create my account").await;
    browser.wait_for_path("/my/challenges").await;
    browser.wait_for_text("Log out").await;

    // Signed in as procurement of the right organisation: post a challenge.
    browser
        .goto(&format!("{}/my/challenges/new", app.address))
        .await;
    browser.fill("#title", "Drone detection at air bases").await;
    browser
        .fill("#summary", "Detect small drones near runways.")
        .await;
    browser
        .fill(
            "#description",
            "The air force needs to see small drones approaching its air bases, day and night.",
        )
        .await;
    browser
        .fill("#desired_outcome", "A demonstrator at Volkel.")
        .await;
    browser.click("#technologies-autonomy-drones").await;
    browser.click_button("Post challenge").await;
    browser.wait_for_text("Open for proposals").await;
    // The challenge belongs to the organisation of the invitation.
    {
        use defmatch::db::schema::{challenges, organisations};
        use diesel::prelude::*;
        let owner: String = challenges::table
            .inner_join(organisations::table)
            .filter(challenges::title.eq("Drone detection at air bases"))
            .select(organisations::name)
            .first(&mut app.database.connect())
            .expect("the posted challenge");
        assert_eq!(owner, "Koninklijke Luchtmacht");
    }
    browser.close().await;
}

#[actix_web::test]
async fn a_rom_officer_invites_an_imported_start_up_which_claims_its_profile() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let app = spawn_app().await;
    let contact = new_address("founder");
    let startup_id = crate::claiming::import_startup(&app, "Duinradar BV", "NL-NH", Some(&contact));
    let rom = app.rom_officer(Rom::RomInWest).await;

    browser.log_in(&app, &rom.email).await;
    browser
        .goto(&format!("{}/region/startups", app.address))
        .await;
    browser.wait_for("form.claim-invitation").await;
    assert_accessible(&browser, "the region list with a claim form").await;
    browser.click_button("Invite to claim").await;
    browser
        .wait_for_text("The invitation to claim the profile is on its way.")
        .await;
    browser.click_button("Log out").await;
    browser.wait_for_text("Register your start-up").await;

    let link = invitation_link(&app, &contact).await;
    browser.goto(&link).await;
    browser.fill("#display_name", "Duin Founder").await;
    browser.fill("#password", "a long enough passphrase").await;
    browser.click_button("Create my account").await;
    browser.wait_for_path("/profile").await;
    browser.wait_for("#name").await;
    // The imported profile, ready to edit: not an empty one.
    let company = browser
        .client()
        .execute("return document.querySelector('#name').value;", Vec::new())
        .await
        .expect("WebDriver: read the company name");
    assert_eq!(company, serde_json::json!("Duinradar BV"));
    assert_accessible(&browser, "the claimed profile").await;
    let me = app
        .post(
            "/api/v1/auth/login",
            None,
            serde_json::json!({"email": contact, "password": "a long enough passphrase"}),
        )
        .await
        .expect(200);
    let token = me.body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let me = app.get("/api/v1/me", Some(&token)).await.expect(200);
    assert_eq!(me.body["startup_id"], startup_id.to_string());
    browser.close().await;
}
