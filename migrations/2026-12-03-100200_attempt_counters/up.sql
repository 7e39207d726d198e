-- Counters of the login limits and of the per-address limits on
-- registration and reset requests (docs/accounts.md). In PostgreSQL so
-- that every replica sees the same counts.
--   login_pair      key: sha256(account) '/' address; wrong passwords, with
--                   blocked_until growing after the free ones
--   login_address   key: address; failed logins only (successes never count)
--   registration, password_reset   key: address; every request
CREATE TABLE attempt_counters (
    scope text NOT NULL CHECK (scope IN ('login_pair', 'login_address', 'registration', 'password_reset')),
    key text NOT NULL,
    count integer NOT NULL,
    window_started_at timestamptz NOT NULL,
    blocked_until timestamptz,
    PRIMARY KEY (scope, key)
);
CREATE INDEX attempt_counters_window_idx ON attempt_counters (window_started_at);
