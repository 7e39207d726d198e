//! The caller's personal data: the language of their mail, the download of
//! all of it, the erasure of the account, and the calendar feed of a
//! start-up (`app::privacy`).

use actix_web::http::header;
use actix_web::{delete, get, post, put, web, HttpResponse};

use crate::api::auth::AuthUser;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::JsonBody;
use crate::app::privacy::calendar::{self, CalendarFeed};
use crate::app::privacy::erasure::{self, ErasureRequest};
use crate::app::privacy::export::{self, PersonalDataExport};
use crate::app::privacy::{self, LanguageSetting};
use crate::app::AppState;

/// The language the caller's mail is written in.
#[utoipa::path(
    tag = "privacy",
    security(("bearer" = [])),
    responses((status = 200, description = "The language", body = LanguageSetting))
)]
#[get("/me/language")]
pub async fn get_language(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(privacy::language(&state, &caller.member).await?))
}

/// Chooses the language of the caller's mail: `nl` or `en`.
#[utoipa::path(
    tag = "privacy",
    security(("bearer" = [])),
    request_body = LanguageSetting,
    responses((status = 200, description = "The language is set", body = LanguageSetting))
)]
#[put("/me/language")]
pub async fn set_language(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: JsonBody<LanguageSetting>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(privacy::set_language(&state, &caller.member, body.0).await?))
}

/// Everything defmatch keeps about the caller's account, as the caller
/// may see it (start-ups stay anonymous to procurement until introduced).
#[utoipa::path(
    tag = "privacy",
    security(("bearer" = [])),
    responses((status = 200, description = "The account's data", body = PersonalDataExport))
)]
#[get("/me/export")]
pub async fn export_my_data(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let exported = export::export(&state, &caller.member).await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"defmatch-data.json\"",
        ))
        .json(exported))
}

/// Erases the caller's account, confirmed by its password: personal fields
/// are removed, every session ends, and a start-up company left without
/// members is taken out of lists, search and matches (docs/privacy.md).
#[utoipa::path(
    tag = "privacy",
    security(("bearer" = [])),
    request_body = ErasureRequest,
    responses(
        (status = 204, description = "The account is erased"),
        (status = 400, description = "The password is wrong (`field`: `password`)", body = ErrorBody),
    )
)]
#[delete("/me")]
pub async fn erase_me(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: JsonBody<ErasureRequest>,
) -> Result<HttpResponse, ApiError> {
    erasure::erase(&state, &caller.member, body.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Whether the caller (a start-up) has a calendar feed of deadlines; its
/// URL is shown only when made.
#[utoipa::path(
    tag = "privacy",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Whether a feed exists", body = CalendarFeed),
        (status = 403, description = "Not a start-up account", body = ErrorBody),
    )
)]
#[get("/me/calendar")]
pub async fn get_calendar(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(calendar::status(&state, &caller.member).await?))
}

/// Makes a new secret feed URL (`/calendar/{token}.ics`) of the deadlines of
/// the challenges the start-up follows; the previous URL stops working.
#[utoipa::path(
    tag = "privacy",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new feed URL", body = CalendarFeed),
        (status = 403, description = "Not a start-up account", body = ErrorBody),
    )
)]
#[post("/me/calendar")]
pub async fn rotate_calendar(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(calendar::rotate(&state, &caller.member).await?))
}
