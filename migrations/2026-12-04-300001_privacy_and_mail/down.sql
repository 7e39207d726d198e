CREATE OR REPLACE FUNCTION audit_events_are_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check CHECK (action IN (
    'login', 'login_failed', 'role_changed', 'user_vetted', 'user_unvetted',
    'user_disabled', 'user_enabled', 'vetted_challenge_viewed',
    'introduction_state_changed', 'contact_revealed', 'export',
    'password_reset', 'password_changed',
    'invitation_sent', 'invitation_resent', 'invitation_revoked', 'invitation_accepted'));
DROP TABLE saved_search_seen;
DROP TABLE saved_search_digest_runs;
ALTER TABLE saved_searches DROP COLUMN notify;
DROP TABLE unsubscribe_tokens;
DELETE FROM notification_preferences WHERE kind = 'saved_search_digest';
DELETE FROM notifications WHERE kind = 'saved_search_digest';
ALTER TABLE notification_preferences DROP CONSTRAINT notification_preferences_kind_check;
ALTER TABLE notification_preferences ADD CONSTRAINT notification_preferences_kind_check CHECK (kind IN (
    'challenge_match', 'startup_match', 'region_match', 'deadline_reminder', 'question_answered'));
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'challenge_match', 'startup_match', 'region_match', 'deadline_reminder', 'question_answered'));
ALTER TABLE email_outbox DROP COLUMN link_path;
ALTER TABLE startups DROP COLUMN unlisted_at;
ALTER TABLE users DROP COLUMN calendar_token_hash;
ALTER TABLE users DROP COLUMN erased_at;
ALTER TABLE users DROP COLUMN privacy_accepted_at;
ALTER TABLE users DROP COLUMN language;
