//! A start-up registers itself, and confirms its e-mail address.
//!
//! Registration answers the same whether or not the address, the company
//! name or the KvK number is known: the lookup, the account and the mail
//! happen after the caller has its answer (like a reset request), so that
//! neither the answer nor its time tells who has an account. What happens
//! then:
//! - the address has an account: its owner is told someone tried to
//!   register with it (and how to log in or reset the password);
//! - the company exists (by name or KvK number): its people, or when an
//!   import left it without accounts the ROM officers of its province (or
//!   the admins), are asked to confirm the newcomer or invite them; nothing
//!   is created twice;
//! - otherwise the company and the account are created, and the account is
//!   sent a link that confirms its address ([`verify_email`]).
//!
//! An unconfirmed account may log in, edit its profile and browse; it may
//! not take part in introductions (`domain::policy`).

use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection};

use super::registration_mail as mail;
use super::view::RegisterRequest;
use crate::app::{AppError, AppState};
use crate::auth::email_verification::{finish_verification, start_verification};
use crate::auth::password::hash_password;
use crate::auth::rate_limit::{self, LimitedRequest};
use crate::db::password_resets::{queue_account_mail, AccountMail};
use crate::db::{organisations, personal_data, startups, users};
use crate::domain::account::{EmailAddress, NewPassword, OrganisationKind, Role};
use crate::domain::policy::Member;
use crate::domain::startup::KvkNumber;
use crate::domain::text::bounded_text;
use crate::domain::Rule;

/// A registration whose input passed the checks, handled in the background.
struct Registration {
    email: EmailAddress,
    password: NewPassword,
    display_name: String,
    company_name: String,
    kvk_number: Option<KvkNumber>,
}

/// What became of a registration (logged, never told to the caller).
#[derive(Debug, Clone, Copy)]
enum Filed {
    ExistingAccount,
    ExistingCompany,
    Created,
}

/// Takes a start-up's registration from `client_ip`. Bad input is refused
/// at once; anything else gets the same answer, and the work is done after
/// it (see the module). Registrations are limited per address.
pub async fn register(
    state: &AppState,
    client_ip: String,
    request: RegisterRequest,
) -> Result<(), AppError> {
    if !request.accept_privacy {
        return Err(AppError::invalid(
            "accept_privacy",
            Rule::PrivacyNotAccepted,
        ));
    }
    let display_name = bounded_text("display_name", &request.display_name, 1, 200)?;
    let company_name = bounded_text("company_name", &request.company_name, 1, 200)?;
    let limits = state.login_limits;
    let limited = state
        .with_connection(move |connection| {
            Ok(rate_limit::count_request(
                connection,
                &limits,
                LimitedRequest::Registration,
                &client_ip,
                Utc::now(),
            )?)
        })
        .await?;
    if let Err(wait) = limited {
        tracing::warn!("registration limit reached");
        return Err(AppError::TooManyAttempts {
            retry_after_seconds: wait.seconds(),
        });
    }
    let registration = Registration {
        email: request.email,
        password: request.password,
        display_name,
        company_name,
        kvk_number: request.kvk_number,
    };
    let background = state.clone();
    tokio::spawn(async move {
        let public_url = background.public_url.clone();
        let filed = background
            .with_connection(move |connection| {
                // Hashed whatever the outcome, so every outcome costs the same.
                let password_hash =
                    hash_password(registration.password.expose()).map_err(AppError::internal)?;
                connection.transaction(|connection| {
                    file(
                        connection,
                        &registration,
                        &password_hash,
                        &public_url,
                        Utc::now(),
                    )
                })
            })
            .await;
        match filed {
            Ok(filed) => tracing::info!(?filed, "registration handled"),
            Err(error) => tracing::warn!(?error, "registration failed"),
        }
    });
    Ok(())
}

