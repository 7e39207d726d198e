//! Creating accounts, shared by the API, the command line and the seeder so
//! that every path enforces the same rules.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::password::hash_password;
use crate::db::{organisations, users};
use crate::domain::account::{EmailAddress, NewPassword, Role};
use crate::domain::text::bounded_text;
use crate::domain::{Rule, ValidationError};

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What is needed to create an account.
pub struct NewAccount<'a> {
    pub email: &'a EmailAddress,
    pub display_name: &'a str,
    pub role: Role,
    pub organisation_id: Option<Uuid>,
}

/// Creates an account after checking that its organisation fits its role:
/// start-ups in a start-up company, procurement officers in a defence
/// organisation, ROM officers in a ROM, admins in none.
pub fn create_account(
    connection: &mut PgConnection,
    account: &NewAccount<'_>,
    password: &NewPassword,
    now: DateTime<Utc>,
) -> Result<users::UserRow, AccountError> {
    let password_hash = hash_password(password.expose())?;
    create_account_with_hash(connection, account, &password_hash, now)
}

/// Like [`create_account`], with the password already hashed; the demo
/// seeder hashes its one shared demo password once for all accounts.
pub fn create_account_with_hash(
    connection: &mut PgConnection,
    account: &NewAccount<'_>,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<users::UserRow, AccountError> {
    let display_name = bounded_text("display_name", account.display_name, 1, 200)?;
    match (account.role.organisation_kind(), account.organisation_id) {
        (None, Some(_)) => {
            return Err(
                ValidationError::new("organisation_id", Rule::AdminHasNoOrganisation).into(),
            )
        }
        (Some(kind), None) => {
            return Err(ValidationError::new(
                "organisation_id",
                Rule::RoleNeedsOrganisation {
                    role: account.role,
                    kind,
                },
            )
            .into())
        }
        (Some(kind), Some(organisation_id)) => {
            let organisation = organisations::find(connection, organisation_id)
                .optional()?
                .ok_or_else(|| ValidationError::new("organisation_id", Rule::NoSuchOrganisation))?;
            if organisation.kind != kind {
                return Err(ValidationError::new(
                    "organisation_id",
                    Rule::RoleOrganisationMismatch {
                        role: account.role,
                        kind,
                        actual: organisation.kind,
                    },
                )
                .into());
            }
        }
        (None, None) => {}
    }
    let vetted_at = account.role.is_vetted_on_creation().then_some(now);
    Ok(users::insert(
        connection,
        &users::NewUser {
            email: account.email,
            password_hash,
            display_name: &display_name,
            role: account.role,
            organisation_id: account.organisation_id,
            vetted_at,
            // Whoever creates an account for someone vouches for its address.
            email_verified_at: Some(now),
        },
    )?)
}
