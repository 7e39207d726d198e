-- The audit trail: append-only. The CHECK list mirrors
-- domain::audit::AuditAction. No code path updates or deletes a row, and
-- the triggers below refuse it to every role, the table's owner included
-- (docs/architecture.md, "Audit trail", gives the grants for a server role
-- that cannot even drop them).
CREATE TABLE audit_events (
    id bigserial PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    -- who acted; null for an anonymous caller (a failed login with an
    -- unknown e-mail address) or the server itself (an expiry)
    actor_id uuid,
    action text NOT NULL CHECK (action IN (
        'login', 'login_failed', 'role_changed', 'user_vetted', 'user_unvetted',
        'user_disabled', 'user_enabled', 'vetted_challenge_viewed',
        'introduction_state_changed', 'contact_revealed', 'export')),
    subject_type text NOT NULL CHECK (subject_type IN (
        'user', 'challenge', 'introduction', 'export')),
    subject_id uuid,
    detail jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_events_occurred_idx ON audit_events (occurred_at);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, occurred_at);
CREATE INDEX audit_events_subject_idx ON audit_events (subject_id, occurred_at);

CREATE FUNCTION audit_events_are_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_are_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_are_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC;
