//! Accounts in a real browser: a forgotten password, from the login page
//! to the mail (through the test SMTP server) and back to a new password,
//! then changed again from the page for it.

use super::Browser;
use crate::helpers::spawn_app;
use crate::mailbox::{mail_to, Mailbox};

#[actix_web::test]
async fn a_forgotten_password_is_replaced_from_the_login_page_through_the_mailed_link() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let app = spawn_app().await;
    let officer = app.procurement("Koninklijke Marine").await;
    let before = Mailbox::shared().messages_to(&officer.email).len();

    browser.goto(&format!("{}/login", app.address)).await;
    browser.click("a[href='/forgot-password']").await;
    browser.wait_for_path("/forgot-password").await;
    browser.fill("#email", &officer.email).await;
    browser.click_button("Send the link").await;
    browser.wait_for_text("is on its way").await;

    let messages = mail_to(&app, &officer.email, before + 1).await;
    let prefix = format!("{}/reset-password?token=", app.address);
    let link = messages
        .last()
        .and_then(|mail| mail.link_starting_with(&prefix))
        .expect("a reset link in the mail");
    browser.goto(&link).await;
    browser.wait_for_text("Choose a new password").await;
    browser.fill("#password", "short").await;
    browser.click_button("Set the password").await;
    browser.wait_for_text("at least 10 characters").await;
    browser.fill("#password", "a brand new passphrase").await;
    browser.click_button("Set the password").await;
    browser.wait_for_text("Your new password is set").await;
    browser.save_screenshot("password-reset").await;

    // The link is spent; the new password opens the account.
    browser.goto(&link).await;
    browser.fill("#password", "another new passphrase").await;
    browser.click_button("Set the password").await;
    browser.wait_for_text("This reset link is not valid").await;
    browser.goto(&format!("{}/login", app.address)).await;
    browser.fill("#email", &officer.email).await;
    browser.fill("#password", "a brand new passphrase").await;
    browser.click_button("Log in").await;
    browser.wait_for_text("Log out").await;

    // Signed in, the header's "Password" link changes it again.
    browser.click("a[href='/account/password']").await;
    browser.wait_for_text("Change your password").await;
    browser
        .fill("#current_password", "not the current one")
        .await;
    browser.fill("#new_password", "the third passphrase").await;
    browser.click_button("Change the password").await;
    browser.wait_for_text("The current password is wrong").await;
    browser
        .fill("#current_password", "a brand new passphrase")
        .await;
    browser.fill("#new_password", "the third passphrase").await;
    browser.click_button("Change the password").await;
    browser.wait_for_text("Your password is changed").await;
    assert_eq!(
        app.post(
            "/api/v1/auth/login",
            None,
            serde_json::json!({"email": officer.email, "password": "the third passphrase"}),
        )
        .await
        .status,
        200
    );
    browser.close().await;
}
