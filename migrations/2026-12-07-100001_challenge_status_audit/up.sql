-- A challenge's status change (published, opened, closed, awarded,
-- withdrawn) is accountable: who moved it, from what to what.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check CHECK (action IN (
    'login', 'login_failed', 'role_changed', 'user_vetted', 'user_unvetted',
    'user_disabled', 'user_enabled', 'vetted_challenge_viewed',
    'introduction_state_changed', 'contact_revealed', 'export',
    'password_reset', 'password_changed',
    'invitation_sent', 'invitation_resent', 'invitation_revoked', 'invitation_accepted',
    'personal_data_exported', 'account_erased',
    'match_marked', 'match_unmarked',
    'import',
    'challenge_status_changed'));
