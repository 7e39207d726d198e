//! Organisations: admins create and list them; members read their own.

use actix_web::{get, post, web, HttpResponse};
use diesel::OptionalExtension;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::auth::{AdminUser, AuthUser};
use crate::api::dto::PageQuery;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{etag, JsonBody, QueryParams};
use crate::api::legacy::LegacyBlocking;
use crate::app::accounts::{CreateOrganisationRequest, OrganisationView};
use crate::app::AppState;
use crate::app::Paginated;
use crate::db::organisations::{self, NewOrganisation};
use crate::domain::account::OrganisationKind;
use crate::domain::text::bounded_text;

/// Creates an organisation (admins only).
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    request_body = CreateOrganisationRequest,
    responses(
        (status = 201, description = "Created", body = OrganisationView),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "An organisation of that kind and name, or for that ROM, exists", body = ErrorBody),
    )
)]
#[post("/organisations")]
pub async fn create_organisation(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: JsonBody<CreateOrganisationRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.0;
    let name = bounded_text("name", &request.name, 1, 200)?;
    if (request.kind == OrganisationKind::Rom) != request.rom.is_some() {
        return Err(ApiError::invalid(
            "rom",
            "give `rom` for an organisation of kind rom, and only then",
        ));
    }
    let created = state
        .with_connection_api(move |connection| {
            Ok(organisations::insert(
                connection,
                &NewOrganisation {
                    kind: request.kind,
                    name: &name,
                    rom: request.rom,
                },
            )?)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("ETag", etag(created.version)))
        .json(OrganisationView::from(created)))
}

/// Filters for the organisation list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrganisationListQuery {
    pub kind: Option<OrganisationKind>,
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// Lists organisations (admins only).
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    params(OrganisationListQuery),
    responses(
        (status = 200, description = "A page of organisations", body = Paginated<OrganisationView>),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
#[get("/organisations")]
pub async fn list_organisations(
    state: web::Data<AppState>,
    _admin: AdminUser,
    query: QueryParams<OrganisationListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = PageQuery::checked(query.page, query.per_page)?;
    let kind = query.kind;
    let paged = state
        .with_connection_api(move |connection| Ok(organisations::list(connection, kind, page)?))
        .await?;
    let items = paged.rows.into_iter().map(OrganisationView::from).collect();
    Ok(HttpResponse::Ok().json(Paginated::new(items, page, paged.total)))
}

/// One organisation: admins see any, members their own.
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = OrganisationView),
        (status = 404, description = "No such organisation visible to the caller", body = ErrorBody),
    )
)]
#[get("/organisations/{id}")]
pub async fn get_organisation(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let organisation_id = path.into_inner();
    if !(caller.member.is_admin() || caller.member.belongs_to(organisation_id)) {
        return Err(ApiError::not_found("organisation"));
    }
    let row = state
        .with_connection_api(move |connection| {
            organisations::find(connection, organisation_id)
                .optional()?
                .ok_or_else(|| ApiError::not_found("organisation"))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(row.version)))
        .json(OrganisationView::from(row)))
}
