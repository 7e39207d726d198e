//! Sealing a start-up's id into an anonymous card's handle, and opening it
//! again. The handle is the id encrypted for one reader organisation and
//! one context (an introduction, or one answer), then authenticated:
//! nobody else can open it, forge one, or tell from two handles whether
//! they name the same start-up.
//!
//! Construction (encrypt-then-MAC with HMAC-SHA256 as the pseudo-random
//! function; three keys derived from the token secret):
//! - nonce = HMAC(k_nonce, reader ‖ context ‖ id)[..12], synthetic, so one
//!   context gives one start-up one handle, and different start-ups never
//!   share a nonce;
//! - sealed id = id ⊕ HMAC(k_stream, reader ‖ nonce)[..16];
//! - tag = HMAC(k_tag, reader ‖ nonce ‖ sealed id)[..16];
//! - handle = `card-` base64url(nonce ‖ sealed id ‖ tag).
//!
//! Every replica shares the token secret, so any replica opens any handle.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use uuid::Uuid;

use crate::domain::startup::CardHandle;

const NONCE_LEN: usize = 12;
const ID_LEN: usize = 16;
const TAG_LEN: usize = 16;

/// The keys that seal and open card handles.
#[derive(Clone)]
pub struct CardHandleKeys {
    nonce: [u8; 32],
    stream: [u8; 32],
    tag: [u8; 32],
}

impl std::fmt::Debug for CardHandleKeys {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("CardHandleKeys(..)")
    }
}

fn prf(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

impl CardHandleKeys {
    /// Keys derived from the token secret, one per purpose.
    pub fn new(secret: &SecretString) -> Self {
        let secret = secret.expose_secret().as_bytes();
        CardHandleKeys {
            nonce: prf(secret, &[b"defmatch card handle nonce"]),
            stream: prf(secret, &[b"defmatch card handle stream"]),
            tag: prf(secret, &[b"defmatch card handle tag"]),
        }
    }

    /// The handle of start-up `startup_id` for `reader` (an organisation) in `context`.
    pub fn seal(&self, reader: Uuid, context: &[u8], startup_id: Uuid) -> CardHandle {
        let digest = prf(
            &self.nonce,
            &[reader.as_bytes(), context, startup_id.as_bytes()],
        );
        let mut sealed = [0u8; NONCE_LEN + ID_LEN + TAG_LEN];
        sealed[..NONCE_LEN].copy_from_slice(&digest[..NONCE_LEN]);
        let stream = prf(&self.stream, &[reader.as_bytes(), &sealed[..NONCE_LEN]]);
        for (index, byte) in startup_id.as_bytes().iter().enumerate() {
            sealed[NONCE_LEN + index] = byte ^ stream[index];
        }
        let tag = prf(
            &self.tag,
            &[reader.as_bytes(), &sealed[..NONCE_LEN + ID_LEN]],
        );
        sealed[NONCE_LEN + ID_LEN..].copy_from_slice(&tag[..TAG_LEN]);
        CardHandle::from_body(&URL_SAFE_NO_PAD.encode(sealed))
    }

    /// The start-up id inside `handle`, when it was sealed for `reader` by
    /// these keys; `None` for a forged, altered or foreign handle.
    pub fn open(&self, reader: Uuid, handle: &CardHandle) -> Option<Uuid> {
        let sealed = URL_SAFE_NO_PAD.decode(handle.body()).ok()?;
        if sealed.len() != NONCE_LEN + ID_LEN + TAG_LEN {
            return None;
        }
        let expected = prf(
            &self.tag,
            &[reader.as_bytes(), &sealed[..NONCE_LEN + ID_LEN]],
        );
        // Constant-time comparison: the tag must not be guessable byte by byte.
        let difference = expected[..TAG_LEN]
            .iter()
            .zip(&sealed[NONCE_LEN + ID_LEN..])
            .fold(0u8, |acc, (left, right)| acc | (left ^ right));
        if difference != 0 {
            return None;
        }
        let stream = prf(&self.stream, &[reader.as_bytes(), &sealed[..NONCE_LEN]]);
        let mut id = [0u8; ID_LEN];
        for (index, byte) in sealed[NONCE_LEN..NONCE_LEN + ID_LEN].iter().enumerate() {
            id[index] = byte ^ stream[index];
        }
        Some(Uuid::from_bytes(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str) -> CardHandleKeys {
        CardHandleKeys::new(&SecretString::from(secret.to_owned()))
    }

    #[test]
    fn a_handle_opens_for_its_reader_only() {
        let keys = keys("a secret of enough length for the tests here");
        let (reader, stranger, startup) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let handle = keys.seal(reader, b"answer 1", startup);
        assert!(CardHandle::parse(handle.as_str()).is_some(), "{handle:?}");
        assert_eq!(keys.open(reader, &handle), Some(startup));
        assert_eq!(keys.open(stranger, &handle), None);
        assert_eq!(
            self::keys("another secret of enough length for tests").open(reader, &handle),
            None
        );
    }

    #[test]
    fn contexts_give_unlinkable_handles_and_one_context_a_stable_one() {
        let keys = keys("a secret of enough length for the tests here");
        let (reader, startup) = (Uuid::new_v4(), Uuid::new_v4());
        let first = keys.seal(reader, b"introduction 1", startup);
        assert_eq!(first, keys.seal(reader, b"introduction 1", startup));
        let second = keys.seal(reader, b"introduction 2", startup);
        assert_ne!(first, second);
        assert!(!second.as_str().contains(&startup.simple().to_string()));
    }

    #[test]
    fn an_altered_handle_opens_to_nothing() {
        let keys = keys("a secret of enough length for the tests here");
        let reader = Uuid::new_v4();
        let handle = keys.seal(reader, b"answer", Uuid::new_v4());
        let mut body = handle.body().to_owned().into_bytes();
        for position in [0, 20, 58] {
            let mut altered = body.clone();
            altered[position] = if altered[position] == b'A' {
                b'B'
            } else {
                b'A'
            };
            let altered = CardHandle::from_body(std::str::from_utf8(&altered).unwrap());
            assert_eq!(keys.open(reader, &altered), None, "position {position}");
        }
        body.truncate(10);
        assert_eq!(
            keys.open(
                reader,
                &CardHandle::from_body(std::str::from_utf8(&body).unwrap())
            ),
            None
        );
    }
}
