//! Single sign-on for staff through the OpenID Connect provider
//! (`auth::oidc`, docs/single-sign-on.md).
//!
//! [`start`] keeps the PKCE verifier and nonce server-side under the hash
//! of a random state (ten minutes, spent by the first callback) and sends
//! the browser to the provider; the state also goes into a cookie, so that
//! a callback only finishes in the browser that started it. [`finish`]
//! checks the state, has the provider's answer verified, and matches the
//! verified e-mail address to an account ([`account_for_address`]); the
//! rule of who may is `domain::policy::may_sign_in_with_sso`. A match
//! starts a session exactly like a password login.

use chrono::Utc;
use diesel::{Connection, OptionalExtension, PgConnection};

use crate::app::accounts::invitations::accept_verified_invitation;
use crate::app::{AppError, AppState};
use crate::auth::oidc::{hash_state, OidcError};
use crate::auth::sessions::{self, IssuedTokens, LoginMethod};
use crate::db::{organisations, sso_logins, users};
use crate::domain::account::{EmailAddress, Role};
use crate::domain::policy::may_sign_in_with_sso;

/// How long a sign-in may stay at the provider.
const PENDING_MINUTES: i64 = 10;

/// Why a single sign-on did not sign anyone in. The pages word each.
#[derive(Debug, thiserror::Error)]
pub enum SsoFailure {
    #[error("single sign-on is not configured")]
    Off,
    /// The state is unknown, spent, expired, or not this browser's.
    #[error("the sign-in expired or was used already")]
    Expired,
    /// The provider sent no code: the person cancelled, or it refused.
    #[error("the provider sent the browser back without a sign-in")]
    Cancelled,
    #[error(transparent)]
    Provider(#[from] OidcError),
    /// The provider did not vouch for the address.
    #[error("the provider did not verify the e-mail address")]
    UnverifiedAddress,
    /// No staff account in an organisation that allows the address's domain.
    #[error("no account may sign in with this address")]
    NoAccount,
    #[error("the account is disabled")]
    AccountDisabled,
    #[error(transparent)]
    App(#[from] AppError),
}

/// A sign-in begun: where to send the browser, and the state for its cookie.
#[derive(Debug)]
pub struct SsoStarted {
    pub redirect_to: String,
    pub state: String,
}

/// Begins a sign-in at the provider.
pub async fn start(state: &AppState) -> Result<SsoStarted, SsoFailure> {
    let client = state.single_sign_on.clone().ok_or(SsoFailure::Off)?;
    let begun = client.begin().await?;
    let (state_hash, verifier, nonce) = (
        hash_state(&begun.state),
        begun.code_verifier.clone(),
        begun.nonce.clone(),
    );
    state
        .with_connection(move |connection| {
            let now = Utc::now();
            sso_logins::delete_expired(connection, now)?;
            let expires_at = now + chrono::Duration::minutes(PENDING_MINUTES);
            sso_logins::insert(connection, &state_hash, &verifier, &nonce, expires_at)?;
            Ok(())
        })
        .await?;
    Ok(SsoStarted {
        redirect_to: begun.authorization_url,
        state: begun.state,
    })
}

/// What the provider's redirect brought back, and the state this browser keeps.
#[derive(Debug)]
pub struct SsoCallback {
    pub code: String,
    pub state: String,
    pub browser_state: Option<String>,
}

/// A session started by single sign-on, and the role it is for.
#[derive(Debug)]
pub struct SignedInBySso {
    pub tokens: IssuedTokens,
    pub role: Role,
}

/// Finishes a sign-in from `client_ip`: a session for the matched account.
pub async fn finish(
    state: &AppState,
    client_ip: String,
    callback: SsoCallback,
) -> Result<SignedInBySso, SsoFailure> {
    let client = state.single_sign_on.clone().ok_or(SsoFailure::Off)?;
    // Spent whatever comes next, so that a state works once.
    let state_hash = hash_state(&callback.state);
    let pending = state
        .with_connection(move |connection| Ok(sso_logins::take(connection, &state_hash)?))
        .await?;
    let pending = pending
        .filter(|pending| pending.expires_at > Utc::now())
        .ok_or(SsoFailure::Expired)?;
    if callback.browser_state.as_deref() != Some(callback.state.as_str()) {
        return Err(SsoFailure::Expired);
    }
    if callback.code.is_empty() {
        return Err(SsoFailure::Cancelled);
    }
    let identity = client
        .finish(&callback.code, &pending.code_verifier, &pending.nonce)
        .await?;
    let email = match (identity.email, identity.email_verified) {
        (Some(email), true) => email,
        _ => return Err(SsoFailure::UnverifiedAddress),
    };
    let email = EmailAddress::try_from(email).map_err(|_| SsoFailure::NoAccount)?;
    let admin_domain = client.admin_email_domain().map(str::to_owned);
    let keys = state.token_keys.clone();
    let session_ttl = state.session_ttl;
    let signed_in = state
        .with_connection(move |connection| {
            let Some(user) = account_for_address(connection, &email, admin_domain.as_deref())?
            else {
                return Ok(Err(SsoFailure::NoAccount));
            };
            if user.disabled_at.is_some() {
                return Ok(Err(SsoFailure::AccountDisabled));
            }
            let tokens = sessions::start_session(
                connection,
                &keys,
                session_ttl,
                &user,
                &client_ip,
                LoginMethod::SingleSignOn,
                Utc::now(),
            )?;
            Ok(Ok(SignedInBySso {
                tokens,
                role: user.role,
            }))
        })
        .await??;
    tracing::info!(user_id = %signed_in.tokens.user_id, "login by single sign-on");
    Ok(signed_in)
}

/// The account that a verified `email` from the provider signs in as: the
/// staff account with that address whose organisation allows the
/// address's domain (admins: `admin_domain`), or else the account of a
/// pending invitation to that address, which signing in accepts. `None`
/// when there is neither.
///
/// The one place where an address becomes an account.
pub fn account_for_address(
    connection: &mut PgConnection,
    email: &EmailAddress,
    admin_domain: Option<&str>,
) -> Result<Option<users::UserRow>, AppError> {
    let Some(user) = users::find_by_email(connection, email)? else {
        return connection.transaction(|connection| {
            accept_verified_invitation(connection, email, Utc::now(), |connection, invitation| {
                domain_allows(
                    connection,
                    invitation.role,
                    invitation.organisation_id,
                    email,
                    admin_domain,
                )
            })
        });
    };
    Ok(domain_allows(
        connection,
        user.role,
        user.organisation_id,
        email,
        admin_domain,
    )?
    .then_some(user))
}

/// Whether `email` may sign in by single sign-on as `role` of
/// `organisation_id`, by that organisation's e-mail domain (admins:
/// `admin_domain`).
fn domain_allows(
    connection: &mut PgConnection,
    role: Role,
    organisation_id: Option<uuid::Uuid>,
    email: &EmailAddress,
    admin_domain: Option<&str>,
) -> Result<bool, AppError> {
    let allowed_domain = match organisation_id {
        Some(organisation_id) => organisations::find(connection, organisation_id)
            .optional()?
            .and_then(|organisation| organisation.sso_email_domain),
        None => admin_domain.map(str::to_owned),
    };
    let address_domain = email
        .as_str()
        .rsplit_once('@')
        .map(|(_, domain)| domain)
        .unwrap_or_default();
    Ok(may_sign_in_with_sso(
        role,
        allowed_domain.as_deref(),
        address_domain,
    ))
}
