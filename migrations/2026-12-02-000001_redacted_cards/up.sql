-- The redacted card (issue 11): the keywords as redacted as the description,
-- and the version of the redaction that wrote both, so that start-up redoes
-- every card written by an older redaction (or before this migration).
ALTER TABLE startups
    ADD COLUMN keywords_redacted text[] NOT NULL DEFAULT '{}',
    ADD COLUMN redaction_version integer NOT NULL DEFAULT 0;
