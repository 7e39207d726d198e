-- Saved searches: a query string of the search endpoint of `target`,
-- checked by the same parser when saved, run through that endpoint.
CREATE TABLE saved_searches (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target text NOT NULL CHECK (target IN ('challenges', 'startups')),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    query text NOT NULL CHECK (length(query) <= 2000),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1
);
CREATE INDEX saved_searches_user_idx ON saved_searches (user_id, created_at);
CREATE TRIGGER saved_searches_touch BEFORE UPDATE ON saved_searches
    FOR EACH ROW EXECUTE FUNCTION touch_row();
