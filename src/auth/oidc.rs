//! The OpenID Connect client of single sign-on: the authorization code
//! flow with PKCE (S256), state and nonce, against the provider named by
//! `OIDC_ISSUER` (docs/single-sign-on.md).
//!
//! The provider's endpoints come from its discovery document
//! (`/.well-known/openid-configuration`), whose `issuer` must be the
//! configured one. The ID token is checked here: its signature by a key of
//! the provider's JWKS (RS256 only, the algorithm every provider must
//! offer), its `iss`, `aud`, `exp` and `nonce`. Claims the ID token lacks
//! (providers may keep `email` for the userinfo endpoint) are read from
//! userinfo with the access token, for the same subject.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rand::RngCore;
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::config::OidcSettings;

/// How long a call to the provider may take.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer read from the provider.
const MAX_PROVIDER_ANSWER_BYTES: usize = 1024 * 1024;

/// Why a sign-in could not be finished with the provider.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider could not be reached or answered something unusable.
    #[error("the identity provider failed: {0}")]
    Provider(String),
    /// The ID token (or userinfo) did not pass the checks.
    #[error("the identity provider's answer was rejected: {0}")]
    Rejected(String),
}

/// What the provider's discovery document says, as far as defmatch uses it.
#[derive(Debug, Deserialize)]
struct ProviderMetadata {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    #[serde(default)]
    userinfo_endpoint: Option<String>,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Vec<String>,
}

/// A sign-in begun: where to send the browser, and the secrets the
/// callback needs (kept server-side by the caller).
#[derive(Debug)]
pub struct SignInStart {
    pub authorization_url: String,
    pub state: String,
    pub code_verifier: String,
    pub nonce: String,
}

/// Who the provider says signed in.
#[derive(Debug, Clone)]
pub struct VerifiedIdentity {
    pub subject: String,
    pub email: Option<String>,
    /// Whether the provider verified `email`.
    pub email_verified: bool,
}

/// The client of one provider; discovery and keys are fetched on first use
/// and kept (the keys are fetched again when a token names an unknown one).
pub struct OidcClient {
    settings: OidcSettings,
    redirect_uri: String,
    metadata: Mutex<Option<Arc<ProviderMetadata>>>,
    keys: Mutex<Option<Arc<JwkSet>>>,
}

impl std::fmt::Debug for OidcClient {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("OidcClient")
            .field("issuer", &self.settings.issuer)
            .field("redirect_uri", &self.redirect_uri)
            .finish()
    }
}

