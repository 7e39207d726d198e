//! Extractors that parse input into domain types at the edge and turn every
//! parsing failure into an [`ApiError`] that names the field.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use super::error::{ApiError, ErrorCode};

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A JSON body deserialised into `T`, with errors that name the field.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<mime::Mime>().ok())
            .is_some_and(|mime| {
                mime.type_() == mime::APPLICATION
                    && (mime.subtype() == mime::JSON || mime.suffix() == Some(mime::JSON))
            });
        let bytes = Bytes::from_request(request, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::new(
                    ErrorCode::UnsupportedMediaType,
                    "send the body as JSON with Content-Type: application/json",
                ));
            }
            let bytes = bytes.await.map_err(|error| {
                if error.as_response_error().status_code()
                    == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE
                {
                    body_too_large()
                } else {
                    ApiError::new(
                        ErrorCode::MalformedJson,
                        "the request body could not be read",
                    )
                }
            })?;
            parse_json(&bytes).map(JsonBody)
        })
    }
}

fn body_too_large() -> ApiError {
    ApiError::new(
        ErrorCode::PayloadTooLarge,
        format!("the request body is larger than {MAX_BODY_BYTES} bytes"),
    )
}

/// Parses JSON bytes, telling syntax errors (malformed JSON) from content
/// errors (a field of the wrong type, unknown or out of range).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        json_error(&inner, &path)
    })?;
    deserializer.end().map_err(|error| {
        ApiError::new(ErrorCode::MalformedJson, format!("malformed JSON: {error}"))
    })?;
    Ok(parsed)
}

fn json_error(error: &serde_json::Error, path: &str) -> ApiError {
    use serde_json::error::Category;
    match error.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            ApiError::new(ErrorCode::MalformedJson, format!("malformed JSON: {error}"))
        }
        Category::Data => {
            let message = strip_position(&error.to_string());
            // serde names an unknown or missing field in its message but the
            // path stops at the parent; take the field from the message.
            let field = field_from_message(&message)
                .map(|name| join_path(path, &name))
                .unwrap_or_else(|| path.to_owned());
            let mut api_error = ApiError::new(ErrorCode::InvalidInput, message);
            if !field.is_empty() && field != "." {
                api_error = api_error.with_field(field);
            }
            api_error
        }
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

fn field_from_message(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("missing field `"))?;
    rest.split('`').next().map(str::to_owned)
}

fn join_path(parent: &str, name: &str) -> String {
    // For an unknown field the path already ends at the field itself.
    if parent == name || parent.ends_with(&format!(".{name}")) {
        return parent.to_owned();
    }
    if parent.is_empty() || parent == "." {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}

/// A query string deserialised into `T`, with errors that name the parameter.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned> FromRequest for QueryParams<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(request.query_string()).map(QueryParams))
    }
}

/// Parses a query string; a bad value or unknown parameter is a 400 naming it.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let message = strip_position(&error.inner().to_string());
        let field = field_from_message(&message)
            .map(|name| join_path(&path, &name))
            .unwrap_or(path);
        let api_error = ApiError::new(
            ErrorCode::InvalidInput,
            format!("bad query parameter: {message}"),
        );
        if field.is_empty() || field == "." {
            api_error
        } else {
            api_error.with_field(field)
        }
    })
}

/// Turns a bad query string into a 400 that names the parameter.
pub fn query_error(error: QueryPayloadError, _request: &HttpRequest) -> actix_web::Error {
    let message = match &error {
        QueryPayloadError::Deserialize(inner) => inner.to_string(),
        other => other.to_string(),
    };
    let mut api_error = ApiError::new(
        ErrorCode::InvalidInput,
        format!("bad query parameter: {message}"),
    );
    if let Some(name) = field_from_message(&message) {
        api_error = api_error.with_field(name);
    }
    api_error.into()
}

