ALTER TABLE users DROP COLUMN language_chosen_at;