/// 32 random bytes as base64url: states, nonces and PKCE verifiers.
fn random_secret() -> String {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The PKCE S256 challenge of `verifier`.
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The stored form of a state.
pub fn hash_state(state: &str) -> Vec<u8> {
    Sha256::digest(state.as_bytes()).to_vec()
}

impl OidcClient {
    /// A client for `settings`, whose callback is on `public_url`.
    pub fn new(settings: OidcSettings, public_url: &str) -> Self {
        OidcClient {
            redirect_uri: format!("{}/auth/sso/callback", public_url.trim_end_matches('/')),
            settings,
            metadata: Mutex::new(None),
            keys: Mutex::new(None),
        }
    }

    /// The domain of the addresses with which admins may sign in.
    pub fn admin_email_domain(&self) -> Option<&str> {
        self.settings.admin_email_domain.as_deref()
    }

    /// Begins a sign-in: new state, nonce and PKCE verifier, and the
    /// provider's authorization URL that carries them.
    pub async fn begin(&self) -> Result<SignInStart, OidcError> {
        let metadata = self.metadata().await?;
        let (state, nonce, code_verifier) = (random_secret(), random_secret(), random_secret());
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.settings.client_id)
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("scope", "openid email")
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &pkce_challenge(&code_verifier))
            .append_pair("code_challenge_method", "S256")
            .finish();
        let separator = if metadata.authorization_endpoint.contains('?') {
            '&'
        } else {
            '?'
        };
        Ok(SignInStart {
            authorization_url: format!("{}{separator}{query}", metadata.authorization_endpoint),
            state,
            code_verifier,
            nonce,
        })
    }

    /// Finishes a sign-in: exchanges `code` (with the PKCE verifier) for
    /// tokens and checks the ID token against `nonce`.
    pub async fn finish(
        &self,
        code: &str,
        code_verifier: &str,
        nonce: &str,
    ) -> Result<VerifiedIdentity, OidcError> {
        let metadata = self.metadata().await?;
        let tokens = self.exchange(&metadata, code, code_verifier).await?;
        let claims = self.verify_id_token(&metadata, &tokens.id_token).await?;
        if claims.nonce.as_deref() != Some(nonce) {
            return Err(OidcError::Rejected("the nonce does not match".to_owned()));
        }
        let mut identity = VerifiedIdentity {
            subject: claims.sub,
            email: claims.email,
            email_verified: claims.email_verified.as_ref().is_some_and(is_true),
        };
        if identity.email.is_none() {
            if let (Some(endpoint), Some(access_token)) =
                (&metadata.userinfo_endpoint, &tokens.access_token)
            {
                let info: UserInfo = get_json(
                    client()
                        .get(endpoint)
                        .bearer_auth(access_token)
                        .send()
                        .await,
                )
                .await?;
                if info.sub != identity.subject {
                    return Err(OidcError::Rejected(
                        "userinfo is about another subject".to_owned(),
                    ));
                }
                identity.email = info.email;
                identity.email_verified = info.email_verified.as_ref().is_some_and(is_true);
            }
        }
        Ok(identity)
    }

    async fn exchange(
        &self,
        metadata: &ProviderMetadata,
        code: &str,
        code_verifier: &str,
    ) -> Result<TokenAnswer, OidcError> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("code_verifier", code_verifier),
        ];
        let secret = self.settings.client_secret.expose_secret();
        let methods = &metadata.token_endpoint_auth_methods_supported;
        // client_secret_basic is the default of the specification.
        let basic = methods.is_empty() || methods.iter().any(|m| m == "client_secret_basic");
        let mut request = client().post(&metadata.token_endpoint);
        if basic {
            let encode = |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect();
            let (id, password): (String, String) =
                (encode(&self.settings.client_id), encode(secret));
            request = request.insert_header((
                "Authorization",
                format!("Basic {}", STANDARD.encode(format!("{id}:{password}"))),
            ));
        } else {
            form.push(("client_id", self.settings.client_id.as_str()));
            form.push(("client_secret", secret));
        }
        get_json(request.send_form(&form).await).await
    }

    async fn verify_id_token(
        &self,
        metadata: &ProviderMetadata,
        id_token: &str,
    ) -> Result<IdClaims, OidcError> {
        let header = jsonwebtoken::decode_header(id_token)
            .map_err(|error| OidcError::Rejected(format!("ID token header: {error}")))?;
        if header.alg != Algorithm::RS256 {
            return Err(OidcError::Rejected(format!(
                "ID token signed with {:?}, not RS256",
                header.alg
            )));
        }
        let key = match self
            .signing_key(metadata, header.kid.as_deref(), false)
            .await?
        {
            Some(key) => key,
            // The provider may have rotated its keys since they were fetched.
            None => self
                .signing_key(metadata, header.kid.as_deref(), true)
                .await?
                .ok_or_else(|| OidcError::Rejected("no key of the provider fits".to_owned()))?,
        };
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&metadata.issuer]);
        validation.set_audience(&[&self.settings.client_id]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        jsonwebtoken::decode::<IdClaims>(id_token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|error| OidcError::Rejected(format!("ID token: {error}")))
    }

    /// The provider's key `kid` (or its only key when the token names
    /// none); `refresh` fetches the key set again.
    async fn signing_key(
        &self,
        metadata: &ProviderMetadata,
        kid: Option<&str>,
        refresh: bool,
    ) -> Result<Option<DecodingKey>, OidcError> {
        let cached = self.keys.lock().ok().and_then(|keys| keys.clone());
        let keys = match cached {
            Some(keys) if !refresh => keys,
            _ => {
                let fetched: Arc<JwkSet> =
                    Arc::new(get_json(client().get(&metadata.jwks_uri).send().await).await?);
                if let Ok(mut keys) = self.keys.lock() {
                    *keys = Some(fetched.clone());
                }
                fetched
            }
        };
        let jwk = match kid {
            Some(kid) => keys.find(kid),
            None if keys.keys.len() == 1 => keys.keys.first(),
            None => None,
        };
        jwk.map(|jwk| {
            DecodingKey::from_jwk(jwk)
                .map_err(|error| OidcError::Rejected(format!("provider key: {error}")))
        })
        .transpose()
    }

    async fn metadata(&self) -> Result<Arc<ProviderMetadata>, OidcError> {
        if let Some(metadata) = self.metadata.lock().ok().and_then(|cached| cached.clone()) {
            return Ok(metadata);
        }
        let url = format!("{}/.well-known/openid-configuration", self.settings.issuer);
        let metadata: ProviderMetadata = get_json(client().get(&url).send().await).await?;
        if metadata.issuer.trim_end_matches('/') != self.settings.issuer {
            return Err(OidcError::Provider(format!(
                "the discovery document names issuer {}, not {}",
                metadata.issuer, self.settings.issuer
            )));
        }
        let metadata = Arc::new(metadata);
        if let Ok(mut cached) = self.metadata.lock() {
            *cached = Some(metadata.clone());
        }
        Ok(metadata)
    }
}

#[derive(Debug, Deserialize)]
struct TokenAnswer {
    id_token: String,
    #[serde(default)]
    access_token: Option<String>,
}

#[derive(Debug, Deserialize)]
struct IdClaims {
    sub: String,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct UserInfo {
    sub: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<serde_json::Value>,
}

/// `true`, or the string "true" that some providers send.
fn is_true(value: &serde_json::Value) -> bool {
    value.as_bool() == Some(true) || value.as_str() == Some("true")
}

fn client() -> awc::Client {
    awc::Client::builder().timeout(PROVIDER_TIMEOUT).finish()
}

/// The JSON body of a successful answer.
async fn get_json<T: DeserializeOwned>(
    sent: Result<awc::ClientResponse, awc::error::SendRequestError>,
) -> Result<T, OidcError> {
    let mut response = sent.map_err(|error| OidcError::Provider(error.to_string()))?;
    let status = response.status();
    let body = response
        .body()
        .limit(MAX_PROVIDER_ANSWER_BYTES)
        .await
        .map_err(|error| OidcError::Provider(error.to_string()))?;
    if !status.is_success() {
        // The provider's error code, never its whole answer.
        let code = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|answer| answer["error"].as_str().map(str::to_owned))
            .unwrap_or_default();
        return Err(OidcError::Provider(format!("HTTP {status} {code}")));
    }
    serde_json::from_slice(&body).map_err(|error| OidcError::Provider(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pkce_challenge_is_the_s256_of_the_verifier() {
        // The example of RFC 7636, appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let secret = random_secret();
        assert_eq!(secret.len(), 43);
        assert_ne!(secret, random_secret());
    }
}
