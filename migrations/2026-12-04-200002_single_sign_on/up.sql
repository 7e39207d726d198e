-- Single sign-on (docs/single-sign-on.md). A staff account may sign in
-- through the identity provider when the verified address the provider
-- vouches for is in its organisation's domain. NULL: no single sign-on.
ALTER TABLE organisations ADD COLUMN sso_email_domain text
    CHECK (sso_email_domain = lower(sso_email_domain)
           AND length(sso_email_domain) <= 253
           AND sso_email_domain ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$');

-- A sign-in under way: what the callback needs to finish it. The state in
-- the provider's redirect is 32 random bytes, stored as its SHA-256; the
-- row is deleted when the callback spends it, so a state works once, and
-- it works for ten minutes.
CREATE TABLE sso_logins (
    state_hash bytea PRIMARY KEY,
    code_verifier text NOT NULL,
    nonce text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
