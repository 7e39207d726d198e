DROP TABLE search_outbox_retention;
DROP TABLE search_replicas;
DROP INDEX search_outbox_created_idx;
DROP INDEX search_outbox_transaction_idx;
ALTER TABLE search_outbox DROP COLUMN transaction_id;
