-- Mail a person can act on, daily digests of saved searches, the calendar
-- feed, consent to the privacy notice and erasure (docs/privacy.md,
-- docs/accounts.md "Notification mail").

-- The language of the account's mail ('nl' or 'en'); when the privacy
-- notice was accepted; when the account was erased (its personal fields
-- are gone, the row stays so that introductions and audit rows keep an id).
ALTER TABLE users ADD COLUMN language text NOT NULL DEFAULT 'nl'
    CHECK (language IN ('nl', 'en'));
ALTER TABLE users ADD COLUMN privacy_accepted_at timestamptz;
ALTER TABLE users ADD COLUMN erased_at timestamptz;
-- The SHA-256 of the secret in the calendar feed's URL; a new one replaces
-- the old, so rotating kills the old URL.
ALTER TABLE users ADD COLUMN calendar_token_hash bytea UNIQUE;

-- A start-up organisation whose last member erased the account: kept for
-- the introductions it had, but out of lists, search and matches.
ALTER TABLE startups ADD COLUMN unlisted_at timestamptz;

-- The page a notification mail is about, as a path under DEFMATCH_PUBLIC_URL;
-- the sender adds the address and the unsubscribe link.
ALTER TABLE email_outbox ADD COLUMN link_path text;

-- Saved searches that send a daily digest.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'challenge_match', 'startup_match', 'region_match', 'deadline_reminder',
    'question_answered', 'saved_search_digest'));
ALTER TABLE notification_preferences DROP CONSTRAINT notification_preferences_kind_check;
ALTER TABLE notification_preferences ADD CONSTRAINT notification_preferences_kind_check CHECK (kind IN (
    'challenge_match', 'startup_match', 'region_match', 'deadline_reminder',
    'question_answered', 'saved_search_digest'));

-- An unsubscribe link: the SHA-256 of a random token, for one user and one
-- kind of notification. It works without logging in and does not expire
-- (mail is read late); it can only switch that kind's mail off.
CREATE TABLE unsubscribe_tokens (
    token_hash bytea PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN (
        'challenge_match', 'startup_match', 'region_match', 'deadline_reminder',
        'question_answered', 'saved_search_digest')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unsubscribe_tokens_user_idx ON unsubscribe_tokens (user_id);

-- 'daily': new challenges the search finds are mailed at most once a day.
ALTER TABLE saved_searches ADD COLUMN notify text NOT NULL DEFAULT 'never'
    CHECK (notify IN ('never', 'daily'));
-- When the last digest was made (the first run only records what the
-- search finds then, so that a digest holds what is new since opting in).
-- A table apart, so that a run never bumps the search's version.
CREATE TABLE saved_search_digest_runs (
    saved_search_id uuid PRIMARY KEY REFERENCES saved_searches (id) ON DELETE CASCADE,
    ran_at timestamptz NOT NULL
);
-- The challenges a search's digests have seen, so that each is mailed once.
CREATE TABLE saved_search_seen (
    saved_search_id uuid NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
    challenge_id uuid NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
    seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (saved_search_id, challenge_id)
);

ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check CHECK (action IN (
    'login', 'login_failed', 'role_changed', 'user_vetted', 'user_unvetted',
    'user_disabled', 'user_enabled', 'vetted_challenge_viewed',
    'introduction_state_changed', 'contact_revealed', 'export',
    'password_reset', 'password_changed',
    'invitation_sent', 'invitation_resent', 'invitation_revoked', 'invitation_accepted',
    'personal_data_exported', 'account_erased'));

-- The audit trail stays append-only, with one exception: erasing an
-- account may remove the personal keys (e-mail address, client address,
-- name) from the detail of rows; nothing else of a row can change, and rows
-- can still never be deleted.
CREATE OR REPLACE FUNCTION audit_events_are_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.id = OLD.id
       AND NEW.occurred_at = OLD.occurred_at
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.action = OLD.action
       AND NEW.subject_type = OLD.subject_type
       AND NEW.subject_id IS NOT DISTINCT FROM OLD.subject_id
       AND NEW.detail = OLD.detail - ARRAY['email', 'client_ip', 'display_name', 'name']
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
