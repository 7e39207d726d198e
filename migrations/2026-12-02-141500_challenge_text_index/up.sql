-- The plain `q` filter of the challenge list (GET /api/v1/challenges?q=,
-- app/text_filter.rs) finds text as typed in the title, summary, description
-- or keywords. Unindexed, that read every row (0.3-1 s at 16k challenges).
-- One trigram index over the four fields, joined by a character that no
-- filter can contain (control characters are cleaned out of `q`), lets
-- PostgreSQL answer the ILIKE from the index. pg_trgm is a trusted
-- extension: the database owner that migrates may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- IMMUTABLE: array_to_string is STABLE only because of arrays of types whose
-- text form depends on settings; for text[] the result never changes.
CREATE FUNCTION challenge_text(title text, summary text, description text, keywords text[])
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT title || E'\x1f' || summary || E'\x1f' || description || E'\x1f' || array_to_string(keywords, E'\x1f') $$;

CREATE INDEX challenges_text_trigram ON challenges
USING gin (challenge_text(title, summary, description, keywords) gin_trgm_ops);
