-- E-mail verification (docs/single-sign-on.md). A self-registered start-up
-- proves its address by a mailed link before it takes part in
-- introductions. Every account that exists already was made by an admin,
-- the seeder, the command line or an earlier registration, and counts as
-- verified from its creation.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
UPDATE users SET email_verified_at = created_at;

-- The link's token is 32 random bytes; only its SHA-256 is stored. It works
-- once (used_at) and for 48 hours (expires_at).
CREATE TABLE email_verification_tokens (
    token_hash bytea PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX email_verification_tokens_user_idx ON email_verification_tokens (user_id);