/// A path segment that does not parse (a malformed id) names nothing: 404.
/// Unless the path is a concrete one that a template also fits
/// (`DELETE /invitations/accept` reached `DELETE /invitations/{id}`): the
/// concrete path's methods are the ones allowed there, so another is 405.
pub fn path_error(_error: PathError, request: &HttpRequest) -> actix_web::Error {
    let allowed = super::openapi::methods_for_path(request.path());
    if !allowed.is_empty() && !allowed.contains(&request.method().as_str()) {
        let response = super::unrouted(request);
        return actix_web::error::InternalError::from_response("method not allowed", response)
            .into();
    }
    ApiError::not_found("resource").into()
}

/// Errors of actix's own JSON extractor, should a route use it.
pub fn json_config_error(error: JsonPayloadError, _request: &HttpRequest) -> actix_web::Error {
    match error {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            body_too_large().into()
        }
        JsonPayloadError::ContentType => {
            ApiError::new(ErrorCode::UnsupportedMediaType, "send the body as JSON").into()
        }
        JsonPayloadError::Deserialize(inner) => json_error(&inner, "").into(),
        other => ApiError::new(ErrorCode::MalformedJson, other.to_string()).into(),
    }
}

/// The version a client says it is updating, from `If-Match`: the ETag of
/// that version. `*` is refused like a missing header: an update must name
/// what it changes, so that no edit silently overwrites another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfMatch(pub i32);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        std::future::ready(parse_if_match(request))
    }
}

fn parse_if_match(request: &HttpRequest) -> Result<IfMatch, ApiError> {
    let precondition_required = || {
        ApiError::new(
            ErrorCode::PreconditionRequired,
            "send If-Match with the version (ETag) you are updating, so that no edit silently overwrites another",
        )
        .with_field("If-Match")
    };
    let Some(value) = request.headers().get(header::IF_MATCH) else {
        return Err(precondition_required());
    };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Err(precondition_required());
    }
    let quoted = text.strip_prefix("W/").unwrap_or(text);
    let digits = quoted
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .filter(|digits| !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit()));
    // A version too large for any resource is well-formed but never current: 412.
    digits
        .map(|digits| IfMatch(digits.parse::<i32>().unwrap_or(-1)))
        .ok_or_else(|| {
            ApiError::invalid(
                "If-Match",
                "If-Match must be the ETag of the resource, for example \"3\"",
            )
        })
}

/// The client's address, through the trusted proxies the server was given.
pub fn client_address(request: &HttpRequest) -> String {
    let forwarded_for = request
        .headers()
        .get("x-forwarded-for")
        .and_then(|value| value.to_str().ok());
    let trusted = request.app_data::<actix_web::web::Data<crate::config::TrustedProxies>>();
    crate::auth::client_address(
        request.peer_addr(),
        forwarded_for,
        trusted.map_or(&crate::config::TrustedProxies::default(), |data| {
            data.get_ref()
        }),
    )
}

/// The ETag header value for a version.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        trl: crate::domain::readiness::Trl,
        name: String,
    }

    #[test]
    fn json_errors_name_their_field() {
        let malformed = parse_json::<Sample>(b"{\"trl\": ").unwrap_err();
        assert_eq!(malformed.code, ErrorCode::MalformedJson);
        let out_of_range = parse_json::<Sample>(br#"{"trl": 10, "name": "x"}"#).unwrap_err();
        assert_eq!(out_of_range.field.as_deref(), Some("trl"));
        let unknown = parse_json::<Sample>(br#"{"trl": 3, "name": "x", "colour": 1}"#).unwrap_err();
        assert_eq!(unknown.field.as_deref(), Some("colour"));
        let missing = parse_json::<Sample>(br#"{"trl": 3}"#).unwrap_err();
        assert_eq!(missing.field.as_deref(), Some("name"));
        let wrong_type = parse_json::<Sample>(br#"{"trl": "three", "name": "x"}"#).unwrap_err();
        assert_eq!(wrong_type.field.as_deref(), Some("trl"));
        assert_eq!(wrong_type.code, ErrorCode::InvalidInput);
    }
}
