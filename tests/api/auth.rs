//! Registration, login, refresh, logout and what a bearer token
//! must be to open the API.

use actix_web::http::Method;
use chrono::Utc;
use defmatch::auth::tokens::AccessClaims;
use defmatch::domain::account::Role;
use diesel::prelude::*;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{spawn_app, Reply, TestApp, PASSWORD};

// ---------------------------------------------------------------------------
// Helpers private to these tests.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding, as JWTs use it.
fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let symbols = chunk.len() + 1;
        for i in 0..symbols {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn base64url_decode(text: &str) -> Vec<u8> {
    let values: Vec<u32> = text
        .trim_end_matches('=')
        .bytes()
        .map(|c| {
            ALPHABET
                .iter()
                .position(|&a| a == c)
                .unwrap_or_else(|| panic!("not base64url: {c}")) as u32
        })
        .collect();
    let mut out = Vec::new();
    for chunk in values.chunks(4) {
        let mut n = 0_u32;
        for (i, value) in chunk.iter().enumerate() {
            n |= value << (18 - 6 * i);
        }
        for i in 0..chunk.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

/// The claims of a JWT, read without checking anything.
fn payload_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT has a payload");
    serde_json::from_slice(&base64url_decode(payload)).expect("JSON payload")
}

/// Claims like the server's own, for the user and session of `token`.
pub fn claims_like(token: &str) -> AccessClaims {
    let payload = payload_of(token);
    let now = Utc::now().timestamp();
    AccessClaims {
        iss: "defmatch".to_owned(),
        aud: "defmatch-api".to_owned(),
        sub: payload["sub"].as_str().unwrap().parse().unwrap(),
        sid: payload["sid"].as_str().unwrap().parse().unwrap(),
        role: Role::Startup,
        iat: now,
        nbf: now,
        exp: now + 600,
    }
}

/// Signs `claims` with the app's real secret.
pub fn sign(app: &TestApp, algorithm: Algorithm, claims: &AccessClaims) -> String {
    encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(app.jwt_secret.as_bytes()),
    )
    .expect("sign token")
}

fn registration(email: &str, company: &str) -> Value {
    json!({
        "email": email,
        "password": PASSWORD,
        "display_name": "Founder",
        "company_name": company,
        "accept_privacy": true,
    })
}

async fn register(app: &TestApp, body: Value) -> Reply {
    app.post("/api/v1/auth/register", None, body).await
}

async fn login(app: &TestApp, email: &str, password: &str) -> Reply {
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"email": email, "password": password}),
    )
    .await
}

async fn refresh(app: &TestApp, refresh_token: &str) -> Reply {
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": refresh_token}),
    )
    .await
}

async fn me(app: &TestApp, token: &str) -> Reply {
    app.get("/api/v1/me", Some(token)).await
}

/// `/me` with a raw `Authorization` header.
async fn me_with_authorization(app: &TestApp, authorization: &str) -> Reply {
    app.send(
        Method::GET,
        "/api/v1/me",
        None,
        &[("Authorization", authorization.to_owned())],
        None,
    )
    .await
}

// ---------------------------------------------------------------------------
// Registration

// The neutral answer, the mails and the address check: tests/api/registration.rs.

#[actix_web::test]
async fn a_short_password_is_refused_with_400_on_password() {
    let app = spawn_app().await;
    let body = json!({
        "email": "anna@radar.test",
        "password": "123456789",
        "display_name": "Anna",
        "company_name": "Radar Works",
        "accept_privacy": true,
    });
    let reply = register(&app, body).await;
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("password"));
    login(&app, "anna@radar.test", "123456789")
        .await
        .expect_error(401, "invalid_credentials");
}

#[actix_web::test]
async fn a_malformed_email_address_is_refused_with_400_on_email() {
    let app = spawn_app().await;
    for bad in ["anna", "anna@radar", "@radar.test", "an na@radar.test"] {
        let reply = register(&app, registration(bad, "Radar Works")).await;
        reply.expect_error(400, "invalid_input");
        assert_eq!(reply.error_field(), Some("email"), "for {bad}");
    }
}

#[actix_web::test]
async fn registration_refuses_unknown_and_missing_fields_by_name() {
    let app = spawn_app().await;
    let mut sneaky = registration("anna@radar.test", "Radar Works");
    sneaky["role"] = json!("admin");
    let reply = register(&app, sneaky).await;
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("role"));

    let reply = register(
        &app,
        json!({"email": "anna@radar.test", "password": PASSWORD, "display_name": "Anna"}),
    )
    .await;
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("company_name"));

    let reply = register(&app, registration("anna@radar.test", "   ")).await;
    reply.expect_error(400, "invalid_input");
    assert_eq!(reply.error_field(), Some("company_name"));

    // None of these left an account behind.
    login(&app, "anna@radar.test", PASSWORD)
        .await
        .expect_error(401, "invalid_credentials");
}

// ---------------------------------------------------------------------------
// Login

