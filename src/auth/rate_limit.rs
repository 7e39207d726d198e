//! Login and request limits, counted in PostgreSQL
//! ([`crate::db::attempt_counters`]) so that they hold across replicas.
//!
//! - Wrong passwords slow down the pair (account, address): after
//!   `free_failures_per_pair` of them, each further attempt from that
//!   address for that account waits `first_delay`, doubling with every
//!   failure up to `window`. Another address is not slowed down, so a
//!   stranger cannot lock the owner out.
//! - Per address, only failed logins count (`failures_per_address` in a
//!   window): a whole office behind one address logs in freely.
//! - Registrations, reset requests and invitations count per address
//!   (`requests_per_address` in a window), successful or not.

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::LoginLimits;
use crate::db::attempt_counters;

/// How long to wait before trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

impl RetryAfter {
    /// Whole seconds, at least one (for `Retry-After`).
    pub fn seconds(self) -> u64 {
        self.0.as_secs_f64().ceil().max(1.0) as u64
    }
}

/// Requests limited per address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitedRequest {
    Registration,
    PasswordReset,
    /// Sending or resending an invitation.
    Invitation,
}

impl LimitedRequest {
    fn scope(self) -> &'static str {
        match self {
            LimitedRequest::Registration => "registration",
            LimitedRequest::PasswordReset => "password_reset",
            LimitedRequest::Invitation => "invitation",
        }
    }
}

const PAIR: &str = "login_pair";
const ADDRESS: &str = "login_address";

/// The counter key of (account, address); the account only as a hash, so
/// the table lists no e-mail addresses.
fn pair_key(account: &str, address: &str) -> String {
    format!(
        "{}/{address}",
        hex::encode(Sha256::digest(account.as_bytes()))
    )
}

fn window_of(limits: &LoginLimits) -> chrono::Duration {
    chrono::Duration::from_std(limits.window).unwrap_or_else(|_| chrono::Duration::minutes(15))
}

fn until(moment: DateTime<Utc>, now: DateTime<Utc>) -> RetryAfter {
    RetryAfter((moment - now).to_std().unwrap_or(Duration::from_secs(1)))
}

/// The wait after the `failures`-th wrong password of a pair: none for the
/// free ones, then `first_delay`, doubling, at most `window`.
pub fn pair_delay(limits: &LoginLimits, failures: u32) -> Option<Duration> {
    let beyond = failures.checked_sub(limits.free_failures_per_pair)?;
    let factor = 2_u32.saturating_pow(beyond.min(30));
    Some(limits.first_delay.saturating_mul(factor).min(limits.window))
}

/// Whether a login for `account` from `address` must wait, and how long.
pub fn login_wait(
    connection: &mut PgConnection,
    limits: &LoginLimits,
    account: &str,
    address: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<RetryAfter>> {
    if let Some(pair) = attempt_counters::find(connection, PAIR, &pair_key(account, address))? {
        if let Some(blocked_until) = pair.blocked_until.filter(|moment| *moment > now) {
            return Ok(Some(until(blocked_until, now)));
        }
    }
    if let Some(counter) = attempt_counters::find(connection, ADDRESS, address)? {
        let window_ends = counter.window_started_at + window_of(limits);
        if window_ends > now && counter.count >= limits.failures_per_address as i32 {
            return Ok(Some(until(window_ends, now)));
        }
    }
    Ok(None)
}

/// Counts a wrong password for `account` from `address`.
pub fn record_login_failure(
    connection: &mut PgConnection,
    limits: &LoginLimits,
    account: &str,
    address: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let cutoff = now - window_of(limits);
    let key = pair_key(account, address);
    let (failures, _) = attempt_counters::bump(connection, PAIR, &key, now, cutoff)?;
    if let Some(delay) = pair_delay(limits, failures.max(0) as u32) {
        let delay = chrono::Duration::from_std(delay).unwrap_or_else(|_| window_of(limits));
        attempt_counters::block_until(connection, PAIR, &key, now + delay)?;
    }
    attempt_counters::bump(connection, ADDRESS, address, now, cutoff)?;
    // Old counters are dead weight; sweeping on failures keeps the table small.
    attempt_counters::delete_stale(connection, cutoff - window_of(limits))?;
    Ok(())
}

/// A successful login forgets the failures of its pair (not of its address).
pub fn record_login_success(
    connection: &mut PgConnection,
    account: &str,
    address: &str,
) -> QueryResult<()> {
    attempt_counters::forget(connection, PAIR, &pair_key(account, address))
}

/// Counts a `request` from `address`; past the limit, how long to wait.
pub fn count_request(
    connection: &mut PgConnection,
    limits: &LoginLimits,
    request: LimitedRequest,
    address: &str,
    now: DateTime<Utc>,
) -> QueryResult<Result<(), RetryAfter>> {
    let window = window_of(limits);
    let (count, started) =
        attempt_counters::bump(connection, request.scope(), address, now, now - window)?;
    if count > limits.requests_per_address as i32 {
        return Ok(Err(until(started + window, now)));
    }
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_the_free_failures_and_double_up_to_the_window() {
        let limits = LoginLimits {
            free_failures_per_pair: 3,
            first_delay: Duration::from_secs(1),
            window: Duration::from_secs(60),
            ..LoginLimits::default()
        };
        let delays: Vec<Option<u64>> = (1..=10)
            .map(|failures| pair_delay(&limits, failures).map(|delay| delay.as_secs()))
            .collect();
        assert_eq!(
            delays,
            [
                None,
                None,
                Some(1),
                Some(2),
                Some(4),
                Some(8),
                Some(16),
                Some(32),
                Some(60),
                Some(60)
            ]
        );
        assert_eq!(pair_delay(&limits, u32::MAX), Some(Duration::from_secs(60)));
    }

    #[test]
    fn the_pair_key_hides_the_account() {
        let key = pair_key("anna@example.nl", "192.0.2.1");
        assert!(!key.contains("anna"));
        assert!(key.ends_with("/192.0.2.1"));
    }
}
