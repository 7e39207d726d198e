//! Reads reuse a check of their session made a moment ago
//! (`auth::principal_cache`): a session ended or an account disabled through
//! this server is refused at the very next read, and a change made
//! elsewhere (here: straight in the database) within the cache's bound.

use chrono::Utc;
use defmatch::auth::principal_cache::PRINCIPAL_TTL;
use diesel::prelude::*;
use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn a_logout_ends_the_session_for_the_very_next_read() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    // Two reads: the second is answered from the remembered check.
    app.get("/api/v1/me", founder.auth()).await.expect(200);
    app.get("/api/v1/me", founder.auth()).await.expect(200);

    app.post("/api/v1/auth/logout", founder.auth(), json!({}))
        .await
        .expect(204);
    app.get("/api/v1/me", founder.auth())
        .await
        .expect_error(401, "invalid_token");
}

#[actix_web::test]
async fn an_account_disabled_by_an_admin_is_refused_at_the_next_read() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let founder = app.startup_account("Radar Works").await;
    let path = format!("/api/v1/users/{}", founder.user_id);
    let version = app
        .get(&path, admin.auth())
        .await
        .expect(200)
        .etag_version();
    app.get("/api/v1/me", founder.auth()).await.expect(200);

    app.patch(&path, admin.auth(), version, json!({"disabled": true}))
        .await
        .expect(200);
    app.get("/api/v1/me", founder.auth())
        .await
        .expect_error(401, "invalid_token");
}

#[actix_web::test]
async fn an_account_disabled_elsewhere_is_refused_within_the_bound() {
    use defmatch::db::schema::users;
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    app.get("/api/v1/me", founder.auth()).await.expect(200);

    // Another replica, the command line or an operator: no write of this
    // server tells the cache.
    let mut connection = app.database.connect();
    diesel::update(users::table.find(founder.user_id))
        .set(users::disabled_at.eq(Some(Utc::now())))
        .execute(&mut connection)
        .expect("disable user");
    actix_web::rt::time::sleep(PRINCIPAL_TTL + std::time::Duration::from_millis(100)).await;

    app.get("/api/v1/me", founder.auth())
        .await
        .expect_error(401, "invalid_token");
    app.get("/api/v1/search/challenges?q=radar", founder.auth())
        .await
        .expect_error(401, "invalid_token");
}