/// Handles a registration inside one transaction (see the module).
fn file(
    connection: &mut PgConnection,
    registration: &Registration,
    password_hash: &str,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Filed, AppError> {
    if let Some(owner) = users::find_by_email(connection, &registration.email)? {
        if owner.disabled_at.is_none() {
            let (subject, body) = mail::address_taken(&owner.display_name, public_url);
            queue(connection, &owner, &subject, &body)?;
        }
        return Ok(Filed::ExistingAccount);
    }
    if let Some((organisation_id, company)) = existing_company(connection, registration)? {
        let (subject, body) = mail::company_taken(
            &company,
            &registration.display_name,
            registration.email.as_str(),
            public_url,
        );
        for contact in contacts_of(connection, organisation_id)? {
            queue(connection, &contact, &subject, &body)?;
        }
        return Ok(Filed::ExistingCompany);
    }
    let organisation = organisations::insert(
        connection,
        &organisations::NewOrganisation {
            kind: OrganisationKind::StartupCompany,
            name: &registration.company_name,
            rom: None,
        },
    )?;
    let user = users::insert(
        connection,
        &users::NewUser {
            email: &registration.email,
            password_hash,
            display_name: &registration.display_name,
            role: Role::Startup,
            organisation_id: Some(organisation.id),
            vetted_at: None,
            email_verified_at: None,
        },
    )?;
    personal_data::record_privacy_consent(connection, user.id, now)?;
    let started = start_verification(connection, user.id, now)?;
    let (subject, body) = mail::verification(&user.display_name, &started.token, public_url);
    queue(connection, &user, &subject, &body)?;
    Ok(Filed::Created)
}

/// The start-up company that has the registration's name or KvK number,
/// with its name.
fn existing_company(
    connection: &mut PgConnection,
    registration: &Registration,
) -> Result<Option<(uuid::Uuid, String)>, AppError> {
    if let Some(named) = organisations::find_by_name(
        connection,
        OrganisationKind::StartupCompany,
        &registration.company_name,
    )? {
        return Ok(Some((named.id, named.name)));
    }
    let Some(kvk_number) = &registration.kvk_number else {
        return Ok(None);
    };
    let Some((organisation_id, _)) = startups::find_company_by_kvk(connection, kvk_number)? else {
        return Ok(None);
    };
    let organisation = organisations::find(connection, organisation_id)?;
    Ok(Some((organisation.id, organisation.name)))
}

/// Who speaks for a company: its own people; without any (an import), the
/// ROM officers of its province; without those, the admins.
fn contacts_of(
    connection: &mut PgConnection,
    organisation_id: uuid::Uuid,
) -> Result<Vec<users::UserRow>, AppError> {
    let members = users::active_of_organisation(connection, organisation_id)?;
    if !members.is_empty() {
        return Ok(members);
    }
    if let Some(province) = startups::province_of_organisation(connection, organisation_id)? {
        let officers = users::active_rom_officers(connection, province.rom())?;
        if !officers.is_empty() {
            return Ok(officers);
        }
    }
    Ok(users::active_admins(connection)?)
}

fn queue(
    connection: &mut PgConnection,
    recipient: &users::UserRow,
    subject: &str,
    body: &str,
) -> Result<(), AppError> {
    queue_account_mail(
        connection,
        &AccountMail {
            user_id: recipient.id,
            recipient: recipient.email.as_str(),
            subject,
            body,
        },
    )?;
    Ok(())
}

/// Confirms an address with the token of a verification link; answers
/// the account's id.
pub async fn verify_email(state: &AppState, token: String) -> Result<uuid::Uuid, AppError> {
    let user_id = state
        .with_connection(move |connection| {
            Ok(finish_verification(connection, token.trim(), Utc::now())?)
        })
        .await?;
    // The mailed link is followed with a GET, so the server's forgetting
    // after writes does not cover it; the next page must see the address
    // confirmed.
    state.sessions.forget_user(user_id);
    tracing::info!(%user_id, "e-mail address confirmed");
    Ok(user_id)
}

/// Sends `member` a new verification link; nothing when the address is
/// confirmed already. Limited per client address like registrations, since
/// each sends a mail.
pub async fn resend_verification(
    state: &AppState,
    member: &Member,
    client_ip: String,
) -> Result<(), AppError> {
    if member.email_verified {
        return Ok(());
    }
    let user_id = member.user_id;
    let limits = state.login_limits;
    let public_url = state.public_url.clone();
    state
        .with_connection(move |connection| {
            let now = Utc::now();
            let limited = rate_limit::count_request(
                connection,
                &limits,
                LimitedRequest::Registration,
                &client_ip,
                now,
            )?;
            if let Err(wait) = limited {
                return Err(AppError::TooManyAttempts {
                    retry_after_seconds: wait.seconds(),
                });
            }
            connection.transaction(|connection| {
                let user = users::find(connection, user_id)?;
                let started = start_verification(connection, user.id, now)?;
                let (subject, body) =
                    mail::verification(&user.display_name, &started.token, &public_url);
                queue(connection, &user, &subject, &body)
            })
        })
        .await
}
