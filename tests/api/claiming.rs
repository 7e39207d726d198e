//! Claiming an imported start-up: a ROM officer of its province (or an
//! admin) invites the contact e-mail of a profile imported without an
//! account; the person accepts and the new account is a member of that
//! very company and owns that very profile. Nothing is duplicated and
//! nothing is lost: the ROM's earlier proposal is still there, and the
//! start-up can now accept it.

use defmatch::db::schema::{organisations, startups};
use defmatch::domain::region::Rom;
use defmatch::import::{import_records, read_records, ImportOptions, RecordKind};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{challenge_body, short_id, spawn_app, Actor, TempDirectory, TestApp};
use crate::invitations::{accept, mailed_token, new_address};

/// A profile imported as `defmatch import` does: a company in `province`
/// with `contact_email` (when given) and no account. Its id.
pub fn import_startup(
    app: &TestApp,
    name: &str,
    province: &str,
    contact_email: Option<&str>,
) -> Uuid {
    let directory = TempDirectory::new("defmatch-claim-import");
    let external_id = format!("claim:{}", short_id());
    let kvk = format!("{:08}", Uuid::new_v4().as_u128() % 100_000_000);
    let mut record = json!({
        "id": external_id,
        "name": name,
        "kvk_number": kvk,
        "description": format!("{name} builds passive radar that detects small drones."),
        "technologies": ["imaging-sensing"],
        "keywords": ["radar"],
        "province": province,
    });
    if let Some(email) = contact_email {
        record["contact_email"] = json!(email);
    }
    let path = directory.path.join("startups.jsonl");
    std::fs::write(&path, format!("{record}\n")).expect("write the import file");
    let source = read_records(&path).expect("read the import file");
    let mut connection = app.database.connect();
    let report = import_records(
        &mut connection,
        RecordKind::Startups,
        source.records,
        ImportOptions::default(),
        &|_, _| {},
    )
    .expect("import");
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    defmatch::db::startups::find_by_external_id(&mut connection, &external_id)
        .expect("query")
        .expect("imported")
        .id
}

async fn invite_to_claim(
    app: &TestApp,
    inviter: &Actor,
    startup_id: Uuid,
) -> crate::helpers::Reply {
    app.post(
        &format!("/api/v1/startups/{startup_id}/claim-invitation"),
        inviter.auth(),
        json!({}),
    )
    .await
}

fn counts(app: &TestApp, name: &str) -> (i64, i64) {
    let mut connection = app.database.connect();
    let profiles = startups::table
        .filter(startups::name.eq(name))
        .count()
        .get_result(&mut connection)
        .expect("count profiles");
    let companies = organisations::table
        .filter(organisations::name.eq(name))
        .count()
        .get_result(&mut connection)
        .expect("count companies");
    (profiles, companies)
}

