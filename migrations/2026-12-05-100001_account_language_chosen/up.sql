-- When the person chose the account's language ('users.language') on the
-- account page or through the API. The column's default ('nl') is the mail's
-- default, not a choice: the pages follow the account's language only once
-- it was chosen, and the browser's Accept-Language before that.
ALTER TABLE users ADD COLUMN language_chosen_at timestamptz;
