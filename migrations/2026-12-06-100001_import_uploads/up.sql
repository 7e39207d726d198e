-- Files uploaded on the import page (/import), kept between the preview
-- and the confirmation so that exactly the previewed bytes are imported:
-- never a second upload, never content from the browser. An upload lives
-- one hour and is imported at most once (`confirmed_at`); after that only
-- its report of rejections is kept, until it expires.
CREATE TABLE import_uploads (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    uploaded_by uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('startups', 'challenges')),
    file_name text NOT NULL,
    sheet text,
    create_organisations boolean NOT NULL DEFAULT false,
    content bytea NOT NULL,
    sha256 bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    confirmed_at timestamptz,
    -- The rejections and ignored columns of the last preview or of the
    -- import, as `defmatch import --report` writes them.
    report_csv bytea
);

CREATE INDEX import_uploads_by_expiry ON import_uploads (expires_at);
CREATE INDEX import_uploads_by_uploader ON import_uploads (uploaded_by);

ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check CHECK (action IN (
    'login', 'login_failed', 'role_changed', 'user_vetted', 'user_unvetted',
    'user_disabled', 'user_enabled', 'vetted_challenge_viewed',
    'introduction_state_changed', 'contact_revealed', 'export',
    'password_reset', 'password_changed',
    'invitation_sent', 'invitation_resent', 'invitation_revoked', 'invitation_accepted',
    'personal_data_exported', 'account_erased',
    'match_marked', 'match_unmarked',
    'import'));
ALTER TABLE audit_events DROP CONSTRAINT audit_events_subject_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_subject_type_check CHECK (subject_type IN (
    'user', 'challenge', 'introduction', 'export', 'invitation', 'import'));
