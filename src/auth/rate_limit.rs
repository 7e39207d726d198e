//! Login rate limiting per account and per client address, in memory.
//!
//! Each server process keeps its own counts; with N processes an attacker
//! gets at most N times the limit, which still stops password guessing.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::LoginLimits;

/// Sliding-window counters of login attempts.
pub struct LoginRateLimiter {
    limits: LoginLimits,
    failures_by_account: Mutex<HashMap<String, VecDeque<Instant>>>,
    attempts_by_ip: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// How long to wait before trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

impl LoginRateLimiter {
    /// A limiter with the given limits.
    pub fn new(limits: LoginLimits) -> Self {
        LoginRateLimiter {
            limits,
            failures_by_account: Mutex::new(HashMap::new()),
            attempts_by_ip: Mutex::new(HashMap::new()),
        }
    }

    /// Records an attempt from `ip` for `account` and says whether it may go ahead.
    pub fn check_attempt(&self, account: &str, ip: &str, now: Instant) -> Result<(), RetryAfter> {
        let window = self.limits.window;
        {
            let mut failures = lock(&self.failures_by_account);
            if let Some(times) = failures.get_mut(account) {
                prune(times, now, window);
                if times.len() >= self.limits.failures_per_account {
                    return Err(retry_after(times, now, window));
                }
            }
        }
        let mut attempts = lock(&self.attempts_by_ip);
        let times = attempts.entry(ip.to_owned()).or_default();
        prune(times, now, window);
        if times.len() >= self.limits.attempts_per_ip {
            return Err(retry_after(times, now, window));
        }
        times.push_back(now);
        Ok(())
    }

    /// Counts a failed attempt against `account`.
    pub fn record_failure(&self, account: &str, now: Instant) {
        let mut failures = lock(&self.failures_by_account);
        let times = failures.entry(account.to_owned()).or_default();
        prune(times, now, self.limits.window);
        times.push_back(now);
    }

    /// Forgets the failures of `account` after a successful login.
    pub fn record_success(&self, account: &str) {
        lock(&self.failures_by_account).remove(account);
    }
}

/// A poisoned lock only means another thread panicked mid-update of a
/// counter; the counts are still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn prune(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while times
        .front()
        .is_some_and(|oldest| now.duration_since(*oldest) >= window)
    {
        times.pop_front();
    }
}

fn retry_after(times: &VecDeque<Instant>, now: Instant, window: Duration) -> RetryAfter {
    let oldest = times.front().copied().unwrap_or(now);
    let wait = window.saturating_sub(now.duration_since(oldest));
    RetryAfter(wait.max(Duration::from_secs(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter() -> LoginRateLimiter {
        LoginRateLimiter::new(LoginLimits {
            failures_per_account: 2,
            attempts_per_ip: 4,
            window: Duration::from_secs(60),
        })
    }

    #[test]
    fn an_account_is_locked_after_repeated_failures_until_the_window_passes() {
        let limiter = limiter();
        let start = Instant::now();
        for _ in 0..2 {
            limiter.check_attempt("a@x.nl", "1.1.1.1", start).unwrap();
            limiter.record_failure("a@x.nl", start);
        }
        let refused = limiter
            .check_attempt("a@x.nl", "2.2.2.2", start)
            .unwrap_err();
        assert_eq!(refused.0, Duration::from_secs(60));
        assert!(limiter
            .check_attempt("a@x.nl", "2.2.2.2", start + Duration::from_secs(61))
            .is_ok());
    }

    #[test]
    fn an_address_is_limited_across_accounts() {
        let limiter = limiter();
        let now = Instant::now();
        for account in ["a", "b", "c", "d"] {
            limiter.check_attempt(account, "9.9.9.9", now).unwrap();
        }
        assert!(limiter.check_attempt("e", "9.9.9.9", now).is_err());
        assert!(limiter.check_attempt("e", "8.8.8.8", now).is_ok());
    }
}
