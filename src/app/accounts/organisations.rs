//! Organisations: admins create and list them; members read their own. An
//! organisation the caller may not read is "not found".

use std::collections::HashMap;

use diesel::{Connection, OptionalExtension};
use uuid::Uuid;

use super::view::{CreateOrganisationRequest, OrganisationView, UpdateOrganisationRequest};
use crate::app::page::{checked_page, Paginated};
use crate::app::{AppError, AppState, Subject};
use crate::db::organisations::{self, NewOrganisation};
use crate::domain::account::{EmailDomain, OrganisationKind};
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
    let sso_email_domain = request
        .sso_email_domain
        .map(|domain| sso_domain_for(request.kind, domain))
        .transpose()?;
    let created = state
        .with_connection(move |connection| {
            connection.transaction(|connection| {
                let new = NewOrganisation {
                    kind: request.kind,
                    name: &name,
                    rom: request.rom,
                };
                let created = organisations::insert(connection, &new)?;
                let Some(domain) = &sso_email_domain else {
                    return Ok(created);
                };
                organisations::set_sso_email_domain(
                    connection,
                    created.id,
                    None,
                    Some(domain.as_str()),
                )?
                .ok_or(AppError::not_found(Subject::Organisation))
            })
        })
        .await?;
    Ok(OrganisationView::from(created))
}

/// `admin` changes the organisation `organisation_id` from version
/// `expected_version`: its single sign-on domain.
pub async fn update(
    state: &AppState,
    admin: &Member,
    organisation_id: Uuid,
    expected_version: i32,
    request: UpdateOrganisationRequest,
) -> Result<OrganisationView, AppError> {
    admin.may_administer()?;
    let updated = state
        .with_connection(move |connection| {
            let current = organisations::find(connection, organisation_id)
                .optional()?
                .ok_or(AppError::not_found(Subject::Organisation))?;
            if current.version != expected_version {
                return Err(AppError::Stale {
                    current_version: current.version,
                });
            }
            let Some(domain) = request.sso_email_domain else {
                return Ok(current);
            };
            let domain = domain
                .map(|domain| sso_domain_for(current.kind, domain))
                .transpose()?;
            organisations::set_sso_email_domain(
                connection,
                organisation_id,
                Some(expected_version),
                domain.as_ref().map(EmailDomain::as_str),
            )?
            .ok_or(AppError::Stale {
                current_version: current.version,
            })
        })
        .await?;
    Ok(OrganisationView::from(updated))
}

/// The single sign-on domain `raw` for an organisation of `kind`: start-up
/// companies have none (their people register), staff organisations may.
fn sso_domain_for(kind: OrganisationKind, raw: String) -> Result<EmailDomain, AppError> {
    if kind == OrganisationKind::StartupCompany {
        return Err(AppError::invalid(
            "sso_email_domain",
            Rule::EmailDomainInvalid,
        ));
    }
    EmailDomain::try_from(raw).map_err(|rule| AppError::invalid("sso_email_domain", rule))
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