#[actix_web::test]
async fn a_claimed_profile_keeps_its_id_and_the_proposal_the_start_up_can_now_accept() {
    let app = spawn_app().await;
    let contact = new_address("founder");
    let startup_id = import_startup(&app, "Claimable Radar BV", "NL-NH", Some(&contact));
    let procurement = app.procurement("Claim Navy").await;
    let challenge_id = app
        .challenge_in_status(&procurement, challenge_body("Detect small drones"), "open")
        .await;
    let rom = app.rom_officer(Rom::RomInWest).await;
    let proposed = app
        .post(
            "/api/v1/introductions",
            rom.auth(),
            json!({"challenge_id": challenge_id, "startup_id": startup_id}),
        )
        .await
        .expect(201);
    let introduction_id = proposed.id();

    let invited = invite_to_claim(&app, &rom, startup_id).await.expect(201);
    assert_eq!(invited.body["email"], contact.as_str());
    assert_eq!(invited.body["role"], "startup");
    assert_eq!(invited.body["startup_id"], startup_id.to_string());
    let messages = crate::mailbox::mail_to(&app, &contact, 1).await;
    assert!(
        messages[0]
            .text
            .contains("take over the profile of Claimable Radar BV"),
        "{}",
        messages[0].text
    );
    let token = mailed_token(&app, &contact, 1).await;
    let accepted = accept(&app, &token, "Founder Claimant").await.expect(201);
    assert_eq!(accepted.body["user"]["role"], "startup");
    assert_eq!(accepted.body["user"]["vetted"], false);
    let access = accepted.body["tokens"]["access_token"]
        .as_str()
        .expect("token")
        .to_owned();

    // The same company and the same profile: nothing duplicated.
    let me = app.get("/api/v1/me", Some(&access)).await.expect(200);
    assert_eq!(me.body["startup_id"], startup_id.to_string());
    let company = defmatch::db::startups::find(&mut app.database.connect(), startup_id)
        .expect("profile")
        .organisation_id;
    assert_eq!(me.body["user"]["organisation_id"], company.to_string());
    assert_eq!(counts(&app, "Claimable Radar BV"), (1, 1));
    let profile = app
        .get(&format!("/api/v1/startups/{startup_id}"), Some(&access))
        .await
        .expect(200);
    assert_eq!(profile.body["name"], "Claimable Radar BV");

    // Nothing lost: the proposal is there, and the start-up accepts it.
    let introduction = app
        .get(
            &format!("/api/v1/introductions/{introduction_id}"),
            Some(&access),
        )
        .await
        .expect(200);
    let moved = app
        .post_if_match(
            &format!("/api/v1/introductions/{introduction_id}/transitions"),
            Some(&access),
            introduction.etag_version(),
            json!({"action": "accept"}),
        )
        .await
        .expect(200);
    assert_eq!(moved.body["state"], "accepted_by_startup");

    // Claimed now: no second claim, by anyone but an admin.
    let again = invite_to_claim(&app, &rom, startup_id).await;
    again.expect_error(403, "forbidden");
    assert!(again.body["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("has an account already"));
}

#[actix_web::test]
async fn only_a_rom_officer_of_its_province_or_an_admin_invites_to_claim() {
    let app = spawn_app().await;
    let contact = new_address("limburg");
    let startup_id = import_startup(&app, "Maas Sensors BV", "NL-LI", Some(&contact));
    let west = app.rom_officer(Rom::RomInWest).await;
    let refused = invite_to_claim(&app, &west, startup_id).await;
    refused.expect_error(403, "forbidden");
    assert!(refused.body["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("own provinces"));
    let officer = app.procurement("Claim Navy").await;
    invite_to_claim(&app, &officer, startup_id)
        .await
        .expect_error(403, "forbidden");
    let founder = app.startup_account("Another Start-up").await;
    invite_to_claim(&app, &founder, startup_id)
        .await
        .expect_error(403, "forbidden");
    // The API's general form says the same.
    app.post(
        "/api/v1/invitations",
        west.auth(),
        json!({"email": new_address("x"), "role": "startup", "startup_id": startup_id}),
    )
    .await
    .expect_error(403, "forbidden");

    let limburg = app.rom_officer(Rom::Liof).await;
    invite_to_claim(&app, &limburg, startup_id)
        .await
        .expect(201);
    // The officer sees their own invitation, not the admin's.
    let admin = app.admin().await;
    let other = import_startup(
        &app,
        "Peel Photonics BV",
        "NL-LI",
        Some(&new_address("peel")),
    );
    invite_to_claim(&app, &admin, other).await.expect(201);
    let own = app
        .get("/api/v1/invitations", limburg.auth())
        .await
        .expect(200);
    assert_eq!(own.body["total"], 1);
    assert_eq!(own.body["items"][0]["startup_id"], startup_id.to_string());
    let all = app
        .get("/api/v1/invitations", admin.auth())
        .await
        .expect(200);
    assert_eq!(all.body["total"], 2);
    // The admin's invitation is not the officer's to revoke.
    let admins_id = all.body["items"]
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .find(|item| item["startup_id"] == other.to_string())
        })
        .and_then(|item| item["id"].as_str())
        .expect("the admin's invitation")
        .to_owned();
    let revoke = app
        .send(
            actix_web::http::Method::DELETE,
            &format!("/api/v1/invitations/{admins_id}"),
            limburg.auth(),
            &[],
            None,
        )
        .await;
    assert_eq!(revoke.status, 404);
}

#[actix_web::test]
async fn a_profile_without_a_contact_address_is_invited_at_an_address_given() {
    let app = spawn_app().await;
    let startup_id = import_startup(&app, "Silent Radar BV", "NL-NH", None);
    let rom = app.rom_officer(Rom::RomInWest).await;
    let refused = invite_to_claim(&app, &rom, startup_id).await;
    refused.expect_error(400, "invalid_input");
    assert_eq!(refused.error_field(), Some("email"));
    let address = new_address("silent");
    let invited = app
        .post(
            &format!("/api/v1/startups/{startup_id}/claim-invitation"),
            rom.auth(),
            json!({"email": address}),
        )
        .await
        .expect(201);
    assert_eq!(invited.body["email"], address.as_str());
    let token = mailed_token(&app, &address, 1).await;
    accept(&app, &token, "Silent Founder").await.expect(201);
    assert_eq!(counts(&app, "Silent Radar BV"), (1, 1));
    // An id that names no start-up.
    invite_to_claim(&app, &rom, Uuid::new_v4())
        .await
        .expect_error(404, "not_found");
}
