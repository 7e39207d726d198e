//! Users, their roles and the organisations they belong to.

use serde::{Deserialize, Serialize};

use super::Rule;
use crate::text_enum;

text_enum! {
    /// What a user is on the platform; decides what they may see and do.
    pub enum Role {
        /// Keeps a start-up profile and looks for challenges.
        Startup => "startup",
        /// Posts challenges for a defence organisation.
        Procurement => "procurement",
        /// Brokers introductions for the start-ups in a ROM's provinces.
        RomOfficer => "rom_officer",
        /// Runs the platform.
        Admin => "admin",
    }
}

text_enum! {
    /// The kind of an organisation.
    pub enum OrganisationKind {
        /// A start-up or scale-up company.
        StartupCompany => "startup_company",
        /// A defence organisation: DMO, a service branch, an innovation unit.
        Defence => "defence",
        /// A regional development agency.
        Rom => "rom",
    }
}

impl Role {
    /// The kind of organisation a user of this role belongs to; admins belong to none.
    pub fn organisation_kind(self) -> Option<OrganisationKind> {
        match self {
            Role::Startup => Some(OrganisationKind::StartupCompany),
            Role::Procurement => Some(OrganisationKind::Defence),
            Role::RomOfficer => Some(OrganisationKind::Rom),
            Role::Admin => None,
        }
    }

    /// Whether users of this role are vetted from the moment they are created,
    /// because an admin vouched for them by creating the account.
    pub fn is_vetted_on_creation(self) -> bool {
        matches!(self, Role::Procurement | Role::Admin)
    }
}

/// An e-mail address, trimmed and lower-cased so that it identifies one account.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, format = "email", example = "founder@startup.example")]
#[diesel(sql_type = diesel::sql_types::Text)]
pub struct EmailAddress(String);

crate::sql_newtype!(EmailAddress, diesel::sql_types::Text, String, String);

impl EmailAddress {
    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = Rule;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        let address = raw.trim().to_lowercase();
        let Some((local, domain)) = address.split_once('@') else {
            return Err(Rule::EmailWithoutAt);
        };
        let plausible = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && address.len() <= 254
            && !address
                .chars()
                .any(|character| character.is_whitespace() || character.is_control());
        if !plausible {
            return Err(Rule::EmailInvalid);
        }
        Ok(EmailAddress(address))
    }
}

impl From<EmailAddress> for String {
    fn from(address: EmailAddress) -> Self {
        address.0
    }
}

/// The e-mail domain an organisation allows for single sign-on, such as
/// `mindef.example`: lower-case labels of letters, digits and hyphens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailDomain(String);

impl EmailDomain {
    /// The domain.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EmailDomain {
    type Error = Rule;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        let domain = raw.trim().to_lowercase();
        let label_ok = |label: &str| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
        };
        if domain.len() > 253 || !domain.contains('.') || !domain.split('.').all(label_ok) {
            return Err(Rule::EmailDomainInvalid);
        }
        Ok(EmailDomain(domain))
    }
}

/// A new password that meets the length policy (10 to 200 characters).
///
/// Not `Debug`-printable and not serialisable, so it cannot end up in a log.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String")]
#[schema(value_type = String, format = Password)]
pub struct NewPassword(String);

impl NewPassword {
    /// Fewest characters a password may have.
    pub const MIN_CHARS: usize = 10;
    /// Most characters a password may have (argon2 input stays bounded).
    pub const MAX_CHARS: usize = 200;

    /// The password text, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for NewPassword {
    type Error = Rule;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(Rule::PasswordTooShort {
                min: Self::MIN_CHARS,
            });
        }
        if chars > Self::MAX_CHARS {
            return Err(Rule::PasswordTooLong {
                max: Self::MAX_CHARS,
            });
        }
        Ok(NewPassword(raw))
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_are_normalised_and_checked() {
        let address = EmailAddress::try_from("  Anna@Example.NL ".to_owned()).unwrap();
        assert_eq!(address.as_str(), "anna@example.nl");
        for bad in [
            "anna",
            "anna@",
            "@example.nl",
            "anna@example",
            "an na@example.nl",
        ] {
            assert!(EmailAddress::try_from(bad.to_owned()).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_follow_the_length_policy() {
        assert!(NewPassword::try_from("short".to_owned()).is_err());
        assert!(NewPassword::try_from("long enough pass".to_owned()).is_ok());
        assert!(NewPassword::try_from("x".repeat(201)).is_err());
    }

    #[test]
    fn an_sso_domain_is_a_lower_case_domain_name() {
        assert_eq!(
            EmailDomain::try_from(" MinDef.Example ".to_owned()).map(|d| d.as_str().to_owned()),
            Ok("mindef.example".to_owned())
        );
        for bad in [
            "",
            "example",
            "@mindef.example",
            "mindef..example",
            "-a.example",
            "a b.example",
        ] {
            assert!(EmailDomain::try_from(bad.to_owned()).is_err(), "{bad}");
        }
    }
}
