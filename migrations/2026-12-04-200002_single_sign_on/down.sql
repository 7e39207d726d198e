DROP TABLE sso_logins;
ALTER TABLE organisations DROP COLUMN sso_email_domain;
