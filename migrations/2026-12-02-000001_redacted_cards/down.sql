ALTER TABLE startups DROP COLUMN redaction_version, DROP COLUMN keywords_redacted;
