-- Each outbox row carries the (top-level) transaction that wrote it. A
-- follower reads rows in transaction order and only below the oldest
-- transaction of this database still running, so a change that commits
-- after a later one is never passed over, and writers need no lock.
ALTER TABLE search_outbox
    ADD COLUMN transaction_id bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX search_outbox_transaction_idx ON search_outbox (transaction_id, id);
CREATE INDEX search_outbox_created_idx ON search_outbox (created_at);

-- Every search replica (one index directory of one server) records how far
-- it has applied the outbox, so that retention keeps what it still needs.
CREATE TABLE search_replicas (
    id uuid PRIMARY KEY,
    position bigint NOT NULL,
    index_dir text NOT NULL,
    last_seen timestamptz NOT NULL DEFAULT now()
);

-- How far retention has deleted the outbox: a replica whose position is
-- below it may have missed changes and rebuilds its index.
CREATE TABLE search_outbox_retention (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    deleted_through bigint NOT NULL DEFAULT 0
);
INSERT INTO search_outbox_retention DEFAULT VALUES;
