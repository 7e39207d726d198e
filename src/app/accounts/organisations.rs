//! Organisations: admins create and list them; members read their own. An
//! organisation the caller may not read is "not found".

use std::collections::HashMap;

use diesel::OptionalExtension;
use uuid::Uuid;

use super::view::{CreateOrganisationRequest, OrganisationView};
use crate::app::page::{checked_page, Paginated};
use crate::app::{AppError, AppState, Subject};
use crate::db::organisations::{self, NewOrganisation};
use crate::domain::account::OrganisationKind;
use crate::domain::policy::Member;
use crate::domain::text::bounded_text;
use crate::domain::Rule;

/// What a list of organisations asks for.
#[derive(Debug, Clone, Default)]
pub struct OrganisationListFilter {
    pub kind: Option<OrganisationKind>,
    /// Text that the name contains (any case).
    pub name: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// `admin` creates an organisation; a ROM organisation names its ROM, no
/// other kind does.
pub async fn create(
    state: &AppState,
    admin: &Member,
    request: CreateOrganisationRequest,
) -> Result<OrganisationView, AppError> {
    admin.may_administer()?;
    let name = bounded_text("name", &request.name, 1, 200)?;
    if (request.kind == OrganisationKind::Rom) != request.rom.is_some() {
        return Err(AppError::invalid("rom", Rule::RomOnlyForRomOrganisations));
    }
    let created = state
        .with_connection(move |connection| {
            let new = NewOrganisation {
                kind: request.kind,
                name: &name,
                rom: request.rom,
            };
            Ok(organisations::insert(connection, &new)?)
        })
        .await?;
    Ok(OrganisationView::from(created))
}

/// One page of the organisations that pass `filter`, by name, for `admin`.
pub async fn list(
    state: &AppState,
    admin: &Member,
    filter: OrganisationListFilter,
) -> Result<Paginated<OrganisationView>, AppError> {
    admin.may_administer()?;
    let page = checked_page(filter.page, filter.per_page)?;
    let kind = filter.kind;
    let name = filter
        .name
        .as_deref()
        // PostgreSQL text holds no NUL, so none can match; it must not
        // break the query either.
        .map(|name| name.replace('\0', ""))
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| bounded_text("name", name, 1, 200))
        .transpose()?;
    let paged = state
        .with_connection(move |connection| {
            Ok(organisations::list_matching(
                connection,
                kind,
                name.as_deref(),
                page,
            )?)
        })
        .await?;
    let items = paged.rows.into_iter().map(OrganisationView::from).collect();
    Ok(Paginated::new(items, page, paged.total))
}

/// The organisation `organisation_id`, if `member` may read it.
pub async fn get(
    state: &AppState,
    member: &Member,
    organisation_id: Uuid,
) -> Result<OrganisationView, AppError> {
    if !member.may_read_organisation(organisation_id) {
        return Err(AppError::not_found(Subject::Organisation));
    }
    let row = state
        .with_connection(move |connection| {
            organisations::find(connection, organisation_id)
                .optional()?
                .ok_or(AppError::not_found(Subject::Organisation))
        })
        .await?;
    Ok(OrganisationView::from(row))
}

/// The names of the organisations `ids`, by id, for `admin`'s lists of
/// users; ids that name no organisation are left out.
pub async fn names(
    state: &AppState,
    admin: &Member,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, String>, AppError> {
    admin.may_administer()?;
    state
        .with_connection(move |connection| Ok(organisations::names_by_id(connection, &ids)?))
        .await
}
