//! The onboarding pages over plain HTTP: the accept page signs in and
//! answers a bad link in the visitor's language; the admin's invitation
//! form shows its errors beside the fields and resends and revokes; the
//! ROM region list offers "invite to claim" exactly where the rule allows.

use defmatch::domain::account::OrganisationKind;
use defmatch::domain::region::Rom;

use crate::claiming::import_startup;
use crate::helpers::spawn_app;
use crate::invitations::{mailed_token, new_address};
use crate::web_pages::{html, signed_in, WebVisitor};

#[actix_web::test]
async fn the_accept_page_signs_in_and_says_why_a_link_is_refused_in_dutch() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let email = new_address("pages");
    app.post(
        "/api/v1/invitations",
        admin.auth(),
        serde_json::json!({"email": email, "role": "admin"}),
    )
    .await
    .expect(201);
    let token = mailed_token(&app, &email, 1).await;

    let mut visitor = WebVisitor::new(&app);
    let page = visitor
        .get(&format!("/invitation?token={token}"))
        .await
        .expect(200);
    assert!(html(&page).contains("Accept your invitation"));
    let accepted = visitor
        .post_form(
            "/invitation",
            &[
                ("token", &token),
                ("display_name", "Nieuwe Beheerder"),
                ("password", "a long enough passphrase"),
            ],
        )
        .await
        .expect(303);
    assert_eq!(accepted.header("location").as_deref(), Some("/admin/users"));
    assert!(visitor.has_cookie("defmatch_session"));
    let users = visitor.get("/admin/users?q=Nieuwe").await.expect(200);
    assert!(html(&users).contains(&email), "{}", html(&users));

    let mut dutch = WebVisitor::new(&app);
    dutch.get("/language?to=nl&back=/").await.expect(303);
    dutch
        .get(&format!("/invitation?token={token}"))
        .await
        .expect(200);
    let used = dutch
        .post_form(
            "/invitation",
            &[
                ("token", &token),
                ("display_name", "Tweede"),
                ("password", "a long enough passphrase"),
            ],
        )
        .await
        .expect(400);
    assert!(html(&used).contains("al aangenomen"), "{}", html(&used));
    let forged = dutch
        .post_form(
            "/invitation",
            &[
                ("token", "forged"),
                ("display_name", "Vervalser"),
                ("password", "a long enough passphrase"),
            ],
        )
        .await
        .expect(400);
    assert!(
        html(&forged).contains("uitnodigingslink klopt niet"),
        "{}",
        html(&forged)
    );
    assert!(!dutch.has_cookie("defmatch_session"));
}

#[actix_web::test]
async fn the_admin_invites_resends_and_revokes_from_the_invitations_page() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let rom = app.create_organisation(OrganisationKind::Rom, "ROM InWest", Some(Rom::RomInWest));
    let rom_id = rom.to_string();
    let mut visitor = signed_in(&app, &admin.email).await;
    visitor.get("/admin/invitations").await.expect(200);

    // A procurement officer cannot join a ROM: the error sits beside the organisation.
    let email = new_address("form");
    let refused = visitor
        .post_form(
            "/admin/invitations",
            &[
                ("email", &email),
                ("role", "procurement"),
                ("organisation_id", &rom_id),
            ],
        )
        .await
        .expect(400);
    let page = html(&refused);
    assert!(page.contains("id=\"error-organisation_id\""), "{page}");
    assert!(page.contains("aria-invalid=\"true\""), "{page}");
    assert!(page.contains(&email), "the typed address is kept: {page}");

    visitor
        .post_form(
            "/admin/invitations",
            &[
                ("email", &email),
                ("role", "rom_officer"),
                ("organisation_id", &rom_id),
            ],
        )
        .await
        .expect(303);
    let listed = visitor
        .get("/admin/invitations?done=invited")
        .await
        .expect(200);
    assert!(html(&listed).contains("The invitation is on its way."));
    assert!(html(&listed).contains(&email));
    let pending = app
        .get("/api/v1/invitations", admin.auth())
        .await
        .expect(200);
    let id = pending.body["items"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let first = mailed_token(&app, &email, 1).await;
    visitor
        .post_form(&format!("/admin/invitations/{id}/resend"), &[])
        .await
        .expect(303);
    let second = mailed_token(&app, &email, 2).await;
    assert_ne!(first, second);
    visitor
        .post_form(&format!("/admin/invitations/{id}/revoke"), &[])
        .await
        .expect(303);
    let after = visitor
        .get("/admin/invitations?done=revoked")
        .await
        .expect(200);
    assert!(html(&after).contains("The invitation is revoked"));
    assert!(!html(&after).contains(&email));
}

#[actix_web::test]
async fn the_admin_pages_are_for_admins_only() {
    let app = spawn_app().await;
    let rom = app.rom_officer(Rom::RomInWest).await;
    let mut visitor = signed_in(&app, &rom.email).await;
    for path in ["/admin/invitations", "/admin/organisations"] {
        let page = visitor.get(path).await.expect(403);
        assert!(
            html(&page).contains("not for your kind of account"),
            "{path}"
        );
    }
    let refused = visitor
        .post_form(
            "/admin/organisations",
            &[("name", "Sneaky"), ("kind", "defence")],
        )
        .await;
    assert_eq!(refused.status, 403);
}

#[actix_web::test]
async fn the_region_list_offers_invite_to_claim_only_where_the_rule_allows() {
    let app = spawn_app().await;
    let contact = new_address("claimable");
    let claimable = import_startup(&app, "Claimable Dunes BV", "NL-NH", Some(&contact));
    let silent = import_startup(&app, "Silent Dunes BV", "NL-NH", None);
    let rom = app.rom_officer(Rom::RomInWest).await;
    let mut visitor = signed_in(&app, &rom.email).await;
    let claim_action = |id: uuid::Uuid| format!("/region/startups/{id}/claim-invitation");

    let page = visitor.get("/region/startups").await.expect(200);
    assert!(html(&page).contains(&claim_action(claimable)));
    assert!(!html(&page).contains(&claim_action(silent)));

    visitor
        .post_form(&claim_action(claimable), &[("email", &contact)])
        .await
        .expect(303);
    let token = mailed_token(&app, &contact, 1).await;
    crate::invitations::accept(&app, &token, "Dune Founder")
        .await
        .expect(201);
    // Claimed: no form any more.
    let page = visitor.get("/region/startups").await.expect(200);
    assert!(!html(&page).contains(&claim_action(claimable)));

    // Another ROM's officer does not even list the start-ups of NL-NH.
    let limburg = app.rom_officer(Rom::Liof).await;
    let mut other = signed_in(&app, &limburg.email).await;
    let page = other.get("/region/startups").await.expect(200);
    assert!(!html(&page).contains("claim-invitation"));
    let refused = other
        .post_form(&claim_action(silent), &[("email", &new_address("x"))])
        .await;
    assert_eq!(refused.status, 403);
}
