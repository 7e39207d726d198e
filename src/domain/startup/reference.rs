//! How a caller names a start-up profile: by its id, or, where the caller
//! sees only an anonymous card, by the card's opaque handle. A handle is
//! issued per introduction and per answer, so two cards of one start-up
//! cannot be linked, and learning who is behind one card (a reveal) says
//! nothing about the others.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What starts every card handle, so that it never parses as an id.
pub const CARD_HANDLE_PREFIX: &str = "card-";

/// Length of a handle's body: base64url (no padding) of 44 bytes.
const CARD_HANDLE_BODY_LEN: usize = 59;

/// An anonymous card's opaque handle (`card-` and 59 base64url characters).
/// Only the server can open it, and only for the organisation it was issued to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CardHandle(String);

impl CardHandle {
    /// The handle as issued; `None` when `raw` does not have a handle's shape.
    pub fn parse(raw: &str) -> Option<Self> {
        let body = raw.strip_prefix(CARD_HANDLE_PREFIX)?;
        let well_formed = body.len() == CARD_HANDLE_BODY_LEN
            && body
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
        well_formed.then(|| CardHandle(raw.to_owned()))
    }

    /// The handle around `body`, the base64url text the issuer made.
    pub fn from_body(body: &str) -> Self {
        CardHandle(format!("{CARD_HANDLE_PREFIX}{body}"))
    }

    /// The base64url text after the prefix.
    pub fn body(&self) -> &str {
        &self.0[CARD_HANDLE_PREFIX.len()..]
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A start-up as a request names it, and as a profile view names itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum StartupRef {
    Id(Uuid),
    Handle(CardHandle),
}

/// Text that is neither a start-up id nor a card handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be a start-up id (UUID) or the handle of an anonymous card (card-…)")]
pub struct NotAStartupRef;

impl StartupRef {
    /// The id, when the reference is one.
    pub fn id(&self) -> Option<Uuid> {
        match self {
            StartupRef::Id(id) => Some(*id),
            StartupRef::Handle(_) => None,
        }
    }
}

impl FromStr for StartupRef {
    type Err = NotAStartupRef;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        if let Some(handle) = CardHandle::parse(raw) {
            return Ok(StartupRef::Handle(handle));
        }
        Uuid::parse_str(raw)
            .map(StartupRef::Id)
            .map_err(|_| NotAStartupRef)
    }
}

impl TryFrom<String> for StartupRef {
    type Error = NotAStartupRef;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        raw.parse()
    }
}

impl From<StartupRef> for String {
    fn from(reference: StartupRef) -> Self {
        reference.to_string()
    }
}

impl From<Uuid> for StartupRef {
    fn from(id: Uuid) -> Self {
        StartupRef::Id(id)
    }
}

impl fmt::Display for StartupRef {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartupRef::Id(id) => id.fmt(formatter),
            StartupRef::Handle(handle) => formatter.write_str(handle.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_handles_parse_and_print_back() {
        let id = Uuid::new_v4();
        assert_eq!(id.to_string().parse::<StartupRef>(), Ok(StartupRef::Id(id)));
        let handle = format!("{CARD_HANDLE_PREFIX}{}", "a".repeat(CARD_HANDLE_BODY_LEN));
        let parsed: StartupRef = handle.parse().expect("a handle");
        assert!(matches!(parsed, StartupRef::Handle(_)));
        assert_eq!(parsed.to_string(), handle);
    }

    #[test]
    fn anything_else_is_refused() {
        for raw in [
            "",
            "card-",
            "card-abc",
            "not-a-uuid",
            &format!("card-{}", "!".repeat(59)),
        ] {
            assert_eq!(raw.parse::<StartupRef>(), Err(NotAStartupRef), "{raw}");
        }
    }
}