#[actix_web::test]
async fn logging_in_returns_tokens_that_open_the_api() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let reply = login(&app, &founder.email.to_uppercase(), PASSWORD)
        .await
        .expect(200);
    assert_eq!(reply.body["token_type"], "Bearer");
    assert_eq!(reply.body["user_id"], founder.user_id.to_string());
    assert!(reply.body["refresh_token"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    let token = reply.body["access_token"].as_str().unwrap();
    let whoami = me(&app, token).await.expect(200);
    assert_eq!(whoami.body["user"]["email"], founder.email);
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_401() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let wrong_password = login(&app, &founder.email, "not the password at all").await;
    wrong_password.expect_error(401, "invalid_credentials");
    let unknown = login(&app, "nobody@nowhere.test", PASSWORD).await;
    unknown.expect_error(401, "invalid_credentials");
    let impossible = login(&app, "not an address", PASSWORD).await;
    impossible.expect_error(401, "invalid_credentials");
    assert_eq!(wrong_password.body, unknown.body);
    assert_eq!(wrong_password.body, impossible.body);
    assert!(wrong_password.header("www-authenticate").is_none());
}

// ---------------------------------------------------------------------------
// Refresh and logout

#[actix_web::test]
async fn a_refresh_token_buys_a_new_pair_once() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let first = refresh(&app, &founder.refresh_token).await.expect(200);
    let new_refresh = first.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new_refresh, founder.refresh_token);
    assert_eq!(first.body["user_id"], founder.user_id.to_string());
    let new_access = first.body["access_token"].as_str().unwrap();
    me(&app, new_access).await.expect(200);

    // The new refresh token works, once.
    let second = refresh(&app, &new_refresh).await.expect(200);
    me(&app, second.body["access_token"].as_str().unwrap())
        .await
        .expect(200);
    let again = refresh(&app, &new_refresh).await;
    again.expect_error(401, "invalid_token");
}

#[actix_web::test]
async fn reusing_a_spent_refresh_token_ends_the_whole_session() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let other_session = login(&app, &founder.email, PASSWORD).await.expect(200);

    let rotated = refresh(&app, &founder.refresh_token).await.expect(200);
    let new_access = rotated.body["access_token"].as_str().unwrap();
    let new_refresh = rotated.body["refresh_token"].as_str().unwrap();
    me(&app, new_access).await.expect(200);

    refresh(&app, &founder.refresh_token)
        .await
        .expect_error(401, "invalid_token");
    me(&app, new_access)
        .await
        .expect_error(401, "invalid_token");
    me(&app, &founder.token)
        .await
        .expect_error(401, "invalid_token");
    refresh(&app, new_refresh)
        .await
        .expect_error(401, "invalid_token");

    // Only that session ended.
    me(&app, other_session.body["access_token"].as_str().unwrap())
        .await
        .expect(200);
}

#[actix_web::test]
async fn an_unknown_refresh_token_is_401() {
    let app = spawn_app().await;
    refresh(&app, &"ab".repeat(32))
        .await
        .expect_error(401, "invalid_token");
    refresh(&app, "").await.expect_error(401, "invalid_token");
}

#[actix_web::test]
async fn logging_out_ends_the_access_and_refresh_tokens_of_that_session() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let other_session = login(&app, &founder.email, PASSWORD).await.expect(200);

    let reply = app
        .post("/api/v1/auth/logout", founder.auth(), json!({}))
        .await
        .expect(204);
    assert_eq!(reply.body, Value::Null);
    me(&app, &founder.token)
        .await
        .expect_error(401, "invalid_token");
    refresh(&app, &founder.refresh_token)
        .await
        .expect_error(401, "invalid_token");

    me(&app, other_session.body["access_token"].as_str().unwrap())
        .await
        .expect(200);
}

#[actix_web::test]
async fn logging_out_needs_a_token() {
    let app = spawn_app().await;
    app.post("/api/v1/auth/logout", None, json!({}))
        .await
        .expect_error(401, "missing_token");
}

// ---------------------------------------------------------------------------
// What a bearer token must be

#[actix_web::test]
async fn a_request_without_a_token_is_401_missing_token_with_www_authenticate() {
    let app = spawn_app().await;
    let reply = app.get("/api/v1/me", None).await;
    reply.expect_error(401, "missing_token");
    let challenge = reply.header("www-authenticate").expect("WWW-Authenticate");
    assert!(challenge.starts_with("Bearer"), "{challenge}");
}

#[actix_web::test]
async fn a_garbage_token_is_401_invalid_token() {
    let app = spawn_app().await;
    for garbage in ["garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9..", "Bearer"] {
        let reply = app.get("/api/v1/me", Some(garbage)).await;
        reply.expect_error(401, "invalid_token");
        assert!(reply.header("www-authenticate").is_some());
    }
    me_with_authorization(&app, "Bearer ")
        .await
        .expect_error(401, "invalid_token");
}

#[actix_web::test]
async fn basic_authentication_is_refused_with_401() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let basic = base64url_encode(format!("{}:{PASSWORD}", founder.email).as_bytes());
    me_with_authorization(&app, &format!("Basic {basic}"))
        .await
        .expect_error(401, "invalid_token");
    // A valid token under another scheme is no better.
    me_with_authorization(&app, &format!("Token {}", founder.token))
        .await
        .expect_error(401, "invalid_token");
    // The scheme name itself is case-insensitive.
    me_with_authorization(&app, &format!("bearer {}", founder.token))
        .await
        .expect(200);
}

