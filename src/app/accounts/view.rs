//! Accounts and organisations as their readers see them, and what a
//! person fills in to register, log in or change an account.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::organisations::OrganisationRow;
use crate::db::users::UserRow;
use crate::domain::account::{EmailAddress, NewPassword, OrganisationKind, Role};
use crate::domain::region::Rom;
use crate::domain::startup::KvkNumber;

/// A user account as the API shows it (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    #[schema(value_type = String, format = "email")]
    pub email: EmailAddress,
    pub display_name: String,
    pub role: Role,
    pub organisation_id: Option<Uuid>,
    /// Whether an admin or procurement officer vetted the user (for `vetted` challenges).
    pub vetted: bool,
    pub vetted_at: Option<DateTime<Utc>>,
    pub disabled: bool,
    /// Whether the person confirmed the e-mail address (by the mailed link,
    /// or because an admin, the seeder or an import created the account).
    pub email_verified: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<UserRow> for UserView {
    fn from(row: UserRow) -> Self {
        UserView {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            role: row.role,
            organisation_id: row.organisation_id,
            vetted: row.vetted_at.is_some(),
            vetted_at: row.vetted_at,
            disabled: row.disabled_at.is_some(),
            email_verified: row.email_verified_at.is_some(),
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        }
    }
}

/// An organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationView {
    pub id: Uuid,
    pub kind: OrganisationKind,
    pub name: String,
    /// Which ROM, for ROM organisations.
    pub rom: Option<Rom>,
    /// Staff whose identity provider vouches for an address in this domain
    /// may sign in by single sign-on; null: not this organisation's staff.
    pub sso_email_domain: Option<String>,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

impl From<OrganisationRow> for OrganisationView {
    fn from(row: OrganisationRow) -> Self {
        OrganisationView {
            id: row.id,
            kind: row.kind,
            name: row.name,
            rom: row.rom,
            sso_email_domain: row.sso_email_domain,
            created_at: row.created_at,
            version: row.version,
        }
    }
}

/// The current user and their organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    pub user: UserView,
    pub organisation: Option<OrganisationView>,
    /// The provinces a ROM officer brokers for.
    pub rom_provinces: Vec<crate::domain::region::Province>,
    /// The start-up profile of a start-up's company, once created.
    pub startup_id: Option<Uuid>,
}

/// A start-up's self-registration.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub email: EmailAddress,
    #[schema(value_type = String, format = Password, min_length = 10, max_length = 200)]
    pub password: NewPassword,
    /// The person's name.
    #[schema(pattern = r"[^\s\x00-\x1f\x7f-\x9f]", min_length = 1, max_length = 200)]
    pub display_name: String,
    /// The company's name; the profile is created afterwards.
    #[schema(pattern = r"[^\s\x00-\x1f\x7f-\x9f]", min_length = 1, max_length = 200)]
    pub company_name: String,
    /// The company's KvK number, when it has one: a company that exists
    /// already under it is not registered twice.
    #[serde(default)]
    pub kvk_number: Option<KvkNumber>,
    /// Must be true: the person accepts the privacy notice (`/privacy`);
    /// when is recorded.
    pub accept_privacy: bool,
}

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(value_type = String, format = "email")]
    pub email: String,
    #[schema(format = Password, max_length = 200)]
    pub password: String,
}

/// An account an admin creates.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    pub email: EmailAddress,
    #[schema(value_type = String, format = Password, min_length = 10, max_length = 200)]
    pub password: NewPassword,
    #[schema(pattern = r"[^\s\x00-\x1f\x7f-\x9f]", min_length = 1, max_length = 200)]
    pub display_name: String,
    pub role: Role,
    /// Required for every role but admin; its kind must fit the role.
    #[serde(default)]
    pub organisation_id: Option<Uuid>,
}

/// Changes to a user. Admins may change all; procurement officers only
/// `vetted`; users only their own `display_name`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub vetted: Option<bool>,
    pub disabled: Option<bool>,
}

/// An organisation an admin creates.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganisationRequest {
    pub kind: OrganisationKind,
    #[schema(pattern = r"[^\s\x00-\x1f\x7f-\x9f]", min_length = 1, max_length = 200)]
    pub name: String,
    /// Required exactly for `rom` organisations.
    #[serde(default)]
    pub rom: Option<Rom>,
    /// The e-mail domain for single sign-on of its staff (not for start-up companies).
    #[serde(default)]
    #[schema(max_length = 253, example = "mindef.example")]
    pub sso_email_domain: Option<String>,
}

/// Changes to an organisation (admins).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganisationRequest {
    /// The e-mail domain for single sign-on of its staff; null turns it off.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 253, example = "mindef.example")]
    pub sso_email_domain: Option<Option<String>>,
}

/// A field that is present, even as null (`Some(None)`), as opposed to
/// absent (`None`, by `default`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
