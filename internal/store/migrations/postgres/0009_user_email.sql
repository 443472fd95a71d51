-- +goose Up
-- An optional e-mail address for notifications, kept like the phone (R-SEC-01): SM4-GCM
-- encrypted by the service (email_enc, NULL when the user has none) and masked for lists
-- (email_masked, '' when none). No index: nobody is looked up by address.
ALTER TABLE users ADD COLUMN email_enc BYTEA;
ALTER TABLE users ADD COLUMN email_masked TEXT NOT NULL DEFAULT '';

-- +goose Down
SELECT 1;
