-- The identity vault is sealed (AES-256-GCM) with a key derived from the key file, which
-- a copy of the database does not hold. sealed carries name, phone and account together;
-- the plaintext columns stay empty. Rows written before are sealed by the server when it
-- first starts with its key file (a migration cannot see the key).
ALTER TABLE appeal_identities ADD COLUMN sealed bytea;

-- Session tokens are signed with a key derived from the key file: a secret kept here would
-- let anyone holding a backup mint an administrator's token.
DELETE FROM settings WHERE key = 'jwt_secret';
