-- Identifies this database, so that a search index built from another
-- database (a reset demo, a restored copy under the same name) is noticed
-- and rebuilt instead of being trusted with positions of another outbox.
CREATE TABLE database_identity (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    singleton boolean NOT NULL DEFAULT true UNIQUE CHECK (singleton)
);
INSERT INTO database_identity DEFAULT VALUES;
