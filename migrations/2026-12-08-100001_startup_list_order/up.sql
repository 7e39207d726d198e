-- The start-up lists page through the listed profiles by name (for those
-- who see names) or by when they were made (for those who see anonymous
-- cards). Without an index in either order, every page sorted every listed
-- profile: 0.3 to 1 s a page at 100,000 start-ups.
CREATE INDEX startups_listed_by_name ON startups (name, id) WHERE unlisted_at IS NULL;
CREATE INDEX startups_listed_by_creation ON startups (created_at, id) WHERE unlisted_at IS NULL;
