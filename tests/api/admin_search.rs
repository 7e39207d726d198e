//! Admins find users by part of a name or an e-mail address, and
//! organisations by part of a name, any case; others cannot list them.

use defmatch::domain::account::OrganisationKind;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn admins_find_users_by_name_or_address_and_organisations_by_name() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let officer = app.procurement("Searchable Navy").await;
    let founder = app.startup_account("Searchable Start-up").await;
    app.create_organisation(OrganisationKind::Defence, "Koninklijke Landmacht", None);

    let by_address = app
        .get("/api/v1/users?q=PROCUREMENT-", admin.auth())
        .await
        .expect(200);
    assert_eq!(by_address.body["total"], 1);
    assert_eq!(by_address.body["items"][0]["email"], officer.email.as_str());
    // helpers name every registered founder "Founder".
    let by_name = app
        .get("/api/v1/users?q=ounde", admin.auth())
        .await
        .expect(200);
    assert_eq!(by_name.body["total"], 1);
    assert_eq!(by_name.body["items"][0]["email"], founder.email.as_str());
    let nobody = app
        .get("/api/v1/users?q=%25%25nobody%25", admin.auth())
        .await
        .expect(200);
    assert_eq!(nobody.body["total"], 0);
    let blank = app
        .get("/api/v1/users?q=%20", admin.auth())
        .await
        .expect(200);
    assert_eq!(blank.body["total"], 3);
    let nul = app
        .get("/api/v1/users?q=%00", admin.auth())
        .await
        .expect(200);
    assert_eq!(nul.body["total"], 3);
    let long = app
        .get(
            &format!("/api/v1/users?q={}", "x".repeat(201)),
            admin.auth(),
        )
        .await;
    long.expect_error(400, "invalid_input");
    assert_eq!(long.error_field(), Some("q"));

    let found = app
        .get("/api/v1/organisations?name=landMACHT", admin.auth())
        .await
        .expect(200);
    assert_eq!(found.body["total"], 1);
    assert_eq!(found.body["items"][0]["name"], "Koninklijke Landmacht");
    let all = app
        .get("/api/v1/organisations", admin.auth())
        .await
        .expect(200);
    assert_eq!(all.body["total"], 3);

    app.get("/api/v1/users?q=navy", officer.auth())
        .await
        .expect_error(403, "forbidden");
    app.get("/api/v1/organisations?name=navy", founder.auth())
        .await
        .expect_error(403, "forbidden");
}
