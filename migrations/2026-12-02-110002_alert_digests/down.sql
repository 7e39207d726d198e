DROP INDEX challenges_visible_by_update_idx;
DROP TABLE alert_digest_entries;