#[actix_web::test]
async fn a_token_signed_with_the_real_secret_and_right_claims_is_accepted() {
    // The control for the forged tokens below: the forging itself is right.
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let token = sign(&app, Algorithm::HS256, &claims_like(&founder.token));
    let whoami = me(&app, &token).await.expect(200);
    assert_eq!(whoami.body["user"]["id"], founder.user_id.to_string());
}

#[actix_web::test]
async fn a_token_with_a_changed_payload_is_401_invalid_token() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let parts: Vec<&str> = founder.token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let mut claims = payload_of(&founder.token);
    assert_eq!(claims["role"], "startup");
    claims["role"] = json!("admin");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        base64url_encode(claims.to_string().as_bytes()),
        parts[2]
    );
    assert_ne!(forged, founder.token);
    let reply = me(&app, &forged).await;
    reply.expect_error(401, "invalid_token");
    // The original still works, so it was the change that was refused.
    me(&app, &founder.token).await.expect(200);
    // And nothing admin-only opened up.
    app.get("/api/v1/users", Some(&forged))
        .await
        .expect_error(401, "invalid_token");
}

#[actix_web::test]
async fn an_unsigned_alg_none_token_is_401() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let header = base64url_encode(br#"{"alg":"none","typ":"JWT"}"#);
    let claims = serde_json::to_vec(&claims_like(&founder.token)).unwrap();
    let unsigned = format!("{header}.{}.", base64url_encode(&claims));
    me(&app, &unsigned).await.expect_error(401, "invalid_token");
}

#[actix_web::test]
async fn a_token_signed_with_another_algorithm_is_401() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let token = sign(&app, Algorithm::HS512, &claims_like(&founder.token));
    me(&app, &token).await.expect_error(401, "invalid_token");
}

#[actix_web::test]
async fn an_expired_token_is_401_token_expired() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let mut claims = claims_like(&founder.token);
    let now = Utc::now().timestamp();
    claims.iat = now - 2 * 3600;
    claims.nbf = now - 2 * 3600;
    claims.exp = now - 3600;
    let expired = sign(&app, Algorithm::HS256, &claims);
    let reply = me(&app, &expired).await;
    reply.expect_error(401, "token_expired");
    assert!(reply.header("www-authenticate").is_some());
}

#[actix_web::test]
async fn a_token_for_another_audience_or_issuer_is_401_invalid_token() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;

    let mut other_audience = claims_like(&founder.token);
    other_audience.aud = "some-other-api".to_owned();
    me(&app, &sign(&app, Algorithm::HS256, &other_audience))
        .await
        .expect_error(401, "invalid_token");

    let mut other_issuer = claims_like(&founder.token);
    other_issuer.iss = "someone-else".to_owned();
    me(&app, &sign(&app, Algorithm::HS256, &other_issuer))
        .await
        .expect_error(401, "invalid_token");
}

#[actix_web::test]
async fn a_token_not_yet_valid_is_401() {
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    let mut claims = claims_like(&founder.token);
    claims.nbf = Utc::now().timestamp() + 3600;
    claims.exp = claims.nbf + 600;
    me(&app, &sign(&app, Algorithm::HS256, &claims))
        .await
        .expect_error(401, "invalid_token");
}

#[actix_web::test]
async fn a_token_that_pairs_a_user_with_someone_elses_session_is_401() {
    let app = spawn_app().await;
    let anna = app.startup_account("Radar Works").await;
    let bob = app.startup_account("Sonar Works").await;
    let mut claims = claims_like(&anna.token);
    claims.sub = bob.user_id;
    me(&app, &sign(&app, Algorithm::HS256, &claims))
        .await
        .expect_error(401, "invalid_token");

    let mut claims = claims_like(&anna.token);
    claims.sid = Uuid::new_v4();
    me(&app, &sign(&app, Algorithm::HS256, &claims))
        .await
        .expect_error(401, "invalid_token");
}

#[actix_web::test]
async fn a_disabled_account_cannot_log_in_and_its_tokens_stop_working() {
    use defmatch::db::schema::users;
    let app = spawn_app().await;
    let founder = app.startup_account("Radar Works").await;
    me(&app, &founder.token).await.expect(200);

    // Disabled straight in the database: the token must fail even though
    // no session was revoked.
    app.change_user(founder.user_id, |connection| {
        diesel::update(users::table.find(founder.user_id))
            .set(users::disabled_at.eq(Some(Utc::now())))
            .execute(connection)
            .expect("disable user");
    });

    login(&app, &founder.email, PASSWORD)
        .await
        .expect_error(403, "account_disabled");
    me(&app, &founder.token)
        .await
        .expect_error(401, "invalid_token");
    refresh(&app, &founder.refresh_token)
        .await
        .expect_error(403, "account_disabled");
    // A wrong password does not tell that the account exists but is disabled.
    login(&app, &founder.email, "not the password at all")
        .await
        .expect_error(401, "invalid_credentials");
}
